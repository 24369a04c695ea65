"""The Sweep page: the builder over the current Train settings, Start/Stop, live progress and the results."""

from __future__ import annotations

import time

import streamlit as st

from anomaly_core.runs import RunRecord, StoreError, SweepRecord
from anomaly_core.sweeps import READY_SWEEPS, SweepPlan, progress, sweep_rows
from ui.ready_sweeps import chosen_ready_sweep
from ui.runs import run_service, session_token
from ui.sweep.actions import NOTICE_KEY, shown_sweep, start_clicked, stop_clicked
from ui.sweep.controls import fill_ready_sweep, render_builder
from ui.sweep.results import render_results

LIVE_SECONDS = 0.5
READY_KEY = "sweep_ready_pick"


def _runs(sweep: SweepRecord) -> list[RunRecord]:
    service, token = run_service(), session_token()
    if service is None or token is None:
        return []
    try:
        return service.store.sweep_runs(token, sweep.id)
    except StoreError:
        return []


def _render_ready() -> None:
    """Ready-made lesson sweeps: one click fills the builder."""
    chosen = chosen_ready_sweep()
    if chosen in READY_SWEEPS:
        fill_ready_sweep(chosen)
        st.info(f"**{READY_SWEEPS[chosen].title}.** {READY_SWEEPS[chosen].lesson}")
    columns = st.columns(len(READY_SWEEPS))
    for column, ready in zip(columns, READY_SWEEPS.values()):
        column.button(ready.title, key=f"{READY_KEY}_{ready.key}", on_click=fill_ready_sweep, args=(ready.key,),
                      help=ready.lesson, width="stretch")  # fmt: skip


def _render_progress(sweep: SweepRecord, runs: list[RunRecord]) -> None:
    done, left = progress(sweep_rows(SweepPlan.from_json(sweep.plan), runs), time.time() - sweep.created)
    eta = f", about {left:.0f} s left" if left is not None else ""
    st.progress(done / max(1, len(runs)), text=f"{done} of {len(runs)} runs done{eta}.")
    st.button("Stop the sweep", key="sweep_stop", on_click=stop_clicked, args=(sweep.id,))


@st.fragment(run_every=LIVE_SECONDS)
def render_live(sweep_id: str) -> None:
    """Progress and results of a sweep whose runs still train, redrawn from the store; a full rerun once all end."""
    sweep = shown_sweep()
    runs = _runs(sweep) if sweep is not None and sweep.id == sweep_id else []
    if not any(run.active for run in runs):
        st.rerun()
        return
    _render_progress(sweep, runs)  # type: ignore[arg-type]  # runs is non-empty, so sweep is set
    render_results(SweepPlan.from_json(sweep.plan), runs, "live")  # type: ignore[union-attr]


def render_sweep_page() -> None:
    """Everything below the Sweep page's title."""
    st.session_state.setdefault(NOTICE_KEY, None)
    sweep = shown_sweep()
    runs = _runs(sweep) if sweep is not None else []
    active = any(run.active for run in runs)
    _render_ready()
    plan = render_builder(disabled=active)
    st.button("Start the sweep", key="sweep_start", type="primary", on_click=start_clicked, disabled=active or plan is None)
    if st.session_state[NOTICE_KEY]:
        st.error(st.session_state[NOTICE_KEY])
    if sweep is None:
        st.caption("Each run is kept like a Train run: reload the page or come back later to find the sweep here.")
    elif active:
        render_live(sweep.id)
    elif runs:
        st.subheader(f"Results: {len(runs)} runs")
        render_results(SweepPlan.from_json(sweep.plan), runs, "done")
