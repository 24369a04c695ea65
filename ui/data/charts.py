"""Plotly figures for the Data page: data in, go.Figure out, no Streamlit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from anomaly_core import SHORT_CLASS_NAMES as SHORT_NAMES
from ui.dataset_figures import PALETTE
from ui.figures import ANOMALY_COLOR, NORMAL_COLOR, RECON_COLOR, style_figure

CLASS_COLORS = {1: NORMAL_COLOR, 2: ANOMALY_COLOR, 3: "#8e44ad", 4: "#f4a261", 5: "#6c757d"}
SPLIT_COLORS = {"training": RECON_COLOR, "validation": "#a8dadc", "test": "#e9c46a"}


def _rgba(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def class_label(label: int, names: Mapping[int, str] = SHORT_NAMES) -> str:
    """A class's number and short name, e.g. '2 · R-on-T PVC'."""
    return f"{label} · {names.get(label, 'class')}"


def _count_color(label: int, place: int, names: Mapping[int, str]) -> str:
    """ECG5000's own class colours; another dataset's classes take the palette in order."""
    return CLASS_COLORS.get(label, RECON_COLOR) if names is SHORT_NAMES else PALETTE[place % len(PALETTE)]


def class_count_figure(
    counts: Mapping[int, int], *, names: Mapping[int, str] = SHORT_NAMES, row_name: str = "beat", title: str = "ECG5000"
) -> go.Figure:
    """One bar per class with its number of rows written on it."""
    labels = [class_label(label, names) for label in counts]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=list(counts.values()),
        text=[f"{count:,}" for count in counts.values()],
        textposition="outside",
        marker_color=[_count_color(label, i, names) for i, label in enumerate(counts)],
    )
    fig.update_yaxes(range=[0, max(counts.values()) * 1.3])
    return style_figure(fig, f"{row_name.capitalize()}s per class in {title}", "class", f"{row_name}s")


def beat_browser_figure(beat: np.ndarray, neighbours: np.ndarray, *, color: str, title: str) -> go.Figure:
    """One beat (length,) drawn bold over faint other beats of its class (k, length)."""
    fig = go.Figure()
    steps = np.arange(len(beat))
    for row in np.asarray(neighbours).reshape(-1, len(beat)):
        fig.add_scatter(x=steps, y=row, mode="lines", line=dict(color=_rgba(color, 0.18), width=1), showlegend=False)
    fig.add_scatter(x=steps, y=beat, mode="lines", line=dict(color=color, width=3), name="this beat")
    return style_figure(fig, title, "time step", "amplitude (original units)")


def class_bands_figure(
    stats: Mapping[int, tuple[np.ndarray, np.ndarray]],
    *,
    names: Mapping[int, str] = SHORT_NAMES,
    colors: Mapping[int, str] = CLASS_COLORS,
) -> go.Figure:
    """For each class, its mean row as a line inside a shaded band of ± one standard deviation."""
    fig = go.Figure()
    for label, (mean, std) in stats.items():
        color = colors.get(label, RECON_COLOR)
        steps = np.arange(len(mean))
        fig.add_scatter(
            x=np.r_[steps, steps[::-1]],
            y=np.r_[mean + std, (mean - std)[::-1]],
            fill="toself",
            fillcolor=_rgba(color, 0.2),
            line=dict(width=0),
            hoverinfo="skip",
            showlegend=False,
        )
        fig.add_scatter(x=steps, y=mean, mode="lines", line=dict(color=color, width=2), name=class_label(label, names))
    return style_figure(fig, "Mean row per class ± one standard deviation", "time step", "value (original units)", height=380)


def single_beat_figure(beat: np.ndarray, *, title: str, y_label: str, color: str) -> go.Figure:
    """One beat (length,) as a line."""
    fig = go.Figure()
    fig.add_scatter(x=np.arange(len(beat)), y=beat, mode="lines", line=dict(color=color, width=2), showlegend=False)
    return style_figure(fig, title, "time step", y_label, height=280)


def composition_figure(table: pd.DataFrame, splits: Sequence[str] = ("training", "validation", "test")) -> go.Figure:
    """Grouped bars: beats of each class (rows, index = class label text) in each split (columns)."""
    fig = go.Figure()
    for split in splits:
        fig.add_bar(x=list(table.index), y=table[split], name=split, marker_color=SPLIT_COLORS.get(split, RECON_COLOR))
    fig.update_layout(barmode="group")
    return style_figure(fig, "Beats per class in each part of the split", "class", "beats")
