"""The session's lab settings (model, training and data configs) and how widgets stay in sync with them.

`LabSettings` in `st.session_state[SETTINGS_KEY]` is the one source of truth. The Train page's widgets
use keys starting with `WIDGET_PREFIX`, fill themselves from the settings when their key is absent,
and write validated configs back. Presets, lesson links and uploaded settings call `set_settings`,
which drops those widget keys so every widget re-reads the new settings on its next render.
(Streamlit forgets a widget's key on pages where the widget is not drawn, so widget keys alone
cannot hold settings across pages.)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import streamlit as st

from anomaly_core import DataConfig, ModelConfig, TrainConfig, fit_model_to_length
from ui.datasets import dataset_of

SETTINGS_KEY = "lab_settings"
WIDGET_PREFIX = "w_"


@dataclass(frozen=True)
class LabSettings:
    """Everything the Train page can set; `preset` names the preset these came from, if any."""

    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    data: DataConfig = field(default_factory=DataConfig)
    preset: str | None = None


def get_settings() -> LabSettings:
    """The session's settings (defaults on first use)."""
    return st.session_state.setdefault(SETTINGS_KEY, LabSettings())


def set_settings(settings: LabSettings) -> None:
    """Replace the settings (the model's input length set to the dataset's) and make the Train page's widgets show them."""
    st.session_state[SETTINGS_KEY] = fitted_to_data(settings)
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(WIDGET_PREFIX)]:
        del st.session_state[key]


def fitted_to_data(settings: LabSettings) -> LabSettings:
    """The settings with the model's input length from its dataset (a CSV whose upload is gone: back to ECG5000)."""
    try:
        length = dataset_of(settings.data).input_length
    except ValueError:
        settings = dataclasses.replace(settings, data=dataclasses.replace(settings.data, dataset="ecg5000", csv_digest=""))
        length = dataset_of(settings.data).input_length
    return dataclasses.replace(settings, model=fit_model_to_length(settings.model, length))
