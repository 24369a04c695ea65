"""Pure plotly builders of the Sweep page: a metric against a setting (mean ± spread over seeds) and a heatmap."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from anomaly_core.sweeps import ValueSummary
from anomaly_core.sweeps.params import SweepParameter
from ui.figures import RECON_COLOR, house_layout

LINE_COLORS = ("#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8d99ae")


def _axis(param: SweepParameter, values: list[Any]) -> tuple[list[Any], bool]:
    """x positions for `values`: the numbers themselves when numeric, else their labels (a categorical axis)."""
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    return (list(values) if numeric else [param.show(v) for v in values]), numeric


def metric_curve(
    param: SweepParameter, summaries: list[ValueSummary], metric: str, *, by: SweepParameter | None = None
) -> go.Figure:
    """`metric` against `param`: the mean over seeds with ± one standard deviation as error bars (one line per
    value of `by`, the second setting, when there is one)."""
    fig = go.Figure()
    groups = sorted({s.values[1:] for s in summaries}, key=str) if by else [()]
    for index, group in enumerate(groups):
        points = [s for s in summaries if s.values[1:] == group]
        x, numeric = _axis(param, [s.values[0] for s in points])
        name = f"{by.label} {by.show(group[0])}" if by and group else metric
        fig.add_scatter(
            x=x, y=[s.mean for s in points], error_y=dict(type="data", array=[s.std for s in points], visible=True),
            mode="lines+markers", name=name, line=dict(color=LINE_COLORS[index % len(LINE_COLORS)] if by else RECON_COLOR),
            customdata=[s.count for s in points], hovertemplate="%{x}: %{y:.3f} ± %{error_y.array:.3f} (%{customdata} runs)",
        )  # fmt: skip
        if param.log_axis and numeric:
            fig.update_xaxes(type="log")
    return fig.update_layout(house_layout(f"{metric} against {param.label.lower()} (mean ± std over seeds)", param.label, metric))


def metric_heatmap(rows: SweepParameter, columns: SweepParameter, summaries: list[ValueSummary], metric: str) -> go.Figure:
    """Mean `metric` for every pair of values: `rows` down, `columns` across (blank where no run finished yet)."""
    row_values = list(dict.fromkeys(s.values[0] for s in summaries))
    column_values = list(dict.fromkeys(s.values[1] for s in summaries))
    means = {s.values: s.mean for s in summaries}
    z = [[means.get((r, c)) for c in column_values] for r in row_values]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[columns.show(c) for c in column_values], y=[rows.show(r) for r in row_values], colorscale="Viridis",
            texttemplate="%{z:.3f}", colorbar=dict(title=metric),
        )
    )  # fmt: skip
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return fig.update_layout(house_layout(f"Mean {metric} for each pair of values", columns.label, rows.label))
