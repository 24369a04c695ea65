"""The Train page's transport: Train, Step, Continue, Stop and Reset act on stored runs that worker processes train."""

from __future__ import annotations

import streamlit as st

from anomaly_core.cost import RunTooCostly
from anomaly_core.runs import RunConflict, RunNotFound, RunRecord, RunSpec, StoreError
from ui.presets import PRESETS
from ui.runs import follow_run, followed_run_id, run_service, session_run, session_runs, session_token
from ui.settings import LabSettings, get_settings
from ui.train.cost import cost_confirmed, run_check

NOTICE_KEY = "train_notice"  # an error from the last transport action, shown once


def current_run() -> RunRecord | None:
    """The run the Train page follows, as stored now."""
    return session_run(followed_run_id())


def _run_name(settings: LabSettings, number: int) -> str:
    """'Run 3 (Good default)', naming the preset whose settings these are, if any."""
    configs = (settings.model, settings.train, settings.data)
    titles = [p.title for p in PRESETS.values() if (p.settings.model, p.settings.train, p.settings.data) == configs]
    return f"Run {number} ({titles[0] if titles else 'custom settings'})"


def _notice(text: str | None) -> None:
    st.session_state[NOTICE_KEY] = text


def _submit(target_epochs: int) -> None:
    """A new run of the current settings, queued for the workers, that the page then follows."""
    service, token = run_service(), session_token()
    if service is None or token is None:
        _notice("Training needs the run store, which could not be opened (see the message at the top).")
        return
    service.pool.start()  # at once, if the server's warm-up delay has not started the workers yet
    settings = get_settings()
    name = _run_name(settings, len(session_runs()) + 1)
    try:
        run_check(settings, target_epochs).require(confirmed=cost_confirmed(settings))
        run = service.store.create_run(token, name, RunSpec(settings.model, settings.train, settings.data), target_epochs)
    except (RunConflict, StoreError, RunTooCostly) as error:
        _notice(f"Training could not start: {str(error).rstrip('.')}.")
        return
    follow_run(run.id)


def _extend(run: RunRecord, target_epochs: int) -> None:
    """Queue a stored run again to train up to `target_epochs`, from its last saved epoch."""
    service, token = run_service(), session_token()
    if service is None or token is None:
        return
    spec = LabSettings(model=run.spec.model, train=run.spec.train, data=run.spec.data)
    service.pool.start()
    try:
        run_check(spec, target_epochs - run.epochs).require(confirmed=cost_confirmed(spec))
        service.store.requeue(token, run.id, target_epochs)
    except (RunConflict, RunNotFound, StoreError, RunTooCostly) as error:
        _notice(f"Training could not continue: {str(error).rstrip('.')}.")


def start_training() -> None:
    """Train: a new model from the current settings, all epochs."""
    _notice(None)
    _submit(get_settings().train.epochs)


def step_training() -> None:
    """Step: exactly one more epoch of the followed run (a new run if there is none)."""
    _notice(None)
    run = current_run()
    if run is not None and run.usable:
        _extend(run, run.epochs + 1)
    else:
        _submit(1)


def continue_training() -> None:
    """Continue: the run's own number of epochs more, same model and settings."""
    _notice(None)
    run = current_run()
    if run is not None and run.usable:
        _extend(run, run.epochs + run.spec.train.epochs)
    else:
        start_training()


def stop_training() -> None:
    """Stop: the worker ends the run after its current epoch and keeps its weights."""
    service, token, run = run_service(), session_token(), current_run()
    if service is None or token is None or run is None:
        return
    try:
        service.store.request_stop(token, run.id)
    except (RunNotFound, StoreError) as error:
        _notice(f"The run could not be stopped: {error}.")


def reset_training() -> None:
    """Reset: the next Train starts from new weights (the last trained model stays current and in My runs)."""
    _notice(None)
    follow_run(None)
