"""Read user-supplied beats (CSV files or arrays) with clear errors for every kind of bad input."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .config import BEAT_LENGTH

if TYPE_CHECKING:
    import pandas as pd

MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_ABS_VALUE = 1e3  # ECG5000 values lie within about ±8


class SignalsError(ValueError):
    """Beats that cannot be used (not CSV, ragged rows, text, NaN, values out of range); the message says which."""


@dataclass(frozen=True)
class SignalTable:
    """Beats in original units (n, length) and their UCR classes (n,) when the file had labels."""

    signals: np.ndarray
    classes: np.ndarray | None


def check_signals(signals: np.ndarray, length: int) -> np.ndarray:
    """Return a float32 (n, length) copy, or raise SignalsError saying what is wrong."""
    array = np.asarray(signals)
    if array.ndim == 1:
        array = array[None, :]
    if array.size == 0:
        raise SignalsError("no signal values given")
    if array.ndim != 2 or array.shape[1] != length:
        raise SignalsError(f"each beat needs exactly {length} values, got shape {tuple(array.shape)}")
    try:
        array = array.astype(np.float64)  # checked before float32, where 1e300 would become infinite
    except (TypeError, ValueError):
        raise SignalsError("signals must be numbers") from None
    bad_rows = np.flatnonzero(~np.isfinite(array).all(axis=1))
    if bad_rows.size:
        raise SignalsError(f"row(s) {_row_list(bad_rows)} contain NaN or infinite values")
    huge_rows = np.flatnonzero((np.abs(array) > MAX_ABS_VALUE).any(axis=1))
    if huge_rows.size:
        raise SignalsError(
            f"row(s) {_row_list(huge_rows)} hold values beyond ±{MAX_ABS_VALUE:g}; ECG5000 beats lie within about ±8"
        )
    return array.astype(np.float32)


def _row_list(rows: np.ndarray) -> str:
    shown = ", ".join(str(r + 1) for r in rows[:5])
    return shown + (f" and {rows.size - 5} more" if rows.size > 5 else "")


ECG5000_CLASSES = (1, 2, 3, 4, 5)


def read_signals_csv(data: bytes, length: int = BEAT_LENGTH, classes: tuple[int, ...] | None = ECG5000_CLASSES) -> SignalTable:
    """Parse CSV bytes: one beat per row of `length` values, optionally a first `label` column (one of `classes`;
    None: any whole number)."""
    import pandas as pd  # here, not at the top: the app's first page reads no CSV and skips pandas (~0.3 s)

    if len(data) > MAX_CSV_BYTES:
        raise SignalsError(f"the file is {len(data) / 2**20:.1f} MB; the limit is {MAX_CSV_BYTES // 2**20} MB")
    if not data.strip():
        raise SignalsError("the file is empty")
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte order mark, as spreadsheet programs write
    dialect, width = check_row_lengths(data)
    if width > length + 1:  # before pandas: a very wide row would cost it seconds
        raise SignalsError(f"each row needs {length} values (or a label plus {length}); the file has {width} columns")
    try:
        table = pd.read_csv(io.BytesIO(data), header=None, dialect=dialect)  # the C reader, with the dialect found
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError, csv.Error) as error:
        raise SignalsError(f"could not read the file as CSV: {str(error).splitlines()[0]}") from None
    first = str(table.iat[0, 0]).strip().lower()
    has_header = first == "label" or not is_number(first)
    if has_header:
        table = table.iloc[1:]
    if table.shape[1] not in (length, length + 1):
        raise SignalsError(f"each row needs {length} values (or a label plus {length}); the file has {table.shape[1]} columns")
    numbers = _as_numbers(table)
    text_cells = np.argwhere(np.isnan(numbers) & ~pd.isna(table.to_numpy(dtype=object)))  # NaN now, but a cell before
    if text_cells.size:
        row, col = text_cells[0]
        raise SignalsError(f"row {row + 1}, column {col + 1} is not a number: {table.iat[row, col]!r}")
    labels = None
    if table.shape[1] == length + 1:
        labels, numbers = numbers[:, 0], numbers[:, 1:]
        _check_labels(labels, classes)
        labels = labels.astype(np.int64)
    return SignalTable(signals=check_signals(numbers, length), classes=labels)


def _check_labels(labels: np.ndarray, classes: tuple[int, ...] | None) -> None:
    """SignalsError when a label is not one of the dataset's classes (or, with None, not a whole number)."""
    if classes is None:
        if not np.all(labels == np.round(labels)):
            raise SignalsError("the label column must hold whole numbers (the rows' classes)")
    elif not np.isin(labels, classes).all():
        if classes == ECG5000_CLASSES:
            raise SignalsError("the label column must hold ECG5000 classes 1-5 (1 = normal)")
        raise SignalsError(f"the label column must hold this dataset's classes: {', '.join(str(c) for c in classes)}")


def check_row_lengths(data: bytes) -> tuple[type[csv.Dialect], int]:
    """The file's dialect and its rows' number of values; SignalsError naming the first row whose number of values
    differs from the most common one, and by how much."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SignalsError("the file is not UTF-8 text; save it as CSV (UTF-8)") from None
    lines = text.splitlines()
    dialect = _dialect(lines)
    try:
        counts = [(number, len(row)) for number, row in enumerate(csv.reader(lines, dialect), start=1) if row]
    except csv.Error as error:  # e.g. a field longer than the csv module's limit
        raise SignalsError(f"could not read the file as CSV: {error}") from None
    if not counts:
        raise SignalsError("the file has no rows of values")
    usual = Counter(count for _, count in counts).most_common(1)[0][0]
    for number, count in counts:
        if count != usual:
            side = "short" if count < usual else "long"
            raise SignalsError(
                f"row {number} is {side} by {abs(usual - count)} value(s): it has {count}, the other rows have {usual}; "
                "give every row the same number of values"
            )
    return dialect, usual


def _dialect(lines: list[str]) -> type[csv.Dialect]:
    """The delimiter the first line uses (comma, semicolon, tab or space); comma when unclear."""
    try:
        return csv.Sniffer().sniff(lines[0][:10_000] if lines else "", delimiters=",;\t ")
    except csv.Error:
        return csv.excel


def _as_numbers(table: pd.DataFrame) -> np.ndarray:
    """The table as float64 (rows, columns), text cells NaN; columns pandas already read as numbers stay as they are."""
    import pandas as pd

    if all(pd.api.types.is_numeric_dtype(dtype) for dtype in table.dtypes):
        return table.to_numpy(dtype=np.float64)
    columns = [pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=np.float64) for column in table.columns]
    return np.column_stack(columns)


def is_number(text: str) -> bool:
    """Whether a CSV cell's text reads as a number."""
    try:
        float(text)
    except ValueError:
        return False
    return True
