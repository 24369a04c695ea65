"""Floor Evaluate: one slider → two metrics."""

import streamlit as st

st.title("Evaluate")
threshold = st.slider("Threshold", 0.0, 1.0, 0.5, 0.01, key="thr")
st.metric("Precision", f"{threshold:.2f}")
st.metric("Recall", f"{1 - threshold:.2f}")
