"""Everything the Evaluate page needs that does not depend on the threshold, computed once per model.

A slider move then costs binary searches in presorted scores: no model call, no sort, and tables handed to
Streamlit as Arrow (the ranked beats' columns are built once; a move only splices the outcome column).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from anomaly_core import (
    CLASS_NAMES,
    THRESHOLD_STRATEGIES,
    Confusion,
    Dataset,
    ThresholdSweep,
    flag_anomalies,
    precision_recall_curve,
    reconstruct,
    roc_curve,
)
from ui.current_model import ActiveModel
from ui.datasets import dataset_of
from ui.figures import thin
from ui.threshold_control import threshold_bounds

ABNORMAL_CLASSES = (2, 3, 4, 5)  # ECG5000's; other datasets: Evaluation.class_scores' keys
OUTCOMES = ("TP", "FP", "TN", "FN")
SHOWN_POINTS = 300  # points per curve sent to the browser: plenty for a chart a few hundred pixels wide


@dataclass(frozen=True)
class Evaluation:
    """One model's test scores, curves and reconstructions, ready for any threshold."""

    sweep: ThresholdSweep
    y_true: np.ndarray  # (n,) 1 = abnormal
    classes: np.ndarray  # (n,) ECG5000 classes 1..5
    scores: np.ndarray  # (n,) test reconstruction errors
    train_scores: np.ndarray  # (m,) training reconstruction errors
    roc: tuple[np.ndarray, np.ndarray, float]  # fpr, tpr (thinned to SHOWN_POINTS), AUC
    pr: tuple[np.ndarray, np.ndarray, float]  # precision, recall (thinned), AP
    curves: dict[str, np.ndarray]  # threshold, precision, recall, f1 (highest threshold first; thinned)
    best_threshold: float
    best: Confusion
    class_scores: dict[int, np.ndarray]  # sorted test scores of each abnormal class
    order: np.ndarray  # test indices, most anomalous first
    beats: np.ndarray  # (n, length) test beats in original units
    reconstructions: np.ndarray  # (n, length) their reconstructions in original units
    class_names: dict[int, str] = field(default_factory=lambda: dict(CLASS_NAMES))  # the model's dataset's classes

    @cached_property
    def score_range(self) -> tuple[float, float]:
        """Lowest and highest error over test and training beats (computed once: every rerun asks)."""
        low = min(float(self.sweep.sorted_scores[0]), float(self.train_scores.min()))
        high = max(float(self.sweep.sorted_scores[-1]), float(self.train_scores.max()))
        return low, high

    @cached_property
    def ranked(self) -> pa.Table:
        """The sample inspector's columns that no threshold changes: rank, beat, class, label and score, most
        anomalous first."""
        order = self.order
        return pa.table(
            {
                "rank": pa.array(np.arange(1, order.size + 1), pa.int64()),
                "beat": pa.array(order, pa.int64()),
                "class": pa.array(self.classes[order], pa.int64()),
                "label": pa.array(np.where(self.y_true[order] == 1, "abnormal", "normal"), pa.large_string()),
                "score": pa.array(self.scores[order], pa.float64()),
            }
        )

    @cached_property
    def ranked_outcomes(self) -> tuple[pa.Array, pa.Array]:
        """Each ranked beat's outcome if it is flagged (TP or FP) and if it is not (FN or TN)."""
        abnormal = self.y_true[self.order] == 1
        if_flagged = pa.array(np.where(abnormal, "TP", "FP"), pa.large_string())
        if_not = pa.array(np.where(abnormal, "FN", "TN"), pa.large_string())
        return if_flagged, if_not


def build_evaluation(model: ActiveModel) -> Evaluation:
    """Precompute a model's evaluation (one model call for the reconstructions); ValueError if a class is missing."""
    y_true, scores = model.split.y_test, model.test_scores
    sweep = model.sweep
    fpr, tpr = _corners(*roc_curve(y_true, scores)[:2])  # raises ValueError without both normal and abnormal test beats
    precision, recall, _ = precision_recall_curve(y_true, scores)
    curves = sweep.curves()
    shown_roc, shown_pr = thin(len(fpr), SHOWN_POINTS), thin(len(precision), SHOWN_POINTS)
    shown_curves = thin(len(curves["threshold"]), SHOWN_POINTS)
    best_threshold, _ = sweep.best_f1()
    classes = model.split.classes_test
    dataset = model_dataset(model)
    return Evaluation(
        sweep=sweep,
        y_true=y_true,
        classes=classes,
        scores=scores,
        train_scores=model.train_scores,
        roc=(fpr[shown_roc], tpr[shown_roc], model.summary.auc),
        pr=(precision[shown_pr], recall[shown_pr], model.summary.average_precision),
        curves={name: values[shown_curves] for name, values in curves.items()},
        best_threshold=best_threshold,
        best=sweep.at(best_threshold),
        class_scores={c: np.sort(scores[classes == c]) for c in dataset.abnormal_classes},
        order=np.argsort(scores, kind="mergesort")[::-1],
        beats=model.scaler.inverse(model.split.x_test),
        reconstructions=model.scaler.inverse(reconstruct(model.model, model.split.x_test)),
        class_names=dict(dataset.class_names),
    )


def model_dataset(model: ActiveModel) -> Dataset:
    """The dataset the model's split comes from, with the normal classes the split used."""
    return dataset_of(model.split.config)


def _corners(fpr: np.ndarray, tpr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ROC points where the curve turns (collinear points dropped: same curve, fewer points to draw)."""
    keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(fpr, 2), np.diff(tpr, 2)), True])
    return fpr[keep], tpr[keep]


def strategy_threshold(evaluation: Evaluation, strategy: str, *, k: float = 1.0, percentile: float = 95.0) -> float:
    """The threshold a strategy of the core's registry picks for this evaluation's scores."""
    if strategy not in THRESHOLD_STRATEGIES:
        raise ValueError(f"strategy: {strategy!r} is not one of {', '.join(THRESHOLD_STRATEGIES)}")
    pick = THRESHOLD_STRATEGIES[strategy].pick
    return pick(evaluation.train_scores, evaluation.y_true, evaluation.scores, k=k, percentile=percentile)


RECALL_SCHEMA = pa.schema(
    [("class", pa.int64()), ("name", pa.large_string()), ("beats", pa.int64()), ("caught", pa.int64()), ("recall", pa.float64())]
)


def per_class_recall(evaluation: Evaluation, threshold: float) -> pa.Table:
    """For each abnormal class with test beats: how many there are, how many score >= threshold, and that share."""
    rows = []
    for label, sorted_scores in evaluation.class_scores.items():
        if sorted_scores.size == 0:  # a small test set can miss a rare class: no recall to show
            continue
        caught = int(sorted_scores.size - np.searchsorted(sorted_scores, threshold, side="left"))
        rows.append(
            {
                "class": int(label),
                "name": evaluation.class_names.get(label, f"Class {label}"),
                "beats": int(sorted_scores.size),
                "caught": caught,
                "recall": caught / sorted_scores.size,
            }
        )
    return pa.Table.from_pylist(rows, schema=RECALL_SCHEMA)


def outcomes(y_true: np.ndarray, scores: np.ndarray, threshold: float) -> np.ndarray:
    """'TP', 'FP', 'TN' or 'FN' for each beat (n,) when scores >= threshold are flagged."""
    flagged = flag_anomalies(scores, threshold)
    truth = np.asarray(y_true) == 1
    return np.select([flagged & truth, flagged & ~truth, ~flagged & ~truth], ["TP", "FP", "TN"], default="FN")


def sample_table(evaluation: Evaluation, threshold: float, shown: str = "all") -> pa.Table:
    """Test beats sorted by score (most anomalous first) with rank, class, score and outcome; `shown` filters by outcome.

    The flagged beats are the first rows (score order), so the outcome column is two precomputed slices.
    """
    confusion = evaluation.sweep.at(threshold)
    flagged = confusion.tp + confusion.fp
    if_flagged, if_not = evaluation.ranked_outcomes
    outcome = pa.concat_arrays([if_flagged.slice(0, flagged), if_not.slice(flagged)])
    table = evaluation.ranked.append_column("outcome", outcome)
    return table if shown == "all" else table.filter(pc.equal(table["outcome"], shown))


def slider_bounds(evaluation: Evaluation, *, log: bool) -> tuple[float, float, float]:
    """(min, max, step) of the threshold slider: the shared rule (`ui.threshold_control`) over this model's scores."""
    return threshold_bounds(*evaluation.score_range, log=log)


def decimals_for(evaluation: Evaluation) -> int:
    """Decimals that show the scores' scale, e.g. 5 for errors around 0.001-0.01."""
    high = max(evaluation.score_range[1], 1e-12)
    return int(min(10, max(2, 3 - np.floor(np.log10(high)))))
