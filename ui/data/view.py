"""The Data page: classes and counts, a beat browser, the browsed beat raw and scaled, class bands, the split."""

from __future__ import annotations

from ui.data.explore import render_bands, render_browser, render_overview
from ui.data.split import current_split, render_composition, render_scaling
from ui.datasets import ecg_data


def render_data_page() -> None:
    """Classes and counts, a beat browser, the browsed beat raw and scaled, class bands, and the current split."""
    data = ecg_data()
    split, problem = current_split()
    render_overview(data)
    row = render_browser(data)
    render_scaling(data, row, split)
    render_bands(data)
    render_composition(split, problem)
