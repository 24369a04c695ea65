"""A training worker: a process that takes queued runs from the store and trains them, one at a time.

Progress goes to the store in small batches (every FLUSH_SECONDS) with a heartbeat; a Stop is noticed between
batches (asked every STOP_POLL_SECONDS), and the epoch in progress is then undone. The whole trainer state is
checkpointed every CHECKPOINT_SECONDS and when the run ends. A run over the cost limits never starts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import os
import socket
import sys
import time
from collections.abc import Callable

import torch

from ..config import DataConfig, ModelConfig, TrainConfig
from ..cost import RunSizes, check_run_cost
from ..data import EcgSplit
from ..divergence import TriedRate
from ..metrics import summarize_if_labelled
from ..model import build_model
from ..scoring import threshold_mean_std
from ..train import EpochResult, StopCheck, Trainer, TrainingDiverged, TrainingStopped, configure_threads
from ..uploads import upload_of
from .checkpoint import restore_trainer, trainer_checkpoint
from .records import EpochRecord, RunRecord, RunStatus, StoreError
from .settings import RunSettings
from .split_cache import SplitCache
from .store import TrainingSink, open_store

FLUSH_SECONDS = 0.1
CHECKPOINT_SECONDS = 1.0
IDLE_POLL_SECONDS = 0.1
STOP_POLL_SECONDS = 0.2


def worker_name(pid: int) -> str:
    """How the store names the worker process `pid` on this machine."""
    return f"{socket.gethostname()}:{pid}"


def _record(result: EpochResult) -> EpochRecord:
    return EpochRecord(
        result.epoch, result.steps, result.train_loss, result.val_loss, result.seconds, result.eval_seconds, result.test_scores
    )


def final_metrics(trainer: Trainer, split: EcgSplit) -> dict[str, float]:
    """Test AUC, AP, the best-F1 point, recall at 5 % FPR, and the mean + 1 std threshold of the training errors."""
    summary = summarize_if_labelled(split.y_test, trainer.test_scores())
    known = {name: value for name, value in dataclasses.asdict(summary).items() if not math.isnan(value)}  # no labels: none
    return {**known, "threshold": threshold_mean_std(trainer.train_scores(), k=1.0)}


def _new_trainer(run: RunRecord, split: EcgSplit, checkpoint: bytes | None) -> Trainer:
    """The run's trainer, resumed from its checkpoint; ValueError when the rows do not fit the model or the rest of the
    run is over a cost limit."""
    length = split.x_test.shape[1]
    if run.spec.model.input_length != length:
        raise ValueError(
            f"this model takes {run.spec.model.input_length} values per row, but the rows of {run.spec.data.dataset} "
            f"have {length}; choose the dataset again on the Data page"
        )
    remaining = max(1, run.target_epochs - run.epochs)
    refused = check_run_cost(run.spec.model, run.spec.train, RunSizes.of(split), remaining).refused
    if refused is not None:
        raise ValueError(refused)
    # A Train run scores the test beats every epoch (the page's live charts and replay); a sweep's runs are compared by
    # their final metrics, so they skip it (about a tenth of a default run's time).
    train_cfg = dataclasses.replace(run.spec.train, eval_every=1 if run.sweep_id is None else max(1, run.target_epochs))
    trainer = Trainer(build_model(run.spec.model, seed=train_cfg.seed), split, train_cfg)
    if checkpoint is not None and run.epochs > 0:
        restore_trainer(trainer, checkpoint)
    return trainer


def metrics_at_checkpoint(run: RunRecord, split: EcgSplit, checkpoint: bytes) -> dict[str, float]:
    """The final metrics of a run's checkpoint, exactly as a worker computes them when the run ends."""
    return final_metrics(_new_trainer(run, split, checkpoint), split)


def stop_check(store: TrainingSink, run_id: str) -> StopCheck:
    """Whether the session asked `run_id` to stop, read from the store at most every STOP_POLL_SECONDS."""
    last = time.monotonic()

    def should_stop() -> bool:
        nonlocal last
        now = time.monotonic()
        if now - last < STOP_POLL_SECONDS:
            return False
        last = now
        try:
            return store.stop_requested(run_id)
        except StoreError:  # a hiccup of the database: ask again later (the next flush reports a lasting problem)
            return False

    return should_stop


def _train(store: TrainingSink, run: RunRecord, trainer: Trainer) -> tuple[RunStatus, str | None]:
    """Train up to the run's target, flushing epochs and checkpoints as it goes; how it ended."""
    pending: list[EpochRecord] = []
    last_flush, last_checkpoint = time.monotonic(), -math.inf  # a first checkpoint after epoch 1: the bottleneck shows at once
    try:
        for result in trainer.fit(max(0, run.target_epochs - trainer.epoch), stop_check(store, run.id)):
            pending.append(_record(result))
            now = time.monotonic()
            if now - last_flush >= FLUSH_SECONDS:
                stop = store.record_epochs(run.id, pending, trainer.seconds, str(trainer.device))
                pending, last_flush = [], now
                if stop:
                    return "stopped", None
            if now - last_checkpoint >= CHECKPOINT_SECONDS:
                store.record_epochs(run.id, pending, trainer.seconds, str(trainer.device))
                store.save_checkpoint(run.id, trainer_checkpoint(trainer), trainer.epoch)
                pending, last_checkpoint = [], now
    finally:  # also when training fails: the epochs before it are the run's own
        store.record_epochs(run.id, pending, trainer.seconds, str(trainer.device))
    return "finished", None


def train_run(store: TrainingSink, run: RunRecord, split_for: Callable[[DataConfig], EcgSplit]) -> RunStatus:
    """Train one claimed run to its target (or until stopped) and settle it in the store."""
    try:
        trainer = _new_trainer(run, split_for(run.spec.data), store.checkpoint(run.id))
    except (ValueError, RuntimeError) as error:
        store.finish_run(run.id, "failed", f"Training could not start: {error}", {})
        return "failed"
    try:
        status, message = _train(store, run, trainer)
    except TrainingStopped:
        status, message = "stopped", None
    except TrainingDiverged as error:
        status, message = "diverged", error.message(rates_tried(store, run))
    except torch.OutOfMemoryError:
        status, message = "failed", "The GPU ran out of memory: choose a smaller batch size or network, or set Device to cpu."
    except RuntimeError as error:
        status, message = "failed", f"Training stopped with an error: {error}. The model trained so far was kept."
    store.save_checkpoint(run.id, trainer_checkpoint(trainer), trainer.epoch)
    metrics = final_metrics(trainer, split_for(run.spec.data)) if trainer.epoch else {}
    store.finish_run(run.id, status, message, metrics)
    return status


def rates_tried(store: TrainingSink, run: RunRecord) -> tuple[TriedRate, ...]:
    """The learning rates this session's other settled runs of the same model, data and optimizer used."""
    same = (run.spec.model, run.spec.data, run.spec.train.optimizer)
    try:
        runs = store.list_runs(run.session)
    except StoreError:
        return ()
    return tuple(
        TriedRate(other.spec.train.learning_rate, other.status == "diverged")
        for other in runs
        if other.id != run.id and not other.active and (other.spec.model, other.spec.data, other.spec.train.optimizer) == same
        and (other.status == "diverged" or other.epochs > 0)
    )  # fmt: skip


def warm_up(splits: SplitCache) -> None:
    """Build one default trainer and drop it, before any run waits on this worker: torch's first optimizer imports
    its compiler package (~0.7 s) and the default split loads, which a learner's first Train click otherwise paid.
    A warm-up that fails changes nothing: the runs then report what is wrong themselves."""
    with contextlib.suppress(OSError, ValueError, RuntimeError):
        Trainer(build_model(ModelConfig()), splits.split(DataConfig(), lambda: None), TrainConfig())


def serve(settings: RunSettings, parent_pid: int) -> None:
    """A worker process's life: warm up, then train queued runs until the parent process is gone."""
    configure_threads()  # many small models side by side: one thread each is fastest and fair
    store = open_store(settings)
    splits = SplitCache()
    name = worker_name(os.getpid())

    def split_for(cfg: DataConfig, session: str) -> EcgSplit:
        return splits.split(cfg, lambda: upload_of(settings.data_dir, session, cfg))

    warm_up(splits)
    while os.getppid() == parent_pid:
        run = store.claim_next(name)
        if run is None:
            time.sleep(IDLE_POLL_SECONDS)
        else:
            train_run(store, run, functools.partial(split_for, session=run.session))


def main(argv: list[str]) -> None:
    """`python -m anomaly_core.runs.worker SETTINGS_JSON PARENT_PID`, as the pool starts it."""
    serve(RunSettings.from_json(argv[0]), int(argv[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
