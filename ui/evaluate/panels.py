"""The Evaluate page's panels: the threshold fragment (cards, charts, per-class recall, sample inspector) and the gallery.

The strategy buttons live in one `st.fragment` and everything that depends on the threshold in a fragment nested
in it: a button click reruns both (the slider jumps), a slider move reruns only the inner one, which reads the
precomputed `Evaluation` (no model call, no sort) and sends the metric cards, lets the browser paint them
(`ui.paint_first`), then the charts and tables.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from anomaly_core import Confusion
from ui.evaluate.charts import (
    beat_figure,
    confusion_figure,
    gallery_figure,
    outcome_histogram,
    pr_figure,
    roc_point_figure,
    threshold_metrics_figure,
)
from ui.evaluate.controls import render_strategy_buttons, render_threshold_slider
from ui.evaluate.dataset_views import render_series_view
from ui.evaluate.evaluation import OUTCOMES, Evaluation, per_class_recall, sample_table
from ui.fast_chart import show_chart
from ui.paint_first import paint_first
from ui.screen_fit import wrapping_columns
from ui.threshold_control import log_scale

SHOWN_KEY = "eval_shown_outcome"
TABLE_KEY = "eval_sample_table"
GALLERY_KEY = "eval_gallery_size"
GALLERY_FIGURE_KEY = "eval_gallery_figure"
CARDS: tuple[tuple[str, str, Literal["normal", "inverse"], str], ...] = (
    ("accuracy", "Accuracy", "normal", "(TP + TN) / all beats"),
    ("precision", "Precision", "normal", "TP / (TP + FP): of the flagged beats, the share truly abnormal"),
    ("recall", "Recall (TPR)", "normal", "True-positive rate, TP / (TP + FN): of the abnormal beats, the share flagged"),
    ("tnr", "TNR", "normal", "True-negative rate (specificity), TN / (TN + FP): of the normal beats, the share let through"),
    ("f1", "F1", "normal", "2·TP / (2·TP + FP + FN): balances precision and recall"),
    ("fpr", "FPR", "inverse", "False-positive rate, FP / (FP + TN): normal beats raised as false alarms"),
    ("fnr", "FNR", "inverse", "False-negative rate, FN / (FN + TP): abnormal beats missed"),
)


def setdefault_panel_keys() -> None:
    """The panel widgets' session keys with their defaults."""
    st.session_state.setdefault(SHOWN_KEY, "all")
    st.session_state.setdefault(GALLERY_KEY, 8)


def render_metric_cards(confusion: Confusion, best: Confusion, best_threshold: float) -> None:
    """Seven metric cards (TPR and TNR among them), each with its change against the best-F1 threshold."""
    for column, (name, label, delta_color, meaning) in zip(wrapping_columns("cards", "eval_metrics", len(CARDS)), CARDS):
        value, change = getattr(confusion, name), getattr(confusion, name) - getattr(best, name)
        still = round(change, 3) == 0
        column.metric(
            label,
            f"{value:.3f}",
            delta="0.000" if still else f"{change:+.3f}",
            delta_color="off" if still else delta_color,
            delta_arrow="off" if still else "auto",
            help=meaning,
        )
    st.caption(f"Arrows: change against the best-F1 threshold ({best_threshold:.6g}, F1 {best.f1:.3f}).")


def _explain_extremes(confusion: Confusion) -> None:
    """Say what the rates mean when nothing, or everything, is flagged."""
    if confusion.tp + confusion.fp == 0:
        st.warning(
            "No beat reaches this threshold, so nothing is flagged: precision is undefined (shown as 0). Lower the threshold."
        )
    elif confusion.tn + confusion.fn == 0:
        st.warning("Every beat is at or above this threshold: recall is 1 but every normal beat is a false alarm. Raise it.")


def render_charts(evaluation: Evaluation, threshold: float, confusion: Confusion, *, log: bool) -> None:
    """Confusion matrix, error histogram, ROC, precision-recall and metrics-by-threshold, all at `threshold`."""
    scale = "log" if log else "linear"  # a new chart per scale: the browser keeps axis state per chart
    left, right = wrapping_columns("panels", "eval_confusion_row", [1, 2])  # on a projector: one chart a line
    show_chart(confusion_figure(confusion.tp, confusion.fp, confusion.tn, confusion.fn), key="eval_confusion", target=left)
    show_chart(
        outcome_histogram(evaluation.scores, evaluation.y_true, threshold, log_x=log), key=f"eval_histogram_{scale}", target=right
    )
    roc_col, pr_col, curve_col = wrapping_columns("panels", "eval_curves_row", 3)
    fpr, tpr, auc = evaluation.roc
    show_chart(roc_point_figure(fpr, tpr, auc, (confusion.fpr, confusion.recall)), key="eval_roc", target=roc_col)
    precision, recall, ap = evaluation.pr
    show_chart(pr_figure(precision, recall, ap, (confusion.recall, confusion.precision)), key="eval_pr", target=pr_col)
    curves = evaluation.curves
    figure = threshold_metrics_figure(curves["threshold"], curves, threshold, log_x=log)
    show_chart(figure, key=f"eval_threshold_curves_{scale}", target=curve_col)


def render_class_recall(evaluation: Evaluation, threshold: float) -> None:
    """Recall of each abnormal ECG5000 class at `threshold`."""
    st.subheader("Which abnormal beats are caught")
    st.dataframe(
        per_class_recall(evaluation, threshold),
        hide_index=True,
        key="eval_class_recall",
        column_config={
            "recall": st.column_config.ProgressColumn("recall", min_value=0.0, max_value=1.0, format="percent"),
            "caught": st.column_config.NumberColumn("caught (score ≥ threshold)"),
        },
    )
    missing = [str(c) for c, scores in evaluation.class_scores.items() if scores.size == 0]
    if missing:
        st.caption(f"No test beats of class {', '.join(missing)} in this split, so no recall for it.")


def render_inspector(evaluation: Evaluation, threshold: float) -> None:
    """Test beats sorted by score with their outcome; the chosen one against its reconstruction."""
    st.subheader("Sample inspector")
    table_col, plot_col = st.columns([2, 3])
    shown = table_col.selectbox("Show beats", ("all", *OUTCOMES), key=SHOWN_KEY, help="TP / FP / TN / FN at this threshold")
    table = sample_table(evaluation, threshold, shown)
    if table.num_rows == 0:
        table_col.info(f"No {shown} beats at this threshold: move the slider or choose another outcome.")
        return
    selection = table_col.dataframe(
        table,
        hide_index=True,
        height=360,
        key=TABLE_KEY,
        on_select="rerun",
        selection_mode="single-row",
        column_config={"score": st.column_config.NumberColumn("score", format="%.5f")},
    )
    rows = selection.selection.rows
    row = table.slice(rows[0] if rows and rows[0] < table.num_rows else 0, 1).to_pylist()[0]
    beat = int(row["beat"])
    title = f"Beat {beat} · class {row['class']} · score {row['score']:.5f} · {row['outcome']}"
    figure = beat_figure(evaluation.beats[beat], evaluation.reconstructions[beat], title=title, y_label="value (original units)")
    show_chart(figure, key="eval_inspected_beat", target=plot_col)
    plot_col.caption(
        f"Class {row['class']}: {evaluation.class_names.get(int(row['class']))}. "
        f"Rank {row['rank']} of {len(evaluation.order)} by score. "
        "Pick a row in the table to inspect another beat."
    )


@st.fragment
def render_threshold_panel(evaluation: Evaluation) -> None:
    """The strategy buttons, then everything that follows the threshold; a button click reruns this."""
    render_strategy_buttons(evaluation)
    render_threshold_view(evaluation)


@st.fragment
def render_threshold_view(evaluation: Evaluation) -> None:
    """The slider and everything that follows the threshold, cards first; a slider move reruns only this."""
    threshold = render_threshold_slider(evaluation)
    confusion = evaluation.sweep.at(threshold)
    flagged = confusion.tp + confusion.fp
    st.caption(
        f"Threshold {threshold:.6g}: {flagged} of {len(evaluation.scores)} test beats score at or above it and are flagged."
    )
    _explain_extremes(confusion)
    render_metric_cards(confusion, evaluation.best, evaluation.best_threshold)
    paint_first()
    render_charts(evaluation, threshold, confusion, log=log_scale())
    render_class_recall(evaluation, threshold)
    render_series_view(evaluation, threshold)  # the long signal only: the whole series and its error over time
    render_inspector(evaluation, threshold)


def render_gallery(evaluation: Evaluation) -> None:
    """The N most anomalous test beats against their reconstructions."""
    st.subheader("Most anomalous test beats")
    size = st.select_slider("Beats in the gallery", options=(4, 8, 12, 16, 24), key=GALLERY_KEY)
    top = evaluation.order[:size]
    cached = st.session_state.get(GALLERY_FIGURE_KEY)
    if cached is None or cached[0] is not evaluation or cached[1] != size:  # built once per model and size
        titles = [f"#{i + 1} · class {evaluation.classes[b]} · {evaluation.scores[b]:.4f}" for i, b in enumerate(top)]
        cached = (evaluation, size, gallery_figure(evaluation.beats[top], evaluation.reconstructions[top], titles))
        st.session_state[GALLERY_FIGURE_KEY] = cached
    show_chart(cached[2], key="eval_gallery")
    st.caption("Solid: the beat; dashed: its reconstruction; shaded: the error between them. Class 1 is normal.")
