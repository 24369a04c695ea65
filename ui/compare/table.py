"""Leaderboard rows, sorting, best-per-column marks and per-class recall for the Compare page (pure, no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from anomaly_core import (
    DATASET_TITLES,
    DEFAULT_DATASET,
    FPR_BUDGET,
    NORMAL_CLASS,
    SHORT_CLASS_NAMES,
    DataConfig,
    ModelConfig,
    ThresholdSweep,
    flag_anomalies,
)

ABNORMAL_SHORT_NAMES = {c: name for c, name in SHORT_CLASS_NAMES.items() if c != NORMAL_CLASS}
# column -> True when higher is better
METRIC_COLUMNS = {
    "ROC AUC": True,
    "AP": True,
    "best F1": True,
    "recall @ 5% FPR": True,
    "train s": False,
    "parameters": False,
}
FAMILY_NOTES = {
    "dense": "Dense AE: fully connected layers squeeze the beat into a few numbers; fast, and strong when beats are aligned.",
    "denoising": "Denoising AE: a dense AE trained on noisy copies learns the shape, not the noise; helps on noisy data.",
    "vae": "VAE: codes are distributions pulled towards N(0, 1) by the KL weight β; smoother codes, a likelihood-style score.",
    "conv": "1-D conv AE: small shared filters slide along the beat; wins when the same shape can appear a little shifted.",
    "lstm": "LSTM AE: reads the beat step by step into a code and writes it back; suits sequences where timing matters.",
    "lof": "Local Outlier Factor: a beat is odd when its neighbourhood is sparser than its neighbours'; slow to score.",
    "isolation_forest": "Isolation Forest: random splits isolate rare beats quickly; blind to small shape changes.",
    "pca": "PCA: the linear cousin of an autoencoder — project onto the main directions, score the reconstruction error.",
    "ocsvm": "One-Class SVM: draws a smooth boundary around the normal training beats; strong on small, clean training sets.",
}


@dataclass(frozen=True)
class LeaderRow:
    """One model or baseline on one data split, with its test scores."""

    name: str
    family: str  # a key of FAMILY_NOTES
    is_baseline: bool
    parameters: int  # baselines: the numbers the fitted detector stores
    train_seconds: float
    auc: float
    average_precision: float
    best_f1: float
    recall_at_5pct_fpr: float
    scores: np.ndarray
    y_test: np.ndarray
    classes_test: np.ndarray
    data: DataConfig


def family_key(cfg: ModelConfig) -> str:
    """The FAMILY_NOTES key of an autoencoder config (a dense AE with input noise counts as denoising)."""
    return "denoising" if cfg.family == "dense" and cfg.input_noise > 0 else cfg.family


def split_label(cfg: DataConfig) -> str:
    """A short human label of a data split, e.g. 'all beats, 0 % abnormal in training, seed 0'."""
    size = "all beats" if cfg.train_size is None else f"{cfg.train_size} training beats"
    test = "" if cfg.test_size is None else f", {cfg.test_size} test beats"
    dataset = "" if cfg.dataset == DEFAULT_DATASET else f"{DATASET_TITLES[cfg.dataset]}: "
    return f"{dataset}{size}{test}, {cfg.abnormal_fraction:.0%} abnormal in training, seed {cfg.seed}"


def leaderboard_frame(rows: Sequence[LeaderRow], sort_by: str = "ROC AUC", ascending: bool = False) -> pd.DataFrame:
    """One line per row with the metric columns and a 'best in' column, sorted by `sort_by`."""
    frame = pd.DataFrame(
        {
            "model": [r.name for r in rows],
            "family": [r.family for r in rows],
            "parameters": [r.parameters for r in rows],
            "train s": [round(r.train_seconds, 2) for r in rows],
            "ROC AUC": [r.auc for r in rows],
            "AP": [r.average_precision for r in rows],
            "best F1": [r.best_f1 for r in rows],
            "recall @ 5% FPR": [r.recall_at_5pct_fpr for r in rows],
        }
    )
    best = best_per_column(frame)
    frame["best in"] = [", ".join(col for col, idx in best.items() if idx == i) for i in frame.index]
    if sort_by not in frame.columns:
        raise ValueError(f"sort_by: {sort_by!r} is not a leaderboard column")
    return frame.sort_values(sort_by, ascending=ascending, kind="mergesort").reset_index(drop=True)


def best_per_column(frame: pd.DataFrame) -> dict[str, int]:
    """Index of the best line in each metric column (highest, or lowest for time and size)."""
    if frame.empty:
        return {}
    known = {col: higher for col, higher in METRIC_COLUMNS.items() if frame[col].notna().any()}  # no labels: no metrics
    return {col: int(frame[col].idxmax() if higher else frame[col].idxmin()) for col, higher in known.items()}


def style_best(frame: pd.DataFrame) -> Styler:
    """The leaderboard with the best cell of each metric column highlighted and numbers rounded."""
    best = best_per_column(frame)

    def highlight(column: pd.Series) -> list[str]:
        mark = "background-color: #d8f3dc; font-weight: bold"
        return [mark if column.name in best and i == best[column.name] else "" for i in column.index]

    formats = {"ROC AUC": "{:.4f}", "AP": "{:.3f}", "best F1": "{:.3f}", "recall @ 5% FPR": "{:.3f}", "train s": "{:.2f}"}
    return frame.style.apply(highlight).format(formats, na_rep="—")


def recall_by_class(
    scores: np.ndarray,
    y_test: np.ndarray,
    classes: np.ndarray,
    max_fpr: float = FPR_BUDGET,
    abnormal: Sequence[int] = tuple(ABNORMAL_SHORT_NAMES),
) -> dict[int, float]:
    """Share of each abnormal class flagged at the threshold that keeps false positives at `max_fpr` (NaN: none in test)."""
    scores, classes = np.asarray(scores), np.asarray(classes)
    threshold = ThresholdSweep(y_test, scores).threshold_at_fpr(max_fpr)  # the leaderboard's "recall @ 5% FPR" point
    recalls = {}
    for label in abnormal:
        members = scores[classes == label]
        recalls[label] = float(np.mean(flag_anomalies(members, threshold))) if len(members) else float("nan")
    return recalls


def per_class_frame(rows: Sequence[LeaderRow], names: Mapping[int, str] = ABNORMAL_SHORT_NAMES) -> pd.DataFrame:
    """Recall of each abnormal class (columns; `names`: the abnormal classes' short names) for each row at 5 % FPR."""
    table = {r.name: recall_by_class(r.scores, r.y_test, r.classes_test, abnormal=tuple(names)) for r in rows}
    frame = pd.DataFrame.from_dict(table, orient="index")
    counts = {label: int(np.sum(rows[0].classes_test == label)) for label in frame.columns} if rows else {}
    frame.columns = [f"{label}: {names[label]} ({counts[label]} rows)" for label in frame.columns]
    return frame


def top_rows(rows: Sequence[LeaderRow], count: int = 3) -> list[str]:
    """Names of the `count` rows with the highest AUC (the curves shown first)."""
    return [r.name for r in sorted(rows, key=lambda r: r.auc, reverse=True)[:count]]
