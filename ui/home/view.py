"""The Home page: the ready model's numbers, the interactive beat check, four lessons and the guided demo."""

from __future__ import annotations

import streamlit as st

from ui.current_model import default_model
from ui.home.demo import open_pending_demo_page, render_demo
from ui.home.inference import render_inference
from ui.home.intro import render_intro, render_ready_model
from ui.ready_sweeps import render_ready_sweep_links
from ui.sharing.lessons import render_lesson_links


def render_home_page() -> None:
    """Headline numbers, the interactive beat check, the four lessons and the guided demo."""
    open_pending_demo_page()
    model = default_model()
    render_ready_model(model)
    render_inference(model)
    st.divider()
    render_intro(model)
    st.divider()
    render_demo()
    st.divider()
    render_lesson_links()
    render_ready_sweep_links("home")
