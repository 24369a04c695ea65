"""Home: the ready model at work on real heartbeats, how it works, and a guided 3-minute demo."""

import streamlit as st

from ui.entry import ensure_app_entry
from ui.home.view import render_home_page

ensure_app_entry()

st.title("Anomaly Lab")
st.markdown(
    "An autoencoder learns to rebuild normal heartbeats, so a beat it cannot rebuild well is probably abnormal. "
    "The ready model below was trained on real ECG5000 beats: try it on any test beat, then train your own."
)
render_home_page()
