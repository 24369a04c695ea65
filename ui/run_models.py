"""Stored runs as scoring-ready models: the session's current model and the models Compare lists."""

from __future__ import annotations

import dataclasses

import streamlit as st

from anomaly_core import TrainConfig
from anomaly_core.runs import RunRecord, RunSpec, StoreError
from anomaly_core.runs.checkpoint import model_from_checkpoint, weights_checkpoint
from ui.current_model import ActiveModel, make_active_model, remember_trained_model, set_active_model, trained_models
from ui.datasets import ecg_split
from ui.runs import run_service, session_runs, session_token

CURRENT_RUN_KEY = "current_run"  # the stored run that is the current model (None: the ready model, or an upload without a store)
MODEL_CACHE_KEY = "run_models"  # run id → the ActiveModel built from its checkpoint at some epoch


def model_for_run(run: RunRecord) -> ActiveModel | None:
    """The run's model at its last saved epoch, scored on its own split (None when it has no weights yet)."""
    cache: dict[str, ActiveModel] = st.session_state.setdefault(MODEL_CACHE_KEY, {})
    cached = cache.get(run.id)
    if cached is not None and cached.epochs == run.epochs and cached.name == run.name:
        return cached
    service = run_service()
    if service is None or not run.usable:
        return None
    split = ecg_split(run.spec.data)
    try:
        data = service.store.checkpoint(run.id)
        model = model_from_checkpoint(run.spec, data, split.scaler) if data is not None else None
    except StoreError:  # a damaged checkpoint: the run cannot be used, the page goes on
        return None
    if model is None:
        return None
    active = make_active_model(
        run.name, model, split, run.spec.train.loss, epochs=run.epochs, train_seconds=run.train_seconds, run_id=run.id
    )
    cache[run.id] = active
    return active


def use_run(run: RunRecord) -> bool:
    """Make the run's model the session's current model; False when it has no weights to use."""
    active = model_for_run(run)
    if active is None:
        return False
    set_active_model(active)
    st.session_state[CURRENT_RUN_KEY] = run.id
    return True


def use_uploaded(active: ActiveModel) -> None:
    """Make an uploaded model current, kept as a finished run of the session so a reload or a restart keeps it
    (without a run store it stays in this browser session only)."""
    kept = _keep_as_run(active)
    set_active_model(kept)
    st.session_state[CURRENT_RUN_KEY] = kept.run_id
    if kept.run_id is None:
        remember_trained_model(kept)


def _keep_as_run(active: ActiveModel) -> ActiveModel:
    """The model tied to a new finished run holding its weights; unchanged when the store cannot keep it."""
    service, token = run_service(), session_token()
    if service is None or token is None:
        return active
    spec = RunSpec(active.config, TrainConfig(loss=active.loss), active.split.config)
    metrics = {**dataclasses.asdict(active.summary), "threshold": active.threshold}
    epochs = max(active.epochs, 1)  # it has weights even when its file names no epochs
    try:
        run = service.store.import_run(token, active.name, spec, weights_checkpoint(active.model), epochs, metrics)
    except StoreError:
        return active
    kept = dataclasses.replace(active, name=run.name, epochs=run.epochs, run_id=run.id)
    st.session_state.setdefault(MODEL_CACHE_KEY, {})[run.id] = kept  # already scored: no need to rebuild it
    return kept


def current_run_id() -> str | None:
    """The stored run that is the current model, if the current model is one."""
    return st.session_state.get(CURRENT_RUN_KEY)


def forget_current_run() -> None:
    """The current model no longer comes from a stored run (the ready model, or an uploaded file)."""
    st.session_state[CURRENT_RUN_KEY] = None


def session_models() -> list[ActiveModel]:
    """Every usable run of this session as a model (oldest first), then the uploaded models."""
    models = [m for m in (model_for_run(run) for run in session_runs() if run.usable) if m is not None]
    return models + [m for m in trained_models() if m.run_id is None]
