"""Anomaly Lab: `streamlit run app.py`. Page config, navigation and the sidebar model card."""

import streamlit as st

from anomaly_core import configure_threads
from ui.classroom import render_lesson_card
from ui.share import apply_link_params, render_link_notice
from ui.sidebar import render_model_card

st.set_page_config(page_title="Anomaly Lab", page_icon="🫀", layout="wide")


@st.cache_resource(show_spinner=False)
def configure_server() -> None:
    """Once per server, before any training: torch's thread policy (process-wide)."""
    configure_threads()


configure_server()

pages = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/data.py", title="Data", icon="📈"),
    st.Page("pages/train.py", title="Train", icon="🏋️"),
    st.Page("pages/evaluate.py", title="Evaluate", icon="🎚️"),
    st.Page("pages/draw.py", title="Draw", icon="✏️"),
    st.Page("pages/compare.py", title="Compare", icon="🏁"),
    st.Page("pages/teacher.py", title="Teacher", icon="🧑‍🏫"),
]
navigation = st.navigation(pages)
apply_link_params()  # a shared or lesson link replaces the settings before the page reads them
render_link_notice()
render_model_card()
render_lesson_card()
navigation.run()
