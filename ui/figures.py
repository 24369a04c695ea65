"""Plotly figure builders shared by several pages: data in, go.Figure out, no Streamlit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from anomaly_core import flag_anomalies

NORMAL_COLOR = "#2a9d8f"
ANOMALY_COLOR = "#e76f51"
RECON_COLOR = "#264653"
THRESHOLD_COLOR = "#6c757d"


def style_figure(fig: go.Figure, title: str, x: str, y: str, *, height: int = 320, legend_below: bool = False) -> go.Figure:
    """The house look: title, axis titles, compact margins, a horizontal legend (Streamlit's theme does the rest)."""
    legend = (
        dict(orientation="h", yanchor="top", y=-0.18, xanchor="left", x=0.0)
        if legend_below
        else (dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0))
    )
    fig.update_layout(
        title=title, xaxis_title=x, yaxis_title=y, height=height, margin=dict(l=50, r=20, t=50, b=45), legend=legend
    )
    return fig


def error_histogram(
    scores: np.ndarray, y_true: np.ndarray, threshold: float | None = None, *, title: str = "Reconstruction error of test beats"
) -> go.Figure:
    """Overlaid histograms of normal and abnormal scores, with the threshold as a vertical line."""
    scores, y_true = np.asarray(scores), np.asarray(y_true)
    edges = np.histogram_bin_edges(scores, bins=60)
    fig = go.Figure()
    for label, name, color in ((0, "normal", NORMAL_COLOR), (1, "abnormal", ANOMALY_COLOR)):
        counts, _ = np.histogram(scores[y_true == label], bins=edges)
        fig.add_bar(x=(edges[:-1] + edges[1:]) / 2, y=counts, width=np.diff(edges), name=name, marker_color=color, opacity=0.65)
    fig.update_layout(barmode="overlay")
    if threshold is not None:
        fig.add_vline(x=threshold, line_dash="dash", line_color=THRESHOLD_COLOR, annotation_text="threshold")
    return style_figure(fig, title, "reconstruction error", "beats")


def roc_figure(fpr: np.ndarray, tpr: np.ndarray, auc: float, point: tuple[float, float] | None = None) -> go.Figure:
    """ROC curve with its AUC and, optionally, the current operating point (fpr, tpr)."""
    fig = go.Figure()
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dot", color="#bbb"), name="chance")
    fig.add_scatter(x=fpr, y=tpr, mode="lines", line=dict(color=RECON_COLOR), name=f"ROC (AUC {auc:.3f})")
    if point is not None:
        fig.add_scatter(x=[point[0]], y=[point[1]], mode="markers", marker=dict(size=12, color=ANOMALY_COLOR), name="threshold")
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    return style_figure(fig, "ROC curve", "false-positive rate", "true-positive rate (recall)")


def reconstruction_figure(
    signal: np.ndarray, reconstruction: np.ndarray, *, title: str = "Beat and its reconstruction", y_label: str = "value"
) -> go.Figure:
    """A beat against its reconstruction, the gap between them shaded as the error."""
    steps = np.arange(len(signal))
    fig = go.Figure()
    fig.add_scatter(x=steps, y=reconstruction, mode="lines", line=dict(color=RECON_COLOR, dash="dash"), name="reconstruction")
    fig.add_scatter(
        x=steps,
        y=signal,
        mode="lines",
        line=dict(color=ANOMALY_COLOR),
        fill="tonexty",
        fillcolor="rgba(231,111,81,0.25)",
        name="beat (error shaded)",
    )
    return style_figure(fig, title, "time step", y_label)


def log_ticks(values: Sequence[float]) -> list[float]:
    """Ticks at 1, 2 and 5 times each power of ten that covers the positive `values` (at least three ticks)."""
    positive = [float(v) for v in values if v > 0 and np.isfinite(v)]
    if not positive:
        return []
    low, high = np.floor(np.log10(min(positive))), np.ceil(np.log10(max(positive)))
    ticks = [float(f"{m * 10.0**e:.12g}") for e in range(int(low), int(high) + 1) for m in (1, 2, 5)]
    inside = [t for t in ticks if min(positive) / 1.5 <= t <= max(positive) * 1.5]
    return inside if len(inside) >= 3 else [t for t in ticks if 10.0**low <= t <= 10.0**high]


def loss_figure(epochs: Sequence[int], train_loss: Sequence[float], val_loss: Sequence[float]) -> go.Figure:
    """Training and validation loss per epoch (log scale, every tick labelled in full, e.g. 0.002 0.005 0.01)."""
    fig = go.Figure()
    fig.add_scatter(x=list(epochs), y=list(train_loss), mode="lines+markers", name="training", line=dict(color=RECON_COLOR))
    fig.add_scatter(x=list(epochs), y=list(val_loss), mode="lines+markers", name="validation", line=dict(color=ANOMALY_COLOR))
    ticks = log_ticks([*train_loss, *val_loss])
    fig.update_yaxes(type="log", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    return style_figure(fig, "Loss", "epoch", "loss")


def drawn_beat_figure(
    signal: np.ndarray, reconstruction: np.ndarray, nearest_normal: np.ndarray | None = None, *, title: str = "Your beat"
) -> go.Figure:
    """A drawn or edited beat against its reconstruction (error shaded), with the nearest normal test beat dotted."""
    fig = reconstruction_figure(signal, reconstruction, title=title, y_label="value (original units)")
    if nearest_normal is not None:
        steps = np.arange(len(nearest_normal))
        fig.add_scatter(
            x=steps, y=nearest_normal, mode="lines", line=dict(color=NORMAL_COLOR, dash="dot"), name="nearest normal test beat"
        )
    return fig


def histogram_with_score(
    scores: np.ndarray, y_true: np.ndarray, threshold: float, score: float, *, label: str = "your beat"
) -> go.Figure:
    """The test-set error histogram with the threshold and one more score marked on it."""
    fig = error_histogram(scores, y_true, threshold, title="Your beat among the test beats")
    flagged = bool(flag_anomalies(score, threshold))
    color = ANOMALY_COLOR if flagged else NORMAL_COLOR
    side = "top right" if flagged else "top left"  # away from the threshold's own label
    fig.add_vline(x=score, line_width=3, line_color=color, annotation_text=label, annotation_position=side, annotation_yshift=-16)
    return fig


def signals_figure(signals: Sequence[np.ndarray], names: Sequence[str], *, title: str = "Saved beats") -> go.Figure:
    """Several beats on one chart, one line each."""
    fig = go.Figure()
    for signal, name in zip(signals, names):
        fig.add_scatter(x=np.arange(len(signal)), y=signal, mode="lines", name=name)
    return style_figure(fig, title, "time step", "value (original units)")
