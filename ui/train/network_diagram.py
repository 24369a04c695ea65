"""The network diagram: layers as columns of nodes sized by units, the bottleneck highlighted (plotly, pure)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ui.figures import ANOMALY_COLOR, NORMAL_COLOR, RECON_COLOR, FigureSpec, make_figure

MAX_DRAWN_NODES = 10  # wider layers show this many nodes and their real size as a label
EDGE_COLOR = "rgba(100,100,100,0.18)"
UNIT_WORDS = {"conv": "channels", "lstm": "LSTM units"}


def _hidden_sizes(cfg: Any) -> tuple[list[int], list[int]]:
    """Encoder and decoder sizes: dense units, conv channels or LSTM units by family; missing fields give none."""
    family = getattr(cfg, "family", "dense")
    if family == "conv":
        encoder = [int(c) for c in getattr(cfg, "conv_channels", ())]
        return encoder, encoder[::-1]
    if family == "lstm":
        encoder = [int(getattr(cfg, "lstm_hidden", 0))] * int(getattr(cfg, "lstm_layers", 0))
        return encoder, encoder[::-1]
    encoder = [int(u) for u in (getattr(cfg, "encoder_hidden", ()) or ())]
    try:
        return encoder, [int(u) for u in cfg.decoder_sizes]
    except (AttributeError, TypeError):
        return encoder, encoder[::-1]


def diagram_columns(cfg: Any) -> list[tuple[str, int]]:
    """(role, size) per column from input to output; roles: input, encoder, bottleneck, decoder, output.

    Sizes are units (dense, VAE), channels (conv) or LSTM units; families without a field leave its columns out.
    """
    length = int(cfg.input_length)
    encoder, decoder = _hidden_sizes(cfg)
    latent = getattr(cfg, "latent_size", None)
    columns = [("input", length), *(("encoder", u) for u in encoder)]
    if latent:
        columns.append(("bottleneck", int(latent)))
    columns += [*(("decoder", u) for u in decoder), ("output", length)]
    return columns


def _node_ys(units: int) -> np.ndarray:
    """Vertical positions of the drawn nodes: the column's height grows with the log of its units."""
    drawn = max(1, min(units, MAX_DRAWN_NODES))
    half_height = 0.15 + 0.85 * np.log1p(min(units, 512)) / np.log1p(512)
    return np.linspace(-half_height, half_height, drawn) if drawn > 1 else np.zeros(1)


def _edges(columns: list[np.ndarray]) -> tuple[list[float | None], list[float | None]]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for x, (left, right) in enumerate(zip(columns[:-1], columns[1:])):
        for y0 in left:
            for y1 in right:
                xs += [x, x + 1, None]
                ys += [float(y0), float(y1), None]
    return xs, ys


def network_figure(cfg: Any, parameters: int | None = None) -> FigureSpec:
    """Columns of nodes (input, encoder layers, bottleneck, decoder layers, output) with their unit counts."""
    columns = diagram_columns(cfg)
    node_ys = [_node_ys(units) for _, units in columns]
    edge_x, edge_y = _edges(node_ys)
    quiet = dict(hoverinfo="skip", showlegend=False)
    data = [dict(type="scatter", x=edge_x, y=edge_y, mode="lines", line=dict(color=EDGE_COLOR, width=1), **quiet)]
    colors = {"input": NORMAL_COLOR, "output": NORMAL_COLOR, "bottleneck": ANOMALY_COLOR}
    word = UNIT_WORDS.get(getattr(cfg, "family", "dense"), "units")
    for x, ((role, units), ys) in enumerate(zip(columns, node_ys)):
        size = 9 + 9 * np.log1p(min(units, 512)) / np.log1p(512)
        marker = dict(size=size, color=colors.get(role, RECON_COLOR), line=dict(width=1, color="white"))
        hover = f"{role}: {units} {word if role in ('encoder', 'decoder') else 'units'}"
        data.append(dict(type="scatter", x=[x] * len(ys), y=ys, mode="markers", marker=marker, hovertext=hover,
                         hoverinfo="text", showlegend=False))  # fmt: skip
    positions = list(range(len(columns)))
    units_text = [f"<b>{units}</b>" if role == "bottleneck" else str(units) for role, units in columns]
    role_text = [role if role in ("input", "bottleneck", "output") else "" for role, _ in columns]
    data.append(dict(type="scatter", x=positions, y=[1.12] * len(columns), text=units_text, mode="text", **quiet))
    data.append(dict(type="scatter", x=positions, y=[-1.15] * len(columns), text=role_text, mode="text", **quiet))
    family = getattr(cfg, "family", "dense")
    title = f"{family} autoencoder" if parameters is None else f"{family} · {parameters:,} parameters"  # fits a projector
    axes = dict(xaxis=dict(visible=False, range=[-0.5, len(columns) - 0.5]), yaxis=dict(visible=False, range=[-1.3, 1.25]))
    layout = dict(title=dict(text=title), height=260, margin=dict(l=10, r=10, t=40, b=10), **axes)
    return make_figure(data, layout)
