"""Data page, what the model sees: min-max scaling of a beat and the split chosen on the Train page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from anomaly_core import DataConfig, Dataset, EcgData, EcgSplit, FeatureMinMaxScaler, Scaler, describe_dataset
from ui.data.charts import class_label, composition_figure, single_beat_figure
from ui.dataset_figures import class_color
from ui.datasets import ecg_split, with_dataset
from ui.fast_chart import show_chart
from ui.figures import RECON_COLOR
from ui.presets import PRESETS
from ui.settings import get_settings


def current_split() -> tuple[EcgSplit | None, str | None]:
    """The split for the Train page's data settings, or (None, what to change) when they cannot be split."""
    try:
        return ecg_split(get_settings().data), None
    except ValueError as error:
        return None, str(error)


def composition_table(split: EcgSplit, dataset: Dataset | None = None) -> pd.DataFrame:
    """Rows of each class (table rows) in training, validation (normal rows only) and test (columns); default ECG5000."""
    dataset = dataset or describe_dataset(split.config)
    labels = sorted(dataset.class_names)
    first_normal = dataset.normal_classes[0]
    return pd.DataFrame(
        {
            "training": [int(np.sum(split.classes_train == label)) for label in labels],
            "validation": [len(split.x_val) if label == first_normal else 0 for label in labels],
            "test": [int(np.sum(split.classes_test == label)) for label in labels],
        },
        index=[class_label(label, dataset.short_names) for label in labels],
    )


def composition_summary(split: EcgSplit, noun: str = "beat") -> str:
    """Sizes and abnormal shares of the three parts in one line."""
    abnormal_train = float(np.mean(~np.isin(split.classes_train, split.normal_classes)))
    return (
        f"Training: {len(split.x_train):,} {noun}s ({abnormal_train:.0%} abnormal) · validation: {len(split.x_val):,} "
        f"normal {noun}s · test: {len(split.x_test):,} {noun}s ({split.y_test.mean():.0%} abnormal)."
    )


def _settings_caption(cfg: DataConfig) -> str:
    preset = get_settings().preset
    source = f"preset “{PRESETS[preset].title}”" if preset in PRESETS else "the Train page's settings"
    size = "all available" if cfg.train_size is None else f"{cfg.train_size:,}"
    return (
        f"From {source}: training size {size}, {cfg.abnormal_fraction:.0%} abnormal beats mixed into training, "
        f"{cfg.test_pool_fraction:.0%} of every class kept for testing, seed {cfg.seed}."
    )


def render_scaling(data: EcgData, row: int, split: EcgSplit | None, dataset: Dataset) -> None:
    """The browsed row in original units next to the [0, 1] values the model is given."""
    st.subheader("Raw against min-max scaled")
    scaler = (split or ecg_split(with_dataset(DataConfig(), get_settings().data))).scaler
    raw = data.signals[row]
    scaled = scaler.transform(raw)
    left, right = st.columns(2)
    color = class_color(int(data.classes[row]), list(dataset.class_names), dataset.normal_classes)
    show_chart(
        single_beat_figure(raw, title="Raw (as stored)", y_label="amplitude", color=color),
        key="data_raw",
        width="stretch",
        target=left,
    )
    show_chart(
        single_beat_figure(scaled, title="Scaled (what the model sees)", y_label="scaled value", color=RECON_COLOR),
        key="data_scaled",
        width="stretch",
        target=right,
    )
    st.caption(
        f"{scaling_sentence(scaler)} This beat: raw {raw.min():.2f} … {raw.max():.2f} → scaled "
        f"{scaled.min():.3f} … {scaled.max():.3f}."
    )


def scaling_sentence(scaler: Scaler) -> str:
    """What the split's scaler does, in numbers: one global range, or one range per time step."""
    if isinstance(scaler, FeatureMinMaxScaler):
        low, high = scaler.minimum, scaler.maximum
        return (
            "Scaling maps each time step's lowest training value to 0 and its highest to 1 (fitted on training rows only): "
            f"the lows run from {low.min():.2f} to {low.max():.2f}, the highs from {high.min():.2f} to {high.max():.2f}. "
            "The network so learns steps where normal beats hardly vary as well as loud ones; the score still measures "
            "each difference in one global unit. Values the training beats never reached fall outside [0, 1]."
        )
    lowest, highest = scaler.value_range
    return (
        f"Scaling maps the training beats' lowest value {lowest:.2f} to 0 and highest {highest:.2f} to 1 "
        "(fitted on training rows only). The shape is unchanged; only the axis moves, into the range "
        "the model's sigmoid output can reach."
    )


def render_composition(split: EcgSplit | None, problem: str | None, dataset: Dataset) -> None:
    """How the Train page's current data settings split the beats, or what to change when they cannot."""
    st.subheader("Your training and test data")
    cfg = get_settings().data
    st.caption(_settings_caption(cfg))
    if split is None:
        st.warning(f"These data settings cannot be split: {problem}. Change them on the Train page.")
        return
    st.markdown(composition_summary(split, dataset.row_name))
    table, chart = st.columns([2, 3])
    table.dataframe(composition_table(split, dataset))
    show_chart(composition_figure(composition_table(split, dataset)), key="data_composition_chart", width="stretch", target=chart)
