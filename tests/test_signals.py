"""Reading user CSVs and signal arrays: every kind of bad input gets a message that says what is wrong."""

import numpy as np
import pytest

from anomaly_core import check_signals, read_signals_csv


def _csv(rows: list[list]) -> bytes:
    return "\n".join(",".join(str(v) for v in row) for row in rows).encode()


def test_reads_rows_with_and_without_labels(ecg) -> None:
    plain = read_signals_csv(_csv(ecg.signals[:3].tolist()))
    assert plain.signals.shape == (3, 140) and plain.classes is None
    np.testing.assert_allclose(plain.signals, ecg.signals[:3], rtol=1e-6)
    labelled = read_signals_csv(_csv([[int(c), *s] for c, s in zip(ecg.classes[:4], ecg.signals[:4].tolist())]))
    assert labelled.classes.tolist() == ecg.classes[:4].tolist()


def test_reads_a_header_row_and_semicolons() -> None:
    header = "label;" + ";".join(f"t{i}" for i in range(140))
    table = read_signals_csv((header + "\n2;" + ";".join(["0.5"] * 140)).encode())
    assert table.classes.tolist() == [2] and table.signals.shape == (1, 140)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (_csv([[0.1] * 100]), "140 values"),
        (_csv([[0.1] * 200]), "140 values"),
        (_csv([[0.1] * 139 + ["abc"]]), "not a number"),
        (_csv([[0.1] * 139 + ["inf"]]), "infinite"),
        (_csv([[0.1] * 140, [0.1] * 139 + ["nan"]]), "row\\(s\\) 2"),
        (_csv([[9, *([0.1] * 140)]]), "classes 1-5"),
        (_csv([[1e6] * 140]), "beyond"),
        (b"\xff\xfe\x00garbage", "CSV|140|number"),
        (b"x" * (21 * 1024 * 1024), "limit is 20 MB"),
    ],
)
def test_bad_csv_files_are_explained(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_signals_csv(data)


@pytest.mark.parametrize(
    ("signals", "message"),
    [
        (np.array([]), "no signal"),
        (np.zeros((2, 139)), "exactly 140"),
        (np.array([["a"] * 140]), "numbers"),
        (np.full((1, 140), np.inf), "infinite"),
    ],
)
def test_bad_arrays_are_explained(signals, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_signals(signals, 140)
