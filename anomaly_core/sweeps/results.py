"""A sweep's results: one row per run, and per value of a setting the mean and spread over the runs finished."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..runs.records import ACTIVE_STATUSES, RunRecord
from .params import parameter
from .plan import SweepPlan

METRICS = {"auc": "AUC", "average_precision": "AP", "best_f1": "best F1"}


@dataclass(frozen=True)
class SweepRow:
    """One run of a sweep: its values of the swept settings, seed, status and metrics (empty until it ends)."""

    run_id: str
    values: tuple[Any, ...]
    seed: int
    status: str
    epochs: int
    target_epochs: int
    train_seconds: float
    metrics: dict[str, float]
    usable: bool


@dataclass(frozen=True)
class ValueSummary:
    """A metric over the finished runs (seeds) that share one value (or pair of values)."""

    values: tuple[Any, ...]
    mean: float
    std: float
    count: int


def sweep_rows(plan: SweepPlan, runs: list[RunRecord]) -> list[SweepRow]:
    """The rows of the sweep's runs, in the plan's order."""
    return [
        SweepRow(
            run.id, tuple(parameter(key).value_of(run.spec) for key in plan.keys), run.spec.train.seed, run.status,
            run.epochs, run.target_epochs, run.train_seconds, dict(run.metrics), run.usable,
        )
        for run in runs
    ]  # fmt: skip


def summarize_by(plan: SweepPlan, rows: list[SweepRow], metric: str) -> list[ValueSummary]:
    """Mean and standard deviation (over seeds) of `metric` per combination of values, for the rows that have it."""
    summaries = []
    for combination in _combinations(plan):
        found = [r.metrics[metric] for r in rows if r.values == combination and np.isfinite(r.metrics.get(metric, np.nan))]
        if found:
            summaries.append(ValueSummary(combination, float(np.mean(found)), float(np.std(found)), len(found)))
    return summaries


def _combinations(plan: SweepPlan) -> list[tuple[Any, ...]]:
    if len(plan.grid) == 1:
        return [(v,) for v in plan.grid[0][1]]
    return [(a, b) for a in plan.grid[0][1] for b in plan.grid[1][1]]


def progress(rows: list[SweepRow], elapsed_seconds: float) -> tuple[int, float | None]:
    """Runs settled so far and the seconds left, extrapolated from the share of epochs trained in `elapsed_seconds`."""
    settled = [r.status not in ACTIVE_STATUSES for r in rows]
    shares = [1.0 if done else r.epochs / max(1, r.target_epochs) for r, done in zip(rows, settled)]
    fraction = sum(shares) / len(rows) if rows else 0.0
    if fraction <= 0:
        return sum(settled), None
    return sum(settled), elapsed_seconds * (1 - fraction) / fraction


def table(plan: SweepPlan, rows: list[SweepRow]) -> tuple[list[str], list[list[Any]]]:
    """The table of configurations tried: a header and one list of plain values per run."""
    header = [*plan.keys, "seed", "status", "epochs_trained", *METRICS, "train_seconds", "run_id"]
    body = []
    for row in rows:
        shown = [parameter(key).show(value) for key, value in zip(plan.keys, row.values)]
        metrics = [round(row.metrics[m], 4) if m in row.metrics else None for m in METRICS]
        body.append([*shown, row.seed, row.status, row.epochs, *metrics, round(row.train_seconds, 2), row.run_id])
    return header, body


def table_csv(plan: SweepPlan, rows: list[SweepRow]) -> str:
    """The table as CSV text (what the Sweep page exports and the command line writes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header, body = table(plan, rows)
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in line] for line in body)
    return buffer.getvalue()
