"""Anomaly Lab: `streamlit run app.py`. Page config, navigation and the sidebar model card."""

import streamlit as st

from ui.screen_fit import add_screen_fit
from ui.sharing.classroom import render_lesson_card, render_lesson_question
from ui.sharing.links import apply_link_params, render_link_notice
from ui.sidebar import render_model_card
from ui.tour import open_pending_tour_page, render_tour_bar

st.set_page_config(page_title="Anomaly Lab", page_icon="🫀", layout="wide")

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
add_screen_fit()
open_pending_tour_page()  # a tour button asked for the next step's page
apply_link_params()  # a shared or lesson link replaces the settings before the page reads them
render_link_notice()
render_model_card()
render_lesson_card()
render_lesson_question()
render_tour_bar()
navigation.run()
