"""Data: the ECG5000 heartbeats, their five classes, how they are scaled and split for training."""

import streamlit as st

from ui.data.view import render_data_page
from ui.entry import ensure_app_entry

ensure_app_entry()

st.title("The data: ECG5000 heartbeats")
st.markdown(
    "Every example in this lab is one real heartbeat: 140 numbers that trace the voltage of the heart through one beat. "
    "Most beats are normal; the model learns from normal beats only and must spot the other four classes by itself."
)
render_data_page()
