"""The Home page: the tour's start, the ready model's numbers, the interactive beat check and four lessons."""

from __future__ import annotations

import streamlit as st

from ui.browser_prefetch import load_other_pages_code_when_idle
from ui.current_model import default_model
from ui.home.inference import render_inference
from ui.home.intro import render_intro, render_ready_model
from ui.ready_sweeps import render_ready_sweep_links
from ui.sharing.lessons import render_lesson_links
from ui.tour import render_tour_start, tour_step


def render_home_page() -> None:
    """The tour's start button, headline numbers, the interactive beat check and the four lessons."""
    if tour_step() is None:
        render_tour_start()
    model = default_model()
    render_ready_model(model)
    render_inference(model)
    st.divider()
    render_intro(model)
    st.divider()
    render_lesson_links()
    render_ready_sweep_links("home")
    load_other_pages_code_when_idle()  # the code of elements the other pages use and this one does not
