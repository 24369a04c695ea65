"""Stored runs as scoring-ready models: the session's current model and the models Compare lists."""

from __future__ import annotations

import streamlit as st

from anomaly_core.runs import RunRecord, StoreError
from anomaly_core.runs.checkpoint import model_from_checkpoint
from ui.current_model import ActiveModel, make_active_model, set_active_model, trained_models
from ui.datasets import ecg_split
from ui.runs import run_service, session_runs

CURRENT_RUN_KEY = "current_run"  # the id of the stored run that is the current model (None: ready or uploaded model)
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
    try:
        data = service.store.checkpoint(run.id)
    except StoreError:
        return None
    if data is None:
        return None
    model = model_from_checkpoint(run.spec, data)
    active = make_active_model(
        run.name, model, ecg_split(run.spec.data), run.spec.train.loss,
        epochs=run.epochs, train_seconds=run.train_seconds, run_id=run.id,
    )  # fmt: skip
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
