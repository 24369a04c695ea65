"""Overlaid ROC and precision-recall curves of several models on one split (pure: data in, go.Figure out)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from anomaly_core import average_precision, precision_recall_curve, roc_auc, roc_curve
from ui.figures import style_figure

Curve = tuple[str, np.ndarray, np.ndarray]  # (name, y_test, scores)
DASHED_NAMES = ("Local Outlier Factor", "Isolation Forest", "PCA reconstruction error", "One-Class SVM")
PALETTE = ("#264653", "#e76f51", "#2a9d8f", "#8338ec", "#f4a261", "#3a86ff", "#ff006e", "#6c757d", "#588157", "#bc6c25")


def _style(name: str, index: int) -> dict:
    """The same colour for the same position in both charts; baselines dashed."""
    return dict(dash="dash" if name in DASHED_NAMES else "solid", width=2, color=PALETTE[index % len(PALETTE)])


def _layout(fig: go.Figure, title: str, x: str, y: str) -> go.Figure:
    style_figure(fig, title, x, y, height=380, legend_below=True)
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    return fig


def roc_overlay(curves: Sequence[Curve]) -> go.Figure:
    """One ROC curve per (name, y_test, scores), AUC in the legend; baselines dashed."""
    fig = go.Figure()
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dot", color="#bbb"), name="chance")
    for index, (name, y_true, scores) in enumerate(curves):
        fpr, tpr, _ = roc_curve(y_true, scores)
        fig.add_scatter(x=fpr, y=tpr, mode="lines", line=_style(name, index), name=f"{name} (AUC {roc_auc(y_true, scores):.3f})")
    return _layout(fig, "ROC curves", "false-positive rate", "true-positive rate (recall)")


def pr_overlay(curves: Sequence[Curve]) -> go.Figure:
    """One precision-recall curve per (name, y_test, scores), AP in the legend; baselines dashed."""
    fig = go.Figure()
    for index, (name, y_true, scores) in enumerate(curves):
        precision, recall, _ = precision_recall_curve(y_true, scores)
        ap = average_precision(y_true, scores)
        label = f"{name} (AP {ap:.3f})"
        fig.add_scatter(x=np.r_[0.0, recall], y=np.r_[1.0, precision], mode="lines", line=_style(name, index), name=label)
    return _layout(fig, "Precision–recall curves", "recall", "precision")
