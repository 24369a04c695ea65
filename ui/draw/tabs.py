"""The Draw page's two ways to make a beat: draw it with the mouse, or bend a real test beat with sliders."""

from __future__ import annotations

import numpy as np
import streamlit as st

from anomaly_core import BeatEdits, CanvasFrame, DrawnSignal, apply_edits
from anomaly_core.drawing import MIN_COVERAGE
from ui.current_model import ActiveModel
from ui.draw.canvas import canvas_frame, choose_test_beat, render_bend_controls, render_canvas
from ui.draw.canvas_hooks import column_width
from ui.draw.gallery import render_save_button, save_to_gallery
from ui.draw.scoring import BeatScore, render_explanation, render_headline, render_verdict, scored_beat
from ui.model_guard import guard_model
from ui.paint_first import paint_first

BENT_KEY = "draw_bent_shown"  # (name, values) of the bent beat on screen: what its save button keeps


def render_draw_tab(current: ActiveModel, threshold: float) -> None:
    """Guide chooser, then the verdict right above the canvas (in view as a stroke ends), then the charts below."""
    width = column_width()
    frame = canvas_frame(current, width)
    guide, _ = choose_test_beat(current, "draw_guide", allow_none=True)
    st.caption(
        f"Draw one heartbeat from left to right: {frame.length} time steps across, values {frame.low:+.0f} to "
        f"{frame.high:+.0f} (the data's original units) up the side. Ctrl+Z undoes the last stroke; the toolbar "
        "on the canvas also has Undo, Redo, Edit (move or delete a stroke) and Send (update the app now)."
    )
    verdict_slot = st.container(key="draw_verdict_slot")
    drawn = _render_fitted_canvas(frame, guide, width)
    with verdict_slot:
        result = _render_drawn_verdict(current, drawn, threshold)
    if result is not None:
        paint_first()
        render_explanation(current, result, threshold, key="draw_drawn")
        render_save_button("drawing", result.signal, key="draw_save_drawn")


def _render_fitted_canvas(frame: CanvasFrame, guide: np.ndarray | None, width: int | None) -> DrawnSignal | None:
    """The canvas once the browser has reported the column's width (one drawn before would be replaced, losing the
    first stroke); until then, a moment, a line saying so."""
    if width is None:
        with st.container(key="draw_canvas_fitting"):
            st.caption("Fitting the canvas to this screen…")
        return None
    with st.container(key="draw_canvas_fitted"):
        # The canvas's own height, held while its stylesheet loads: until then its toolbar takes room below it, and
        # the page shrinking by that much a moment later moved a canvas scrolled to the page's end under the finger.
        host = '.st-key-draw_canvas_fitted [data-testid="stBidiComponentIsolated"]'
        st.html(f"<style>{host} {{ height: {frame.height}px; }}</style>")
        return render_canvas(frame, guide)


def _render_drawn_verdict(current: ActiveModel, drawn: DrawnSignal | None, threshold: float) -> BeatScore | None:
    """The verdict row above the canvas, or what to do first; the scored beat when there is one."""
    if drawn is None:
        st.info("The canvas is empty: draw a heartbeat on it to see how the model scores it.")
        return None
    if not drawn.is_enough:
        st.warning(
            f"Your drawing covers {drawn.coverage:.0%} of the width. Draw across at least {MIN_COVERAGE:.0%} of it "
            "(a whole beat is best): the gaps are filled with straight lines, so a short stroke says little."
        )
        return None
    result = scored_beat(current, drawn.values)
    render_headline(result, threshold, key="draw_drawn")
    st.caption(f"Your stroke covers {drawn.coverage:.0%} of the {frame_length(drawn)} time steps.")
    return result


def frame_length(drawn: DrawnSignal) -> int:
    """How many time steps the drawn beat has."""
    return int(drawn.values.size)


def render_bend_tab(current: ActiveModel, threshold: float) -> None:
    """The bent beat scored live (a bend reruns only that), then its save button: a save reruns the whole panel, the
    gallery tab with it, so the "Saved … to the gallery." toast shows beside the new row."""
    render_bent_beat(current, threshold)
    st.button("Save to gallery", key="draw_save_bent", on_click=save_shown_bent, icon=":material/bookmark_add:")


@st.fragment
def render_bent_beat(current: ActiveModel, threshold: float) -> None:
    """A chosen test beat, bent by the sliders and scored live; a bend reruns only this."""
    guard_model(lambda: _render_bent_beat(current, threshold), "the bend tab", key="back_to_ready_model_bend")


def _render_bent_beat(current: ActiveModel, threshold: float) -> None:
    """A chosen test beat, bent by the sliders and scored live: no mouse needed; kept for its save button."""
    beat, name = choose_test_beat(current, "draw_bend_beat")
    assert beat is not None  # only the guide choice may be "none"
    edits = render_bend_controls(current.config.input_length)
    bent = apply_edits(beat, edits)
    st.session_state[BENT_KEY] = (f"{name}{' (bent)' if edits != BeatEdits() else ''}", bent)
    render_verdict(current, bent, threshold, key="draw_bent")


def save_shown_bent() -> None:
    """Callback: save the bent beat on screen (its name and values as the bend tab last drew them) to the gallery."""
    name, bent = st.session_state[BENT_KEY]
    save_to_gallery(name, bent)
