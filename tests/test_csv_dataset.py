"""A learner's own CSV as a dataset: a corpus of bad files, each refused with a message naming what to change."""

from __future__ import annotations

import numpy as np
import pytest

from anomaly_core import DataConfig, EcgData, csv_digest, dataset_split, describe_dataset, read_dataset_csv
from anomaly_core.csv_dataset import MIN_NORMAL_ROWS
from anomaly_core.uploads import read_upload, save_upload


def table(rows: int, values: int = 6, *, labels: list[str] | None = None, sep: str = ",") -> str:
    """A CSV of `rows` rows of `values` numbers, with a label column first when labels are given."""
    rng = np.random.default_rng(0)
    lines = ([sep.join(["label", *(f"t{i}" for i in range(values))])] if labels is not None else []) + [
        sep.join(([labels[r]] if labels is not None else []) + [f"{v:.3f}" for v in rng.normal(size=values)])
        for r in range(rows)
    ]
    return "\n".join(lines) + "\n"


GOOD = table(30, labels=["0"] * 25 + ["1"] * 5)
BAD_CSV = {  # name -> (file bytes, words the message must contain)
    "empty": (b"", "the file is empty"),
    "only blanks": (b"  \n\n", "the file is empty"),
    "header only": (b"label,t0,t1,t2\n", "a header but no rows"),
    "ragged rows": (b"1,2,3\n4,5,6\n7,8\n9,1,2\n", "row 3 is short by 1 value"),
    "text cell": (table(25).replace("\n", "\n0.1,0.2,hello,0.4,0.5,0.6\n", 3).encode(), "not a finite number: 'hello'"),
    "NaN cell": (table(25).replace("\n", "\n0.1,NaN,0.3,0.4,0.5,0.6\n", 2).encode(), "not a finite number: 'NaN'"),
    "inf cell": (table(25).replace("\n", "\n0.1,0.2,0.3,inf,0.5,0.6\n", 2).encode(), "not a finite number: 'inf'"),
    "empty cell": (table(25).replace("\n", "\n0.1,0.2,,0.4,0.5,0.6\n", 2).encode(), "column 3 is empty"),
    "one column": (b"1\n2\n3\n4\n", "at least 2 values"),
    "one row": (b"1,2,3,4\n", "the file has 1 row"),
    "50 MB": (b"1,2,3,4\n" * (50 * 2**20 // 8), "the limit is 20 MB"),
    "binary junk": (bytes(range(256)) * 64, "not UTF-8 text"),
    "labels without a normal class": (table(30, labels=["1"] * 15 + ["2"] * 15).encode(), "0 normal row(s)"),
    "too few normal rows": (table(30, labels=["0"] * 5 + ["1"] * 25).encode(), f"give at least {MIN_NORMAL_ROWS}"),
    "fractional labels": (table(30, labels=["0"] * 25 + ["0.5"] * 5).encode(), "label column must hold whole numbers"),
    "missing label": (table(30, labels=["0"] * 25 + ["1"] * 4 + [""]).encode(), "row 30 has no label"),
    "huge values": (table(25).replace("\n", "\n1e30,0,0,0,0,0\n", 2).encode(), "cannot be scaled"),
    "too many values": ((",".join(["1"] * 5000) + "\n") .encode() * 3, "at most 4096 values"),
}


@pytest.mark.parametrize("name", BAD_CSV)
def test_bad_csv_is_refused_with_what_to_change(name: str) -> None:
    data, words = BAD_CSV[name]
    with pytest.raises(ValueError) as error:
        read_dataset_csv(data)
    message = str(error.value)
    assert words in message and "Traceback" not in message and len(message) < 300, message


def test_a_good_file_with_labels_is_read_with_its_classes() -> None:
    parsed = read_dataset_csv(GOOD.encode())
    assert parsed.signals.shape == (30, 6) and parsed.labelled
    assert dict(zip(*np.unique(parsed.classes, return_counts=True))) == {0: 25, 1: 5}
    assert parsed.class_names == {0: "Normal", 1: "Class 1"}


@pytest.mark.parametrize(
    ("variant", "data"),
    [
        ("UTF-8 byte order mark", b"\xef\xbb\xbf" + GOOD.encode()),
        ("semicolons", GOOD.replace(",", ";").encode()),
        ("tabs", GOOD.replace(",", "\t").encode()),
        ("Windows line ends", GOOD.replace("\n", "\r\n").encode()),
    ],
)
def test_spreadsheet_variants_read_the_same(variant: str, data: bytes) -> None:
    expected = read_dataset_csv(GOOD.encode())
    parsed = read_dataset_csv(data)
    np.testing.assert_array_equal(parsed.signals, expected.signals)
    np.testing.assert_array_equal(parsed.classes, expected.classes)


def test_word_labels_and_a_label_column_anywhere() -> None:
    words = ["normal"] * 22 + ["arrhythmia"] * 5 + ["artefact"] * 3
    lines = GOOD.splitlines()
    moved = ["t0,label,t1,t2,t3,t4,t5"] + [
        ",".join([line.split(",")[1], words[i], *line.split(",")[2:]]) for i, line in enumerate(lines[1:])
    ]
    parsed = read_dataset_csv(("\n".join(moved) + "\n").encode())
    assert parsed.class_names == {0: "Normal", 1: "arrhythmia", 2: "artefact"}
    assert (parsed.classes == 0).sum() == 22 and parsed.signals.shape == (30, 6)


def test_without_labels_every_row_is_normal_and_the_file_says_so() -> None:
    parsed = read_dataset_csv(table(40).encode())
    assert not parsed.labelled and (parsed.classes == 0).all()
    dataset = describe_dataset(DataConfig(dataset="csv", csv_digest=csv_digest(table(40).encode())), table(40).encode())
    assert "without labels" in dataset.description and dataset.input_length == 6


def ecg_as_csv(ecg: EcgData, rows: int = 1200) -> bytes:
    """Real ECG5000 beats as a learner would export them: label 0 for normal beats, the class otherwise."""
    pick = np.random.default_rng(0).permutation(len(ecg.classes))[:rows]
    labels = np.where(ecg.classes[pick] == 1, 0, ecg.classes[pick])
    lines = ["label," + ",".join(f"t{i}" for i in range(ecg.signals.shape[1]))]
    lines += [f"{label}," + ",".join(f"{v:.5g}" for v in row) for label, row in zip(labels, ecg.signals[pick])]
    return ("\n".join(lines) + "\n").encode()


def test_a_csv_of_real_beats_splits_like_any_dataset(ecg: EcgData) -> None:
    data = ecg_as_csv(ecg)
    cfg = DataConfig(dataset="csv", csv_digest=csv_digest(data))
    split = dataset_split(cfg, data)
    assert split.x_test.shape[1] == 140 and (split.classes_train == 0).all()
    assert 0.3 < split.y_test.mean() < 0.5  # ECG5000's abnormal share
    with pytest.raises(ValueError, match="upload it again on the Data page"):
        dataset_split(cfg, None)


def test_uploads_are_kept_per_session_by_content(tmp_path) -> None:
    data = GOOD.encode()
    digest = save_upload(tmp_path, "session-a", data)
    assert digest == csv_digest(data) and read_upload(tmp_path, "session-a", digest) == data
    assert read_upload(tmp_path, "session-b", digest) is None  # another session cannot read it
    assert read_upload(tmp_path, "../session-a", digest) is None  # nor climb out of its folder


def test_without_labels_the_split_holds_only_normal_rows_and_the_cli_says_metrics_need_labels(ecg, tmp_path, capsys) -> None:
    from anomaly_core import load_model
    from anomaly_core.__main__ import main

    normal = ecg.signals[ecg.classes == 1][:250]
    data = ("\n".join(",".join(f"{v:.5g}" for v in row) for row in normal) + "\n").encode()
    split = dataset_split(DataConfig(dataset="csv", csv_digest=csv_digest(data)), data)
    assert len(split.x_test) == 50 and not split.y_test.any()
    assert len(split.x_train) + len(split.x_val) == 200
    path = tmp_path / "rows.csv"
    path.write_bytes(data)
    assert main(["train", "--data-csv", str(path), "--epochs", "3", "--quiet", "--out", str(tmp_path / "m")]) == 0
    assert "no test metrics: the data has no labels" in capsys.readouterr().out
    saved = load_model(tmp_path / "m")
    assert saved.info.auc is None and saved.info.threshold is not None and saved.config.input_length == 140
