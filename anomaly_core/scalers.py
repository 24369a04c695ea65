"""Scalers from beats in original units to the model's [0, 1] units, fitted on training rows only.

Two kinds (`SCALINGS`): a min and max per time step (the default), or one global min and max for every
value (model files written before per-step scaling). A scaler is part of a model: its file keeps it, the
ONNX graph holds it, and everything that scores raw beats goes through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

import numpy as np

from .config import SCALINGS


class Scaler(Protocol):
    """Maps rows (n, length) in original units to model units and back."""

    kind: ClassVar[str]

    def transform(self, rows: np.ndarray) -> np.ndarray: ...

    def inverse(self, rows: np.ndarray) -> np.ndarray: ...

    def offset_span(self) -> tuple[np.ndarray, np.ndarray]: ...

    def score_weights(self) -> np.ndarray | None: ...

    @property
    def value_range(self) -> tuple[float, float]: ...


@dataclass(frozen=True)
class MinMaxScaler:
    """One global min and max, fitted on training rows, mapping them to [0, 1]."""

    minimum: float
    maximum: float
    kind: ClassVar[str] = "global"

    @classmethod
    def fit(cls, rows: np.ndarray) -> MinMaxScaler:
        """Fit on training rows only."""
        low, high = float(np.min(rows)), float(np.max(rows))
        if not high > low:
            raise ValueError("cannot scale rows whose values are all equal")
        return cls(low, high)

    def transform(self, rows: np.ndarray) -> np.ndarray:
        """Original units to the model's [0, 1] units (values outside the fit range pass through)."""
        return ((np.asarray(rows, dtype=np.float32) - self.minimum) / (self.maximum - self.minimum)).astype(np.float32)

    def inverse(self, rows: np.ndarray) -> np.ndarray:
        """The model's units back to original units."""
        return (np.asarray(rows, dtype=np.float32) * (self.maximum - self.minimum) + self.minimum).astype(np.float32)

    def offset_span(self) -> tuple[np.ndarray, np.ndarray]:
        """(offset, span) as float32 scalars: transform(x) = (x - offset) / span."""
        return np.asarray(self.minimum, dtype=np.float32), np.asarray(self.maximum - self.minimum, dtype=np.float32)

    def score_weights(self) -> None:
        """None: a difference in model units is already in one global unit."""
        return None

    @property
    def value_range(self) -> tuple[float, float]:
        """The lowest and highest training value, in original units."""
        return self.minimum, self.maximum


@dataclass(frozen=True, eq=False)
class FeatureMinMaxScaler:
    """A min and max per time step (length,), fitted on training rows: each step's training values span [0, 1].

    A step whose training values are all equal keeps a span of 1 (it is only shifted).
    """

    minimum: np.ndarray
    maximum: np.ndarray
    kind: ClassVar[str] = "per_feature"

    def __post_init__(self) -> None:
        low, high = np.asarray(self.minimum, np.float32), np.asarray(self.maximum, np.float32)
        if low.ndim != 1 or low.shape != high.shape or not low.size:
            raise ValueError("scaler: minimum and maximum must be two rows of the same length")
        if not (np.isfinite(low).all() and np.isfinite(high).all() and (low <= high).all()):
            raise ValueError("scaler: minimum and maximum must be finite, each minimum at most its maximum")
        object.__setattr__(self, "minimum", low)
        object.__setattr__(self, "maximum", high)

    def __eq__(self, other: object) -> bool:
        """Equal when of the same kind with exactly the same rows."""
        if not isinstance(other, FeatureMinMaxScaler):
            return NotImplemented
        return bool(np.array_equal(self.minimum, other.minimum) and np.array_equal(self.maximum, other.maximum))

    __hash__ = None  # type: ignore[assignment]  # holds arrays

    @classmethod
    def fit(cls, rows: np.ndarray) -> FeatureMinMaxScaler:
        """Fit on training rows (n, length) only."""
        array = np.asarray(rows, dtype=np.float32)
        return cls(array.min(axis=0), array.max(axis=0))

    @property
    def span(self) -> np.ndarray:
        """maximum - minimum per step (length,), 1 where a step never changed."""
        span = self.maximum - self.minimum
        return np.where(span > 0, span, np.float32(1)).astype(np.float32)

    def transform(self, rows: np.ndarray) -> np.ndarray:
        """Original units (n, length) to model units (values outside a step's training range pass through)."""
        return ((np.asarray(rows, dtype=np.float32) - self.minimum) / self.span).astype(np.float32)

    def inverse(self, rows: np.ndarray) -> np.ndarray:
        """Model units (n, length) back to original units."""
        return (np.asarray(rows, dtype=np.float32) * self.span + self.minimum).astype(np.float32)

    def offset_span(self) -> tuple[np.ndarray, np.ndarray]:
        """(offset, span), each (length,) float32: transform(x) = (x - offset) / span."""
        return self.minimum, self.span

    def score_weights(self) -> np.ndarray:
        """Per step (length,): span / the global training range, so a scored difference is in one global unit.

        The model learns in per-step units, where a quiet step counts as much as a loud one; its score measures
        the difference as it is in the beat's original units (divided by one range), which ranks beats better.
        """
        lowest, highest = self.value_range
        return (self.span / np.float32(highest - lowest if highest > lowest else 1)).astype(np.float32)

    @property
    def value_range(self) -> tuple[float, float]:
        """The lowest and highest training value over all steps, in original units."""
        return float(self.minimum.min()), float(self.maximum.max())


def fit_scaler(kind: str, rows: np.ndarray) -> Scaler:
    """The scaler of `kind` (one of SCALINGS) fitted on training rows (n, length)."""
    if kind == "per_feature":
        return FeatureMinMaxScaler.fit(rows)
    if kind == "global":
        return MinMaxScaler.fit(rows)
    raise ValueError(f"scaling: {kind!r} is not one of {', '.join(SCALINGS)}")


def same_scaler(first: Scaler, second: Scaler, *, tolerance: float = 1e-5) -> bool:
    """Whether two scalers are of one kind and map every value alike (within `tolerance` in original units)."""
    if first.kind != second.kind:
        return False
    (offset_a, span_a), (offset_b, span_b) = first.offset_span(), second.offset_span()
    if np.shape(offset_a) != np.shape(offset_b):
        return False
    return bool(np.allclose(offset_a, offset_b, rtol=0, atol=tolerance) and np.allclose(span_a, span_b, rtol=0, atol=tolerance))


SCALER_TENSORS = ("scaler.minimum", "scaler.maximum")  # where a model file keeps a per-step scaler's rows


def scaler_to_file(scaler: Scaler) -> tuple[dict[str, object], dict[str, np.ndarray]]:
    """(JSON metadata, rows kept as tensors) of a scaler: a global one is two numbers, a per-step one two rows."""
    if isinstance(scaler, MinMaxScaler):
        return {"kind": scaler.kind, "minimum": scaler.minimum, "maximum": scaler.maximum}, {}
    if isinstance(scaler, FeatureMinMaxScaler):
        return {"kind": scaler.kind}, dict(zip(SCALER_TENSORS, (scaler.minimum, scaler.maximum)))
    raise TypeError(f"cannot save a scaler of kind {scaler.kind!r}")


def scaler_from_file(meta: dict[str, object], rows: dict[str, np.ndarray], length: int) -> Scaler:
    """The scaler a model file describes (files without a kind are global); ValueError when inconsistent."""
    kind = meta.get("kind", "global")
    if kind == "global":
        if rows:
            raise ValueError("a global scaler has no tensors")
        return MinMaxScaler(float(meta["minimum"]), float(meta["maximum"]))  # type: ignore[arg-type]
    if kind != "per_feature" or set(rows) != set(SCALER_TENSORS):
        raise ValueError(f"scaler of kind {str(kind)[:20]!r} without its two rows {', '.join(SCALER_TENSORS)}")
    low, high = (np.asarray(rows[name], dtype=np.float32) for name in SCALER_TENSORS)
    scaler = FeatureMinMaxScaler(low, high)
    if scaler.minimum.shape != (length,):
        raise ValueError(f"the scaler's rows hold {scaler.minimum.size} values, not the input length {length}")
    return scaler
