"""The ready-made lesson sweeps as buttons other pages show (Home's lessons, Teacher): a click opens the Sweep
page with that sweep's settings filled in."""

from __future__ import annotations

import streamlit as st

from anomaly_core.sweeps import READY_SWEEPS

CHOSEN_KEY = "ready_sweep_choice"  # the ready-made sweep the Sweep page should fill in next (read once)
SWEEP_PAGE = "pages/sweep.py"


def chosen_ready_sweep() -> str | None:
    """The ready-made sweep picked on another page, forgotten once read."""
    return st.session_state.pop(CHOSEN_KEY, None)


def render_ready_sweep_button(key: str, *, where: str) -> None:
    """A button 'See it as a curve: <title>' that opens the Sweep page with the ready-made sweep `key`."""
    sweep = READY_SWEEPS[key]
    label = f"See it as a curve: {sweep.title.lower()} sweep"
    if st.button(label, key=f"ready_sweep_{where}_{key}", help=sweep.lesson, on_click=st.session_state.__setitem__,
                 args=(CHOSEN_KEY, key)):  # fmt: skip
        st.switch_page(SWEEP_PAGE)


def render_ready_sweep_links(where: str) -> None:
    """'Lessons as curves': each ready-made sweep's button and the sentence on what its curve shows."""
    st.subheader("Lessons as curves")
    st.caption("Check a lesson's claim over many runs: each sweep trains a grid of settings × seeds on the Sweep page.")
    for key, sweep in READY_SWEEPS.items():
        render_ready_sweep_button(key, where=where)
        st.caption(sweep.lesson)
