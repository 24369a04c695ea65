"""Plotly pictures for the Home page's introduction: data in, a figure spec out (`ui.figures.FigureSpec`), no Streamlit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ui.figures import ANOMALY_COLOR, NORMAL_COLOR, RECON_COLOR, FigureSpec, house_layout, make_figure

BOTTLENECK_COLOR = "#e9c46a"


def autoencoder_diagram(sizes: Sequence[int]) -> FigureSpec:
    """Layers as bars whose heights follow their sizes: a funnel in, a bottleneck, a funnel out."""
    sizes = list(sizes)
    middle = len(sizes) // 2
    top = max(sizes)
    shapes, notes = [], []
    for position, size in enumerate(sizes):
        height = 0.15 + 0.85 * size / top
        if position == middle:
            color, role = BOTTLENECK_COLOR, "bottleneck"
        elif position in (0, len(sizes) - 1):
            color, role = (NORMAL_COLOR, "input") if position == 0 else (RECON_COLOR, "reconstruction")
        else:
            color, role = "#a8dadc", "encoder" if position < middle else "decoder"
        shapes.append(dict(type="rect", x0=position - 0.3, x1=position + 0.3, y0=-height, y1=height, fillcolor=color,
                           line=dict(width=0)))  # fmt: skip
        notes.append(dict(x=position, y=height + 0.12, text=f"<b>{size}</b>", showarrow=False))
        notes.append(dict(x=position, y=-height - 0.15, text=role, showarrow=False, font=dict(size=11, color="#555")))
    for label, x in (("encoder: compress", middle / 2), ("decoder: rebuild", middle + (len(sizes) - 1 - middle) / 2)):
        notes.append(dict(x=x, y=1.42, text=label, showarrow=False, font=dict(size=13)))
    axes = dict(xaxis=dict(visible=False, range=[-0.7, len(sizes) - 0.3]), yaxis=dict(visible=False, range=[-1.4, 1.55]))
    layout = dict(height=260, margin=dict(l=10, r=10, t=10, b=10), showlegend=False, shapes=shapes, annotations=notes, **axes)
    return make_figure([], layout)


def smoothing_sentence(window: int) -> str:
    """One sentence on score smoothing for the lessons ('' when the model scores every step as it is)."""
    if window == 1:
        return ""
    return (
        f" Each step's gap is first averaged over {window} neighbouring steps, so small jitter, which normal beats "
        "have too, counts less than a wrong shape."
    )


def step_error_figure(errors: np.ndarray, *, title: str = "Error at each time step") -> FigureSpec:
    """Per-step reconstruction error (length,) as filled bars; the score is their mean."""
    errors = np.asarray(errors, dtype=np.float64)
    mean = float(errors.mean())
    bars = dict(type="bar", x=np.arange(len(errors)), y=errors, marker=dict(color=ANOMALY_COLOR), name="error")
    line = dict(type="line", x0=0, x1=1, xref="paper", y0=mean, y1=mean, line=dict(color=RECON_COLOR, dash="dash"))
    note = dict(x=1, xref="paper", y=mean, text="mean = score", showarrow=False, xanchor="right", yanchor="bottom")
    layout = house_layout(title, "time step", "error (scaled units)", height=220, showlegend=False, shapes=[line],
                          annotations=[note], margin=dict(l=50, r=20, t=40, b=40))  # fmt: skip
    return make_figure([bars], layout)
