"""The Draw page: the threshold, then four tabs — draw, bend a test beat, the gallery, and scoring a CSV."""

from __future__ import annotations

import streamlit as st

from anomaly_core import Dataset
from ui.current_model import ActiveModel, active_model
from ui.dataset_choice import other_dataset_note
from ui.datasets import dataset_of
from ui.draw.digit_pad import render_digit_pad
from ui.draw.gallery import render_bulk, render_gallery
from ui.draw.scoring import render_threshold
from ui.draw.tabs import render_bend_tab, render_draw_tab
from ui.model_guard import guard_model


def render_draw_page() -> None:
    """Which model scores, then the threshold and the four tabs."""
    current = active_model()
    st.caption(f"Scoring with **{current.name}**.")
    note = other_dataset_note(current)
    if note:
        st.warning(note)
    render_draw_panel(current)


@st.fragment
def render_draw_panel(current: ActiveModel) -> None:
    """Threshold, then the tabs (beats: draw, bend a test beat, the gallery, scoring a CSV; digits: the pad and a CSV);
    a slider move, a stroke or a bend reruns only this, not the whole app."""
    guard_model(lambda: _render_panel(current), "the Draw panel")


def _render_panel(current: ActiveModel) -> None:
    threshold = render_threshold(current)
    dataset = dataset_of(current.split.config)
    if dataset.kind == "images":  # digits: a pad to draw one, and CSV scoring
        _render_image_tabs(current, dataset, threshold)
        return
    draw, bend, saved, bulk = st.tabs(
        [
            ":material/draw: Draw a beat",
            ":material/tune: Bend a test beat",
            ":material/collections: Gallery",
            ":material/upload_file: Score a CSV",
        ]
    )
    with draw:
        render_draw_tab(current, threshold)
    with bend:
        render_bend_tab(current, threshold)
    with saved:
        render_gallery(current, threshold)
    with bulk:
        render_bulk(current, threshold)


def _render_image_tabs(current: ActiveModel, dataset: Dataset, threshold: float) -> None:
    pad, bulk = st.tabs([":material/draw: Draw a digit", ":material/upload_file: Score a CSV"])
    with pad:
        render_digit_pad(current, dataset, threshold)
    with bulk:
        render_bulk(current, threshold)
