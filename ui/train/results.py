"""What the Train page shows when its run is not training: status, summary cards, the final charts and the replay."""

from __future__ import annotations

import math

import streamlit as st

from anomaly_core import available_device
from anomaly_core.runs import RunRecord
from ui.current_model import ActiveModel, active_model
from ui.dataset_choice import NEEDS_LABELS
from ui.run_models import model_for_run
from ui.runs import switch_page
from ui.sharing.classroom import presets_allowed
from ui.train.live import RunCharts, draw_latent, draw_loss, draw_scores, run_charts


def render_status(run: RunRecord) -> None:
    """How the run ended, with what to do next."""
    if run.status == "finished":
        st.success(f"{run.name}: trained {run.epochs} epochs.")
    elif run.status == "stopped" and run.epochs == 0:
        st.info(f"{run.name}: stopped before its first epoch finished, so nothing was trained. Train starts it again.")
    elif run.status == "stopped":
        st.info(f"{run.name}: stopped at epoch {run.epochs}; the model trained so far is kept. Continue resumes it.")
    elif run.status == "interrupted":
        st.warning(f"{run.name}, epoch {run.epochs}: {run.message}")
    elif run.status in ("diverged", "failed"):
        kept = active_model()
        st.error(f"{run.message} Your current model stays **{kept.name}** ({kept.epochs} epochs).")
    _, notice = available_device(run.spec.train.device)
    if notice:
        st.warning(notice)


def render_summary_cards(run: RunRecord, result: ActiveModel) -> None:
    """AUC, AP, the best-F1 operating point, training time, speed and device."""
    summary, seconds = result.summary, run.train_seconds
    if math.isnan(summary.auc):
        st.info(NEEDS_LABELS)
    cards = [
        ("Test AUC", f"{summary.auc:.3f}", "Area under the ROC curve: 1 = perfect ranking, 0.5 = chance."),
        ("Average precision", f"{summary.average_precision:.3f}", "Area under the precision-recall curve."),
        ("Best-F1 threshold", f"{summary.best_f1_threshold:.4g}", f"F1 {summary.best_f1:.3f} at this reconstruction error."),
        ("Precision there", f"{summary.precision_at_best_f1:.1%}", "Flagged beats that are truly abnormal."),
        ("Recall there", f"{summary.recall_at_best_f1:.1%}", "Abnormal beats that get flagged."),
        ("Training time", f"{seconds:.2f} s", "Pure training time in the worker process, evaluation excluded."),
        ("Epochs per second", f"{run.epochs / seconds:.1f}" if seconds > 0 else "–", None),
        ("Device", run.device or "–", "Where the run trained."),
    ]
    for row in (cards[:4], cards[4:]):
        for column, (label, value, help_text) in zip(st.columns(4), row):
            column.metric(label, value, help=help_text)


@st.fragment
def render_replay(charts: RunCharts) -> None:
    """An epoch slider that replays how the error histogram, threshold and ROC curve looked at each epoch."""
    scored = charts.scored
    if not scored:
        return
    epochs = sorted(scored)
    epoch = epochs[0]
    if len(epochs) > 1:
        key = f"replay_epoch_{charts.run.id}_{len(epochs)}"
        epoch = st.slider("Replay: show the test errors after epoch", epochs[0], epochs[-1], epochs[-1], key=key)
    draw_scores(charts.run, scored[epoch], epoch, "replay")


def render_results(run: RunRecord | None) -> None:
    """Status, cards, an Evaluate button and the final charts of the followed run."""
    if run is None:
        start = "Compose a model" if not presets_allowed() else "Pick a preset or compose a model"  # a lesson locks presets
        st.info(f"{start}, then press **Train** (all epochs) or **Step** (one epoch).")
        return
    render_status(run)
    result = model_for_run(run) if run.usable else None
    if result is not None:
        render_summary_cards(run, result)
        if st.button("Evaluate this model →", key="open_evaluate"):
            switch_page("pages/evaluate.py")
    charts = run_charts(run)
    left, right = st.columns(2)
    with left:
        draw_loss(charts, "final_loss")
    with right:
        draw_latent(run, "final_latent")
    render_replay(charts)
