"""A learner's own CSV as a dataset: one row per sample, an optional `label` column, every problem named.

Labels: 0 or the word "normal" is a normal row; any other whole number or word is an anomaly (its class).
Without a label column every row counts as normal: a model trains and scores, but metrics need labels.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .config import MIN_INPUT_LENGTH
from .signals import MAX_CSV_BYTES, check_row_lengths, is_number

if TYPE_CHECKING:
    import pandas as pd

MAX_VALUES_PER_ROW = 4096  # ModelConfig's largest input_length
MAX_ABS_CSV_VALUE = 1e12  # beyond this, scaling loses every digit that matters
MIN_NORMAL_ROWS = 20  # training, validation and the test set each need normal rows
LABEL_COLUMN = "label"


@dataclass(frozen=True)
class CsvDataset:
    """Rows (n, length) in the file's units, classes (n,) with 0 = normal, and whether the file had labels."""

    signals: np.ndarray
    classes: np.ndarray
    labelled: bool
    class_names: dict[int, str]


def csv_digest(data: bytes) -> str:
    """The sha256 hex digest that names an upload."""
    return hashlib.sha256(data).hexdigest()


def read_dataset_csv(data: bytes) -> CsvDataset:
    """Parse and check an uploaded CSV; ValueError says what to change."""
    table = _read_table(data)
    header = [str(name).strip().lower() for name in table.iloc[0]]
    has_header = not all(is_number(name) for name in header if name != "nan")
    label_at = header.index(LABEL_COLUMN) if has_header and LABEL_COLUMN in header else None
    rows = table.iloc[1:] if has_header else table
    if len(rows) == 0:
        raise ValueError("the file has a header but no rows; add one row per sample below it")
    labels = rows.iloc[:, label_at] if label_at is not None else None
    values = rows.drop(columns=rows.columns[label_at]) if label_at is not None else rows
    signals = _numbers(values, label_at)
    classes, names = _classes(labels) if labels is not None else (np.zeros(len(signals), np.int64), {0: "Normal"})
    normals = int(np.sum(classes == 0))
    if normals < MIN_NORMAL_ROWS:
        raise ValueError(
            f"the file has {normals} normal row(s); give at least {MIN_NORMAL_ROWS} (label 0 or 'normal'), "
            "since training, validation and testing each need normal rows"
        )
    return CsvDataset(signals, classes, labels is not None, names)


def _read_table(data: bytes) -> pd.DataFrame:
    """The file's cells as text, one list per non-blank row, or ValueError (size, empty, not UTF-8, ragged rows)."""
    import pandas as pd  # here, not at the top: the app's first page reads no CSV and skips pandas (~0.3 s)

    if len(data) > MAX_CSV_BYTES:
        raise ValueError(f"the file is {len(data) / 2**20:.1f} MB; the limit is {MAX_CSV_BYTES // 2**20} MB")
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte order mark, as spreadsheet programs write
    if not data.strip():
        raise ValueError("the file is empty; give one row per sample, values separated by commas")
    check_row_lengths(data)  # not UTF-8, or ragged rows
    lines = data.decode("utf-8").splitlines()
    try:
        dialect: type[csv.Dialect] = csv.Sniffer().sniff(lines[0][:10_000], delimiters=",;\t ")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(lines, dialect) if row]
    return pd.DataFrame(rows, dtype=str)


def _numbers(values: pd.DataFrame, label_at: int | None) -> np.ndarray:
    """The value columns as float32 (n, length), or ValueError naming the first bad cell."""
    import pandas as pd

    length = values.shape[1]
    if length < MIN_INPUT_LENGTH:
        raise ValueError(f"each row needs at least {MIN_INPUT_LENGTH} values (one sample per row), the file has {length}")
    if length > MAX_VALUES_PER_ROW:
        raise ValueError(f"each row may hold at most {MAX_VALUES_PER_ROW} values, the file has {length}")
    if len(values) < 2:
        raise ValueError("the file has 1 row; give many rows, one sample per row")
    numbers = values.apply(lambda column: pd.to_numeric(column.str.strip(), errors="coerce")).to_numpy(np.float64)
    text = values.to_numpy(str)
    for row, col in np.argwhere(~np.isfinite(numbers)):
        cell = text[row, col].strip()
        problem = "is empty" if not cell else f"is not a finite number: {cell[:20]!r}"
        column = col + 1 + (1 if label_at is not None and col >= label_at else 0)
        raise ValueError(f"row {row + 1}, column {column} {problem}; every value must be a finite number")
    if np.abs(numbers).max() > MAX_ABS_CSV_VALUE:
        raise ValueError(f"values beyond ±{MAX_ABS_CSV_VALUE:g} cannot be scaled; rescale the file's values")
    return numbers.astype(np.float32)


def _classes(labels: pd.Series) -> tuple[np.ndarray, dict[int, str]]:
    """Classes (n,) with 0 = normal from a label column of whole numbers or words, and a name for each class."""
    cells = [str(cell).strip() for cell in labels]
    if any(not cell for cell in cells):
        row = next(i for i, cell in enumerate(cells) if not cell) + 1
        raise ValueError(f"row {row} has no label; give every row a label (0 or 'normal' for a normal row)")
    if all(is_number(cell) for cell in cells):
        numbers = np.array([float(cell) for cell in cells])
        if not np.all(np.isfinite(numbers) & (numbers == np.round(numbers))):
            raise ValueError("the label column must hold whole numbers (0 = normal) or words ('normal', …)")
        classes = numbers.astype(np.int64)
        return classes, {int(c): ("Normal" if c == 0 else f"Class {c}") for c in np.unique(classes)}
    words = sorted({cell.lower() for cell in cells} - {"normal", "0"})
    numbering = {"normal": 0, "0": 0, **{word: number for number, word in enumerate(words, start=1)}}
    classes = np.array([numbering[cell.lower()] for cell in cells], np.int64)
    return classes, {0: "Normal", **{number: word for word, number in numbering.items() if number}}
