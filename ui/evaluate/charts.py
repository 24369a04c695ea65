"""Plotly builders for the Evaluate page: data in, a figure spec out (`ui.figures.FigureSpec`), no Streamlit.

Specs, not go.Figure objects: a go.Figure costs 15-35 ms to build and serialise on a busy machine, too much for
charts redrawn on every slider move (`ui.fast_chart.show_chart` shows a spec).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from anomaly_core import flag_anomalies
from ui.figures import ANOMALY_COLOR, NORMAL_COLOR, RECON_COLOR, THRESHOLD_COLOR, FigureSpec, make_figure

PRECISION_COLOR = "#457b9d"
F1_COLOR = "#8338ec"
MISSED_PATTERN = dict(shape="x", fgcolor="#7a2812", solidity=0.35)
FALSE_ALARM_PATTERN = dict(shape="/", fgcolor="#114a43", solidity=0.35)


def _layout(title: str, x: str, y: str, height: int = 360, **extra: object) -> dict:
    layout: dict[str, Any] = dict(
        title=dict(text=title),
        xaxis=dict(title=dict(text=x)),
        yaxis=dict(title=dict(text=y)),
        height=height,
        margin=dict(l=50, r=20, t=40, b=40),
        legend=dict(orientation="h", yanchor="top", y=-0.22, xanchor="left", x=0.0),
    )
    for key, value in extra.items():
        layout[key] = {**layout[key], **value} if isinstance(value, dict) and key in layout else value
    return layout


def _threshold_line(x: float) -> dict:
    return dict(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=THRESHOLD_COLOR, dash="dash"))


def _point(x: float, y: float) -> dict:
    return dict(type="scatter", x=[x], y=[y], mode="markers", marker=dict(size=12, color=ANOMALY_COLOR), name="threshold")


def outcome_histogram(scores: np.ndarray, y_true: np.ndarray, threshold: float, *, log_x: bool = False) -> FigureSpec:
    """Histogram of normal and abnormal scores (n,), false alarms and missed anomalies hatched.

    Beats are split by `score >= threshold` before binning, so the hatched bars hold exactly the FP and FN
    beats; a bin edge sits on the threshold so no bar straddles it. With `log_x` the bins are even in
    log10(score) and the axis is labelled with the scores.
    """
    scores, y_true = np.asarray(scores, dtype=np.float64), np.asarray(y_true)
    values = np.log10(np.maximum(scores, 1e-12)) if log_x else scores
    line = float(np.log10(max(threshold, 1e-12))) if log_x else float(threshold)
    edges = np.histogram_bin_edges(values, bins=60)
    if edges[0] < line < edges[-1]:
        edges = np.union1d(edges, [line])
    centers, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    flagged = flag_anomalies(scores, threshold)
    groups = (
        ((y_true == 0) & ~flagged, dict(name="normal", opacity=0.6, marker=dict(color=NORMAL_COLOR))),
        ((y_true == 0) & flagged, dict(name="false alarms (FP)", marker=dict(color=NORMAL_COLOR, pattern=FALSE_ALARM_PATTERN))),
        ((y_true == 1) & flagged, dict(name="abnormal", opacity=0.6, marker=dict(color=ANOMALY_COLOR))),
        ((y_true == 1) & ~flagged, dict(name="missed (FN)", marker=dict(color=ANOMALY_COLOR, pattern=MISSED_PATTERN))),
    )
    data = []
    for members, style in groups:
        counts, _ = np.histogram(values[members], bins=edges)
        shown = counts > 0
        data.append(dict(type="bar", x=centers[shown], y=counts[shown], width=widths[shown], **style))
    xaxis: dict = dict(range=[float(min(edges[0], line)), float(max(edges[-1], line))])
    if log_x:
        decades = np.arange(np.floor(xaxis["range"][0]), np.ceil(xaxis["range"][1]) + 1)
        xaxis.update(tickvals=decades, ticktext=[f"1e{int(d)}" for d in decades])
    x_label = "reconstruction error (log scale)" if log_x else "reconstruction error"
    title = "Test-beat errors (hatched: wrong)"  # short enough for a phone's chart
    layout = _layout(title, x_label, "beats", barmode="overlay", shapes=[_threshold_line(line)], xaxis=xaxis)
    return make_figure(data, layout)


def confusion_figure(tp: int, fp: int, tn: int, fn: int) -> FigureSpec:
    """2×2 heatmap of the confusion counts, rows = truth, columns = prediction."""
    heatmap = dict(
        type="heatmap",
        z=[[tn, fp], [fn, tp]],
        x=["normal", "anomaly"],
        y=["normal", "abnormal"],
        text=[[f"TN<br>{tn}", f"FP<br>{fp}"], [f"FN<br>{fn}", f"TP<br>{tp}"]],
        texttemplate="%{text}",
        textfont=dict(size=18),
        colorscale="Blues",
        showscale=False,
        hovertemplate="%{y} beat, %{x}: %{z}<extra></extra>",
    )
    layout = _layout(
        "Confusion matrix", "predicted", "true class", margin=dict(l=10, r=10),  # the labels' own room, the rest for the cells
        yaxis=dict(autorange="reversed", automargin=True), xaxis=dict(automargin=True),
    )  # fmt: skip
    return make_figure([heatmap], layout)


def roc_point_figure(fpr: np.ndarray, tpr: np.ndarray, auc: float, point: tuple[float, float]) -> FigureSpec:
    """ROC curve (fpr, tpr arrays) with its AUC and the current operating point (fpr, tpr)."""
    data = [
        dict(type="scatter", x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dot", color="#bbb"), name="chance"),
        dict(type="scatter", x=fpr, y=tpr, mode="lines", line=dict(color=RECON_COLOR), name=f"ROC (AUC {auc:.3f})"),
        _point(*point),
    ]
    layout = _layout("ROC curve", "false-positive rate", "true-positive rate (recall)", xaxis=dict(range=[0, 1]))
    layout["yaxis"]["range"] = [0, 1.02]
    return make_figure(data, layout)


def pr_figure(precision: np.ndarray, recall: np.ndarray, ap: float, point: tuple[float, float]) -> FigureSpec:
    """Precision-recall curve with its average precision and the current operating point (recall, precision)."""
    curve = dict(type="scatter", x=recall, y=precision, mode="lines", line=dict(color=RECON_COLOR, shape="hv"))
    data = [{**curve, "name": f"PR (AP {ap:.3f})"}, _point(*point)]
    layout = _layout("Precision–recall curve", "recall", "precision", xaxis=dict(range=[0, 1.02]), yaxis=dict(range=[0, 1.02]))
    return make_figure(data, layout)


def threshold_metrics_figure(
    thresholds: np.ndarray, curves: dict[str, np.ndarray], threshold: float, *, log_x: bool = False
) -> FigureSpec:
    """Precision, recall and F1 (arrays aligned with `thresholds`) against the threshold, current value marked."""
    data = [
        dict(type="scatter", x=thresholds, y=curves[name], mode="lines", line=dict(color=color, shape="hv"), name=name)
        for name, color in (("precision", PRECISION_COLOR), ("recall", ANOMALY_COLOR), ("f1", F1_COLOR))
    ]
    xaxis = dict(type="log") if log_x else {}
    layout = _layout(
        "Precision, recall and F1 by threshold", "threshold", "value", shapes=[_threshold_line(threshold)], xaxis=xaxis
    )
    layout["yaxis"]["range"] = [0, 1.02]
    return make_figure(data, layout)


def beat_figure(beat: np.ndarray, reconstruction: np.ndarray, *, title: str, y_label: str = "value") -> FigureSpec:
    """One beat (length,) against its reconstruction, the per-point error shaded between them."""
    data = [
        dict(type="scatter", y=reconstruction, mode="lines", line=dict(color=RECON_COLOR, dash="dash"), name="reconstruction"),
        dict(type="scatter", y=beat, mode="lines", line=dict(color=ANOMALY_COLOR), fill="tonexty", name="beat (error shaded)"),
    ]
    data[1]["fillcolor"] = "rgba(231,111,81,0.25)"
    return make_figure(data, _layout(title, "time step", y_label))


def gallery_figure(
    beats: Sequence[np.ndarray], reconstructions: Sequence[np.ndarray], titles: Sequence[str], *, columns: int = 4
) -> FigureSpec:
    """Small multiples: each beat (length,) against its reconstruction, one panel per beat."""
    rows = max(1, -(-len(beats) // columns))
    gap_x, gap_y = 0.04, 0.12 / rows
    width, height = (1 - gap_x * (columns - 1)) / columns, (1 - gap_y * (rows - 1)) / rows
    layout: dict = dict(height=190 * rows + 60, margin=dict(l=30, r=10, t=40, b=20), showlegend=False, annotations=[])
    data = []
    for i, (beat, recon, title) in enumerate(zip(beats, reconstructions, titles)):
        row, col = divmod(i, columns)
        suffix = "" if i == 0 else str(i + 1)
        x0, y1 = col * (width + gap_x), 1 - row * (height + gap_y)
        layout[f"xaxis{suffix}"] = dict(domain=[x0, x0 + width], anchor=f"y{suffix}", showticklabels=False)
        layout[f"yaxis{suffix}"] = dict(domain=[y1 - height, y1], anchor=f"x{suffix}")
        axes = dict(xaxis=f"x{suffix}", yaxis=f"y{suffix}")
        data.append(dict(type="scatter", y=recon, mode="lines", line=dict(color=RECON_COLOR, dash="dash", width=1), **axes))
        data.append(dict(type="scatter", y=beat, mode="lines", line=dict(color=ANOMALY_COLOR, width=1.5), fill="tonexty", **axes))
        layout["annotations"].append(
            dict(
                text=title,
                x=x0 + width / 2,
                y=y1,
                xref="paper",
                yref="paper",
                showarrow=False,
                yanchor="bottom",
                font=dict(size=11),
            )
        )
    return make_figure(data, layout)
