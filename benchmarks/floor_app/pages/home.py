"""Floor Home: one metric."""

import streamlit as st

st.title("Home")
st.metric("Default model AUC", "0.985")
