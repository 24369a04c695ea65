"""Anomaly Lab: `streamlit run app.py`. Page config, navigation and the sidebar model card."""

import streamlit as st

from ui.sidebar import render_model_card

st.set_page_config(page_title="Anomaly Lab", page_icon="🫀", layout="wide")

pages = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/data.py", title="Data", icon="📈"),
    st.Page("pages/train.py", title="Train", icon="🏋️"),
    st.Page("pages/evaluate.py", title="Evaluate", icon="🎚️"),
    st.Page("pages/draw.py", title="Draw", icon="✏️"),
    st.Page("pages/compare.py", title="Compare", icon="🏁"),
]
navigation = st.navigation(pages)
render_model_card()
navigation.run()
