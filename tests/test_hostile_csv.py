"""Hostile CSV files: the core reader, the CLI's `score` and the Draw page's CSV upload each give one clear message.

Ragged rows are reported as short or long, by how much, with the row number.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core import read_signals_csv
from anomaly_core.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
VALID_MODEL = ROOT / "assets" / "default_model.safetensors"
ROW = ",".join(["0.5"] * 140)
BAD_CSVS = {
    "short middle row": (f"{ROW}\n{','.join(['0.5'] * 120)}\n{ROW}\n", "row 2 is short by 20"),
    "long row": (f"{ROW}\n{ROW},1,2\n{ROW}\n", "row 2 is long by 2"),
    "short row with labels": (f"1,{ROW}\n1,{ROW}\n2,{','.join(['0.5'] * 100)}\n", "row 3 is short by 40"),
    "short row, semicolons": (f"{ROW}\n{ROW}\n{ROW[:-4]}\n".replace(",", ";"), "row 3 is short by 1"),
    "short row, tabs": (f"{ROW}\n{ROW[:-8]}\n{ROW}\n".replace(",", "\t"), "row 2 is short by 2"),
    "file cut mid-row": (f"{ROW}\n{ROW}\n{ROW}\n0.5,0.5", "row 4 is short by 138"),
    "one row too short": (",".join(["0.5"] * 139), "each row needs 140 values"),
    "wrong width everywhere": ("1,2,3\n4,5,6\n", "each row needs 140 values"),
    "not UTF-8": ("é".encode("latin-1") + ROW.encode(), "not UTF-8"),
    "binary": (bytes(range(256)) * 4, "not UTF-8"),
    "only a header": ("label," + ",".join(f"t{i}" for i in range(140)) + "\n", "no"),
    "blank lines only": ("\n\n  \n", "empty"),
    "text cell": (f"{ROW}\n{ROW[:-3]}abc\n", "not a number"),
    "NaN": (f"{ROW[:-3]}nan\n", "NaN"),
    "infinity": (f"{ROW[:-3]}inf\n", "NaN or infinite"),
    "huge value": (f"{ROW[:-3]}1e300\n", "beyond"),
    "unknown class": (f"7,{ROW}\n", "classes 1-5"),
    "unbalanced quote": (f'"{ROW}\n{ROW}\n', "could not read the file as CSV"),
    "very wide row": (",".join(["0.5"] * 100_000) + "\n", "each row needs 140"),
}
GOOD_CSVS = {
    "semicolons": (f"{ROW}\n{ROW}\n".replace(",", ";"), 2),
    "byte order mark": ("\ufeff" + f"{ROW}\n", 1),
    "labels and a header": ("label," + ",".join(f"t{i}" for i in range(140)) + f"\n1,{ROW}\n", 1),
    "blank lines between rows": (f"{ROW}\n\n{ROW}\n", 2),
}


def _bytes(content: str | bytes) -> bytes:
    return content if isinstance(content, bytes) else content.encode()


@pytest.mark.parametrize("name", sorted(BAD_CSVS))
def test_the_reader_names_the_problem(name: str) -> None:
    content, words = BAD_CSVS[name]
    with pytest.raises(ValueError, match=words) as refused:
        read_signals_csv(_bytes(content))
    assert len(str(refused.value)) > 15


@pytest.mark.parametrize("name", sorted(GOOD_CSVS))
def test_valid_variants_still_read(name: str) -> None:
    content, rows = GOOD_CSVS[name]
    assert read_signals_csv(_bytes(content)).signals.shape == (rows, 140)


@pytest.mark.parametrize("name", sorted(BAD_CSVS))
def test_the_cli_exits_2_with_one_line(capsys, tmp_path: Path, name: str) -> None:
    csv = tmp_path / "beats.csv"
    csv.write_bytes(_bytes(BAD_CSVS[name][0]))
    assert main(["score", "--model", str(VALID_MODEL), "--csv", str(csv)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and BAD_CSVS[name][1] in err and "Traceback" not in err


@pytest.fixture(scope="module")
def draw() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "draw.py"), default_timeout=60).run()


@pytest.mark.parametrize("name", sorted(BAD_CSVS))
def test_the_draw_page_shows_one_clear_error(draw: AppTest, name: str) -> None:
    content, words = BAD_CSVS[name]
    draw.file_uploader(key="draw_bulk_file").set_value(("bad.csv", _bytes(content), "text/csv")).run()
    assert not draw.exception, draw.exception
    assert len(draw.error) == 1 and words in draw.error[0].value and "bad.csv" in draw.error[0].value
