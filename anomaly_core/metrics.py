"""Pure numpy threshold metrics: a label is predicted anomalous when its score >= threshold.

Conventions follow scikit-learn: `(y_true, y_score)` order, 1 = anomaly, ValueError on
degenerate input, 0.0 where a ratio's denominator is zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FPR_BUDGET = 0.05  # the false-positive rate of "recall at 5 % FPR"


def flag_anomalies(y_score: np.ndarray | float, threshold: float) -> np.ndarray:
    """True where a score is called an anomaly: score >= threshold, the rule every metric here follows."""
    return np.asarray(y_score) >= threshold


def verdict(score: float, threshold: float) -> str:
    """'Anomaly' when the score is at or above the threshold, else 'Normal' (the convention of every metric here)."""
    return "Anomaly" if bool(flag_anomalies(score, threshold)) else "Normal"


def _check(y_true: np.ndarray, y_score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true).ravel()
    s = np.asarray(y_score, dtype=np.float64).ravel()
    if y.shape != s.shape or y.size == 0:
        raise ValueError(f"y_true and y_score need the same non-zero length, got {y.size} and {s.size}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("y_true must hold only 0 (normal) and 1 (anomaly)")
    if not np.isfinite(s).all():
        raise ValueError("y_score contains NaN or infinite values")
    return y.astype(np.int64), s


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else 0.0


def binary_clf_curve(y_true: np.ndarray, y_score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(false positives, true positives, thresholds) at each distinct score, highest first."""
    y, s = _check(y_true, y_score)
    order = np.argsort(s, kind="mergesort")[::-1]
    s, y = s[order], y[order]
    last_of_value = np.r_[np.flatnonzero(np.diff(s)), y.size - 1]
    tps = np.cumsum(y)[last_of_value]
    fps = 1 + last_of_value - tps
    return fps, tps, s[last_of_value]


def _require_both_classes(tps: np.ndarray, fps: np.ndarray) -> None:
    if tps[-1] == 0 or fps[-1] == 0:
        raise ValueError("need both normal and anomalous labels to draw ROC / PR curves")


def roc_curve(y_true: np.ndarray, y_score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fpr, tpr, thresholds) starting at (0, 0) with threshold +inf."""
    fps, tps, thresholds = binary_clf_curve(y_true, y_score)
    _require_both_classes(tps, fps)
    fpr = np.r_[0.0, fps / fps[-1]]
    tpr = np.r_[0.0, tps / tps[-1]]
    return fpr, tpr, np.r_[np.inf, thresholds]


def roc_auc(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Area under the ROC curve."""
    fpr, tpr, _ = roc_curve(y_true, y_score)
    return float(np.trapezoid(tpr, fpr))


def precision_recall_curve(y_true: np.ndarray, y_score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, thresholds) from the highest threshold down."""
    fps, tps, thresholds = binary_clf_curve(y_true, y_score)
    _require_both_classes(tps, fps)
    return tps / (tps + fps), tps / tps[-1], thresholds


def average_precision(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Sum of precision weighted by each recall step (scikit-learn's definition)."""
    precision, recall, _ = precision_recall_curve(y_true, y_score)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


@dataclass(frozen=True)
class Confusion:
    """Counts at one threshold and the rates derived from them."""

    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def accuracy(self) -> float:
        return _ratio(self.tp + self.tn, self.tp + self.fp + self.tn + self.fn)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def fpr(self) -> float:
        return _ratio(self.fp, self.fp + self.tn)

    @property
    def fnr(self) -> float:
        return _ratio(self.fn, self.fn + self.tp)

    @property
    def tnr(self) -> float:
        return _ratio(self.tn, self.tn + self.fp)

    def as_dict(self) -> dict[str, float]:
        """Every rate by name, for tables and metric cards."""
        names = ("accuracy", "precision", "recall", "f1", "fpr", "fnr", "tnr")
        return {name: getattr(self, name) for name in names}


class ThresholdSweep:
    """Scores sorted once; any threshold is then evaluated by one binary search."""

    def __init__(self, y_true: np.ndarray, y_score: np.ndarray) -> None:
        y, s = _check(y_true, y_score)
        order = np.argsort(s, kind="mergesort")
        self.sorted_scores = s[order]
        self._positives_from = np.r_[np.cumsum(y[order][::-1])[::-1], 0]  # anomalies at or after each index
        self.positives = int(y.sum())
        self.negatives = int(y.size - self.positives)
        self.fps, self.tps, self.thresholds = binary_clf_curve(y, s)

    def at(self, threshold: float) -> Confusion:
        """Confusion counts when scores >= threshold are called anomalies."""
        first = int(np.searchsorted(self.sorted_scores, threshold, side="left"))
        tp = int(self._positives_from[first])
        fp = int(self.sorted_scores.size - first - tp)
        return Confusion(tp=tp, fp=fp, tn=self.negatives - fp, fn=self.positives - tp)

    def curves(self) -> dict[str, np.ndarray]:
        """Precision, recall and F1 at every distinct threshold (highest first)."""
        precision = self.tps / (self.tps + self.fps)
        recall = self.tps / self.positives if self.positives else np.zeros_like(precision)
        f1 = 2 * self.tps / (self.tps + self.fps + self.positives)
        return {"threshold": self.thresholds, "precision": precision, "recall": recall, "f1": f1}

    def best_f1(self) -> tuple[float, float]:
        """(threshold, F1) at the threshold with the highest F1."""
        f1 = self.curves()["f1"]
        best = int(np.argmax(f1))
        return float(self.thresholds[best]), float(f1[best])

    def threshold_at_fpr(self, max_fpr: float = FPR_BUDGET) -> float:
        """The lowest threshold whose false-positive rate stays at or below `max_fpr` (+inf: none does)."""
        if not self.negatives:
            raise ValueError("need normal labels to count false positives")
        allowed = self.fps / self.negatives <= max_fpr
        return float(self.thresholds[allowed].min()) if allowed.any() else math.inf

    def recall_at_fpr(self, max_fpr: float = FPR_BUDGET) -> float:
        """Highest recall whose false-positive rate stays at or below `max_fpr`."""
        if not self.positives or not self.negatives:
            raise ValueError("need both normal and anomalous labels")
        return self.at(self.threshold_at_fpr(max_fpr)).recall


@dataclass(frozen=True)
class ScoreSummary:
    """Headline numbers of one model's test scores."""

    auc: float
    average_precision: float
    best_f1_threshold: float
    best_f1: float
    precision_at_best_f1: float
    recall_at_best_f1: float
    recall_at_5pct_fpr: float


def summarize_scores(y_true: np.ndarray, y_score: np.ndarray) -> ScoreSummary:
    """AUC, AP, the best-F1 operating point and recall at 5 % false positives."""
    sweep = ThresholdSweep(y_true, y_score)
    threshold, f1 = sweep.best_f1()
    at_best = sweep.at(threshold)
    return ScoreSummary(
        auc=roc_auc(y_true, y_score),
        average_precision=average_precision(y_true, y_score),
        best_f1_threshold=threshold,
        best_f1=f1,
        precision_at_best_f1=at_best.precision,
        recall_at_best_f1=at_best.recall,
        recall_at_5pct_fpr=sweep.recall_at_fpr(FPR_BUDGET),
    )


def summarize_if_labelled(y_true: np.ndarray, y_score: np.ndarray) -> ScoreSummary:
    """`summarize_scores`, or every number NaN when the test rows are all of one kind (a CSV without labels)."""
    if np.unique(np.asarray(y_true)).size < 2:
        nan = float("nan")
        return ScoreSummary(nan, nan, nan, nan, nan, nan, nan)
    return summarize_scores(y_true, y_score)
