"""The Train page's chart area: progress, loss, error histogram, ROC and bottleneck, drawn live or once."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from anomaly_core import latent_codes, roc_auc, roc_curve, threshold_best_f1
from ui.figures import error_histogram, loss_figure, roc_figure
from ui.train.charts import latent_figure, progress_text, project_latent
from ui.train.run import TARGET_KEY, TrainRun

SCORE_CHART_EVERY = 3  # live frames between redraws of the score charts (histogram, ROC, bottleneck)
NO_TOOLBAR = {"displayModeBar": False}


@dataclass
class ChartSlots:
    """Placeholders that the live loop overwrites in place."""

    progress: DeltaGenerator
    loss: DeltaGenerator
    latent: DeltaGenerator
    histogram: DeltaGenerator
    roc: DeltaGenerator


def make_slots() -> ChartSlots:
    """Progress line, then loss | bottleneck, then histogram | ROC."""
    progress = st.empty()
    top_left, top_right = st.columns(2)
    bottom_left, bottom_right = st.columns(2)
    return ChartSlots(progress, top_left.empty(), top_right.empty(), bottom_left.empty(), bottom_right.empty())


def draw_loss(run: TrainRun, slot: DeltaGenerator, key: str) -> None:
    """Training and validation loss per epoch so far."""
    if run.history:
        epochs = [r.epoch for r in run.history]
        figure = loss_figure(epochs, [r.train_loss for r in run.history], [r.val_loss for r in run.history])
        slot.plotly_chart(figure, key=key, config=NO_TOOLBAR)


def draw_latent(run: TrainRun, slot: DeltaGenerator, key: str) -> None:
    """Test beats in the bottleneck of the current weights, coloured by class."""
    if run.epochs:
        points, description = project_latent(latent_codes(run.trainer.model, run.split.x_test))
        slot.plotly_chart(latent_figure(points, run.split.y_test, description), key=key, config=NO_TOOLBAR)


def draw_scores(run: TrainRun, scores: np.ndarray, epoch: int, places: tuple[DeltaGenerator, DeltaGenerator], key: str) -> None:
    """Error histogram (with the best-F1 threshold) and ROC curve of one epoch's test scores, in two places."""
    y_true = run.split.y_test
    fpr, tpr, _ = roc_curve(y_true, scores)
    title = f"Reconstruction error of test beats, epoch {epoch}"
    threshold = threshold_best_f1(y_true, scores)
    places[0].plotly_chart(error_histogram(scores, y_true, threshold, title=title), key=f"{key}_hist", config=NO_TOOLBAR)
    places[1].plotly_chart(roc_figure(fpr, tpr, roc_auc(y_true, scores)), key=f"{key}_roc", config=NO_TOOLBAR)


def draw_live(run: TrainRun, slots: ChartSlots, frame: int) -> None:
    """One live frame: progress and loss always, the score charts every few frames."""
    started, first_epoch = run.burst_start
    done = run.epochs - first_epoch
    per_epoch = (time.perf_counter() - started) / done if done else None
    target = st.session_state.get(TARGET_KEY, run.epochs)
    fraction = min(1.0, run.epochs / target) if target else 1.0
    slots.progress.progress(fraction, text=progress_text(run.epochs, target, per_epoch))
    draw_loss(run, slots.loss, f"live_loss_{frame}")
    latest = run.history[-1] if run.history else None
    if frame % SCORE_CHART_EVERY == 1 and latest is not None and latest.test_scores is not None:
        draw_scores(run, latest.test_scores, latest.epoch, (slots.histogram, slots.roc), f"live_{frame}")
        draw_latent(run, slots.latent, f"live_latent_{frame}")
