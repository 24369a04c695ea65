"""Evaluate page: move the threshold and watch precision, recall, ROC and PR follow."""

import streamlit as st

from ui.entry import ensure_app_entry
from ui.evaluate_controls import evaluation_for, setdefault_keys
from ui.evaluate_panels import render_gallery, render_threshold_panel, setdefault_panel_keys
from ui.state import active_model

ensure_app_entry()


def render_evaluate_page() -> None:
    """Say which model is shown, then the threshold panel and the gallery of the most anomalous beats."""
    setdefault_keys()
    setdefault_panel_keys()
    model = active_model()
    if model.is_default:
        st.info(f"Showing the **{model.name}** ({model.epochs} epochs). Train your own on the Train page to evaluate it here.")
    else:
        st.success(f"Showing your trained model **{model.name}** ({model.epochs} epochs).")
    try:
        evaluation = evaluation_for(model)
    except ValueError as error:
        st.warning(f"This model's test set cannot be evaluated: {error}. Choose a larger test size on the Train page.")
        st.stop()
    render_threshold_panel(evaluation)
    render_gallery(evaluation)


st.title("Evaluate")
st.markdown(
    "An autoencoder gives every beat a reconstruction error; a **threshold** turns errors into alarms. "
    "Raise it and you miss anomalies (lower recall), lower it and normal beats raise false alarms (lower precision)."
)
render_evaluate_page()
