"""What the Sweep page's buttons do: start a sweep (every run stored under this session), stop it, pick a run."""

from __future__ import annotations

import streamlit as st

from anomaly_core.runs import RunConflict, RunNotFound, StoreError, SweepRecord
from anomaly_core.sweeps.service import start_sweep
from ui.run_models import use_run
from ui.runs import run_service, session_run, session_token
from ui.sweep.controls import base_spec, plan_from_state

SHOWN_KEY = "sweep_shown"  # the id of the sweep the page shows (default: the session's newest)
NOTICE_KEY = "sweep_notice"  # the last action's problem, shown once


def _notice(text: str | None) -> None:
    st.session_state[NOTICE_KEY] = text


def shown_sweep() -> SweepRecord | None:
    """The sweep the page shows: the one picked or started here, else the session's newest (after a reload too)."""
    service, token = run_service(), session_token()
    if service is None or token is None:
        return None
    try:
        sweeps = service.store.list_sweeps(token)
    except StoreError:
        return None
    wanted = st.session_state.get(SHOWN_KEY)
    return next((s for s in sweeps if s.id == wanted), sweeps[-1] if sweeps else None)


def start_clicked() -> None:
    """Start: every combination becomes a queued run of this session."""
    _notice(None)
    service, token = run_service(), session_token()
    if service is None or token is None:
        _notice("Sweeps need the run store, which could not be opened (see the message at the top).")
        return
    try:
        sweep = start_sweep(service.store, service.settings, token, plan_from_state(base_spec()))
    except (ValueError, RunConflict, StoreError) as error:
        _notice(f"The sweep could not start: {error}.")
        return
    st.session_state[SHOWN_KEY] = sweep.id


def stop_clicked(sweep_id: str) -> None:
    """Stop: runs still waiting go away, training ones stop after their epoch; finished ones stay."""
    service, token = run_service(), session_token()
    if service is None or token is None:
        return
    try:
        service.store.stop_sweep(token, sweep_id)
    except (RunNotFound, StoreError) as error:
        _notice(f"The sweep could not be stopped: {error}.")


def use_clicked(pick_key: str) -> None:
    """Make the picked run of the table the current model."""
    run = session_run(st.session_state.get(pick_key))
    if run is None or not use_run(run):
        _notice("That run has no trained weights yet: pick one that finished.")
    else:
        _notice(None)
        st.toast(f"{run.name} is now the current model.")
