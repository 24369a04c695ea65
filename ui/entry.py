"""Make a page opened by its own URL still run through app.py, whatever other sessions of the server did.

Streamlit runs the first script after a server start in its old `pages/`-folder mode, and stays in it
until some run calls `st.navigation`. A lesson link such as `/train?...` opened first would then run
`pages/train.py` alone: no session token, no sidebar card, no link settings. That mode is one switch for the
whole server, so a session cannot tell from it whether its own run came through app.py. app.py therefore marks
the runs it makes (`app_run`), and a page run without the mark reruns once, which goes through app.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

APP_RUN_KEY = "app_entry_running"  # True while app.py runs the page
RERUN_KEY = "app_entry_rerun"  # this session already reran once to get through app.py


@contextmanager
def app_run() -> Iterator[None]:
    """app.py: mark the page run it makes (the page then knows it came through app.py)."""
    st.session_state[APP_RUN_KEY] = True
    try:
        yield
    finally:
        st.session_state[APP_RUN_KEY] = False


def ensure_app_entry() -> None:
    """Rerun through app.py when this page runs alone (old pages-folder mode, or a run that started in it)."""
    if st.session_state.get(APP_RUN_KEY):
        return
    if PagesManager.uses_pages_directory or not st.session_state.get(RERUN_KEY):
        PagesManager.uses_pages_directory = False
        st.session_state[RERUN_KEY] = True  # once: a page run alone on purpose (a test) then draws as it is
        st.rerun()
