"""Lab settings and threshold strategy ⇄ a small JSON file, validated against the core's config dataclasses.

Reading a file is all or nothing: any problem raises `ShareFileError` with a message saying what to change.
"""

from __future__ import annotations

import json
import types
import typing
from typing import Any

from anomaly_core import THRESHOLD_STRATEGIES, ModelConfig, config_from_dict, config_to_dict
from anomaly_core.bounded_json import JsonInputError, loads_bounded
from ui.presets import PRESETS
from ui.settings import LabSettings
from ui.sharing.codec import DEFAULT_THRESHOLD, SECTIONS, check_page_limits

MAX_FILE_BYTES = 20_000
FILE_FORMAT = "anomaly-lab-settings"


class ShareFileError(ValueError):
    """A settings file that cannot be used; the message says what to change."""


def settings_to_json(settings: LabSettings, threshold_strategy: str = DEFAULT_THRESHOLD) -> bytes:
    """A small, readable JSON file with every setting."""
    content = {"format": FILE_FORMAT, "version": 1, "preset": settings.preset, "threshold_strategy": threshold_strategy}
    content.update({name: config_to_dict(getattr(settings, name)) for name in SECTIONS})
    return json.dumps(content, indent=2).encode()


def _matches(value: Any, hint: Any) -> bool:
    """Whether a JSON value has the type a config field is annotated with."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if typing.get_origin(hint) is tuple:
        return isinstance(value, list) and all(_matches(v, typing.get_args(hint)[0]) for v in value)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, bool | str | type(None)) and isinstance(value, hint)


def _section_from_json(name: str, values: Any) -> Any:
    """One config from its JSON object, with every value's type checked first."""
    cls = SECTIONS[name]
    if not isinstance(values, dict):
        raise ShareFileError(f"'{name}' must be an object of settings")
    hints = typing.get_type_hints(cls)
    for key, value in values.items():
        if key in hints and not _matches(value, hints[key]):
            raise ShareFileError(f"{name}.{key}: {repr(value)[:40]} has the wrong type for this setting")
        check_page_limits(name, key, value)
    config = config_from_dict(cls, values)
    if isinstance(config, ModelConfig) and config.input_length != ModelConfig().input_length:
        raise ShareFileError(f"model.input_length: ECG5000 beats have {ModelConfig().input_length} values")
    return config


def settings_from_json(raw: bytes) -> tuple[LabSettings, str]:
    """Settings and threshold strategy from a file; ShareFileError says what is wrong with it."""
    if len(raw) > MAX_FILE_BYTES:
        raise ShareFileError(f"the file is {len(raw)} bytes; a settings file is under {MAX_FILE_BYTES}")
    try:
        content = loads_bounded(raw, what="it", max_bytes=MAX_FILE_BYTES)
    except JsonInputError as error:
        raise ShareFileError(f"this is not a JSON file: {error}") from None
    if not isinstance(content, dict) or content.get("format") != FILE_FORMAT:
        raise ShareFileError("this is not an Anomaly Lab settings file (download one from the Train page)")
    unknown = sorted(set(content) - {"format", "version", "preset", "threshold_strategy", *SECTIONS})
    if unknown:
        raise ShareFileError(f"unknown entries {', '.join(unknown)[:80]}")
    if content.get("version") != 1:
        raise ShareFileError("this settings file is from a newer version of the app (version must be 1)")
    preset, threshold = content.get("preset"), content.get("threshold_strategy", DEFAULT_THRESHOLD)
    if preset is not None and (not isinstance(preset, str) or preset not in PRESETS):
        raise ShareFileError(f"preset: no preset named {repr(preset)[:40]}")
    if not isinstance(threshold, str) or threshold not in THRESHOLD_STRATEGIES:
        raise ShareFileError(f"threshold_strategy: use one of {', '.join(THRESHOLD_STRATEGIES)}")
    try:
        configs = {name: _section_from_json(name, content.get(name, {})) for name in SECTIONS}
    except ShareFileError:
        raise
    except ValueError as error:
        raise ShareFileError(str(error)) from None
    return LabSettings(preset=preset, **configs), threshold
