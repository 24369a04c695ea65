"""Lab settings, threshold strategy and classroom setup ⇄ a link's query parameters.

Pure functions (no Streamlit calls). Decoding reads every parameter on its own and drops the bad ones,
each with a reason; the result is always a complete, validated `SharedState`, so nothing half-applied
reaches the pages. A parameter exists for every config field (short aliases for the common ones).
"""

from __future__ import annotations

import dataclasses
import math
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from anomaly_core import DEFAULT_THRESHOLD_STRATEGY as DEFAULT_THRESHOLD
from anomaly_core import THRESHOLD_STRATEGIES, DataConfig, ModelConfig, TrainConfig
from ui.presets import PRESETS
from ui.settings import LabSettings
from ui.sharing.classroom import CLASSROOM_PARAMS, ClassroomSetup, classroom_from_params, classroom_to_params
from ui.train.limits import MAX_ENCODER_LAYERS, WIDGET_RANGES

THRESHOLD_KEY = "threshold_strategy"  # a name from the core's THRESHOLD_STRATEGIES
SECTIONS: dict[str, type] = {"model": ModelConfig, "train": TrainConfig, "data": DataConfig}
NOT_SHARED = {("model", "input_length"), ("data", "csv_digest")}  # fixed by the dataset; a link never carries a CSV
PRIVATE_DATASET = "csv"  # a learner's upload stays with their session: links leave the dataset out


ALIASES: dict[tuple[str, str], str] = {  # short names for the settings a learner changes most
    ("model", "encoder_hidden"): "layers", ("model", "latent_size"): "latent", ("model", "decoder_hidden"): "decoder",
    ("model", "activation"): "act", ("model", "output_activation"): "out", ("model", "batch_norm"): "bn",
    ("model", "input_noise"): "noise", ("model", "score_smoothing"): "smooth",
    ("train", "batch_size"): "batch", ("train", "learning_rate"): "lr", ("train", "optimizer"): "opt",
    ("train", "regularizer"): "reg", ("train", "regularization_rate"): "reg_rate",
    ("data", "train_size"): "train_n", ("data", "test_size"): "test_n", ("data", "abnormal_fraction"): "abnormal",
    ("data", "val_fraction"): "val", ("data", "test_pool_fraction"): "test_pool", ("data", "seed"): "data_seed",
}  # fmt: skip


@dataclass(frozen=True)
class Param:
    """One query parameter: which config field it carries and how its text is read."""

    name: str
    section: str
    field: str
    kind: str  # int | float | str | bool | ints | int_or_all | ints_or_mirror


def _kind(hint: Any) -> str | None:
    """How a config field's type is written in a link (None: not representable)."""
    optional = typing.get_origin(hint) in (types.UnionType, typing.Union) and type(None) in typing.get_args(hint)
    base: Any = next((arg for arg in typing.get_args(hint) if arg is not type(None)), None) if optional else hint
    simple = {int: "int", float: "float", str: "str", bool: "bool"}.get(base)
    if typing.get_origin(base) is tuple and typing.get_args(base)[0] is int:
        simple = "ints"
    if simple is None or (optional and simple not in ("int", "ints")):
        return None
    return {"int": "int_or_all", "ints": "ints_or_mirror"}[simple] if optional else simple


def _params() -> tuple[Param, ...]:
    """A parameter for every shared field of the three configs, derived from their type hints."""
    params = []
    for section, cls in SECTIONS.items():
        hints = typing.get_type_hints(cls)
        for item in dataclasses.fields(cls):
            kind = _kind(hints[item.name])
            if kind is not None and (section, item.name) not in NOT_SHARED:
                params.append(Param(ALIASES.get((section, item.name), item.name), section, item.name, kind))
    return tuple(params)


PARAMS: tuple[Param, ...] = _params()
PAGE_PARAM = "page"  # which page a link opens (read by ui.sharing.links before decoding)
OTHER_PARAMS = ("preset", "threshold", PAGE_PARAM, *CLASSROOM_PARAMS)


@dataclass(frozen=True)
class SharedState:
    """Everything a link or a file carries."""

    settings: LabSettings = field(default_factory=LabSettings)
    threshold_strategy: str = DEFAULT_THRESHOLD
    classroom: ClassroomSetup = field(default_factory=ClassroomSetup)


# ---- text ⇄ values ------------------------------------------------------------------------------


def _read_int(text: str) -> int:
    """A whole number written in a link."""
    if not re.fullmatch(r"[+-]?\d{1,12}", text.strip()):
        raise ValueError("not a whole number")
    return int(text)


def _read_float(text: str) -> float:
    """A finite number written in a link."""
    try:
        value = float(text) if len(text) <= 40 else math.nan
    except ValueError:
        raise ValueError("not a number") from None
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _read_bool(text: str) -> bool:
    """1/0 (or true/false, yes/no, on/off)."""
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("use 1 or 0")


def _read_ints(text: str) -> tuple[int, ...]:
    """Comma-separated whole numbers, e.g. layer sizes '64,32'."""
    return tuple(_read_int(part) for part in text.split(","))


READERS: dict[str, Callable[[str], Any]] = {
    "int": _read_int,
    "float": _read_float,
    "str": str,
    "bool": _read_bool,
    "ints": _read_ints,
    "int_or_all": lambda text: None if text.strip().lower() == "all" else _read_int(text),
    "ints_or_mirror": lambda text: None if text.strip().lower() == "mirror" else _read_ints(text),
}


def _write_value(value: Any, kind: str) -> str:
    """A config value as link text that the matching reader gives back exactly."""
    if value is None:
        return "all" if kind == "int_or_all" else "mirror"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return repr(value) if isinstance(value, float) else str(value)


def check_page_limits(section: str, name: str, value: Any) -> None:
    """ValueError for a value the core accepts but the Train page's widgets cannot show."""
    low, high = WIDGET_RANGES.get((section, name), (-math.inf, math.inf))
    if isinstance(value, int | float) and not low <= value <= high:
        raise ValueError(f"{name}: choose {low:g} to {high:g}")
    if (section, name) == ("model", "encoder_hidden") and isinstance(value, tuple) and len(value) > MAX_ENCODER_LAYERS:
        raise ValueError(f"{name}: give 1 to {MAX_ENCODER_LAYERS} layers")


def _short(text: str) -> str:
    """A parameter's text for the notice: quoted, at most 30 characters."""
    return repr(text if len(text) <= 30 else text[:27] + "...")


# ---- settings ⇄ query parameters ---------------------------------------------------------------


def encode_params(state: SharedState) -> dict[str, str]:
    """Query parameters for `state`; values equal to the defaults are left out to keep links short."""
    params: dict[str, str] = {}
    for param in PARAMS:
        value = getattr(getattr(state.settings, param.section), param.field)
        if (param.field, value) == ("dataset", PRIVATE_DATASET):
            continue
        if value != getattr(SECTIONS[param.section](), param.field):
            params[param.name] = _write_value(value, param.kind)
    if state.settings.preset:
        params["preset"] = state.settings.preset
    if state.threshold_strategy != DEFAULT_THRESHOLD:
        params["threshold"] = state.threshold_strategy
    return params | classroom_to_params(state.classroom)


def _decode_field(param: Param, text: str) -> Any:
    """The value written in the link, or ValueError saying why it cannot be read."""
    value = READERS[param.kind](text)
    if (param.field, value) == ("dataset", PRIVATE_DATASET):
        raise ValueError("a link never carries an uploaded CSV; upload it on the Data page")
    return value


def _build_section(
    section: str, values: dict[str, Any], raw: dict[str, str], rejected: list[str], check: Callable[[Any], None] | None
) -> Any:
    """The section's config from the readable values, dropping one at a time the field its ValueError names."""
    cls = SECTIONS[section]
    while True:
        try:
            for name, value in values.items():
                check_page_limits(section, name, value)
            config = cls(**values)
            if check is not None:
                check(config)
            return config
        except (ValueError, TypeError) as error:
            culprit, _, reason = str(error).partition(": ")
            if culprit not in values:  # a combination with a default: keep this section's defaults
                rejected.append(f"{', '.join(raw.values()) or section}: {error} (defaults kept)")
                return cls()
            rejected.append(f"{raw.pop(culprit)}: {reason or error}")
            del values[culprit]


def _decode_sections(
    params: Mapping[str, str], rejected: list[str], check_data: Callable[[DataConfig], None] | None
) -> dict[str, Any]:
    """Configs for the three sections; each unusable parameter is named in `rejected` and left at its default."""
    configs: dict[str, Any] = {}
    for section in SECTIONS:
        values: dict[str, Any] = {}
        raw: dict[str, str] = {}  # field -> "name='text'" for the notice
        for param in (p for p in PARAMS if p.section == section and p.name in params):
            try:
                values[param.field] = _decode_field(param, params[param.name])
                raw[param.field] = f"{param.name}={_short(params[param.name])}"
            except ValueError as error:
                rejected.append(f"{param.name}={_short(params[param.name])}: {error}")
        configs[section] = _build_section(section, values, raw, rejected, check_data if section == "data" else None)
    return configs


def decode_params(
    params: Mapping[str, str], *, check_data: Callable[[DataConfig], None] | None = None
) -> tuple[SharedState, list[str]]:
    """A complete state from query parameters, plus one line per ignored parameter saying why."""
    rejected: list[str] = []
    known = {param.name for param in PARAMS} | set(OTHER_PARAMS)
    rejected += [f"{name}={_short(params[name])}: unknown parameter" for name in params if name not in known]
    configs = _decode_sections(params, rejected, check_data)
    preset = params.get("preset")
    if preset is not None and preset not in PRESETS:
        rejected.append(f"preset={_short(preset)}: no such preset")
        preset = None
    threshold = params.get("threshold", DEFAULT_THRESHOLD)
    if threshold not in THRESHOLD_STRATEGIES:
        rejected.append(f"threshold={_short(threshold)}: use one of {', '.join(THRESHOLD_STRATEGIES)}")
        threshold = DEFAULT_THRESHOLD
    settings = LabSettings(model=configs["model"], train=configs["train"], data=configs["data"], preset=preset)
    return SharedState(settings, threshold, classroom_from_params(params, rejected)), rejected
