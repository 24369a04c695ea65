"""The Train page's chart area: loss, bottleneck, error histogram and ROC of a stored run, live or finished.

While a run trains (or is the next to start), one fragment polls the store about four times a second for the
progress bar (no full rerun as the run starts) and another redraws the charts once a second (four plotly charts
redrawn four times a second kept a loaded browser busy); the settings column above them does not rerender. Epochs
are fetched incrementally and kept for the replay. While a run waits behind others, a lighter fragment polls once a
second: a class of 30 waiting learners must not take the workers' CPU.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

import numpy as np
import streamlit as st

from anomaly_core import latent_codes, roc_auc, roc_curve, threshold_best_f1
from anomaly_core.runs import EpochRecord, RunRecord, StoreError
from anomaly_core.runs.checkpoint import model_from_checkpoint
from ui.dataset_choice import NEEDS_LABELS
from ui.datasets import ecg_split
from ui.fast_chart import show_chart
from ui.figures import FigureSpec, error_histogram, loss_figure, roc_figure, thin
from ui.runs import run_service, session_run
from ui.train.charts import LATENT_POINTS, latent_figure, progress_text, project_latent

LIVE_SECONDS = 0.25
END_CHECK_SECONDS = 0.03  # in a run's last poll interval: how often the store is asked whether it has ended
CHART_SECONDS = 1.0
QUEUED_SECONDS = 1.0
NO_TOOLBAR = {"displayModeBar": False}
EPOCHS_KEY = "train_run_epochs"  # (run id, the epochs fetched so far)
LATENT_KEY = "train_run_latent"  # (run id, checkpoint epoch, figure): the bottleneck is redrawn per checkpoint
AWAY_NOTE = "Training runs on the server: you can leave this page or close the tab, and find the run here when you come back."


@dataclass(frozen=True)
class RunCharts:
    """A run with every epoch it reported so far."""

    run: RunRecord
    epochs: list[EpochRecord]

    @property
    def scored(self) -> dict[int, np.ndarray]:
        """Test scores by epoch, for the epochs that scored the test beats."""
        return {r.epoch: r.test_scores for r in self.epochs if r.test_scores is not None}


def run_charts(run: RunRecord) -> RunCharts:
    """The run and its epochs, fetching only the ones not fetched yet."""
    cached = st.session_state.get(EPOCHS_KEY)
    known: list[EpochRecord] = cached[1] if cached and cached[0] == run.id and len(cached[1]) <= run.epochs else []
    service = run_service()
    if service is not None and (not known or known[-1].epoch < run.epochs):
        with contextlib.suppress(StoreError):
            known = known + service.store.epochs(run.id, after=known[-1].epoch if known else 0)
    st.session_state[EPOCHS_KEY] = (run.id, known)
    return RunCharts(run, known)


def draw_loss(charts: RunCharts, key: str) -> None:
    """Training and validation loss per epoch so far."""
    if charts.epochs:
        epochs = [r.epoch for r in charts.epochs]
        figure = loss_figure(epochs, [r.train_loss for r in charts.epochs], [r.val_loss for r in charts.epochs])
        show_chart(figure, key=key, config=NO_TOOLBAR)


def _latent(run: RunRecord) -> FigureSpec | None:
    cached = st.session_state.get(LATENT_KEY)
    if cached and cached[:2] == (run.id, run.epochs):
        return cached[2]
    service = run_service()
    data = service.store.checkpoint(run.id) if service is not None and run.epochs else None
    if data is None:
        return cached[2] if cached and cached[0] == run.id else None
    split = ecg_split(run.spec.data)
    rows = thin(len(split.x_test), LATENT_POINTS)  # spread evenly: the classes in proportion
    codes = latent_codes(model_from_checkpoint(run.spec, data, split.scaler), split.x_test[rows])
    points, description = project_latent(codes)
    if len(rows) < len(split.x_test):
        description += f" · {len(rows)} of {len(split.x_test):,} rows"
    figure = latent_figure(points, split.y_test[rows], description)
    st.session_state[LATENT_KEY] = (run.id, run.epochs, figure)
    return figure


def draw_latent(run: RunRecord, key: str) -> None:
    """Test beats in the bottleneck of the run's last saved weights, coloured by class."""
    figure = _latent(run)
    if figure is not None:
        show_chart(figure, key=key, config=NO_TOOLBAR)


def draw_scores(run: RunRecord, scores: np.ndarray, epoch: int, key: str) -> None:
    """Error histogram (with the best-F1 threshold) and ROC curve of one epoch's test scores, side by side."""
    y_true = ecg_split(run.spec.data).y_test
    title = f"Reconstruction error of test beats, epoch {epoch}"
    if not y_true.any():  # a CSV without labels: errors, but nothing to measure them against
        st.plotly_chart(error_histogram(scores, y_true, title=title), key=f"{key}_hist", config=NO_TOOLBAR)
        st.caption(NEEDS_LABELS)
        return
    fpr, tpr, _ = roc_curve(y_true, scores)
    threshold = threshold_best_f1(y_true, scores)
    left, right = st.columns(2)
    show_chart(error_histogram(scores, y_true, threshold, title=title), key=f"{key}_hist", config=NO_TOOLBAR, target=left)
    show_chart(roc_figure(fpr, tpr, roc_auc(y_true, scores)), key=f"{key}_roc", config=NO_TOOLBAR, target=right)


def _ahead(run: RunRecord) -> int:
    """How many queued runs start before this one."""
    service = run_service()
    return service.store.queue_position(run.id) if service is not None else 0


def _queue_progress(run: RunRecord, ahead: int) -> None:
    waiting = f"{ahead} run{'s' if ahead != 1 else ''} ahead of you" if ahead else "next in line"
    st.progress(run.epochs / run.target_epochs, text=f"Queued: {waiting}. It starts by itself.")


def _seconds_per_epoch(charts: RunCharts) -> float | None:
    """The run's training seconds per epoch so far (None before its first epoch)."""
    trained = [r for r in charts.epochs if r.epoch > 0]
    return trained[-1].seconds / trained[-1].epoch if trained else None


def _progress(charts: RunCharts) -> None:
    run = charts.run
    text = progress_text(run.epochs, run.target_epochs, _seconds_per_epoch(charts))
    st.progress(min(1.0, run.epochs / run.target_epochs), text=text)


def _ends_before_next_poll(charts: RunCharts) -> bool:
    """Whether the run's epochs left take less than one poll's interval at its pace so far."""
    per_epoch = _seconds_per_epoch(charts)
    return per_epoch is not None and per_epoch * (charts.run.target_epochs - charts.run.epochs) < LIVE_SECONDS


def _ended_within(run_id: str, seconds: float) -> bool:
    """Whether the run stopped training within `seconds`, asked of the store every END_CHECK_SECONDS."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(END_CHECK_SECONDS)
        run = session_run(run_id)
        if run is None or run.status != "training":
            return True
    return False


def render_active(run: RunRecord) -> None:
    """A queued run's place in the queue, or the progress and live charts of the run next in line or training."""
    if run.status == "queued" and _ahead(run) > 0:
        render_queued(run.id)
    else:
        render_live(run.id)
        render_live_charts(run.id)


@st.fragment(run_every=QUEUED_SECONDS)
def render_queued(run_id: str) -> None:
    """The run's place in the queue; a full rerun once it is next (polled faster then), taken or stopped."""
    run = session_run(run_id)
    if run is None or run.status != "queued" or (ahead := _ahead(run)) == 0:
        st.rerun()  # next in line, the live charts, or the results
        return
    _queue_progress(run, ahead)
    st.caption(AWAY_NOTE)


@st.fragment(run_every=LIVE_SECONDS)
def render_live(run_id: str) -> None:
    """The run next in line, then its training progress, from the store; a full rerun once it ends.

    One fragment from the queue to the end: no full rerun as the run starts (only one run in a server is next, so
    polling it as often as a training one is cheap), and a run that will end before the next poll is waited for
    here, asked of the store every END_CHECK_SECONDS, so its results come as soon as it ends.
    """
    run = session_run(run_id)
    if run is None or run.status not in ("queued", "training"):
        st.rerun()  # the whole page: settings enabled again, results and the new current model shown
        return
    if run.status == "queued":
        _queue_progress(run, 0)
    else:
        charts = run_charts(run)
        if _ends_before_next_poll(charts) and _ended_within(run_id, LIVE_SECONDS):
            st.rerun()  # the results as soon as the run ends, not up to a poll later
            return
        _progress(charts)
    st.caption(AWAY_NOTE)


@st.fragment(run_every=CHART_SECONDS)
def render_live_charts(run_id: str) -> None:
    """Loss, bottleneck, error histogram and ROC of the run so far (the progress fragment ends the page's run)."""
    run = session_run(run_id)
    if run is None:
        return
    charts = run_charts(run)
    left, right = st.columns(2)
    with left:
        draw_loss(charts, "live_loss")
    with right:
        draw_latent(run, "live_latent")
    if charts.scored:
        epoch = max(charts.scored)
        draw_scores(run, charts.scored[epoch], epoch, "live")
