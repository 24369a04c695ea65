"""The Train page's widget ranges (which the link codec reads too) sit inside the core's outer bounds."""

from __future__ import annotations

import dataclasses

import pytest

from anomaly_core import DataConfig, ModelConfig, TrainConfig
from ui.settings import LabSettings
from ui.sharing.classroom import ClassroomSetup
from ui.sharing.codec import SharedState, decode_params, encode_params
from ui.train.limits import MAX_ENCODER_LAYERS, SMOOTHING_WINDOWS, WIDGET_RANGES

SECTIONS = {"model": ModelConfig, "train": TrainConfig, "data": DataConfig}


@pytest.mark.parametrize(("section", "name"), sorted(WIDGET_RANGES))
def test_every_widget_range_is_a_valid_config_at_both_ends(section: str, name: str) -> None:
    low, high = WIDGET_RANGES[(section, name)]
    for value in (low, high):
        SECTIONS[section](**{name: value})  # raises ValueError if the core refuses what the page offers


def test_the_composer_and_the_core_agree_on_layers_and_smoothing_windows() -> None:
    ModelConfig(encoder_hidden=(8,) * MAX_ENCODER_LAYERS)
    with pytest.raises(ValueError, match="encoder_hidden"):
        ModelConfig(encoder_hidden=(8,) * (MAX_ENCODER_LAYERS + 1))
    for window in SMOOTHING_WINDOWS:
        ModelConfig(score_smoothing=window)


def test_a_link_beyond_the_page_range_is_refused_by_name() -> None:
    _, high = WIDGET_RANGES[("train", "epochs")]
    state = SharedState(LabSettings(train=dataclasses.replace(TrainConfig(), epochs=int(high))), "mean_std", ClassroomSetup())
    params = encode_params(state)
    assert decode_params(params)[0].settings.train.epochs == high
    name = next(key for key, value in params.items() if value == str(int(high)))
    decoded, ignored = decode_params({**params, name: str(int(high) + 1)})
    assert decoded.settings.train.epochs == TrainConfig().epochs and any("epochs" in line for line in ignored)
