"""One-click presets for the Train page, each teaching one thing that a test on real data confirms."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from anomaly_core import DataConfig, ModelConfig, TrainConfig
from ui.datasets import with_dataset
from ui.settings import LabSettings, get_settings, set_settings


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    lesson: str  # one sentence: what to look for
    settings: LabSettings
    short_title: str  # the button label: fits a projector's narrow columns


SHORT_TITLES = {
    "good_default": "Good default",
    "bottleneck_too_small": "Tiny bottleneck",
    "overfit": "Overfit",
    "contaminated": "30 % abnormal",
    "lr_too_high": "Rate too high",
}
LR_TOO_HIGH = LabSettings(
    model=ModelConfig(output_activation="linear"),  # unbounded output: a too-large step can blow the loss up
    train=TrainConfig(learning_rate=3.0, optimizer="sgd_momentum", batch_size=1024),  # big batches: a few steps per epoch
    data=DataConfig(scaling="global"),  # per-step scaling tames this rate (no divergence in 40 epochs): keep the lesson's
)  # the same setup as the lesson link of the same name; one notch lower (1) trains well


def _preset(key: str, title: str, lesson: str, model: ModelConfig, train: TrainConfig, data: DataConfig) -> Preset:
    short = SHORT_TITLES[key]
    return Preset(key, title, lesson, LabSettings(model=model, train=train, data=data, preset=key), short)


_ALL = (
    _preset(
        "good_default",
        "Good default",
        "A small network trained on normal beats only: normal beats reconstruct well, abnormal ones do not.",
        ModelConfig(),
        TrainConfig(),
        DataConfig(),
    ),
    _preset(
        "bottleneck_too_small",
        "Bottleneck too small",
        "With one number in the bottleneck even normal beats rebuild badly: the loss stays twice as high and the AUC ends lower.",
        ModelConfig(latent_size=1),
        TrainConfig(),
        DataConfig(),
    ),
    _preset(
        "overfit",
        "Overfit (big net, little data)",
        "A big network on 100 beats memorises them: the validation loss ends above the training loss.",
        ModelConfig(encoder_hidden=(256, 128), latent_size=64),
        TrainConfig(epochs=200, batch_size=64, learning_rate=1e-3),
        DataConfig(train_size=100),
    ),
    _preset(
        "contaminated",
        "Contaminated training (30 % abnormal)",
        "When abnormal beats hide in the training data the model learns them too, and the AUC falls.",
        ModelConfig(),
        TrainConfig(),
        DataConfig(abnormal_fraction=0.3),
    ),
    _preset(
        "lr_too_high",
        "Learning rate too high",
        "At a learning rate of 3 each step overshoots: the loss falls for two epochs, then explodes and training stops.",
        LR_TOO_HIGH.model,
        LR_TOO_HIGH.train,
        LR_TOO_HIGH.data,
    ),
)
PRESETS: dict[str, Preset] = {preset.key: preset for preset in _ALL}


def apply_preset(key: str) -> Preset:
    """Load a preset into the session's settings, on the dataset chosen now (the Train page's widgets follow)."""
    preset = PRESETS[key]
    chosen = get_settings().data
    set_settings(dataclasses.replace(preset.settings, data=with_dataset(preset.settings.data, chosen)))
    return preset
