"""Floor Train: a button that sets a metric."""

import streamlit as st

st.title("Train")
if st.button("Train", key="train"):
    st.session_state["auc"] = 0.98
if "auc" in st.session_state:
    st.metric("AUC", st.session_state["auc"])
