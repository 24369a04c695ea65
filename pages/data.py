"""Data: choose the dataset (ECG5000 by default), see its classes, how its rows are scaled and split for training."""

import streamlit as st

from ui.data.view import render_data_page
from ui.entry import ensure_app_entry

ensure_app_entry()

st.title("The data: ECG5000 and other datasets")
st.markdown(
    "Every example is one row of numbers: by default a real heartbeat of ECG5000, 140 numbers that trace the heart's "
    "voltage through one beat. The model learns from normal rows only and must spot the others by itself."
)
render_data_page()
