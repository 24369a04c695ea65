"""Plotly figures for the Data page: data in, a figure spec out (`ui.figures.FigureSpec`), no Streamlit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from anomaly_core import SHORT_CLASS_NAMES as SHORT_NAMES
from ui.figures import ANOMALY_COLOR, NORMAL_COLOR, RECON_COLOR, FigureSpec, house_layout, make_figure

CLASS_COLORS = {1: NORMAL_COLOR, 2: ANOMALY_COLOR, 3: "#8e44ad", 4: "#f4a261", 5: "#6c757d"}
SPLIT_COLORS = {"training": RECON_COLOR, "validation": "#a8dadc", "test": "#e9c46a"}


def _rgba(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def class_label(label: int, names: Mapping[int, str] = SHORT_NAMES) -> str:
    """A class's number and short name, e.g. '2 · R-on-T PVC'."""
    return f"{label} · {names.get(label, 'class')}"


def class_count_figure(
    counts: Mapping[int, int],
    *,
    names: Mapping[int, str] = SHORT_NAMES,
    colors: Mapping[int, str] = CLASS_COLORS,
    row_name: str = "beat",
    title: str = "ECG5000",
) -> FigureSpec:
    """One bar per class with its number of rows written on it."""
    labels = [class_label(label, names) for label in counts]
    bar_colors = [colors.get(label, RECON_COLOR) for label in counts]
    text = [f"{count:,}" for count in counts.values()]
    bars = dict(type="bar", x=labels, y=list(counts.values()), text=text, textposition="outside", marker=dict(color=bar_colors))
    heading = f"{row_name.capitalize()}s per class in {title}"
    layout = house_layout(heading, "class", f"{row_name}s", yaxis=dict(range=[0, max(counts.values()) * 1.3]))
    return make_figure([bars], layout)


def beat_browser_figure(beat: np.ndarray, neighbours: np.ndarray, *, color: str, title: str) -> FigureSpec:
    """One beat (length,) drawn bold over faint other beats of its class (k, length)."""
    steps = np.arange(len(beat))
    faint = dict(color=_rgba(color, 0.18), width=1)
    data = [dict(type="scatter", x=steps, y=row, mode="lines", line=faint, showlegend=False)
            for row in np.asarray(neighbours).reshape(-1, len(beat))]  # fmt: skip
    data.append(dict(type="scatter", x=steps, y=beat, mode="lines", line=dict(color=color, width=3), name="this beat"))
    return make_figure(data, house_layout(title, "time step", "amplitude (original units)"))


def class_bands_figure(
    stats: Mapping[int, tuple[np.ndarray, np.ndarray]],
    *,
    names: Mapping[int, str] = SHORT_NAMES,
    colors: Mapping[int, str] = CLASS_COLORS,
) -> FigureSpec:
    """For each class, its mean row as a line inside a shaded band of ± one standard deviation."""
    data = []
    for label, (mean, std) in stats.items():
        color = colors.get(label, RECON_COLOR)
        steps = np.arange(len(mean))
        data.append(
            dict(
                type="scatter",
                x=np.r_[steps, steps[::-1]],
                y=np.r_[mean + std, (mean - std)[::-1]],
                fill="toself",
                fillcolor=_rgba(color, 0.2),
                line=dict(width=0),
                hoverinfo="skip",
                showlegend=False,
            )
        )
        data.append(dict(type="scatter", x=steps, y=mean, mode="lines", line=dict(color=color, width=2),
                         name=class_label(label, names)))  # fmt: skip
    title = "Mean row per class ± one standard deviation"
    return make_figure(data, house_layout(title, "time step", "value (original units)", height=380))


def single_beat_figure(beat: np.ndarray, *, title: str, y_label: str, color: str) -> FigureSpec:
    """One beat (length,) as a line."""
    line = dict(type="scatter", x=np.arange(len(beat)), y=beat, mode="lines", line=dict(color=color, width=2), showlegend=False)
    return make_figure([line], house_layout(title, "time step", y_label, height=280))


def composition_figure(table: pd.DataFrame, splits: Sequence[str] = ("training", "validation", "test")) -> FigureSpec:
    """Grouped bars: beats of each class (rows, index = class label text) in each split (columns)."""
    data = [dict(type="bar", x=list(table.index), y=table[split].to_numpy(), name=split,
                 marker=dict(color=SPLIT_COLORS.get(split, RECON_COLOR))) for split in splits]  # fmt: skip
    return make_figure(data, house_layout("Beats per class in each part of the split", "class", "beats", barmode="group"))
