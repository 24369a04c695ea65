"""Teacher page: turn settings, hidden or locked controls and a lesson text into one link for a class."""

import streamlit as st

from ui.entry import ensure_app_entry
from ui.teacher.view import render_teacher_page

ensure_app_entry()

st.title("Teacher")
st.markdown(
    "Prepare a lesson: choose the starting settings, which Train controls learners may change, and the question "
    "they should answer. Everything goes into one link: learners who open it see only what the lesson needs."
)
render_teacher_page()
