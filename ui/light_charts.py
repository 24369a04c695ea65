"""Line charts drawn by the server as HTML and SVG: nothing for the browser to load first.

Any plotly chart makes the browser fetch and run plotly's 4.7 MB bundle, ~0.9 s of a cold start on 2 cores, so the
first page (Home) draws its beats this way (`ui.browser_prefetch` loads the bundle once it is idle). The look
follows `ui.figures` (colours, title, axis titles, legend): the plot stretches to its column while its text keeps
its size, and every time step names its values on hover.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.figures import ANOMALY_COLOR, RECON_COLOR

PLOT_HEIGHT_PX = 210
TICK_COLOR = "#5c6670"  # 5.9:1 on white
GRID_COLOR = "#e6e9ef"
ERROR_FILL = "rgba(231,111,81,0.25)"
SMALL_TEXT = f"font-size:0.75rem;color:{TICK_COLOR}"
GRID_LAYOUT = (  # y title | y tick labels | plot, above the x tick labels and the x title
    f"display:grid;grid-template-columns:auto auto minmax(0,1fr);grid-template-rows:{PLOT_HEIGHT_PX}px auto auto;"
    "column-gap:0.35em"
)
HEADING_LAYOUT = "display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:0.2em 1em;margin-bottom:.4em"


@dataclass(frozen=True)
class Line:
    """One series of a light chart: its values at time steps 0, 1, …, its colour and its legend entry."""

    values: np.ndarray
    color: str
    label: str
    dashed: bool = False


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round ticks (1, 2, 2.5 or 5 times a power of ten apart) from below `low` to above `high`."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("nice_ticks needs finite limits")
    if high <= low:
        low, high = low - 0.5, low + 0.5
    rough = (high - low) / max(count - 1, 1)
    power = 10.0 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [float(f"{k * step:.15g}") for k in range(first, last + 1)]  # 0.30000000000000004 → 0.3


def tick_text(ticks: Sequence[float]) -> list[str]:
    """The ticks written with as many decimals as their spacing needs (0.25 → 2, 20 → 0)."""
    step = float(f"{abs(ticks[1] - ticks[0]):.12g}") if len(ticks) > 1 else 1.0  # 64.1 - 64.0 is 0.0999999999999943
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if f"{step:.12g}".rstrip("0").endswith("25") else 0)
    return [f"{tick:.{decimals}f}" for tick in ticks]


def _points(x: np.ndarray, y: np.ndarray) -> str:
    return " ".join(f"{a:g},{b:.2f}" for a, b in zip(x, y))


def _legend(lines: Sequence[Line]) -> str:
    items = []
    for line in lines:
        border = f"2px {'dashed' if line.dashed else 'solid'} {line.color}"
        swatch = f'<span style="display:inline-block;width:1.6em;border-top:{border};vertical-align:middle"></span>'
        items.append(f'<span style="white-space:nowrap">{swatch} {escape(line.label)}</span>')
    return f'<span style="display:flex;flex-wrap:wrap;gap:0 1em;font-size:0.8rem">{"".join(items)}</span>'


def _plot_svg(lines: Sequence[Line], y_ticks: list[float], fill_between: tuple[int, int] | None, name: str) -> str:
    """The plot area: viewBox x = time step, y = 0 (top tick) … 100 (bottom tick), stretched to its box."""
    length = len(lines[0].values)
    steps = np.arange(length)
    ys = [_from_top(np.asarray(line.values, dtype=np.float64), y_ticks) for line in lines]
    keep = 'vector-effect="non-scaling-stroke"'  # lines keep their width however the plot is stretched
    parts = []
    for tick in _from_top(np.array(y_ticks), y_ticks):
        parts.append(f'<line x1="0" x2="{length - 1}" y1="{tick:.2f}" y2="{tick:.2f}" stroke="{GRID_COLOR}" {keep}/>')
    if fill_between is not None:
        first, second = (np.stack([steps, ys[i]], 1) for i in fill_between)
        outline = np.concatenate([first, second[::-1]])
        parts.append(f'<polygon points="{_points(outline[:, 0], outline[:, 1])}" fill="{ERROR_FILL}" stroke="none"/>')
    for line, y in zip(lines, ys):
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        parts.append(f'<polyline points="{_points(steps, y)}" fill="none" stroke="{line.color}" stroke-width="2"{dash} {keep}/>')
    for step in range(length):  # a native tooltip per time step: hover shows its values, as a plotly chart would
        values = escape(", ".join(f"{line.label} {float(line.values[step]):.3f}" for line in lines))
        tooltip = f"<title>step {step}: {values}</title>"
        parts.append(f'<rect x="{step - 0.5}" y="0" width="1" height="100" fill="transparent">{tooltip}</rect>')
    box = f'viewBox="-0.5 0 {length} 100" preserveAspectRatio="none"'
    style = f"display:block;width:100%;height:{PLOT_HEIGHT_PX}px;overflow:visible"
    return f'<svg role="img" aria-label="{escape(name)}" {box} style="{style}">{"".join(parts)}</svg>'


def _from_top(values: np.ndarray, ticks: Sequence[float]) -> np.ndarray:
    """Values as percents of the axis from its top tick (0) down to its bottom tick (100)."""
    return 100 * (ticks[-1] - values) / (ticks[-1] - ticks[0])


def _tick_labels(ticks: list[float], percents: Sequence[float], *, vertical: bool) -> str:
    """An axis's tick labels placed at `percents` of its length (from the top when vertical, else from the left)."""
    spans = []
    for label, percent in zip(tick_text(ticks), percents):
        where = f"top:{percent:.2f}%;right:0;transform:translateY(-50%)"
        if not vertical:
            where = f"left:{percent:.2f}%;transform:translateX(-50%)"
        spans.append(f'<span style="position:absolute;{where};white-space:nowrap">{label}</span>')
    return "".join(spans)


def _div(style: str, content: str = "") -> str:
    return f'<div style="{style}">{content}</div>'


def line_chart_html(
    lines: Sequence[Line], *, title: str, x_label: str, y_label: str, fill_between: tuple[int, int] | None = None
) -> str:
    """A titled line chart over time steps with a legend, round ticks on both axes and gridlines, as one HTML block."""
    if not lines or len(lines[0].values) < 2 or any(len(line.values) != len(lines[0].values) for line in lines):
        raise ValueError("a light chart needs one or more lines of the same length, two steps or more")
    length = len(lines[0].values)
    values = np.concatenate([np.asarray(line.values, dtype=np.float64) for line in lines])
    y_ticks = nice_ticks(float(values.min()), float(values.max()))
    x_ticks = [tick for tick in nice_ticks(0, length - 1, 8) if tick <= length - 1]
    y_title = _div(f"writing-mode:vertical-rl;transform:rotate(180deg);text-align:center;{SMALL_TEXT}", escape(y_label))
    y_labels = _tick_labels(y_ticks, _from_top(np.array(y_ticks), y_ticks).tolist(), vertical=True)
    x_percents = [100 * (tick + 0.5) / length for tick in x_ticks]  # the viewBox starts half a step before step 0
    x_labels = _tick_labels(x_ticks, x_percents, vertical=False)
    empty = "<div></div>" * 2  # under the y title and the y tick labels
    cells = [
        y_title,
        _div(f"position:relative;min-width:2.6em;{SMALL_TEXT}", y_labels),
        _plot_svg(lines, y_ticks, fill_between, title),
        empty,
        _div(f"position:relative;height:1.3em;{SMALL_TEXT}", x_labels),
        empty,
        _div(f"text-align:center;{SMALL_TEXT}", escape(x_label)),
    ]
    heading = _div(HEADING_LAYOUT, f'<span style="font-size:1rem">{escape(title)}</span>{_legend(lines)}')
    return f'<figure class="light-chart" style="margin:0 0 0.5em 0">{heading}{_div(GRID_LAYOUT, "".join(cells))}</figure>'


def reconstruction_chart(signal: np.ndarray, reconstruction: np.ndarray, *, title: str, y_label: str) -> str:
    """A beat against its reconstruction, the gap between them shaded as the error (as `ui.figures.reconstruction_traces`)."""
    lines = [Line(np.asarray(reconstruction), RECON_COLOR, "reconstruction", dashed=True),
             Line(np.asarray(signal), ANOMALY_COLOR, "beat (error shaded)")]  # fmt: skip
    return line_chart_html(lines, title=title, x_label="time step", y_label=y_label, fill_between=(0, 1))


def show_light_chart(html: str, *, target: DeltaGenerator | None = None) -> None:
    """Show HTML from this module (built here from numbers and escaped text) in the page or in `target`."""
    (target or st).markdown(html, unsafe_allow_html=True)

