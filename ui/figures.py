"""Plotly figure builders shared by several pages: data in, a figure spec (plotly's JSON as a dict) out, no Streamlit.

Specs, not go.Figure objects: building, validating and copying a go.Figure costs 15-35 ms per chart on a busy
2-core machine, too much for charts redrawn on every slider move or live training update. `ui.fast_chart.show_chart`
shows a spec; the builders write plotly's JSON form directly (`title=dict(text=...)`, nested `line`, `marker`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from anomaly_core import flag_anomalies

FigureSpec = dict[str, Any]  # {"data": [trace dicts], "layout": {...}} in plotly's JSON form

NORMAL_COLOR = "#2a9d8f"
ANOMALY_COLOR = "#e76f51"
RECON_COLOR = "#264653"
THRESHOLD_COLOR = "#6c757d"
LEGEND_ABOVE = dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0)
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.18, xanchor="left", x=0.0)


def house_layout(title: str, x: str, y: str, *, height: int = 320, legend_below: bool = False, **extra: Any) -> dict:
    """The house look as a layout dict: title, axis titles, compact margins, a horizontal legend; `extra` merged in."""
    layout: dict[str, Any] = dict(
        title=dict(text=title),
        xaxis=dict(title=dict(text=x)),
        yaxis=dict(title=dict(text=y)),
        height=height,
        margin=dict(l=50, r=20, t=50, b=45),
        legend=LEGEND_BELOW if legend_below else LEGEND_ABOVE,
    )
    for key, value in extra.items():
        layout[key] = {**layout[key], **value} if isinstance(value, dict) and isinstance(layout.get(key), dict) else value
    return layout


def make_figure(data: list[dict], layout: dict) -> FigureSpec:
    """A figure spec from trace dicts and a layout dict."""
    return {"data": data, "layout": layout}


def thin(length: int, keep: int) -> np.ndarray:
    """Indices of at most `keep` points spread evenly over `length` points (a curve, or rows), both ends kept."""
    if length <= keep:
        return np.arange(length)
    return np.unique(np.linspace(0, length - 1, keep).round().astype(int))


def vertical_line(x: float, color: str = THRESHOLD_COLOR, *, dash: str = "dash", width: float = 2) -> dict:
    """A line across the whole plot height at `x` (a layout shape)."""
    return dict(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=color, dash=dash, width=width))


def line_label(x: float, text: str, *, side: str = "right", shift: int = 0) -> dict:
    """A label at the top of a vertical line at `x`, on its `side` (a layout annotation)."""
    return dict(x=x, y=1, yref="paper", text=text, showarrow=False, xanchor="left" if side == "right" else "right",
                yanchor="top", yshift=shift)  # fmt: skip


def histogram_bars(scores: np.ndarray, y_true: np.ndarray, bins: int = 60) -> list[dict]:
    """Overlaid bars of normal and abnormal scores (n,), on bins shared by both."""
    scores, y_true = np.asarray(scores), np.asarray(y_true)
    edges = np.histogram_bin_edges(scores, bins=bins)
    centers, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    bars = []
    for label, name, color in ((0, "normal", NORMAL_COLOR), (1, "abnormal", ANOMALY_COLOR)):
        counts, _ = np.histogram(scores[y_true == label], bins=edges)
        bars.append(dict(type="bar", x=centers, y=counts, width=widths, name=name, marker=dict(color=color), opacity=0.65))
    return bars


def error_histogram(
    scores: np.ndarray, y_true: np.ndarray, threshold: float | None = None, *, title: str = "Reconstruction error of test beats"
) -> FigureSpec:
    """Overlaid histograms of normal and abnormal scores, with the threshold as a vertical line."""
    lines = [] if threshold is None else [float(threshold)]
    return _histogram(histogram_bars(scores, y_true), title, lines, [])


def _histogram(
    bars: list[dict], title: str, lines: list[float], extra: list[tuple[float, str, str]], noun: str = "beat"
) -> FigureSpec:
    """Bars (counts of `noun`s) with dashed threshold lines (labelled) and extra solid lines (x, colour, label)."""
    shapes = [vertical_line(x) for x in lines] + [vertical_line(x, color, dash="solid", width=3) for x, color, _ in extra]
    labels = [line_label(x, "threshold") for x in lines]
    labels += [line_label(x, text, side="right" if color == ANOMALY_COLOR else "left", shift=-16) for x, color, text in extra]
    layout = house_layout(title, "reconstruction error", f"{noun}s", barmode="overlay", shapes=shapes, annotations=labels)
    return make_figure(bars, layout)


def roc_figure(fpr: np.ndarray, tpr: np.ndarray, auc: float, point: tuple[float, float] | None = None) -> FigureSpec:
    """ROC curve with its AUC and, optionally, the current operating point (fpr, tpr)."""
    data = [
        dict(type="scatter", x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dot", color="#bbb"), name="chance"),
        dict(type="scatter", x=fpr, y=tpr, mode="lines", line=dict(color=RECON_COLOR), name=f"ROC (AUC {auc:.3f})"),
    ]
    if point is not None:
        data.append(dict(type="scatter", x=[point[0]], y=[point[1]], mode="markers", name="threshold",
                         marker=dict(size=12, color=ANOMALY_COLOR)))  # fmt: skip
    layout = house_layout("ROC curve", "false-positive rate", "true-positive rate (recall)",
                          xaxis=dict(range=[0, 1]), yaxis=dict(range=[0, 1.02]))  # fmt: skip
    return make_figure(data, layout)


def reconstruction_traces(signal: np.ndarray, reconstruction: np.ndarray) -> list[dict]:
    """A beat and its reconstruction as two lines, the gap between them shaded as the error."""
    steps = np.arange(len(signal))
    return [
        dict(type="scatter", x=steps, y=reconstruction, mode="lines", line=dict(color=RECON_COLOR, dash="dash"),
             name="reconstruction"),
        dict(type="scatter", x=steps, y=signal, mode="lines", line=dict(color=ANOMALY_COLOR), fill="tonexty",
             fillcolor="rgba(231,111,81,0.25)", name="beat (error shaded)"),
    ]  # fmt: skip


def log_ticks(values: Sequence[float]) -> list[float]:
    """Ticks at 1, 2 and 5 times each power of ten that covers the positive `values` (at least three ticks)."""
    positive = [float(v) for v in values if v > 0 and np.isfinite(v)]
    if not positive:
        return []
    low, high = np.floor(np.log10(min(positive))), np.ceil(np.log10(max(positive)))
    ticks = [float(f"{m * 10.0**e:.12g}") for e in range(int(low), int(high) + 1) for m in (1, 2, 5)]
    inside = [t for t in ticks if min(positive) / 1.5 <= t <= max(positive) * 1.5]
    return inside if len(inside) >= 3 else [t for t in ticks if 10.0**low <= t <= 10.0**high]


def loss_figure(epochs: Sequence[int], train_loss: Sequence[float], val_loss: Sequence[float]) -> FigureSpec:
    """Training and validation loss per epoch (log scale, every tick labelled in full, e.g. 0.002 0.005 0.01)."""
    data = [
        dict(type="scatter", x=list(epochs), y=list(losses), mode="lines+markers", name=name, line=dict(color=color))
        for losses, name, color in ((train_loss, "training", RECON_COLOR), (val_loss, "validation", ANOMALY_COLOR))
    ]
    ticks = log_ticks([*train_loss, *val_loss])
    yaxis = dict(type="log", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    return make_figure(data, house_layout("Loss", "epoch", "loss", yaxis=yaxis))


def drawn_beat_figure(
    signal: np.ndarray, reconstruction: np.ndarray, nearest_normal: np.ndarray | None = None, *, title: str = "Your beat"
) -> FigureSpec:
    """A drawn or edited beat against its reconstruction (error shaded), with the nearest normal test beat dotted."""
    data = reconstruction_traces(signal, reconstruction)
    if nearest_normal is not None:
        data.append(dict(type="scatter", x=np.arange(len(nearest_normal)), y=nearest_normal, mode="lines",
                         line=dict(color=NORMAL_COLOR, dash="dot"), name="nearest normal test beat"))  # fmt: skip
    return make_figure(data, house_layout(title, "time step", "value (original units)"))


def histogram_with_score(bars: list[dict], threshold: float, score: float, *, noun: str = "beat") -> FigureSpec:
    """A test-set error histogram (`histogram_bars`) with the threshold and one more score ("your beat") marked on it."""
    color = ANOMALY_COLOR if bool(flag_anomalies(score, threshold)) else NORMAL_COLOR  # its label away from the threshold's
    title = f"Your {noun} among the test {noun}s"
    return _histogram(bars, title, [float(threshold)], [(float(score), color, f"your {noun}")], noun)


def signals_figure(signals: Sequence[np.ndarray], names: Sequence[str], *, title: str = "Saved beats") -> FigureSpec:
    """Several beats on one chart, one line each."""
    data = [dict(type="scatter", x=np.arange(len(s)), y=s, mode="lines", name=name) for s, name in zip(signals, names)]
    return make_figure(data, house_layout(title, "time step", "value (original units)"))
