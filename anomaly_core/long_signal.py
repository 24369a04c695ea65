"""A seeded synthetic long signal (sine plus noise, optional trend and season) with injected anomalies.

The series is cut into sliding windows: the first part holds no anomaly and trains the model, the rest
holds the injected spans and is scored window by window; per-time-step errors come back to the series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import SIGNAL_ANOMALIES, DataConfig
from .data import EcgSplit
from .scalers import fit_scaler

SERIES_LENGTH = 4000
WINDOW = 64  # values per window: the model's input length on this dataset
TRAIN_END = 2000  # time steps before this are anomaly-free and train the model; the rest is the test part
TRAIN_STRIDE = 2
PERIOD = 40  # time steps per cycle of the sine
EVENTS_PER_KIND = 2
KIND_LABELS = {kind: number for number, kind in enumerate(SIGNAL_ANOMALIES, start=1)}  # 0: a normal window
KIND_NAMES = {
    0: "Normal window",
    1: "Spike",
    2: "Level shift",
    3: "Flat segment",
    4: "Frequency change",
    5: "Noise burst",
}
_LENGTHS = {"spike": (1, 3), "level_shift": (80, 130), "flat": (60, 100), "frequency": (100, 150), "noise_burst": (60, 100)}


@dataclass(frozen=True)
class Span:
    """One injected anomaly: time steps start … end - 1 and its kind."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class LongSignal:
    """The whole series (T,) and its injected anomaly spans, in time order."""

    values: np.ndarray
    spans: tuple[Span, ...]

    @property
    def point_labels(self) -> np.ndarray:
        """(T,) 1 where a time step lies inside an injected span, else 0."""
        labels = np.zeros(len(self.values), np.int64)
        for span in self.spans:
            labels[span.start : span.end] = 1
        return labels


def _place_spans(kinds: tuple[str, ...], rng: np.random.Generator) -> tuple[Span, ...]:
    """EVENTS_PER_KIND spans per kind at random, separated by at least a window, inside the test part."""
    wanted = [kind for kind in kinds for _ in range(EVENTS_PER_KIND)]
    slots = (SERIES_LENGTH - TRAIN_END - WINDOW) // len(wanted)  # one slot per span keeps them apart
    spans = []
    for slot, kind in enumerate(rng.permutation(np.array(wanted, dtype=object))):
        low, high = _LENGTHS[str(kind)]
        length = int(rng.integers(low, min(high, slots - WINDOW) + 1))
        start = TRAIN_END + WINDOW // 2 + slot * slots + int(rng.integers(0, max(1, slots - length - WINDOW)))
        spans.append(Span(start, start + length, str(kind)))
    return tuple(spans)


def make_long_signal(cfg: DataConfig) -> LongSignal:
    """The series the config describes; the same seed and options give the same series."""
    rng = np.random.default_rng(cfg.seed)
    t = np.arange(SERIES_LENGTH, dtype=np.float64)
    phase = 2 * np.pi * t / PERIOD
    noise = rng.normal(0.0, 0.1, SERIES_LENGTH)
    extra = np.zeros(SERIES_LENGTH)
    if cfg.signal_trend:
        extra += 1.5 * t / SERIES_LENGTH
    if cfg.signal_seasonality:
        extra += 0.5 * np.sin(2 * np.pi * t / (PERIOD * 25))
    spans = _place_spans(cfg.anomaly_kinds, rng)
    sine = np.sin(phase)
    for span in spans:
        part = slice(span.start, span.end)
        if span.kind == "spike":
            sine[part] += rng.choice([-1.0, 1.0]) * rng.uniform(3.0, 4.0)
        elif span.kind == "level_shift":
            sine[part] += rng.choice([-1.0, 1.0]) * rng.uniform(1.2, 1.8)
        elif span.kind == "frequency":
            sine[part] = np.sin(phase[part] * 2.5)
        elif span.kind == "noise_burst":
            noise[part] += rng.normal(0.0, 0.7, span.end - span.start)
    values = sine + noise + extra
    for span in spans:
        if span.kind == "flat":
            values[span.start : span.end] = values[span.start]
    return LongSignal(values.astype(np.float32), spans)


def sliding_windows(values: np.ndarray, start: int, stop: int, stride: int) -> np.ndarray:
    """Windows (n, WINDOW) of values[start:stop], one every `stride` steps."""
    starts = np.arange(start, stop - WINDOW + 1, stride)
    return np.stack([values[s : s + WINDOW] for s in starts])


def test_window_classes(signal: LongSignal) -> np.ndarray:
    """(n,) per test window (stride 1 from TRAIN_END): 0 for normal, else the kind number of the first span it overlaps."""
    starts = np.arange(TRAIN_END, SERIES_LENGTH - WINDOW + 1)
    classes = np.zeros(len(starts), np.int64)
    for span in reversed(signal.spans):
        overlaps = (starts < span.end) & (starts + WINDOW > span.start)
        classes[overlaps] = KIND_LABELS[span.kind]
    return classes


def long_signal_split(cfg: DataConfig) -> EcgSplit:
    """Train on the clean first part's windows (the last tenth validates), test on every window of the rest."""
    if cfg.abnormal_fraction > 0:
        raise ValueError("abnormal_fraction: the long signal trains on its anomaly-free first part; set it to 0")
    if cfg.test_size is not None:
        raise ValueError("test_size: the long signal is tested on every window of its second part; choose 'all'")
    signal = make_long_signal(cfg)
    windows = sliding_windows(signal.values, 0, TRAIN_END, TRAIN_STRIDE)
    n_val = max(1, int(round(cfg.val_fraction * len(windows))))
    train, val = windows[:-n_val], windows[-n_val:]
    if cfg.train_size is not None:
        train = train[np.linspace(0, len(train) - 1, min(cfg.train_size, len(train))).astype(int)]
    scaler = fit_scaler(cfg.scaling, train)
    return EcgSplit(
        x_train=scaler.transform(train),
        classes_train=np.zeros(len(train), np.int64),
        x_val=scaler.transform(val),
        x_test=scaler.transform(sliding_windows(signal.values, TRAIN_END, SERIES_LENGTH, 1)),
        classes_test=test_window_classes(signal),
        scaler=scaler,
        config=cfg,
        normal_classes=(0,),
    )


def errors_over_time(step_errors: np.ndarray) -> np.ndarray:
    """Per-step errors (n, WINDOW) of the stride-1 test windows -> (T - TRAIN_END,) the mean error at each time step."""
    n = len(step_errors)
    totals, counts = np.zeros(n + WINDOW - 1), np.zeros(n + WINDOW - 1)
    for offset in range(WINDOW):
        totals[offset : offset + n] += step_errors[:, offset]
        counts[offset : offset + n] += 1
    return totals / counts
