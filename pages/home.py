"""Home: the ready model at work on real heartbeats, how it works, and a guided 3-minute demo."""

import streamlit as st

from ui.entry import ensure_app_entry
from ui.home_demo import open_pending_demo_page, render_demo
from ui.home_inference import render_inference
from ui.home_intro import render_intro, render_ready_model
from ui.lessons import render_lesson_links
from ui.state import default_model

ensure_app_entry()


def render_home() -> None:
    """Headline numbers, the interactive beat check, the four lessons and the guided demo."""
    open_pending_demo_page()
    model = default_model()
    render_ready_model(model)
    render_inference(model)
    st.divider()
    render_intro(model)
    st.divider()
    render_demo()
    st.divider()
    render_lesson_links()


st.title("Anomaly Lab")
st.markdown(
    "An autoencoder learns to rebuild normal heartbeats, so a beat it cannot rebuild well is probably abnormal. "
    "The ready model below was trained on real ECG5000 beats: try it on any test beat, then train your own."
)
render_home()
