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


def as_global(data: bytes) -> bytes:
    """The per-step model file `data` rewritten as an older file would be: one global min/max, no scaler rows."""
    tensors = load_tensors(data)
    low, high = float(tensors.pop("scaler.minimum").min()), float(tensors.pop("scaler.maximum").max())
    (length,) = struct.unpack("<Q", data[:8])
    metadata = json.loads(data[8 : 8 + length])["__metadata__"]
    meta = json.loads(metadata["anomaly_lab"])
    meta["scaler"] = {"kind": "global", "minimum": low, "maximum": high}
    meta["info"]["data"]["scaling"] = "global"
    return save_tensors(tensors, metadata={"anomaly_lab": json.dumps(meta)})


def _scaler_rows(edit: Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, ...]]) -> Callable[[dict], None]:
    """A tensor edit of a per-step scaler's rows: `edit(minimum, maximum)` returns the rows to keep."""

    def change(tensors: dict[str, torch.Tensor]) -> None:
        rows = edit(tensors.pop("scaler.minimum"), tensors.pop("scaler.maximum"))
        tensors.update(zip(("scaler.minimum", "scaler.maximum"), rows))

    return change


def _scaler_files(valid: bytes) -> dict[str, bytes]:
    """A global scaler's metadata and a per-step scaler's rows, each broken one way."""
    older = as_global(valid)
    global_edits = {
        "scaler a string": _set("scaler", None, "0..1"),
        "scaler reversed": _set("scaler", "minimum", 99.0),
        "scaler NaN": _set("scaler", "maximum", float("nan")),
        "scaler of an unknown kind": _set("scaler", "kind", "log"),
    }
    row_edits = {
        "scaler rows NaN": _scaler_rows(lambda low, high: (low, high * float("nan"))),
        "scaler rows reversed": _scaler_rows(lambda low, high: (high, low - 1)),
        "scaler rows of another length": _scaler_rows(lambda low, high: (low[:-1], high[:-1])),
        "scaler row missing": _scaler_rows(lambda low, high: (low,)),
    }
    return (
        {name: with_metadata(older, edit) for name, edit in global_edits.items()}
        | {name: with_tensors(valid, edit) for name, edit in row_edits.items()}
        | {
            "per-step scaler with values in the metadata": with_metadata(valid, _set("scaler", "minimum", 0.0)),
            "global scaler with rows": with_metadata(valid, _set("scaler", None, {"kind": "global", "minimum": 0, "maximum": 1})),
        }
    )


def _metadata_files(valid: bytes) -> dict[str, bytes]:
    edits = {
        "format unknown": _set("format", None, "pickle/9"),
        "format newer": _set("format", None, "anomaly-lab/7"),
        "config a list": _set("config", None, [1, 2]),
        "config a string": _set("config", None, "dense"),
        "config unknown family": _set("config", "family", "transformer"),
        "config unknown field": _set("config", "wings", 2),
        "config other input length": _set("config", "input_length", 100),
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
    return _header_files(valid) | _metadata_files(valid) | _scaler_files(valid) | _tensor_files(valid)


UI_ONLY = {
    "data split impossible": _set("info", "data", {"test_size": 99_999}),
    "global scaler of another split": _set("scaler", "maximum", 7.0),
}


def ui_only_files(valid: bytes) -> dict[str, bytes]:
    """Files the core loads but the app refuses: they do not fit the app's data."""
    shifted = _scaler_rows(lambda low, high: (low, high + 0.5))
    return {name: with_metadata(as_global(valid), edit) for name, edit in UI_ONLY.items()} | {
        "per-step scaler of another split": with_tensors(valid, shifted),
        "scaling other than its split's": with_metadata(valid, _set("info", "data", {"scaling": "global"})),
    }
