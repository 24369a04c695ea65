"""A run's settings as one JSON document `{"model": {...}, "train": {...}, "data": {...}}` (the CLI's --config).

Reading is bounded (size, depth) and all or nothing: every problem is one ConfigFileError naming what to change.
"""

from __future__ import annotations

import json

from .bounded_json import JsonInputError, loads_bounded
from .config import DataConfig, ModelConfig, TrainConfig, config_from_dict, config_to_dict

MAX_CONFIG_BYTES = 64 * 1024  # a full config is under 2 kB
SECTIONS = ("model", "train", "data")


class ConfigFileError(ValueError):
    """A settings document that cannot be used; the message says what to change."""


def configs_from_json(raw: bytes | str, what: str = "the config") -> tuple[ModelConfig, TrainConfig, DataConfig]:
    """The three configs of a JSON document (missing sections and fields keep their defaults)."""
    try:
        values = loads_bounded(raw, what=what, max_bytes=MAX_CONFIG_BYTES)
    except JsonInputError as error:
        raise ConfigFileError(str(error)) from None
    if not isinstance(values, dict) or set(values) - set(SECTIONS):
        raise ConfigFileError(f"{what} must be a JSON object with only the keys model, train and data")
    try:
        return (
            config_from_dict(ModelConfig, values.get("model", {})),
            config_from_dict(TrainConfig, values.get("train", {})),
            config_from_dict(DataConfig, values.get("data", {})),
        )
    except ValueError as error:
        raise ConfigFileError(str(error)) from None


def configs_to_json(model: ModelConfig, train: TrainConfig, data: DataConfig) -> str:
    """The JSON document `configs_from_json` reads back to the same configs."""
    return json.dumps({"model": config_to_dict(model), "train": config_to_dict(train), "data": config_to_dict(data)})
