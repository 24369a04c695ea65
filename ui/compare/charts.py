"""Overlaid ROC and precision-recall curves of several models on one split (pure: data in, a figure spec out)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from anomaly_core import average_precision, precision_recall_curve, roc_auc, roc_curve
from ui.figures import FigureSpec, house_layout, make_figure

Curve = tuple[str, np.ndarray, np.ndarray]  # (name, y_test, scores)
DASHED_NAMES = ("Local Outlier Factor", "Isolation Forest", "PCA reconstruction error", "One-Class SVM")
PALETTE = ("#264653", "#e76f51", "#2a9d8f", "#8338ec", "#f4a261", "#3a86ff", "#ff006e", "#6c757d", "#588157", "#bc6c25")


def _style(name: str, index: int) -> dict:
    """The same colour for the same position in both charts; baselines dashed."""
    return dict(dash="dash" if name in DASHED_NAMES else "solid", width=2, color=PALETTE[index % len(PALETTE)])


def _layout(title: str, x: str, y: str) -> dict:
    return house_layout(title, x, y, height=380, legend_below=True, xaxis=dict(range=[0, 1]), yaxis=dict(range=[0, 1.02]))


def roc_overlay(curves: Sequence[Curve]) -> FigureSpec:
    """One ROC curve per (name, y_test, scores), AUC in the legend; baselines dashed."""
    data = [dict(type="scatter", x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dot", color="#bbb"), name="chance")]
    for index, (name, y_true, scores) in enumerate(curves):
        fpr, tpr, _ = roc_curve(y_true, scores)
        label = f"{name} (AUC {roc_auc(y_true, scores):.3f})"
        data.append(dict(type="scatter", x=fpr, y=tpr, mode="lines", line=_style(name, index), name=label))
    return make_figure(data, _layout("ROC curves", "false-positive rate", "true-positive rate (recall)"))


def pr_overlay(curves: Sequence[Curve]) -> FigureSpec:
    """One precision-recall curve per (name, y_test, scores), AP in the legend; baselines dashed."""
    data = []
    for index, (name, y_true, scores) in enumerate(curves):
        precision, recall, _ = precision_recall_curve(y_true, scores)
        label = f"{name} (AP {average_precision(y_true, scores):.3f})"
        data.append(dict(type="scatter", x=np.r_[0.0, recall], y=np.r_[1.0, precision], mode="lines",
                         line=_style(name, index), name=label))  # fmt: skip
    return make_figure(data, _layout("Precision–recall curves", "recall", "precision"))
