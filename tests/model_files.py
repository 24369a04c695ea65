"""Test helper: rewrite the JSON metadata inside a saved model file, as a tamperer (or an older version) would."""

import json
import struct
from collections.abc import Callable


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
