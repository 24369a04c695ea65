"""Data page, rows that are not beats: the digits as a grid of images and the long signal as one series."""

from __future__ import annotations

import numpy as np
import streamlit as st

from anomaly_core import DataConfig, Dataset, EcgData, make_long_signal
from anomaly_core.long_signal import TRAIN_END
from ui.dataset_figures import image_grid_figure, long_signal_figure

PER_CLASS = 4  # images of each digit in the grid


def grid_rows(data: EcgData, per_class: int = PER_CLASS) -> np.ndarray:
    """Row numbers of the first `per_class` rows of every class, class by class."""
    return np.concatenate([np.flatnonzero(data.classes == label)[:per_class] for label in np.unique(data.classes)])


def render_image_grid(data: EcgData, dataset: Dataset) -> None:
    """The first few images of every class, the normal class named as such."""
    st.subheader("What the images look like")
    rows = grid_rows(data)
    shape = dataset.input_shape
    titles = [f"{int(data.classes[r])}" + (" (normal)" if int(data.classes[r]) in dataset.normal_classes else "") for r in rows]
    figure = image_grid_figure(data.signals[rows].reshape(-1, *shape), titles, title="Four images of every digit", columns=8)
    st.plotly_chart(figure, key="data_image_grid", width="stretch")
    st.caption(
        f"Each image is {shape[0]}×{shape[1]} grey levels (0 = white, 16 = black), given to the model as one row of "
        f"{dataset.input_length} values. The model learns the normal digit only; the other nine should rebuild badly."
    )


def render_long_signal(cfg: DataConfig) -> None:
    """The whole generated series, the injected anomalies shaded, the training | test boundary marked."""
    st.subheader("The whole series")
    signal = make_long_signal(cfg)
    st.plotly_chart(
        long_signal_figure(signal.values, signal.spans, TRAIN_END, title="The long signal and its injected anomalies"),
        key="data_long_signal",
        width="stretch",
    )
    kinds = ", ".join(f"{span.kind.replace('_', ' ')} at {span.start}" for span in signal.spans)
    st.caption(f"{len(signal.spans)} injected anomalies (shaded): {kinds}. Windows of the first half train the model.")
