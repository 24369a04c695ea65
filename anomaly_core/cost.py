"""What a run will cost before it starts, and the limits every run must stay within.

The estimate counts the model's multiply-adds per beat from its config, adds a fixed cost per optimizer step and
per LSTM time step, and scales by the data sizes and epochs; `benchmarks/bench_cost.py` compares it with measured
epochs. The Train page, the CLI and the run store's workers all check runs with `check_run_cost`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .config import ModelConfig, TrainConfig
from .data import EcgSplit

# One CPU thread of a small, busy server (what a worker gets), fitted with benchmarks/bench_cost.py; a GPU is faster,
# so there the estimate is an upper bound.
MACS_PER_SECOND = 1.0e10  # multiply-adds per second in torch's dense, conv and LSTM layers
STEP_SECONDS = 1.5e-3  # fixed cost of one optimizer step: Python, kernel launches, the optimizer's update
SEQUENCE_STEP_SECONDS = 8e-5  # an LSTM layer runs its time steps one after another: cost per step, layer and pass
CHUNK_SECONDS = 1e-3  # fixed cost of one evaluation chunk
TRAIN_FACTOR = 3  # forward + backward: the backward pass costs about twice the forward one
EVAL_ROWS = 256  # beats evaluated at once (the trainer checks Stop between such chunks too)

# The limits: a run must start showing progress soon, react to Stop within about a second and end in reasonable time.
MIN_TEST_BEATS = 20  # fewer test beats give a meaningless AUC (a handful of each class)
MAX_BATCH_SECONDS = 1.0  # Stop is checked between batches
MAX_EPOCH_SECONDS = 60.0  # progress (and the live charts) come once per epoch
CONFIRM_RUN_SECONDS = 300.0  # longer runs start only when the learner confirms (the CLI: --allow-long)
MAX_RUN_SECONDS = 1800.0  # longer runs never start: a shared server's worker would be busy for half an hour


class RunTooCostly(ValueError):
    """A run over a cost limit; the message gives the estimate, the limit and what to change."""


@dataclass(frozen=True)
class RunSizes:
    """How many beats a run trains on, validates with and scores each epoch."""

    train_beats: int
    val_beats: int
    test_beats: int

    @classmethod
    def of(cls, split: EcgSplit) -> RunSizes:
        """The sizes of a split."""
        return cls(len(split.x_train), len(split.x_val), len(split.x_test))


@dataclass(frozen=True)
class RunCost:
    """The estimated time of one batch, one epoch (training and evaluation) and the whole run, in seconds."""

    macs_per_beat: int
    batch_seconds: float
    epoch_seconds: float
    epochs: int

    @property
    def seconds(self) -> float:
        """The whole run."""
        return self.epoch_seconds * self.epochs


def _dense_macs(sizes: list[int]) -> int:
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def _lstm_macs(inputs: int, hidden: int, layers: int) -> int:
    """Multiply-adds of one time step of a stacked LSTM (four gates, input and recurrent weights)."""
    return sum(4 * hidden * ((inputs if layer == 0 else hidden) + hidden) for layer in range(layers))


def macs_per_beat(cfg: ModelConfig) -> int:
    """Multiply-adds of one beat's forward pass through the autoencoder."""
    if cfg.family == "conv":
        channels, lengths = [1, *cfg.conv_channels], cfg.conv_lengths
        convs = sum(lengths[i + 1] * channels[i] * channels[i + 1] * cfg.conv_kernel for i in range(len(cfg.conv_channels)))
        return 2 * convs + 2 * channels[-1] * lengths[-1] * cfg.latent_size  # mirrored decoder, code in and out
    if cfg.family == "lstm":
        steps = cfg.input_length // cfg.lstm_chunk
        reader = steps * _lstm_macs(cfg.lstm_chunk, cfg.lstm_hidden, cfg.lstm_layers)
        writer = steps * (_lstm_macs(cfg.latent_size + 1, cfg.lstm_hidden, cfg.lstm_layers) + cfg.lstm_hidden * cfg.lstm_chunk)
        return reader + writer + cfg.lstm_hidden * cfg.latent_size * (1 + cfg.lstm_layers)
    code = 2 * cfg.latent_size if cfg.family == "vae" else cfg.latent_size
    encoder = _dense_macs([cfg.input_length, *cfg.encoder_hidden, code])
    return encoder + _dense_macs([cfg.latent_size, *cfg.decoder_sizes, cfg.input_length])


def _pass_seconds(cfg: ModelConfig, beats: int, factor: int) -> float:
    """One pass of `beats` beats at once: arithmetic plus the step-by-step cost of an LSTM."""
    sequence = 0.0
    if cfg.family == "lstm":
        sequence = 2 * cfg.lstm_layers * (cfg.input_length // cfg.lstm_chunk) * SEQUENCE_STEP_SECONDS * factor
    return beats * macs_per_beat(cfg) * factor / MACS_PER_SECOND + sequence


def estimate_cost(model: ModelConfig, train: TrainConfig, sizes: RunSizes, epochs: int | None = None) -> RunCost:
    """The estimated cost of training `epochs` epochs (default: the config's), scoring the test beats every epoch."""
    batch = min(train.batch_size, sizes.train_beats)
    full, last = divmod(sizes.train_beats, batch)
    batch_seconds = _pass_seconds(model, batch, TRAIN_FACTOR) + STEP_SECONDS
    train_seconds = full * batch_seconds + (_pass_seconds(model, last, TRAIN_FACTOR) + STEP_SECONDS if last else 0.0)
    evaluated = sizes.val_beats + sizes.test_beats
    chunks = math.ceil(sizes.val_beats / EVAL_ROWS) + math.ceil(sizes.test_beats / EVAL_ROWS)
    eval_seconds = evaluated * macs_per_beat(model) / MACS_PER_SECOND + chunks * (_pass_seconds(model, 0, 1) + CHUNK_SECONDS)
    return RunCost(macs_per_beat(model), batch_seconds, train_seconds + eval_seconds, train.epochs if epochs is None else epochs)


def describe_seconds(seconds: float) -> str:
    """'under a second', 'about 12 s', 'about 4.5 min', 'about 12 min', 'about 3.2 h'."""
    if seconds < 1:
        return "under a second"
    if seconds < 90:
        return f"about {seconds:.0f} s"
    if seconds < 600:
        return f"about {seconds / 60:.1f} min"
    if seconds < 5400:
        return f"about {seconds / 60:.0f} min"
    return f"about {seconds / 3600:.1f} h"


@dataclass(frozen=True)
class CostCheck:
    """A run's estimate and verdict: `refused` (it may not start) or `confirm` (start only when confirmed), with advice."""

    cost: RunCost
    refused: str | None = None
    confirm: str | None = None

    def require(self, *, confirmed: bool = False) -> RunCost:
        """The cost, or RunTooCostly when the run is refused, or needs confirming and was not confirmed."""
        if self.refused is not None:
            raise RunTooCostly(self.refused)
        if self.confirm is not None and not confirmed:
            raise RunTooCostly(self.confirm)
        return self.cost


def check_run_cost(model: ModelConfig, train: TrainConfig, sizes: RunSizes, epochs: int | None = None) -> CostCheck:
    """Estimate a run and check it against the limits; a refusal or a request to confirm says what to change."""
    from .cost_advice import changes_that_fit  # the advice re-estimates variations of this run

    cost = estimate_cost(model, train, sizes, epochs)
    if sizes.test_beats < MIN_TEST_BEATS:
        return CostCheck(cost, refused=f"test_size: {sizes.test_beats} test beats give a meaningless result; "
                         f"choose at least {MIN_TEST_BEATS} or 'all'")  # fmt: skip
    if model.batch_norm and (min(train.batch_size, sizes.train_beats) == 1 or sizes.train_beats % train.batch_size == 1):
        return CostCheck(cost, refused=f"batch_size: batch norm cannot learn from a batch of one beat ({sizes.train_beats} "
                         f"training beats in batches of {train.batch_size}); choose another batch size")  # fmt: skip
    for kind, value, limit in (
        ("batch", cost.batch_seconds, MAX_BATCH_SECONDS),
        ("epoch", cost.epoch_seconds, MAX_EPOCH_SECONDS),
        ("run", cost.seconds, MAX_RUN_SECONDS),
    ):
        if value > limit:
            advice = changes_that_fit(model, train, sizes, cost.epochs, kind, limit)
            return CostCheck(cost, refused=_over(kind, value, limit, advice))
    if cost.seconds > CONFIRM_RUN_SECONDS:
        advice = changes_that_fit(model, train, sizes, cost.epochs, "run", CONFIRM_RUN_SECONDS)
        return CostCheck(cost, confirm=_over("run", cost.seconds, CONFIRM_RUN_SECONDS, advice, confirm=True))
    return CostCheck(cost)


WHAT = {
    "batch": ("one batch", "Stop waits for the batch in progress"),
    "epoch": ("one epoch", "progress shows once per epoch"),
    "run": ("this run", "the training worker is busy all that time"),
}


def describe_limit(seconds: float) -> str:
    """A limit in plain words: '1 s', '60 s', '2 min', '30 min'."""
    return f"{seconds:.0f} s" if seconds <= 60 else f"{seconds / 60:.0f} min"


def _over(kind: str, seconds: float, limit: float, advice: list[str], confirm: bool = False) -> str:
    """'One epoch would take about 4 min; the limit is 60 s (progress shows once per epoch). To fit: …'."""
    name, reason = WHAT[kind]
    bound = f"more than {describe_limit(limit)}" if confirm else f"the limit is {describe_limit(limit)}"
    text = f"{name[0].upper()}{name[1:]} would take {describe_seconds(seconds)}; {bound} ({reason})."
    return text + (f" To fit, choose {'; or '.join(advice)}." if advice else " Choose a much smaller model.")
