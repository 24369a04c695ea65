"""Read and type-check a model file's safetensors header and its Anomaly Lab metadata, with bounded work.

Every problem is a ModelFileError whose message names what is wrong; nothing here trusts a type.
"""

from __future__ import annotations

import math
import struct
from typing import Any

from .bounded_json import JsonInputError, loads_bounded

FORMAT = "anomaly-lab/2"  # 2: the scaler may be per time step (its rows as tensors); 1: one global min/max
READABLE_FORMATS = ("anomaly-lab/1", FORMAT)
MAX_HEADER_BYTES = 1024 * 1024  # our headers are about 2 kB; a large model's tensor list stays far below this
MAX_METADATA_BYTES = 64 * 1024


class ModelFileError(ValueError):
    """A model file that is corrupted, tampered with, or made for other data."""


def read_metadata(data: bytes) -> dict[str, Any]:
    """The Anomaly Lab metadata object of a safetensors file, its sections type-checked."""
    if len(data) < 8:
        raise ModelFileError("not a model file: it is empty or too short")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > len(data) - 8:
        raise ModelFileError("not a model file: its header is cut off or corrupted")
    if header_len > MAX_HEADER_BYTES:
        raise ModelFileError(f"its header is {header_len:,} bytes; a model file's header is under {MAX_HEADER_BYTES:,}")
    header = _json(data[8 : 8 + header_len], "its header", MAX_HEADER_BYTES)
    metadata = header.get("__metadata__") if isinstance(header, dict) else None
    text = metadata.get("anomaly_lab") if isinstance(metadata, dict) else None
    if not isinstance(text, str):
        raise ModelFileError("not an Anomaly Lab model file: its metadata is missing")
    meta = _json(text, "its metadata", MAX_METADATA_BYTES)
    if not isinstance(meta, dict):
        raise ModelFileError(f"not an Anomaly Lab model file: its metadata is {_kind(meta)}, not a JSON object")
    if meta.get("format") not in READABLE_FORMATS:
        raise ModelFileError(_format_problem(meta.get("format")))
    _check_sections(meta)
    return meta


def _json(text: str | bytes, what: str, limit: int) -> Any:
    try:
        return loads_bounded(text, what=what, max_bytes=limit)
    except JsonInputError as error:
        raise ModelFileError(f"not an Anomaly Lab model file: {error}") from None


def _format_problem(found: object) -> str:
    """Why a file's format is refused: a newer version says so plainly; anything else is unsupported."""
    prefix, _, version = str(found).rpartition("/")
    if prefix == FORMAT.rpartition("/")[0] and version.isdigit() and int(version) > int(FORMAT.rpartition("/")[2]):
        return f"this model file has format {found}, newer than this Anomaly Lab reads ({FORMAT}); upgrade Anomaly Lab to load it"
    return f"unsupported model format {str(found)[:40]!r}"


def _check_sections(meta: dict[str, Any]) -> None:
    """config, scaler and info are JSON objects; a global scaler holds two finite numbers, minimum below maximum."""
    for name in ("config", "scaler", "info"):
        value = meta.get(name, {})
        if not isinstance(value, dict):
            raise ModelFileError(f"its metadata entry '{name}' must be a JSON object, not {_kind(value)}")
    scaler = meta.get("scaler", {})
    kind = scaler.get("kind", "global")
    if kind == "per_feature":
        if set(scaler) != {"kind"}:
            raise ModelFileError("its per-step scaler keeps its values in two tensors, not in the metadata")
        return
    low, high = scaler.get("minimum"), scaler.get("maximum")
    if kind != "global" or not (is_number(low) and is_number(high) and low < high):
        raise ModelFileError("its scaler must be per_feature, or global with two finite numbers 'minimum' < 'maximum'")


def is_number(value: object) -> bool:
    """A finite JSON number (booleans are not numbers here)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_KINDS = {list: "a list", str: "a string", bool: "true/false", type(None): "null", dict: "an object"}


def _kind(value: object) -> str:
    return _KINDS.get(type(value), "a number")


def check_info_types(values: dict[str, Any]) -> None:
    """The `info` object's entries have the JSON types ModelInfo needs (ModelFileError naming the first that does not)."""
    for name in ("train", "data"):
        if not isinstance(values.get(name, {}), dict):
            raise ModelFileError(f"info.{name} must be a JSON object, not {_kind(values[name])}")
    if not isinstance(values.get("score_error", "mse"), str):
        raise ModelFileError(f"info.score_error must be a string, not {_kind(values['score_error'])}")
    for name in ("epochs", "steps"):
        value = values.get(name, 0)
        if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
            raise ModelFileError(f"info.{name} must be a whole number of at least 0, got {str(value)[:20]}")
    for name in ("train_seconds", "threshold", "auc", "average_precision", "best_f1_threshold"):
        value = values.get(name)
        if value is not None and not is_number(value):
            raise ModelFileError(f"info.{name} must be a finite number, got {str(value)[:20]}")
