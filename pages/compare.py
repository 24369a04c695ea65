"""Compare page: every model trained in this session against classical baselines on the same data split."""

import streamlit as st

from ui.compare.view import render_compare_page
from ui.entry import ensure_app_entry

ensure_app_entry()

st.title("Compare models")
st.markdown(
    "Is a deep model even better than the simple methods? Every model you trained and four classical detectors "
    "(fitted on the same training beats) are scored on the same test beats, so their numbers can be compared side by side. "
    "Look for the model that catches the most abnormal beats at few false alarms — and at what cost in time and size."
)
render_compare_page()
