"""Worker processes train stored runs exactly as a solo Trainer would; crashes, stops and restarts keep what was made."""

from __future__ import annotations

import dataclasses
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from anomaly_core import DataConfig, EcgSplit, ModelConfig, TrainConfig, Trainer, build_model
from anomaly_core.runs import RunRecord, RunSettings, RunSpec, SQLiteRunStore
from anomaly_core.runs.pool import WorkerPool
from anomaly_core.runs.worker import train_run, worker_name

DROPOUT = RunSpec(ModelConfig(dropout=0.2, input_noise=0.05), TrainConfig(epochs=6, device="cpu", seed=3), DataConfig(seed=0))
VAE = RunSpec(ModelConfig(family="vae"), TrainConfig(epochs=4, device="cpu", seed=5), DataConfig(seed=0))


@pytest.fixture
def store(tmp_path: Path) -> SQLiteRunStore:
    return SQLiteRunStore(RunSettings(data_dir=tmp_path, workers=2))


def solo_losses(spec: RunSpec, split: EcgSplit) -> list[float]:
    """The training losses of the same settings trained alone, in this process, without any store."""
    trainer = Trainer(build_model(spec.model, seed=spec.train.seed), split, dataclasses.replace(spec.train, eval_every=1))
    return [result.train_loss for result in trainer.fit()]


def claimed(store: SQLiteRunStore, run: RunRecord) -> RunRecord:
    got = store.claim_next("host:1")
    assert got is not None and got.id == run.id
    return got


def wait_settled(store: SQLiteRunStore, token: str, run_id: str, seconds: float = 120) -> RunRecord:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = store.get_run(token, run_id)
        if not run.active:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} still {store.get_run(token, run_id).status}")


def test_a_stored_run_trains_like_a_solo_trainer_and_resumes_exactly(store: SQLiteRunStore, default_split: EcgSplit) -> None:
    token = store.create_session()
    whole = store.create_run(token, "whole", DROPOUT, 6)
    assert train_run(store, claimed(store, whole), lambda cfg: default_split) == "finished"
    expected = solo_losses(DROPOUT, default_split)
    assert [r.train_loss for r in store.epochs(whole.id)] == expected
    finished = store.get_run(token, whole.id)
    assert finished.metrics["auc"] > 0.9 and finished.metrics["threshold"] > 0
    halves = store.create_run(token, "halves", DROPOUT, 3)
    train_run(store, claimed(store, halves), lambda cfg: default_split)
    store.requeue(token, halves.id, 6)  # Continue: from the checkpoint, with the optimizer and generator state
    train_run(store, claimed(store, store.get_run(token, halves.id)), lambda cfg: default_split)
    assert [r.train_loss for r in store.epochs(halves.id)] == expected
    assert store.checkpoint(halves.id) is not None


def test_out_of_memory_fails_the_run_with_a_plain_reason_and_keeps_its_epochs(
    store: SQLiteRunStore, default_split: EcgSplit, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Trainer._run_epoch

    def second_epoch_runs_out_of_memory(self: Trainer) -> object:
        if self.epoch == 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return original(self)

    monkeypatch.setattr(Trainer, "_run_epoch", second_epoch_runs_out_of_memory)
    token = store.create_session()
    run = store.create_run(token, "oom", DROPOUT, 6)
    assert train_run(store, claimed(store, run), lambda cfg: default_split) == "failed"
    failed = store.get_run(token, run.id)
    assert "ran out of memory" in failed.message and "smaller batch size" in failed.message
    assert failed.epochs == 1 and failed.usable


@pytest.fixture
def pool(store: SQLiteRunStore) -> Iterator[WorkerPool]:
    workers = WorkerPool(store.settings, store, 2)
    yield workers
    workers.close()


def test_runs_trained_side_by_side_by_the_pool_equal_their_solo_runs(
    store: SQLiteRunStore, pool: WorkerPool, default_split: EcgSplit
) -> None:
    runs = {spec: (token, store.create_run(token, "r", spec, spec.train.epochs)) for spec in (DROPOUT, VAE)
            for token in [store.create_session()]}  # fmt: skip
    for spec, (token, run) in runs.items():
        assert wait_settled(store, token, run.id).status == "finished"
        assert [r.train_loss for r in store.epochs(run.id)] == solo_losses(spec, default_split)


def test_a_killed_worker_fails_its_run_and_is_replaced(store: SQLiteRunStore, pool: WorkerPool) -> None:
    token = store.create_session()
    long = RunSpec(ModelConfig(), TrainConfig(epochs=2000, device="cpu"), DataConfig())
    run = store.create_run(token, "long", long, 2000)
    deadline = time.monotonic() + 60
    while store.get_run(token, run.id).epochs < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    victim = next(p for p in pool.processes if worker_name(p.pid) in store.training_workers())
    os.kill(victim.pid, signal.SIGKILL)
    failed = wait_settled(store, token, run.id, seconds=30)
    assert failed.status == "failed" and "stopped unexpectedly (exit code -9)" in failed.message
    assert failed.epochs >= 1 and store.checkpoint(run.id) is not None  # the last saved epoch is kept
    deadline = time.monotonic() + 10
    while victim in pool.processes and time.monotonic() < deadline:
        time.sleep(0.05)
    assert victim not in pool.processes and all(p.poll() is None for p in pool.processes)
    short = store.create_run(token, "after", dataclasses.replace(long, train=TrainConfig(epochs=2, device="cpu")), 2)
    assert wait_settled(store, token, short.id).status == "finished"  # the pool still trains


def test_a_restart_marks_training_runs_interrupted_and_they_can_continue(store: SQLiteRunStore) -> None:
    first = WorkerPool(store.settings, store, 1)
    token = store.create_session()
    run = store.create_run(token, "long", RunSpec(ModelConfig(), TrainConfig(epochs=2000, device="cpu"), DataConfig()), 2000)
    deadline = time.monotonic() + 60
    while store.get_run(token, run.id).epochs < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    first.close()  # the server stops: its workers die mid-run
    assert store.get_run(token, run.id).status == "training"
    second = WorkerPool(store.settings, store, 1)  # the server starts again
    try:
        interrupted = store.get_run(token, run.id)
        assert interrupted.status == "interrupted" and "Continue resumes it" in interrupted.message
        assert interrupted.usable and [r.epoch for r in store.epochs(run.id)] == list(range(1, interrupted.epochs + 1))
        store.requeue(token, run.id, interrupted.epochs + 2)
        resumed = wait_settled(store, token, run.id)
        assert resumed.status == "finished" and resumed.epochs == interrupted.epochs + 2
    finally:
        second.close()


def test_a_worker_warms_up_on_the_default_split_its_first_run_then_reuses() -> None:
    from anomaly_core.runs.split_cache import SplitCache
    from anomaly_core.runs.worker import warm_up

    splits = SplitCache()
    warm_up(splits)
    loaded = splits.split(DataConfig(), lambda: None)
    assert splits.split(DataConfig(), lambda: None) is loaded and len(loaded.x_test) > 0
