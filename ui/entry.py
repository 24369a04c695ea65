"""Make a page opened by its own URL still run through app.py, whatever other sessions of the server did.

Streamlit runs the first script after a server start in its old `pages/`-folder mode, and stays in it
until some run calls `st.navigation`. A lesson link such as `/train?...` opened first would then run
`pages/train.py` alone: no session token, no sidebar card, no link settings. That mode is one switch for the
whole server, and other sessions may have run a page alone before one of them switched it off; so a session
that has no token yet (app.py never ran for it) reruns once too, which goes through app.py.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui.access import access_granted
from ui.runs import TOKEN_KEY

RERUN_KEY = "app_entry_rerun"  # this session already reran once to get through app.py


def ensure_app_entry() -> None:
    """Rerun through app.py when this page runs alone (old pages-folder mode, or a session app.py never saw)."""
    never_through_app = st.session_state.get(TOKEN_KEY) is None and not st.session_state.get(RERUN_KEY)
    if PagesManager.uses_pages_directory or never_through_app:
        PagesManager.uses_pages_directory = False
        st.session_state[RERUN_KEY] = True  # once: a page run alone on purpose (a test) then draws as it is
        st.rerun()
    if not access_granted():  # a workshop's code was not entered: no page runs alone either
        st.stop()
