"""Point-level and event-level precision and recall for flagged time steps of a long series.

Event level: a true anomaly span counts as caught when any of its time steps is flagged; a run of
flagged steps that touches no true span is a false event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SeriesScores:
    """Precision and recall of flagged time steps, counted per point and per event (span)."""

    point_precision: float
    point_recall: float
    event_precision: float
    event_recall: float
    caught_events: int
    true_events: int
    flagged_events: int


def spans_of(mask: np.ndarray) -> list[tuple[int, int]]:
    """Runs of True in a (T,) mask as (start, end) pairs, end exclusive."""
    padded = np.concatenate([[0], np.asarray(mask, dtype=np.int8), [0]])
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]


def _ratio(count: int, total: int) -> float:
    return count / total if total else 0.0


def series_scores(y_true: np.ndarray, flagged: np.ndarray) -> SeriesScores:
    """Scores of (T,) flags against (T,) true point labels (1 inside an anomaly span); zero denominators give 0.0."""
    truth, flags = np.asarray(y_true).astype(bool), np.asarray(flagged).astype(bool)
    if truth.shape != flags.shape or truth.ndim != 1:
        raise ValueError(f"y_true and flagged must be two series of one length, got {truth.shape} and {flags.shape}")
    hits = int(np.sum(truth & flags))
    true_spans, flagged_spans = spans_of(truth), spans_of(flags)
    caught = sum(bool(flags[a:b].any()) for a, b in true_spans)
    good_flags = sum(bool(truth[a:b].any()) for a, b in flagged_spans)
    return SeriesScores(
        point_precision=_ratio(hits, int(flags.sum())),
        point_recall=_ratio(hits, int(truth.sum())),
        event_precision=_ratio(good_flags, len(flagged_spans)),
        event_recall=_ratio(caught, len(true_spans)),
        caught_events=caught,
        true_events=len(true_spans),
        flagged_events=len(flagged_spans),
    )
