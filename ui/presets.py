"""One-click presets for the Train page, each teaching one thing that a test on real data confirms."""

from __future__ import annotations

from dataclasses import dataclass

from anomaly_core import DataConfig, ModelConfig, TrainConfig
from ui.settings import LabSettings, set_settings


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    lesson: str  # one sentence: what to look for
    settings: LabSettings


def _preset(key: str, title: str, lesson: str, model: ModelConfig, train: TrainConfig, data: DataConfig) -> Preset:
    return Preset(key, title, lesson, LabSettings(model=model, train=train, data=data, preset=key))


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
        "A learning rate of 10 makes every step overshoot: the loss explodes and training stops.",
        ModelConfig(),
        TrainConfig(learning_rate=10.0),
        DataConfig(),
    ),
)
PRESETS: dict[str, Preset] = {preset.key: preset for preset in _ALL}


def apply_preset(key: str) -> Preset:
    """Load a preset into the session's settings (the Train page's widgets follow)."""
    preset = PRESETS[key]
    set_settings(preset.settings)
    return preset
