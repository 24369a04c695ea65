"""Run the page; if it fails on a model the learner brought (trained, uploaded), say so and offer the ready model.

The ready model is tested with every page, so a failure with it is a bug and is raised as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from ui.current_model import active_model, set_active_model
from ui.run_models import forget_current_run

BACK_KEY = "back_to_ready_model"
_log = logging.getLogger(__name__)


def run_page(page: StreamlitPage) -> None:
    """`page.run()`, with a clear message and a way back when the session's own model breaks it."""
    guard_model(page.run, page.title)


def guard_model(render: Callable[[], None], where: str, *, key: str = BACK_KEY) -> None:
    """`render()`, with the same message and way back; a fragment's body needs its own guard (Streamlit shows a
    fragment's exception itself before the page's guard could), and a fragment nested in a guarded one its own `key`."""
    try:
        render()
    except Exception as error:  # Streamlit's rerun and stop derive from BaseException and pass through
        current = active_model()
        if current.is_default:
            raise
        _log.exception("%s failed with the model %r", where, current.name)
        st.error(
            f"This page could not use the current model, {current.name} ({type(error).__name__}: {str(error)[:160]}). "
            "Go back to the ready model, or choose another model; the other pages keep working."
        )
        st.button("Back to the ready model", key=key, on_click=_back_to_ready_model)


def _back_to_ready_model() -> None:
    set_active_model(None)
    forget_current_run()
