"""Make a page opened by its own URL on a fresh server still run through app.py.

Streamlit runs the first script after a server start in its old `pages/`-folder mode, and stays in it
until some run calls `st.navigation`. A lesson link such as `/train?...` opened first would then run
`pages/train.py` alone: no sidebar card, no link settings. Each page calls `ensure_app_entry()` first;
in that mode it switches the mode off and reruns, so app.py runs and opens the requested page.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_app_entry() -> None:
    """Rerun through app.py when Streamlit ran this page directly in its old pages-folder mode."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
