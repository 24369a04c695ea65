"""What the Train page shows when no burst runs: status, summary cards, the final charts and the replay."""

from __future__ import annotations

import streamlit as st

from ui.state import ActiveModel, active_model
from ui.train_live import ChartSlots, draw_latent, draw_loss, draw_scores
from ui.train_run import TrainRun


def render_status(run: TrainRun) -> None:
    """How the last burst ended, with what to do next."""
    if run.status == "finished":
        st.success(f"{run.name}: trained {run.epochs} epochs.")
    elif run.status == "stopped":
        st.info(f"{run.name}: stopped at epoch {run.epochs}; the model trained so far is kept. Continue resumes it.")
    elif run.status in ("diverged", "failed"):
        kept = active_model()
        st.error(f"{run.message} Your current model stays **{kept.name}** ({kept.epochs} epochs).")
    elif run.epochs == 0:
        st.caption(f"{run.name}: new weights from seed {run.settings.train.seed}, not trained yet.")
    if run.trainer.device_notice:
        st.warning(run.trainer.device_notice)


def render_summary_cards(run: TrainRun, result: ActiveModel) -> None:
    """AUC, AP, the best-F1 operating point, training time, speed and device."""
    summary, seconds = result.summary, run.trainer.seconds
    cards = [
        ("Test AUC", f"{summary.auc:.3f}", "Area under the ROC curve: 1 = perfect ranking, 0.5 = chance."),
        ("Average precision", f"{summary.average_precision:.3f}", "Area under the precision-recall curve."),
        ("Best-F1 threshold", f"{summary.best_f1_threshold:.4g}", f"F1 {summary.best_f1:.3f} at this reconstruction error."),
        ("Precision there", f"{summary.precision_at_best_f1:.1%}", "Flagged beats that are truly abnormal."),
        ("Recall there", f"{summary.recall_at_best_f1:.1%}", "Abnormal beats that get flagged."),
        ("Training time", f"{seconds:.2f} s", f"Pure training time; {run.wall_seconds:.2f} s on the page."),
        ("Epochs per second", f"{run.epochs / seconds:.1f}" if seconds > 0 else "–", None),
        ("Device", str(run.trainer.device), None),
    ]
    for row in (cards[:4], cards[4:]):
        for column, (label, value, help_text) in zip(st.columns(4), row):
            column.metric(label, value, help=help_text)


def _replay_epoch(run: TrainRun, epochs: list[int]) -> int:
    if len(epochs) == 1:
        return epochs[0]
    key = f"replay_epoch_{run.name}_{len(epochs)}"
    return st.slider("Replay: show the test errors after epoch", epochs[0], epochs[-1], epochs[-1], key=key)


@st.fragment
def render_replay(run: TrainRun) -> None:
    """An epoch slider that replays how the error histogram, threshold and ROC curve looked at each epoch."""
    scored = {r.epoch: r.test_scores for r in run.history if r.test_scores is not None}
    if not scored:
        return
    epoch = _replay_epoch(run, sorted(scored))
    left, right = st.columns(2)
    draw_scores(run, scored[epoch], epoch, (left, right), "replay")


def render_results(run: TrainRun | None, slots: ChartSlots) -> None:
    """Status, cards, an Evaluate button and the final charts of the session's run."""
    if run is None:
        st.info("Pick a preset or compose a model, then press **Train** (all epochs) or **Step** (one epoch).")
        return
    with slots.progress.container():
        render_status(run)
        if run.result is not None and run.result.epochs == run.epochs and run.epochs:
            render_summary_cards(run, run.result)
            if st.button("Evaluate this model →", key="open_evaluate"):
                st.switch_page("pages/evaluate.py")
    draw_loss(run, slots.loss, "final_loss")
    draw_latent(run, slots.latent, "final_latent")
    render_replay(run)
