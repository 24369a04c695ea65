"""What to change so a run fits the cost limits, computed by re-estimating variations of it (never a fixed hint).

Each suggestion is checked: applying it gives a run within every hard limit (and within `run_limit`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .config import MAX_LSTM_LAYERS, ModelConfig, TrainConfig
from .cost import MAX_BATCH_SECONDS, MAX_EPOCH_SECONDS, MAX_RUN_SECONDS, RunSizes, estimate_cost


@dataclass(frozen=True)
class Variant:
    """A run with some settings changed, and those changes in words ('epochs 6', 'LSTM units 64')."""

    model: ModelConfig
    train: TrainConfig
    epochs: int
    changes: tuple[str, ...] = ()

    def fits(self, sizes: RunSizes, run_limit: float) -> bool:
        """Within the batch and epoch limits, and the whole run within `run_limit`."""
        if self.model.batch_norm and (self.train.batch_size == 1 or sizes.train_beats % self.train.batch_size == 1):
            return False
        cost = estimate_cost(self.model, self.train, sizes, self.epochs)
        return cost.batch_seconds <= MAX_BATCH_SECONDS and cost.epoch_seconds <= MAX_EPOCH_SECONDS and cost.seconds <= run_limit

    def with_model(self, words: str, **fields: Any) -> Variant | None:
        """This variant with model fields replaced (None when the config refuses the combination)."""
        try:
            model = dataclasses.replace(self.model, **fields)
        except ValueError:
            return None
        return Variant(model, self.train, self.epochs, (*self.changes, words))

    def with_batch(self, size: int) -> Variant:
        train = dataclasses.replace(self.train, batch_size=size)
        return Variant(self.model, train, self.epochs, (*self.changes, f"batch size {size}"))


Knob = Callable[[Variant, RunSizes], Iterator[Variant]]  # variations, nearest to the run first, each cheaper


def _lstm_chunk(v: Variant, sizes: RunSizes) -> Iterator[Variant]:
    for chunk in range(v.model.lstm_chunk + 1, 21):
        if v.model.family == "lstm" and v.model.input_length % chunk == 0:
            yield from filter(None, [v.with_model(f"steps per LSTM step {chunk}", lstm_chunk=chunk)])


def _lstm_hidden(v: Variant, sizes: RunSizes) -> Iterator[Variant]:
    hidden = v.model.lstm_hidden
    while v.model.family == "lstm" and hidden > 8:
        hidden = max(8, hidden * 3 // 4)
        yield from filter(None, [v.with_model(f"LSTM units {hidden}", lstm_hidden=hidden)])


def _lstm_layers(v: Variant, sizes: RunSizes) -> Iterator[Variant]:
    for layers in range(min(v.model.lstm_layers, MAX_LSTM_LAYERS) - 1, 0, -1):
        if v.model.family == "lstm":
            yield from filter(None, [v.with_model(f"LSTM layers {layers}", lstm_layers=layers)])


def _conv_channels(v: Variant, sizes: RunSizes) -> Iterator[Variant]:
    channels = v.model.conv_channels
    while v.model.family == "conv" and max(channels) > 4:
        channels = tuple(max(1, c * 3 // 4) for c in channels)
        words = f"conv channels {'/'.join(map(str, channels))}"
        yield from filter(None, [v.with_model(words, conv_channels=channels)])


def _dense_units(v: Variant, sizes: RunSizes) -> Iterator[Variant]:
    units = v.model.encoder_hidden
    while v.model.family in ("dense", "vae") and max(units) > 4:
        units = tuple(max(1, u * 3 // 4) for u in units)
        words = f"encoder units {'/'.join(map(str, units))}"
        yield from filter(None, [v.with_model(words, encoder_hidden=units, decoder_hidden=None)])


def _batch_size(v: Variant, sizes: RunSizes) -> Iterator[Variant]:
    size = v.train.batch_size
    while size > 1:  # smaller batches: a shorter wait for Stop
        size //= 2
        yield v.with_batch(size)
    size = v.train.batch_size
    while size < sizes.train_beats:  # larger batches: fewer optimizer steps per epoch
        size = min(size * 2, sizes.train_beats)
        yield v.with_batch(size)


def _epochs(v: Variant, sizes: RunSizes) -> Iterator[Variant]:
    for epochs in sorted({max(1, int(v.epochs * share)) for share in (0.75, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01)}, reverse=True):
        if epochs < v.epochs:
            yield Variant(v.model, v.train, epochs, (*v.changes, f"epochs {epochs}"))


KNOBS: tuple[Knob, ...] = (_epochs, _batch_size, _lstm_chunk, _lstm_hidden, _lstm_layers, _conv_channels, _dense_units)


def _first_fit(knob: Knob, start: Variant, sizes: RunSizes, run_limit: float) -> Variant | None:
    return next((v for v in knob(start, sizes) if v.fits(sizes, run_limit)), None)


def _greedy(start: Variant, sizes: RunSizes, run_limit: float) -> Variant | None:
    """Model knobs first, then batch size, then epochs: each moved as little as fits, else as far as it goes."""
    current = start
    for knob in (*KNOBS[2:], _batch_size, _epochs):
        found = _first_fit(knob, current, sizes, run_limit)
        if found is not None:
            return found
        variants = list(knob(current, sizes))
        if variants:
            current = min(variants, key=lambda v: estimate_cost(v.model, v.train, sizes, v.epochs).epoch_seconds)
    return None


def fitting_variants(
    model: ModelConfig, train: TrainConfig, sizes: RunSizes, epochs: int, kind: str, limit: float
) -> list[Variant]:
    """Runs like this one that fit: one setting changed where that is enough, else one combination (maybe none)."""
    run_limit = limit if kind == "run" else MAX_RUN_SECONDS
    start = Variant(model, train, epochs)
    singles = [found for knob in KNOBS if (found := _first_fit(knob, start, sizes, run_limit)) is not None]
    if singles:
        return singles
    combined = _greedy(start, sizes, run_limit)
    return [combined] if combined is not None else []


def changes_that_fit(model: ModelConfig, train: TrainConfig, sizes: RunSizes, epochs: int, kind: str, limit: float) -> list[str]:
    """The fitting variants in words: ['epochs 6', 'steps per LSTM step 7, LSTM units 64']."""
    return [", ".join(v.changes) for v in fitting_variants(model, train, sizes, epochs, kind, limit)]
