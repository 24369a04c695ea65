"""The Evaluate page: which model is shown, the threshold panel and the gallery of the most anomalous beats."""

from __future__ import annotations

import streamlit as st

from ui.current_model import active_model
from ui.dataset_choice import NEEDS_LABELS, other_dataset_note
from ui.evaluate.controls import evaluation_for, setdefault_keys
from ui.evaluate.dataset_views import render_image_views
from ui.evaluate.panels import render_gallery, render_threshold_panel, setdefault_panel_keys


def render_evaluate_page() -> None:
    """Say which model is shown, then the threshold panel and the gallery of the most anomalous beats."""
    setdefault_keys()
    setdefault_panel_keys()
    model = active_model()
    if model.is_default:
        st.info(f"Showing the **{model.name}** ({model.epochs} epochs). Train your own on the Train page to evaluate it here.")
    else:
        st.success(f"Showing your trained model **{model.name}** ({model.epochs} epochs).")
    note = other_dataset_note(model)
    if note:
        st.warning(note)
    try:
        evaluation = evaluation_for(model)
    except ValueError as error:
        if not model.split.y_test.any():  # a CSV without labels
            st.info(NEEDS_LABELS)
            st.stop()
        st.warning(f"This model's test set cannot be evaluated: {error}. Choose a larger test size on the Train page.")
        st.stop()
    render_threshold_panel(evaluation)
    render_gallery(evaluation)
    render_image_views(evaluation, model)
