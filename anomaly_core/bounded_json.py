"""JSON from outside (model file headers, config files, request bodies) parsed with bounded work.

The size and the nesting depth are checked on the raw text before `json.loads`, so no input can
exhaust the recursion limit or memory; every problem is one `JsonInputError` naming what to change.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

MAX_JSON_DEPTH = 32  # our own files nest at most 4 levels deep
MAX_JSON_BYTES = 4 * 1024 * 1024
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class JsonInputError(ValueError):
    """JSON that is too big, too deep, not UTF-8 or not JSON; the message says which."""


def json_depth(text: str) -> int:
    """Deepest nesting of [ and { outside strings, counted at C speed (a cut-off string only overcounts)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text)).encode()
    codes = np.frombuffer(brackets, np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps).max(initial=0))


def loads_bounded(text: str | bytes, *, what: str = "the JSON", max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Parse JSON after checking size and depth; JsonInputError says what is wrong."""
    if len(text) > max_bytes:
        raise JsonInputError(f"{what} is {len(text):,} bytes; the limit is {max_bytes:,}")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise JsonInputError(f"{what} is not UTF-8 text") from None
    if json_depth(text) > MAX_JSON_DEPTH:
        raise JsonInputError(f"{what} is nested more than {MAX_JSON_DEPTH} levels deep; use plain objects and lists")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise JsonInputError(f"{what} is not valid JSON: {error.msg} at line {error.lineno}") from None
    except (ValueError, RecursionError) as error:  # e.g. an integer with too many digits
        raise JsonInputError(f"{what} is not usable JSON: {str(error).splitlines()[0][:80]}") from None
