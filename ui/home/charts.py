"""Pictures for the Home page: the autoencoder's layers (HTML) and the per-step error (a plotly spec); no Streamlit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ui.figures import ANOMALY_COLOR, NORMAL_COLOR, RECON_COLOR, FigureSpec, house_layout, make_figure

BOTTLENECK_COLOR = "#e9c46a"


def _layer_roles(count: int) -> list[tuple[str, int, int]]:
    """(label, first column, columns spanned) under the layers: input, encoder, bottleneck, decoder, output."""
    middle = count // 2
    roles = [("input", 0, 1), ("encoder: compress", 1, middle - 1), ("bottleneck", middle, 1),
             ("decoder: rebuild", middle + 1, count - middle - 2), ("output", count - 1, 1)]  # fmt: skip
    return [role for role in roles if role[2] > 0]


def autoencoder_picture(sizes: Sequence[int]) -> str:
    """Layers as bars whose heights follow their sizes, a funnel in, a bottleneck, a funnel out (an HTML block).

    Drawn as HTML rather than a plotly chart: it is on Home's first screen, which loads no chart library.
    """
    sizes = list(sizes)
    if len(sizes) < 3 or len(sizes) % 2 == 0:
        raise ValueError("an autoencoder picture needs an odd number of layers, three or more")
    middle, top = len(sizes) // 2, max(sizes)
    cells = []
    for position, size in enumerate(sizes):
        color = NORMAL_COLOR if position == 0 else RECON_COLOR if position == len(sizes) - 1 else "#a8dadc"
        color = BOTTLENECK_COLOR if position == middle else color
        height = 12 + 88 * size / top
        bar = f'<div style="width:60%;height:{height:.1f}%;background:{color};border-radius:2px"></div>'
        cells.append(
            f'<div style="grid-row:1;grid-column:{position + 1};text-align:center;font-weight:600">{size}</div>'
            f'<div style="grid-row:2;grid-column:{position + 1};display:flex;align-items:center;justify-content:center">'
            f"{bar}</div>"
        )
    roles = "".join(
        f'<div style="grid-row:3;grid-column:{first + 1} / span {span};text-align:center;color:#5c6670">{label}</div>'
        for label, first, span in _layer_roles(len(sizes))
    )
    arrows = " → ".join(str(size) for size in sizes)
    return (
        f'<figure role="img" aria-label="Autoencoder layers: {arrows}" style="margin:0 0 0.5em 0;display:grid;'
        f"grid-template-columns:repeat({len(sizes)},minmax(0,1fr));grid-template-rows:auto 170px auto;gap:0.3em 0.2em;"
        f'font-size:0.8rem">{"".join(cells)}{roles}</figure>'
    )


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
