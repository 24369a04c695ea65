"""Anomaly Lab: `streamlit run app.py`. Page config, navigation and the sidebar model card."""

import gc

import streamlit as st

from anomaly_core import configure_threads
from ui.access import access_granted, guard_server, render_access_gate
from ui.baseline_fits import prefetch_ready_baselines
from ui.model_guard import run_page
from ui.screen_fit import add_screen_fit
from ui.session_memory import adopt_settled_run, save_session, start_session
from ui.sharing.classroom import render_lesson_card, render_lesson_question
from ui.sharing.links import apply_link_params, render_link_notice
from ui.sidebar import render_model_card
from ui.tour import open_pending_tour_page, render_tour_bar

st.set_page_config(page_title="Anomaly Lab", page_icon="🫀", layout="wide")


@st.cache_resource(show_spinner=False)
def configure_server() -> None:
    """Once per server, before any training: torch's thread policy (process-wide), and the libraries imported so far
    (torch, pandas, plotly: never garbage) moved out of the garbage collector's sight, so its full passes stay short."""
    configure_threads()
    gc.freeze()


configure_server()
guard_server()  # a server that lost its own settings (every interface, larger uploads) serves no page

pages = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/data.py", title="Data", icon="📈"),
    st.Page("pages/train.py", title="Train", icon="🏋️"),
    st.Page("pages/evaluate.py", title="Evaluate", icon="🎚️"),
    st.Page("pages/draw.py", title="Draw", icon="✏️"),
    st.Page("pages/compare.py", title="Compare", icon="🏁"),
    st.Page("pages/sweep.py", title="Sweep", icon="📊"),
    st.Page("pages/teacher.py", title="Teacher", icon="🧑‍🏫"),
]
locked = not access_granted()  # a workshop's access code: nothing of the session exists before it is entered
navigation = st.navigation(pages, position="hidden" if locked else "sidebar")
add_screen_fit()
render_access_gate()  # stops here until the code is right
start_session()  # this browser session's token: a reload or a new tab with the same address reopens its runs
open_pending_tour_page()  # a tour button asked for the next step's page
apply_link_params()  # a shared or lesson link replaces the settings before the page reads them
render_link_notice()
adopt_settled_run()  # a run that ended (even while the learner was away) becomes the current model
render_model_card()
render_lesson_card()
render_lesson_question()
render_tour_bar()
prefetch_ready_baselines()  # Compare's baselines, fitted apart a little after the first page
try:
    run_page(navigation)  # a page that fails on the learner's own model says so and offers the ready model
finally:
    save_session()  # settings, lesson, current model: in the store before the next reload can need them
