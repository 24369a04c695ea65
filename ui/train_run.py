"""One training run of the Train page: trainer and history in session state, the transport callbacks, the burst loop."""

from __future__ import annotations

import copy
import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st
import torch

from anomaly_core import EcgSplit, EpochResult, Trainer, TrainingDiverged, build_model
from ui.presets import PRESETS
from ui.settings import LabSettings, get_settings
from ui.state import ActiveModel, ecg_split, make_active_model, remember_trained_model, set_active_model, trained_models
from ui.train_widgets import TRAINING_KEY, is_training

RUN_KEY = "train_run"
TARGET_KEY = "train_target_epoch"
RUN_COUNT_KEY = "train_run_count"
NOTICE_KEY = "train_notice"  # an error from the last transport action, shown once
REDRAW_SECONDS = 0.15
OUT_OF_MEMORY = (
    "The GPU ran out of memory: choose a smaller batch size or a smaller network, or set Device to cpu. "
    "The model trained so far was kept."
)


@dataclass
class TrainRun:
    """A model being trained with fixed settings, and every epoch it reported."""

    name: str
    settings: LabSettings
    split: EcgSplit
    trainer: Trainer
    history: list[EpochResult] = field(default_factory=list)
    status: str = "ready"  # ready, training, finished, stopped, diverged, failed
    message: str | None = None
    wall_seconds: float = 0.0
    burst_start: tuple[float, int] = (0.0, 0)  # (perf_counter, epoch) when the current burst began
    result: ActiveModel | None = None  # the scored snapshot made when the last burst ended
    busy: threading.Lock = field(default_factory=threading.Lock)  # held by the script thread that trains

    @property
    def epochs(self) -> int:
        return self.trainer.epoch


def current_run() -> TrainRun | None:
    """This session's run, if any."""
    return st.session_state.get(RUN_KEY)


def _run_name(settings: LabSettings, number: int) -> str:
    """'Run 3 (Good default)', naming the preset whose settings these are, if any."""
    configs = (settings.model, settings.train, settings.data)
    titles = [p.title for p in PRESETS.values() if (p.settings.model, p.settings.train, p.settings.data) == configs]
    return f"Run {number} ({titles[0] if titles else 'custom settings'})"


def new_run(settings: LabSettings) -> TrainRun | None:
    """A fresh model (weights from the seed) for `settings`, or None after storing an error notice."""
    try:
        split = ecg_split(settings.data)
        train_cfg = dataclasses.replace(settings.train, eval_every=1)
        trainer = Trainer(build_model(settings.model, seed=train_cfg.seed), split, train_cfg)
    except torch.OutOfMemoryError:
        st.session_state[NOTICE_KEY] = OUT_OF_MEMORY
        return None
    except (ValueError, RuntimeError) as error:
        st.session_state[NOTICE_KEY] = f"Training could not start: {error}"
        return None
    number = st.session_state.get(RUN_COUNT_KEY, 0) + 1
    st.session_state[RUN_COUNT_KEY] = number
    return TrainRun(_run_name(settings, number), settings, split, trainer)


def _begin(run: TrainRun | None, epochs: int) -> None:
    if run is None:
        return
    st.session_state[RUN_KEY] = run
    st.session_state[TARGET_KEY] = run.epochs + epochs
    run.status, run.message = "training", None
    st.session_state[TRAINING_KEY] = True


def start_training() -> None:
    """Train: a new model from the current settings, all epochs."""
    st.session_state[NOTICE_KEY] = None
    run = new_run(get_settings())
    _begin(run, run.settings.train.epochs if run else 0)


def step_training() -> None:
    """Step: exactly one more epoch of the current model (a new one if there is none)."""
    st.session_state[NOTICE_KEY] = None
    _begin(current_run() or new_run(get_settings()), 1)


def continue_training() -> None:
    """Continue: the run's number of epochs more, same model and its own settings."""
    st.session_state[NOTICE_KEY] = None
    run = current_run()
    if run is None:
        start_training()
    else:
        _begin(run, run.settings.train.epochs)


def stop_training() -> None:
    """Stop: only clear the flag. Streamlit 1.67 starts the next run in a new thread while the old one still trains."""
    st.session_state[TRAINING_KEY] = False


def settle_stopped_burst() -> bool:
    """A burst that Stop interrupted ends as stopped once its thread has let go of the model; True if one did."""
    run = current_run()
    if run is None or run.status != "training" or is_training():
        return False
    with run.busy:  # the interrupted thread leaves at its next epoch or Streamlit call
        if run.status != "training":
            return False
        finish_burst(run, "stopped")
        return True


def reset_training() -> None:
    """Reset: new weights from the seed and an empty history (the last trained model stays current)."""
    st.session_state[TRAINING_KEY] = False
    st.session_state[NOTICE_KEY] = None
    st.session_state[RUN_KEY] = new_run(get_settings())


def _remember(previous: ActiveModel | None, model: ActiveModel) -> None:
    """One Compare entry per run: replace this run's earlier snapshot, else add it."""
    models = trained_models()
    for index, entry in enumerate(models):
        if entry is previous:
            models[index] = model
            return
    remember_trained_model(model)


def finish_burst(run: TrainRun, status: str, message: str | None = None) -> None:
    """End a burst: record why, and make the model trained so far the session's current model."""
    st.session_state[TRAINING_KEY] = False
    run.status, run.message = status, message
    if run.epochs == 0:
        return
    snapshot = copy.deepcopy(run.trainer.model).cpu()  # further training must not change this model
    loss = run.settings.train.loss
    active = make_active_model(run.name, snapshot, run.split, loss, epochs=run.epochs, train_seconds=run.trainer.seconds)
    set_active_model(active)
    _remember(run.result, active)
    run.result = active


def run_burst(run: TrainRun, redraw: Callable[[TrainRun, int], None]) -> None:
    """Train up to the target epoch; each epoch is stored in the run before the charts redraw on a timer."""
    with run.busy:  # an interrupted run's thread may still be finishing its epoch
        if run.status == "training" and is_training():
            _train_until_target(run, redraw)


def _train_until_target(run: TrainRun, redraw: Callable[[TrainRun, int], None]) -> None:
    started = last_draw = time.perf_counter()
    run.burst_start = (started, run.epochs)
    frame = 0
    try:
        for result in run.trainer.fit(max(0, st.session_state.get(TARGET_KEY, 0) - run.epochs)):
            run.history.append(result)
            if not is_training():  # Stop was pressed
                break
            if time.perf_counter() - last_draw >= REDRAW_SECONDS:
                frame += 1
                redraw(run, frame)
                last_draw = time.perf_counter()
        finish_burst(run, "finished" if is_training() else "stopped")
    except TrainingDiverged as error:
        finish_burst(run, "diverged", str(error))
    except torch.OutOfMemoryError:
        torch.cuda.empty_cache()
        finish_burst(run, "failed", OUT_OF_MEMORY)
    except RuntimeError as error:
        finish_burst(run, "failed", f"Training stopped with an error: {error}. The model trained so far was kept.")
    finally:
        run.wall_seconds += time.perf_counter() - started
