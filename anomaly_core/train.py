"""A trainer whose fit yields one event per epoch, so a UI can stream, stop and continue."""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from .config import TrainConfig
from .cost import EVAL_ROWS
from .data import EcgSplit
from .divergence import TriedRate, divergence_advice
from .model import Autoencoder
from .scoring import attach_scaler, beat_scores, elementwise_error

DIVERGENCE_FACTOR = 3.0  # validation loss this many times the untrained model's counts as divergence
StopCheck = Callable[[], bool]  # asked between batches: True ends training at the last finished epoch


class TrainingDiverged(RuntimeError):
    """The loss became NaN, infinite, or far worse than untrained; the last good weights were restored."""

    def __init__(self, epoch: int, problem: str, learning_rate: float) -> None:
        self.epoch, self.problem, self.learning_rate = epoch, problem, learning_rate
        super().__init__(self.message())

    def message(self, tried: tuple[TriedRate, ...] = ()) -> str:
        """The whole message, its advice computed from the rates `tried` before on the same model."""
        return (
            f"Training diverged in epoch {self.epoch}: {self.problem}. {divergence_advice(self.learning_rate, tried)} "
            f"The weights from epoch {self.epoch - 1} were kept."
        )


class TrainingStopped(RuntimeError):
    """Stop was asked for during an epoch: the weights, optimizer and random state of the last finished one are back."""


@dataclass(frozen=True)
class EpochResult:
    """What one finished epoch reports; `test_scores` only every `eval_every` epochs."""

    epoch: int
    steps: int
    train_loss: float
    val_loss: float
    seconds: float  # cumulative training time, evaluation excluded
    eval_seconds: float  # time this epoch spent on validation and test scoring
    test_scores: np.ndarray | None = None


def available_device(name: str = "auto") -> tuple[torch.device, str | None]:
    """The torch device for `name`, and a notice when a requested accelerator is absent."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu"), None
    if name == "cuda" and not torch.cuda.is_available():
        return torch.device("cpu"), "CUDA was requested but no CUDA GPU is available: training on the CPU."
    if name == "mps" and not torch.backends.mps.is_available():
        return torch.device("cpu"), "MPS was requested but is not available: training on the CPU."
    return torch.device(name), None


def configure_threads(threads: int = 1) -> None:
    """Set torch's process-wide thread policy; call once at start-up (app, CLI), never per training.

    One thread per training keeps tiny models fast and steady when several users share a few cores.
    """
    torch.set_num_threads(threads)


def describe_devices() -> str:
    """One line for the UI: the GPU's name, or the CPU thread count."""
    if torch.cuda.is_available():
        return f"CUDA: {torch.cuda.get_device_name(0)}"
    threads = torch.get_num_threads()
    return f"CPU only, {threads} thread{'' if threads == 1 else 's'}"


def _make_optimizer(model: nn.Module, cfg: TrainConfig) -> torch.optim.Optimizer:
    params, lr = model.parameters(), cfg.learning_rate
    match cfg.optimizer:
        case "adam":
            return torch.optim.Adam(params, lr=lr, fused=True)  # fused: ~30 % faster epochs for small nets
        case "adamax":
            return torch.optim.Adamax(params, lr=lr)
        case "adadelta":
            return torch.optim.Adadelta(params, lr=lr)
        case "rmsprop":
            return torch.optim.RMSprop(params, lr=lr)
        case "sgd":
            return torch.optim.SGD(params, lr=lr, fused=True)
        case _:
            return torch.optim.SGD(params, lr=lr, momentum=0.9, fused=True)


class Trainer:
    """Owns the model's optimizer, step count and device copies of the data."""

    def __init__(self, model: Autoencoder, split: EcgSplit, cfg: TrainConfig) -> None:
        if cfg.batch_size > len(split.x_train):
            raise ValueError(
                f"batch_size: {cfg.batch_size} is larger than the {len(split.x_train)} training beats; "
                f"choose at most {len(split.x_train)}"
            )
        self.device, self.device_notice = available_device(cfg.device)
        self.model, self.cfg = model.to(self.device), cfg
        self.optimizer = _make_optimizer(self.model, cfg)
        self.generator = torch.Generator(device=self.device).manual_seed(cfg.seed)  # this run's only source of randomness
        self.model.use_generator(self.generator)  # dropout and VAE sampling too: never the process-wide generator
        attach_scaler(self.model, split.scaler)  # scores weigh the difference like the split's scaler says
        self.x_train = torch.from_numpy(split.x_train).to(self.device)
        self.x_val = torch.from_numpy(split.x_val).to(self.device)
        self.x_test = torch.from_numpy(split.x_test).to(self.device)
        self.epoch, self.steps, self.seconds = 0, 0, 0.0
        self.should_stop: StopCheck | None = None
        self.untrained_val_loss = float(self._errors(self.x_val).mean())

    def _penalty(self) -> torch.Tensor | float:
        rate, kind = self.cfg.regularization_rate, self.cfg.regularizer
        if kind == "none" or rate == 0:
            return 0.0
        weights = [p for name, p in self.model.named_parameters() if name.endswith("weight") and p.dim() > 1]
        l1 = sum(w.abs().sum() for w in weights) if kind in ("l1", "l1_l2") else 0.0
        l2 = sum(w.square().sum() for w in weights) if kind in ("l2", "l1_l2") else 0.0
        return rate * (l1 + l2)

    def _noisy(self, batch: torch.Tensor) -> torch.Tensor:
        noise = self.model.config.input_noise
        if noise == 0:
            return batch
        return batch + noise * torch.randn(batch.shape, generator=self.generator, device=self.device)

    def _train_one_epoch(self) -> float:
        self.model.train()
        n, size = len(self.x_train), self.cfg.batch_size
        order = torch.randperm(n, generator=self.generator, device=self.device)
        total = torch.zeros((), device=self.device)
        for start in range(0, n, size):
            self._check_stop()
            batch = self.x_train[order[start : start + size]]
            reconstruction = self.model(self._noisy(batch))
            loss = elementwise_error(reconstruction, batch, self.cfg.loss).mean()
            objective = loss + self._penalty()
            extra = self.model.extra_loss()  # a family's own term (the VAE's KL), or None
            if extra is not None:
                objective = objective + extra
            self.optimizer.zero_grad(set_to_none=True)
            objective.backward()
            self.optimizer.step()
            total += loss.detach() * len(batch)
            self.steps += 1
        return float(total) / n

    @torch.no_grad()
    def _errors(self, x: torch.Tensor) -> torch.Tensor:
        self.model.eval()
        return torch.cat([elementwise_error(self.model(part), part, self.cfg.loss).mean(dim=1) for part in self._chunks(x)])

    @torch.no_grad()
    def _scores(self, x: torch.Tensor) -> np.ndarray:
        self.model.eval()
        scores = torch.cat([beat_scores(self.model, part, self.cfg.loss) for part in self._chunks(x)])
        return scores.cpu().numpy().astype(np.float64)

    def _chunks(self, x: torch.Tensor) -> Iterator[torch.Tensor]:
        """`x` in slices of EVAL_ROWS beats, checking for Stop before each (a heavy model's evaluation is long too)."""
        for start in range(0, max(len(x), 1), EVAL_ROWS):
            self._check_stop()
            yield x[start : start + EVAL_ROWS]

    def test_scores(self) -> np.ndarray:
        """Anomaly scores of the test beats with the current weights (the same as anomaly_scores gives)."""
        return self._scores(self.x_test)

    def train_scores(self) -> np.ndarray:
        """Anomaly scores of the training beats (the basis of the mean + k·std threshold)."""
        return self._scores(self.x_train)

    def fit(self, epochs: int | None = None, should_stop: StopCheck | None = None) -> Iterator[EpochResult]:
        """Train `epochs` more epochs (default: the config's), yielding after each one.

        `should_stop` is asked between batches; when it says so, the epoch in progress is undone and
        TrainingStopped raised, so the trainer is exactly as after its last finished epoch.
        """
        self.should_stop = should_stop
        try:
            for _ in range(self.cfg.epochs if epochs is None else epochs):
                yield self._run_epoch()
        finally:
            self.should_stop = None
            self.model.eval()

    def _check_stop(self) -> None:
        if self.should_stop is not None and self.should_stop():
            raise TrainingStopped(f"stopped during epoch {self.epoch + 1}; the model after epoch {self.epoch} was kept")

    def _divergence(self, train_loss: float, val_loss: float) -> str | None:
        """Why this epoch counts as diverged, or None."""
        if not (math.isfinite(train_loss) and math.isfinite(val_loss)):
            return f"the loss became {train_loss:g}"
        if val_loss > DIVERGENCE_FACTOR * self.untrained_val_loss:
            return f"the validation loss rose to {val_loss:.4g}, {val_loss / self.untrained_val_loss:.0f}× the untrained model's"
        return None

    def _snapshot(self) -> dict[str, Any]:
        """What an epoch changes: weights, optimizer state, the generator and the step count."""
        return {
            "model": {k: v.detach().clone() for k, v in self.model.state_dict().items()},
            "optimizer": copy.deepcopy(self.optimizer.state_dict()),
            "generator": self.generator.get_state(),
            "steps": self.steps,
        }

    def _restore(self, snapshot: dict[str, Any], *, optimizer: bool) -> None:
        self.model.load_state_dict(snapshot["model"])
        if optimizer:
            self.optimizer.load_state_dict(snapshot["optimizer"])
            self.generator.set_state(snapshot["generator"])
        self.steps = snapshot["steps"]

    def _run_epoch(self) -> EpochResult:
        snapshot = self._snapshot()
        started = time.perf_counter()
        try:
            train_loss = self._train_one_epoch()
            trained = time.perf_counter()
            val_loss = float(self._errors(self.x_val).mean())
            problem = self._divergence(train_loss, val_loss)
            k = self.cfg.eval_every
            scores = self.test_scores() if not problem and k and (self.epoch + 1) % k == 0 else None
        except TrainingStopped:
            self._restore(snapshot, optimizer=True)
            raise
        if problem:
            self._restore(snapshot, optimizer=False)
            raise TrainingDiverged(self.epoch + 1, problem, self.cfg.learning_rate)
        self.epoch += 1
        self.seconds += trained - started
        return EpochResult(
            epoch=self.epoch,
            steps=self.steps,
            train_loss=train_loss,
            val_loss=val_loss,
            seconds=self.seconds,
            eval_seconds=time.perf_counter() - trained,
            test_scores=scores,
        )
