"""Advice after a run diverged, computed from the learning rates tried on the same model: always a rate below every
rate that diverged, and the best rate that trained when there is one; never a range that holds a rate that failed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

LOWEST_USEFUL_RATE = 1e-5  # below this an autoencoder barely moves in 2000 epochs: the rate is not the problem


@dataclass(frozen=True)
class TriedRate:
    """A learning rate tried on this model and data, and whether its run diverged."""

    learning_rate: float
    diverged: bool


def nice_rate_below(rate: float) -> float:
    """The largest 1·10^k or 3·10^k at most a tenth of `rate` (0.003 -> 0.0003, 0.01 -> 0.001, 3 -> 0.3)."""
    ceiling = rate / 10
    exponent = math.floor(math.log10(ceiling))
    for mantissa in (3.0, 1.0):
        candidate = float(f"{mantissa}e{exponent}")
        if candidate <= ceiling * (1 + 1e-9):
            return candidate
    return float(f"3e{exponent - 1}")


def suggested_rate(learning_rate: float, tried: Sequence[TriedRate] = ()) -> float | None:
    """A rate to try next, below every rate that diverged; None when even tiny rates diverged (change the model)."""
    lowest_bad = min([learning_rate, *(t.learning_rate for t in tried if t.diverged)])
    trained = [t.learning_rate for t in tried if not t.diverged and t.learning_rate < lowest_bad]
    if trained:
        return max(trained)
    nice = nice_rate_below(lowest_bad)
    return nice if nice >= LOWEST_USEFUL_RATE else None


def divergence_advice(learning_rate: float, tried: Sequence[TriedRate] = ()) -> str:
    """What to change, in a sentence or two, from the rate that diverged and the rates tried before."""
    failed = sorted({t.learning_rate for t in tried if t.diverged and t.learning_rate != learning_rate})
    also = f" ({', '.join(f'{r:g}' for r in failed)} diverged too)" if failed else ""
    text = f"The learning rate {learning_rate:g} is too high for this model{also}; "
    rate = suggested_rate(learning_rate, tried)
    if rate is None:
        return text.rstrip("; ") + ". Even tiny rates diverged, so change the model or the optimizer (e.g. adam) instead."
    if any(not t.diverged and t.learning_rate == rate for t in tried):
        return text + f"use {rate:g}, which trained this model without diverging."
    return text + f"try {rate:g} or lower."
