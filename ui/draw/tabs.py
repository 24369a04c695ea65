"""The Draw page's two ways to make a beat: draw it with the mouse, or bend a real test beat with sliders."""

from __future__ import annotations

import streamlit as st

from anomaly_core import BeatEdits, apply_edits
from anomaly_core.drawing import MIN_COVERAGE
from ui.current_model import ActiveModel
from ui.draw.canvas import canvas_frame, choose_test_beat, render_bend_controls, render_canvas
from ui.draw.gallery import render_save_button
from ui.draw.scoring import render_verdict


def render_draw_tab(current: ActiveModel, threshold: float) -> None:
    """Canvas with a grid and an optional guide beat; once enough is drawn, the verdict."""
    frame = canvas_frame(current)
    guide, _ = choose_test_beat(current, "draw_guide", allow_none=True)
    st.caption(
        f"Draw one heartbeat from left to right: {frame.length} time steps across, values {frame.low:+.0f} to "
        f"{frame.high:+.0f} (the data's original units) up the side. Undo, redo and reset sit in the canvas toolbar."
    )
    drawn = render_canvas(frame, guide)
    if drawn is None:
        st.info("The canvas is empty: draw a heartbeat on it to see how the model scores it.")
        return
    if not drawn.is_enough:
        st.warning(
            f"Your drawing covers {drawn.coverage:.0%} of the width. Draw across at least {MIN_COVERAGE:.0%} of it "
            "(a whole beat is best): the gaps are filled with straight lines, so a short stroke says little."
        )
        return
    render_verdict(current, drawn.values, threshold, key="draw_drawn")
    render_save_button("drawing", drawn.values, key="draw_save_drawn")


def render_bend_tab(current: ActiveModel, threshold: float) -> None:
    """A chosen test beat, bent by the sliders and scored live: no mouse needed."""
    beat, name = choose_test_beat(current, "draw_bend_beat")
    assert beat is not None  # only the guide choice may be "none"
    edits = render_bend_controls(current.config.input_length)
    bent = apply_edits(beat, edits)
    changed = edits != BeatEdits()
    render_verdict(current, bent, threshold, key="draw_bent")
    render_save_button(f"{name}{' (bent)' if changed else ''}", bent, key="draw_save_bent")
