"""Turn a drawing on a canvas into a beat, and bend beats by hand: noise, a spike, a flat segment, a shift, a scale.

Pure numpy. Canvas pixels: x grows to the right (time), y grows downwards (the value axis is flipped).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import BEAT_LENGTH

MIN_COVERAGE = 0.2  # a drawing spanning less of the width gets a hint instead of a score
INK_ALPHA = 64  # canvas pixels at least this opaque count as ink


@dataclass(frozen=True)
class CanvasFrame:
    """A canvas of width × height pixels showing `length` time steps and values from `low` (bottom) to `high` (top)."""

    width: int
    height: int
    low: float
    high: float
    length: int = BEAT_LENGTH

    def __post_init__(self) -> None:
        if self.width < self.length or self.height < 2:
            raise ValueError(f"width: the canvas needs at least {self.length} pixels across and 2 down")
        if not self.high > self.low:
            raise ValueError("high: the top of the value axis must lie above its bottom")

    def value_at(self, y: np.ndarray) -> np.ndarray:
        """Pixel rows (top = 0) to values in original units."""
        return self.high - np.asarray(y, dtype=np.float64) / (self.height - 1) * (self.high - self.low)

    def row_of(self, value: np.ndarray) -> np.ndarray:
        """Values in original units to (fractional) pixel rows."""
        return (self.high - np.asarray(value, dtype=np.float64)) / (self.high - self.low) * (self.height - 1)

    def column_of(self, x: np.ndarray) -> np.ndarray:
        """Pixel x positions to time steps 0 … length-1 (integer columns)."""
        steps = np.floor(np.asarray(x, dtype=np.float64) / self.width * self.length)
        return np.clip(steps, 0, self.length - 1).astype(np.int64)

    def x_of(self, step: np.ndarray) -> np.ndarray:
        """Time steps to the pixel x at the middle of their column."""
        return (np.asarray(step, dtype=np.float64) + 0.5) * self.width / self.length


@dataclass(frozen=True)
class DrawnSignal:
    """A beat read from a drawing: values (length,) in original units and the share of time steps that had ink."""

    values: np.ndarray
    coverage: float

    @property
    def is_enough(self) -> bool:
        """True when the drawing spans enough of the width to be scored."""
        return self.coverage >= MIN_COVERAGE


def points_from_image(rgba: np.ndarray, *, min_alpha: int = INK_ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """Ink pixels of an RGBA canvas image (height, width, 4) as (x, y) pixel centres."""
    image = np.asarray(rgba)
    if image.ndim != 3 or image.shape[2] != 4:
        raise ValueError(f"rgba: expected an image of shape (height, width, 4), got {image.shape}")
    ys, xs = np.nonzero(image[:, :, 3] >= min_alpha)
    return xs + 0.5, ys + 0.5


def _path_vertices(commands: list) -> np.ndarray:
    """The (x, y) vertices of a Fabric.js path (M/L/Q/C commands; the last pair of each command)."""
    vertices = []
    for command in commands:
        if len(command) >= 3 and str(command[0]).upper() in {"M", "L", "Q", "C"}:
            vertices.append((float(command[-2]), float(command[-1])))
    return np.asarray(vertices, dtype=np.float64).reshape(-1, 2)


def _place_path(obj: dict, vertices: np.ndarray) -> np.ndarray:
    """Move path vertices to where the object sits on the canvas (after it was dragged or scaled)."""
    if vertices.size == 0:
        return vertices
    scale = np.array([float(obj.get("scaleX", 1.0)), float(obj.get("scaleY", 1.0))])
    stroke = float(obj.get("strokeWidth", 0.0))
    size = np.array([float(obj.get("width", 0.0)), float(obj.get("height", 0.0))])
    corner = np.array([float(obj.get("left", 0.0)), float(obj.get("top", 0.0))])
    origin = np.array(
        [
            {"center": 0.5, "right": 1.0}.get(str(obj.get("originX")), 0.0),
            {"center": 0.5, "bottom": 1.0}.get(str(obj.get("originY")), 0.0),
        ]
    )
    centre = corner + (0.5 - origin) * (size + stroke) * scale
    offset = (vertices.min(axis=0) + vertices.max(axis=0)) / 2
    return centre + (vertices - offset) * scale


def _densify(vertices: np.ndarray, step: float = 1.0) -> np.ndarray:
    """Points along a polyline at most `step` pixels apart, so a fast stroke leaves no gaps."""
    if len(vertices) < 2:
        return vertices
    pieces = [vertices[:1]]
    for start, stop in zip(vertices[:-1], vertices[1:]):
        count = max(1, int(np.ceil(np.hypot(*(stop - start)) / step)))
        fractions = np.arange(1, count + 1)[:, None] / count
        pieces.append(start + fractions * (stop - start))
    return np.concatenate(pieces)


def points_from_fabric(json_data: dict | None) -> tuple[np.ndarray, np.ndarray]:
    """Points along every freehand path in a Fabric.js canvas JSON, as (x, y) in canvas pixels."""
    chunks = [
        _densify(_place_path(obj, _path_vertices(obj.get("path") or [])))
        for obj in (json_data or {}).get("objects", []) or []
        if str(obj.get("type", "")).lower() == "path"
    ]
    if not chunks:
        return np.empty(0), np.empty(0)
    points = np.concatenate(chunks)
    return points[:, 0], points[:, 1]


def signal_from_points(xs: np.ndarray, ys: np.ndarray, frame: CanvasFrame) -> DrawnSignal | None:
    """Mean drawn height in each time column, linear across columns without ink, ends held; None when nothing is drawn."""
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    inside = (xs >= 0) & (xs < frame.width) & (ys >= 0) & (ys < frame.height)
    xs, ys = xs[inside], ys[inside]
    if xs.size == 0:
        return None
    columns = frame.column_of(xs)
    counts = np.bincount(columns, minlength=frame.length)
    sums = np.bincount(columns, weights=frame.value_at(ys), minlength=frame.length)
    inked = np.flatnonzero(counts)
    values = np.interp(np.arange(frame.length), inked, sums[inked] / counts[inked])  # holds the ends flat
    return DrawnSignal(values=values.astype(np.float32), coverage=inked.size / frame.length)


def signal_from_image(rgba: np.ndarray | None, frame: CanvasFrame) -> DrawnSignal | None:
    """A beat from an RGBA canvas image of any resolution (rescaled to `frame`); None when there is no ink."""
    if rgba is None:
        return None
    xs, ys = points_from_image(rgba)
    height, width = np.asarray(rgba).shape[:2]
    return signal_from_points(xs * frame.width / width, ys * frame.height / height, frame)  # a hi-dpi canvas sends more pixels


@dataclass(frozen=True)
class BeatEdits:
    """Hand edits to a beat, in original units; the defaults change nothing."""

    noise: float = 0.0  # standard deviation of added Gaussian noise
    spike_at: int = 70
    spike_height: float = 0.0
    spike_width: int = 3
    flatten: tuple[int, int] | None = None  # time steps [start, stop) held at the value at start
    shift: int = 0  # time steps to the right (negative: left); the ends are held
    scale: float = 1.0  # stretch around the beat's mean
    seed: int = 0


def add_noise(signal: np.ndarray, amount: float, *, seed: int = 0) -> np.ndarray:
    """The signal plus Gaussian noise of standard deviation `amount` (seeded, so a slider replays the same noise)."""
    if amount < 0:
        raise ValueError("noise: choose an amount of 0 or more")
    return signal + np.random.default_rng(seed).normal(0.0, amount, size=signal.shape)


def insert_spike(signal: np.ndarray, at: int, height: float, *, width: int = 3) -> np.ndarray:
    """A triangular spike of `height` centred on step `at`, `width` steps either side."""
    steps = np.arange(signal.shape[-1])
    bump = np.clip(1.0 - np.abs(steps - at) / (max(width, 0) + 1), 0.0, None)
    return signal + height * bump


def flatten_segment(signal: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Hold steps [start, stop) at the value at `start`, as if the trace had frozen."""
    start, stop = max(0, int(start)), min(signal.shape[-1], int(stop))
    result = signal.copy()
    if stop > start:
        result[..., start:stop] = signal[..., start : start + 1]
    return result


def shift_in_time(signal: np.ndarray, steps: int) -> np.ndarray:
    """Move the beat `steps` to the right (negative: left), holding the first/last value at the edges."""
    length = signal.shape[-1]
    source = np.clip(np.arange(length) - int(steps), 0, length - 1)
    return signal[..., source]


def scale_signal(signal: np.ndarray, factor: float) -> np.ndarray:
    """Stretch the beat's swings around its mean by `factor`."""
    mean = signal.mean(axis=-1, keepdims=True)
    return mean + factor * (signal - mean)


def apply_edits(signal: np.ndarray, edits: BeatEdits) -> np.ndarray:
    """Apply shift, scale, flat segment, spike and noise, in that order, to a beat (length,) in original units."""
    result = shift_in_time(np.asarray(signal, dtype=np.float64), edits.shift)
    result = scale_signal(result, edits.scale)
    if edits.flatten is not None:
        result = flatten_segment(result, *edits.flatten)
    result = insert_spike(result, edits.spike_at, edits.spike_height, width=edits.spike_width)
    if edits.noise > 0:
        result = add_noise(result, edits.noise, seed=edits.seed)
    return result.astype(np.float32)


def nearest_beat(signal: np.ndarray, beats: np.ndarray) -> int:
    """Index of the row of `beats` (n, length) closest to `signal` (length,) in Euclidean distance."""
    beats = np.asarray(beats, dtype=np.float64)
    if beats.ndim != 2 or beats.shape[0] == 0:
        raise ValueError("beats: need at least one beat to compare with")
    return int(np.argmin(np.square(beats - np.asarray(signal, dtype=np.float64)).sum(axis=1)))
