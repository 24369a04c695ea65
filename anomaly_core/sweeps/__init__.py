"""Sweeps: a grid of settings × seeds trained as stored runs, its time estimate, and its results as a curve."""

from .lessons import ANOMAGRAM_AUC, READY_SWEEPS, ReadySweep
from .params import PARAMETERS, SweepParameter, parse_values
from .plan import MAX_SEEDS, SweepPlan
from .results import METRICS, SweepRow, ValueSummary, progress, summarize_by, sweep_rows

__all__ = [
    "ANOMAGRAM_AUC",
    "METRICS",
    "MAX_SEEDS",
    "PARAMETERS",
    "READY_SWEEPS",
    "ReadySweep",
    "SweepParameter",
    "SweepPlan",
    "SweepRow",
    "ValueSummary",
    "parse_values",
    "progress",
    "summarize_by",
    "sweep_rows",
]
