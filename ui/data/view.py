"""The Data page: the dataset picker, classes and counts, a browser, the browsed row raw and scaled, bands, the split."""

from __future__ import annotations

from ui.data.explore import render_bands, render_browser, render_overview
from ui.data.picker import render_dataset_picker
from ui.data.shapes import render_image_grid, render_long_signal
from ui.data.split import current_split, render_composition, render_scaling
from ui.datasets import dataset_rows
from ui.settings import get_settings


def render_data_page() -> None:
    """The dataset picker, then its classes and counts, a browser, scaling, class bands and the current split."""
    dataset = render_dataset_picker()
    cfg = get_settings().data
    data = dataset_rows(cfg)
    split, problem = current_split()
    render_overview(data, dataset)
    if dataset.kind == "images":
        render_image_grid(data, dataset)
    elif dataset.kind == "series":
        render_long_signal(cfg)
    row = render_browser(data, dataset)
    render_scaling(data, row, split, dataset)
    render_bands(data, dataset)
    render_composition(split, problem, dataset)
