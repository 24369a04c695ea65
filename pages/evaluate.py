"""Evaluate page: move the threshold and watch precision, recall, ROC and PR follow."""

import streamlit as st

from ui.entry import ensure_app_entry
from ui.evaluate.view import render_evaluate_page

ensure_app_entry()

st.title("Evaluate")
st.markdown(
    "An autoencoder gives every beat a reconstruction error; a **threshold** turns errors into alarms. "
    "Raise it and you miss anomalies (lower recall), lower it and normal beats raise false alarms (lower precision)."
)
render_evaluate_page()
