"""Plotly pictures for the Home page's introduction: data in, go.Figure out, no Streamlit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.figures import ANOMALY_COLOR, NORMAL_COLOR, RECON_COLOR

BOTTLENECK_COLOR = "#e9c46a"


def autoencoder_diagram(sizes: Sequence[int]) -> go.Figure:
    """Layers as bars whose heights follow their sizes: a funnel in, a bottleneck, a funnel out."""
    sizes = list(sizes)
    middle = len(sizes) // 2
    top = max(sizes)
    fig = go.Figure()
    for position, size in enumerate(sizes):
        height = 0.15 + 0.85 * size / top
        if position == middle:
            color, role = BOTTLENECK_COLOR, "bottleneck"
        elif position in (0, len(sizes) - 1):
            color, role = (NORMAL_COLOR, "input") if position == 0 else (RECON_COLOR, "reconstruction")
        else:
            color, role = "#a8dadc", "encoder" if position < middle else "decoder"
        fig.add_shape(type="rect", x0=position - 0.3, x1=position + 0.3, y0=-height, y1=height, fillcolor=color, line_width=0)
        fig.add_annotation(x=position, y=height + 0.12, text=f"<b>{size}</b>", showarrow=False)
        fig.add_annotation(x=position, y=-height - 0.15, text=role, showarrow=False, font=dict(size=11, color="#555"))
    for label, x in (("encoder: compress", middle / 2), ("decoder: rebuild", middle + (len(sizes) - 1 - middle) / 2)):
        fig.add_annotation(x=x, y=1.42, text=label, showarrow=False, font=dict(size=13))
    fig.update_xaxes(visible=False, range=[-0.7, len(sizes) - 0.3])
    fig.update_yaxes(visible=False, range=[-1.4, 1.55])
    fig.update_layout(height=260, margin=dict(l=10, r=10, t=10, b=10), showlegend=False)
    return fig


def smoothing_sentence(window: int) -> str:
    """One sentence on score smoothing for the lessons ('' when the model scores every step as it is)."""
    if window == 1:
        return ""
    return (
        f" Each step's gap is first averaged over {window} neighbouring steps, so small jitter, which normal beats "
        "have too, counts less than a wrong shape."
    )


def step_error_figure(errors: np.ndarray, *, title: str = "Error at each time step") -> go.Figure:
    """Per-step reconstruction error (length,) as filled bars; the score is their mean."""
    errors = np.asarray(errors, dtype=np.float64)
    fig = go.Figure()
    fig.add_bar(x=np.arange(len(errors)), y=errors, marker_color=ANOMALY_COLOR, name="error")
    fig.add_hline(y=float(errors.mean()), line_dash="dash", line_color=RECON_COLOR, annotation_text="mean = score")
    fig.update_layout(
        title=title,
        xaxis_title="time step",
        yaxis_title="error (scaled units)",
        height=220,
        margin=dict(l=50, r=20, t=40, b=40),
        showlegend=False,
    )
    return fig
