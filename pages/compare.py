"""Compare page (being built)."""

import streamlit as st

from ui.entry import ensure_app_entry

ensure_app_entry()

st.title("Compare")
st.info("This page is being built.")
