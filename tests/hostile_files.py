"""Test support: crafted model files, each made from a valid one the way a tamperer would.

`crafted_model_files(valid)` → {name: bytes}; every one must be refused with a ModelFileError, by the core
loader, the sidebar upload and the CLI alike. `UI_ONLY` files load in the core but do not fit the app's data.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable

import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from tests.model_files import with_metadata

DEEP = 20_000  # far beyond Python's recursion limit (and within the metadata's size limit)


def raw_header(header: bytes, body: bytes = b"") -> bytes:
    """A safetensors-shaped file whose header is exactly `header`."""
    return struct.pack("<Q", len(header)) + header + body


def _metadata_text(text: str) -> bytes:
    return raw_header(json.dumps({"__metadata__": {"anomaly_lab": text}}).encode())


def with_tensors(data: bytes, edit: Callable[[dict[str, torch.Tensor]], None]) -> bytes:
    """The model file `data` with its tensors changed by `edit` (metadata kept)."""
    (length,) = struct.unpack("<Q", data[:8])
    metadata = json.loads(data[8 : 8 + length])["__metadata__"]
    tensors = load_tensors(data)
    edit(tensors)
    return save_tensors(tensors, metadata=metadata)


def _scale_weights(factor: float) -> Callable[[dict[str, torch.Tensor]], None]:
    def edit(tensors: dict[str, torch.Tensor]) -> None:
        for name in tensors:
            tensors[name] = tensors[name] * factor

    return edit


def _set(section: str, key: str | None, value: object) -> Callable[[dict, dict], None]:
    def edit(header: dict, meta: dict) -> None:
        if key is None:
            meta[section] = value
        else:
            meta[section][key] = value

    return edit


def _header_files(valid: bytes) -> dict[str, bytes]:
    (length,) = struct.unpack("<Q", valid[:8])
    return {
        "empty": b"",
        "too short": b"hello",
        "zeros": b"\x00" * 64,
        "header length beyond the file": struct.pack("<Q", 10**12) + b"{}",
        "header not JSON": raw_header(b"{not json at all"),
        "header not UTF-8": raw_header(b'{"\xff\xfe": 1}'),
        "header nested deeply": raw_header(b"[" * DEEP + b"]" * DEEP),
        "header a list": raw_header(b"[1, 2, 3]"),
        "header with a huge integer": raw_header(b'{"n": ' + b"9" * 6000 + b"}"),
        "no metadata": raw_header(b'{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', b"\0" * 4),
        "metadata a list": raw_header(b'{"__metadata__": ["anomaly_lab"]}'),
        "metadata text nested deeply": _metadata_text("[" * DEEP + "]" * DEEP),
        "metadata text not JSON": _metadata_text("{oops"),
        "metadata a JSON list": _metadata_text("[1, 2]"),
        "file cut short": valid[: 8 + length + 100],
        "tensor offsets corrupted": valid[:20] + b"X" * 20 + valid[40:],
    }


def _metadata_files(valid: bytes) -> dict[str, bytes]:
    edits = {
        "format unknown": _set("format", None, "pickle/9"),
        "format newer": _set("format", None, "anomaly-lab/7"),
        "config a list": _set("config", None, [1, 2]),
        "config a string": _set("config", None, "dense"),
        "config unknown family": _set("config", "family", "transformer"),
        "config unknown field": _set("config", "wings", 2),
        "config other input length": _set("config", "input_length", 100),
        "scaler a string": _set("scaler", None, "0..1"),
        "scaler reversed": _set("scaler", "minimum", 99.0),
        "scaler NaN": _set("scaler", "maximum", float("nan")),
        "info a list": _set("info", None, [1, 2, 3]),
        "info a string": _set("info", None, "trained"),
        "info.train a list": _set("info", "train", ["mse"]),
        "info.data a string": _set("info", "data", "all"),
        "info.epochs text": _set("info", "epochs", "forty"),
        "info.epochs negative": _set("info", "epochs", -3),
        "info.steps a float": _set("info", "steps", 1.5),
        "info.threshold text": _set("info", "threshold", "high"),
        "info.threshold infinite": _set("info", "threshold", float("inf")),
        "info.score_error a list": _set("info", "score_error", ["mse"]),
        "info.score_error unknown": _set("info", "score_error", "huber"),
        "info.data bad value": _set("info", "data", {"abnormal_fraction": "lots"}),
    }
    return {name: with_metadata(valid, edit) for name, edit in edits.items()}


def _tensor_files(valid: bytes) -> dict[str, bytes]:
    def drop_one(tensors: dict[str, torch.Tensor]) -> None:
        tensors.pop(sorted(tensors)[0])

    return {
        "weights enormous (finite)": with_tensors(valid, _scale_weights(1e30)),
        "weights NaN": with_tensors(valid, _scale_weights(float("nan"))),
        "a weight missing": with_tensors(valid, drop_one),
    }


def crafted_model_files(valid: bytes) -> dict[str, bytes]:
    """Every crafted file the core loader must refuse, by a short name."""
    return _header_files(valid) | _metadata_files(valid) | _tensor_files(valid)


UI_ONLY = {
    "data split impossible": _set("info", "data", {"test_size": 99_999}),
    "scaler of another split": _set("scaler", "maximum", 7.0),
}


def ui_only_files(valid: bytes) -> dict[str, bytes]:
    """Files the core loads but the app refuses: they do not fit the app's data."""
    return {name: with_metadata(valid, edit) for name, edit in UI_ONLY.items()}
