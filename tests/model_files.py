"""Test helper: rewrite the JSON metadata inside a saved model file, as a tamperer (or an older version) would."""

import json
import struct
from collections.abc import Callable
from pathlib import Path

import torch


def with_metadata(data: bytes, edit: Callable[[dict, dict], None]) -> bytes:
    """The model file `data` after `edit(header, meta)` changed its safetensors header and Anomaly Lab metadata."""
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    meta = json.loads(header["__metadata__"]["anomaly_lab"])
    edit(header, meta)
    header["__metadata__"]["anomaly_lab"] = json.dumps(meta)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + data[8 + length :]


def write_pickle_exploit(path: Path) -> Path:
    """Write a pickle to `path` that creates a marker file if anything unpickles it; returns the marker's path."""
    marker = path.with_name(path.name + ".executed")

    class Exploit:
        def __reduce__(self) -> tuple:
            return (marker.touch, ())

    torch.save({"weights": Exploit()}, path)
    return marker
