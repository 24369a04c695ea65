"""Data: the ECG5000 heartbeats, their five classes, how they are scaled and split for training."""

import streamlit as st

from ui.data_explore import render_bands, render_browser, render_overview
from ui.data_split import current_split, render_composition, render_scaling
from ui.entry import ensure_app_entry
from ui.state import ecg_data

ensure_app_entry()


def render_data() -> None:
    """Classes and counts, a beat browser, the browsed beat raw and scaled, class bands, and the current split."""
    data = ecg_data()
    split, problem = current_split()
    render_overview(data)
    row = render_browser(data)
    render_scaling(data, row, split)
    render_bands(data)
    render_composition(split, problem)


st.title("The data: ECG5000 heartbeats")
st.markdown(
    "Every example in this lab is one real heartbeat: 140 numbers that trace the voltage of the heart through one beat. "
    "Most beats are normal; the model learns from normal beats only and must spot the other four classes by itself."
)
render_data()
