"""Sweep page: train a grid of settings × seeds and see a lesson as a curve."""

import streamlit as st

from ui.entry import ensure_app_entry
from ui.sweep.view import render_sweep_page

ensure_app_entry()

st.title("Sweep settings")
st.markdown(
    "Does a setting really move the result, or was one run lucky? Pick one or two settings and their values: every "
    "combination is trained with several seeds, and the curve shows the mean with the spread over seeds as error bars."
)
render_sweep_page()
