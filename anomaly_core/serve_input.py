"""Turn a scoring request's body (JSON or CSV) into checked beats, or a RequestError with a 4xx status and a message."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .bounded_json import JsonInputError, loads_bounded
from .signals import check_signals, read_signals_csv

JSON_EXAMPLE = '{"beats": [[140 numbers], ...], "threshold": 0.02}'


@dataclass(frozen=True)
class ServeLimits:
    """What one request may hold; bigger requests get 413."""

    max_body_bytes: int = 4 * 1024 * 1024  # 1000 beats of 140 values as JSON text are about 2.5 MB
    max_beats: int = 1000


class RequestError(Exception):
    """A bad request: `status` (4xx) and a message naming the problem."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class ParsedBeats:
    """Beats in original units (n, length) float32, and a threshold the body asked for (or None)."""

    beats: np.ndarray
    threshold: float | None = None


def check_threshold(value: Any, where: str) -> float | None:
    """A finite number or None; RequestError otherwise."""
    if value is None:
        return None
    if type(value) not in (int, float) or not math.isfinite(value):
        raise RequestError(422, f"{where}: must be a finite number, got {value!r}")
    return float(value)


def beats_from_json(body: bytes, length: int, limits: ServeLimits) -> ParsedBeats:
    """JSON: a list of beats, or {"beats": [...], "threshold": x}."""
    try:
        value = loads_bounded(body, what="the body", max_bytes=limits.max_body_bytes)
    except JsonInputError as error:
        raise RequestError(400, f"{error}; send {JSON_EXAMPLE}") from None
    threshold = None
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"beats", "threshold"})
        if unknown:
            raise RequestError(422, f"unknown field(s) {', '.join(unknown)}; send {JSON_EXAMPLE}")
        if "beats" not in value:
            raise RequestError(422, f"the field 'beats' is missing; send {JSON_EXAMPLE}")
        threshold = check_threshold(value.get("threshold"), "threshold")
        value = value["beats"]
    return ParsedBeats(_checked_rows(value, length, limits), threshold)


def _checked_rows(rows: Any, length: int, limits: ServeLimits) -> np.ndarray:
    """A list of `length`-number lists -> float32 (n, length); RequestError naming the first problem."""
    if not isinstance(rows, list):
        raise RequestError(422, f"beats must be a list of beats, each a list of {length} numbers")
    if not rows:
        raise RequestError(422, "no beats given: the list of beats is empty")
    if not isinstance(rows[0], list):
        raise RequestError(422, "beat 1 is not a list of numbers (send a list of beats: [[...], [...]])")
    if len(rows) > limits.max_beats:
        raise RequestError(413, f"{len(rows)} beats in one request; the limit is {limits.max_beats}, send them in parts")
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, list):
            raise RequestError(422, f"beat {number} is not a list of numbers (send a list of beats: [[...], [...]])")
        if len(row) != length:
            raise RequestError(422, f"beat {number} has {len(row)} values; each beat needs exactly {length}")
    if {type(v) for row in rows for v in row} - {int, float}:
        cells = ((i, j, v) for i, row in enumerate(rows, 1) for j, v in enumerate(row, 1))
        number, position, value = next(cell for cell in cells if type(cell[2]) not in (int, float))
        raise RequestError(422, f"beat {number}, value {position} is not a number: {value!r}")
    try:
        array = np.array(rows, dtype=np.float64)
    except OverflowError:
        raise RequestError(422, "a value is too large to be a number of an ECG beat") from None
    return _checked(array, length)


def _checked(array: np.ndarray, length: int) -> np.ndarray:
    try:
        return check_signals(array, length)
    except ValueError as error:
        raise RequestError(422, str(error)) from None


def beats_from_csv(data: bytes, length: int, limits: ServeLimits) -> ParsedBeats:
    """CSV: one beat per row (optionally a first label column), as `python -m anomaly_core score` reads it."""
    try:
        table = read_signals_csv(data, length)
    except ValueError as error:
        raise RequestError(422, f"CSV: {error}") from None
    if len(table.signals) > limits.max_beats:
        raise RequestError(413, f"{len(table.signals)} beats in one request; the limit is {limits.max_beats}, send them in parts")
    return ParsedBeats(table.signals)
