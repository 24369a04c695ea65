"""Leaderboard rows for the Compare page: this session's models plus the baselines, fitted once per data split."""

from __future__ import annotations

from collections import Counter

import numpy as np

from anomaly_core import DataConfig, EcgSplit, ScoreSummary, count_parameters
from anomaly_core.baselines import BaselineResult
from anomaly_core.metrics import summarize_if_labelled
from ui.baseline_fits import fitted_baselines
from ui.compare.table import LeaderRow, family_key
from ui.current_model import ActiveModel, default_model
from ui.datasets import ecg_split
from ui.run_models import session_models


def _row(
    name: str,
    family: str,
    *,
    is_baseline: bool,
    parameters: int,
    seconds: float,
    scores: np.ndarray,
    split: EcgSplit,
    summary: ScoreSummary,
) -> LeaderRow:
    """A leaderboard row from one model's test scores on `split` and their summary."""
    return LeaderRow(
        name=name,
        family=family,
        is_baseline=is_baseline,
        parameters=parameters,
        train_seconds=seconds,
        auc=summary.auc,
        average_precision=summary.average_precision,
        best_f1=summary.best_f1,
        recall_at_5pct_fpr=summary.recall_at_5pct_fpr,
        scores=scores,
        y_test=split.y_test,
        classes_test=split.classes_test,
        data=split.config,
    )


def model_row(model: ActiveModel, name: str) -> LeaderRow:
    """A leaderboard row of an autoencoder from its precomputed test scores."""
    seconds = float(model.train_seconds) if model.train_seconds > 0 else float("nan")  # the ready model: unknown
    parameters = count_parameters(model.model)
    return _row(name, family_key(model.config), is_baseline=False, parameters=parameters, seconds=seconds,
                scores=model.test_scores, split=model.split, summary=model.summary)  # fmt: skip


def baseline_row(result: BaselineResult, split: EcgSplit) -> LeaderRow:
    """A leaderboard row of a fitted baseline."""
    summary = summarize_if_labelled(split.y_test, result.test_scores)
    return _row(result.label, result.name, is_baseline=True, parameters=result.stored_values, seconds=result.fit_seconds,
                scores=result.test_scores, split=split, summary=summary)  # fmt: skip


def compared_models() -> list[ActiveModel]:
    """The models of this session (its runs and uploads), or the ready default model when there is none yet."""
    return session_models() or [default_model()]


def unique_names(models: list[ActiveModel]) -> list[str]:
    """Model names, numbered where the same name appears more than once."""
    counts, seen = Counter(m.name for m in models), Counter[str]()
    names = []
    for model in models:
        seen[model.name] += 1
        names.append(f"{model.name} #{seen[model.name]}" if counts[model.name] > 1 else model.name)
    return names


def split_configs(models: list[ActiveModel]) -> list[DataConfig]:
    """The distinct data splits of the models, newest model's split first."""
    configs: list[DataConfig] = []
    for model in reversed(models):
        if model.split.config not in configs:
            configs.append(model.split.config)
    return configs


def rows_for_split(models: list[ActiveModel], cfg: DataConfig) -> list[LeaderRow]:
    """The models evaluated on split `cfg`, then the baselines fitted on that same split."""
    rows = [model_row(m, name) for m, name in zip(models, unique_names(models)) if m.split.config == cfg]
    split = ecg_split(cfg)
    return rows + [baseline_row(result, split) for result in fitted_baselines(split)]
