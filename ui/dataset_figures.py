"""Plotly figures for the datasets that are not single beats: digits as images, the long signal over time.

Pure builders shared by the Data, Evaluate and Draw pages: data in, go.Figure out (subplots, shapes), no Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from anomaly_core import Span
from ui.figures import ANOMALY_COLOR, RECON_COLOR, THRESHOLD_COLOR, house_layout

PALETTE = ("#2a9d8f", "#e76f51", "#8e44ad", "#f4a261", "#6c757d", "#264653", "#e9c46a", "#457b9d", "#d62828", "#6a994e")
SPAN_FILL = "rgba(231,111,81,0.18)"


def class_color(label: int, classes: Sequence[int], normal: Sequence[int] = ()) -> str:
    """A colour per class of a dataset: normal classes first (teal), then the others in order (ECG5000's own colours)."""
    ordered = sorted(classes, key=lambda c: (c not in normal, c))
    return PALETTE[ordered.index(label) % len(PALETTE)] if label in ordered else RECON_COLOR


def style_figure(fig: go.Figure, title: str, x: str, y: str, *, height: int = 320) -> go.Figure:
    """The house look (`ui.figures.house_layout`) on a go.Figure; an empty axis title keeps the subplots' own."""
    layout = house_layout(title, x, y, height=height)
    for axis, text in (("xaxis", x), ("yaxis", y)):
        if not text:
            del layout[axis]
    fig.update_layout(**layout)
    return fig


def _heatmap(image: np.ndarray, low: float, high: float) -> go.Heatmap:
    return go.Heatmap(z=image[::-1], zmin=low, zmax=high, colorscale="Greys", showscale=False, hoverinfo="skip")


def image_grid_figure(
    images: np.ndarray, titles: Sequence[str], *, title: str, columns: int = 8, rows_of: Sequence[str] = ()
) -> go.Figure:
    """Images (k, h, w) in a grid, each with its title; `rows_of` names each row of the grid on its left."""
    images = np.asarray(images, dtype=np.float64)
    count = len(images)
    rows = max(1, -(-count // columns))
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=list(titles), horizontal_spacing=0.01, vertical_spacing=0.12)
    low, high = float(images.min(initial=0.0)), float(images.max(initial=1.0))
    for index, image in enumerate(images):
        fig.add_trace(_heatmap(image, low, high), row=index // columns + 1, col=index % columns + 1)
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, constrain="domain")
    for number in range(1, rows * columns + 1):  # square pixels: each y axis keeps its own x axis's scale
        suffix = "" if number == 1 else str(number)
        fig.layout[f"yaxis{suffix}"].scaleanchor = f"x{suffix}"
    for number, name in enumerate(rows_of, start=1):
        fig.update_yaxes(visible=True, showticklabels=False, title_text=name, row=number, col=1)
    fig.update_annotations(font_size=11)
    return style_figure(fig, title, "", "", height=110 + 120 * rows)


def image_pairs_figure(inputs: np.ndarray, reconstructions: np.ndarray, titles: Sequence[str], *, title: str) -> go.Figure:
    """Inputs (k, h, w) on the top row, their reconstructions below, one column per item."""
    columns = max(1, len(inputs))
    both = np.concatenate([np.asarray(inputs), np.asarray(reconstructions)])
    names = [*titles, *(["reconstruction"] * len(inputs))]
    return image_grid_figure(both, names, title=title, columns=columns, rows_of=("input", "rebuilt"))


def shade_spans(fig: go.Figure, spans: Sequence[Span], *, row: int | None = None) -> None:
    """Shade every true anomaly span (time steps start … end - 1), labelled with its kind (on the top row only)."""
    for span in spans:
        label = {"annotation_text": span.kind.replace("_", " "), "annotation_position": "top left"} if row in (None, 1) else {}
        fig.add_vrect(
            x0=span.start - 0.5, x1=span.end - 0.5, fillcolor=SPAN_FILL, line_width=0, layer="below",
            row=row, col=1 if row is not None else None, **label,
        )  # fmt: skip


def long_signal_figure(values: np.ndarray, spans: Sequence[Span], train_end: int, *, title: str) -> go.Figure:
    """The whole series with the injected anomaly spans shaded and the train | test boundary marked."""
    fig = go.Figure()
    fig.add_scatter(x=np.arange(len(values)), y=values, mode="lines", line=dict(color=RECON_COLOR, width=1), name="signal")
    shade_spans(fig, spans)
    fig.add_vline(x=train_end, line_dash="dash", line_color=THRESHOLD_COLOR, annotation_text="training | test")
    return style_figure(fig, title, "time step", "value", height=320)


def series_error_figure(
    values: np.ndarray, errors: np.ndarray, spans: Sequence[Span], threshold: float, *, start: int
) -> go.Figure:
    """The test part of the series (spans shaded) above its per-time-step reconstruction error and the threshold."""
    steps = np.arange(start, start + len(errors))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.55, 0.45])
    fig.add_scatter(
        x=steps,
        y=values[start : start + len(errors)],
        mode="lines",
        line=dict(color=RECON_COLOR, width=1),
        name="signal",
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=steps, y=errors, mode="lines", line=dict(color=ANOMALY_COLOR, width=1), name="error per time step", row=2, col=1
    )
    fig.add_hline(y=threshold, line_dash="dash", line_color=THRESHOLD_COLOR, annotation_text="threshold", row=2, col=1)
    for row in (1, 2):
        shade_spans(fig, [s for s in spans if s.end > start], row=row)
    fig.update_yaxes(title_text="value", row=1, col=1)
    fig.update_yaxes(title_text="error", row=2, col=1)
    fig.update_xaxes(title_text="time step", row=2, col=1)
    return style_figure(fig, "The test part: true anomalies shaded, reconstruction error below", "", "", height=480)
