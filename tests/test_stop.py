"""Stop takes effect between batches on every family: the epoch in progress is undone, the last finished epoch is
kept, and Continue then trains exactly as an uninterrupted run would. A real worker stops a heavy LSTM run before
its first (long) epoch finishes."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from anomaly_core import DataConfig, EcgSplit, ModelConfig, TrainConfig, Trainer, build_model
from anomaly_core.cost import RunSizes, check_run_cost
from anomaly_core.runs import RunSettings, RunSpec, SQLiteRunStore
from anomaly_core.runs.pool import WorkerPool
from anomaly_core.train import TrainingStopped

FAMILIES = {
    "dense": ModelConfig(dropout=0.1),
    "vae": ModelConfig(family="vae"),
    "conv": ModelConfig(family="conv"),
    "lstm": ModelConfig(family="lstm", lstm_hidden=16),
}
TRAIN = TrainConfig(epochs=3, batch_size=256, device="cpu", seed=4, eval_every=1)


class StopAfter:
    """A stop check that says 'stop' on its `calls`-th question, counting every question asked."""

    def __init__(self, calls: int) -> None:
        self.calls, self.asked = calls, 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.asked >= self.calls


def weights(trainer: Trainer) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}


@pytest.fixture(scope="module")
def small_split(ecg) -> EcgSplit:
    from anomaly_core import make_split

    return make_split(ecg, DataConfig(train_size=1000, test_size=200, seed=0))


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_stop_between_batches_keeps_the_last_finished_epoch_and_resumes_exactly(small_split: EcgSplit, family: str) -> None:
    model = FAMILIES[family]
    whole = Trainer(build_model(model, seed=4), small_split, TRAIN)
    expected = [r.train_loss for r in whole.fit()]
    trainer = Trainer(build_model(model, seed=4), small_split, TRAIN)
    first = next(iter(trainer.fit(1)))
    after_first = weights(trainer)
    stop = StopAfter(3)  # the third batch of epoch 2: mid-epoch, long before its end (4 batches and the evaluation)
    with pytest.raises(TrainingStopped):
        list(trainer.fit(2, should_stop=stop))
    assert stop.asked == 3 and trainer.epoch == 1 and trainer.steps == first.steps
    assert all(torch.equal(after_first[k], v) for k, v in weights(trainer).items())  # the epoch in progress was undone
    resumed = [r.train_loss for r in trainer.fit(2)]
    assert [first.train_loss, *resumed] == expected  # optimizer and random state were restored too


def test_stop_is_asked_before_every_batch_and_evaluation_chunk(small_split: EcgSplit) -> None:
    trainer = Trainer(build_model(ModelConfig(), seed=0), small_split, dataclasses.replace(TRAIN, batch_size=100))
    never = StopAfter(10**9)
    list(trainer.fit(1, should_stop=never))
    assert never.asked >= 10 + 1 + 1  # 10 batches, the validation beats, the test beats


HEAVY = RunSpec(
    ModelConfig(family="lstm", lstm_hidden=64, lstm_layers=2, lstm_chunk=1),
    TrainConfig(epochs=5, batch_size=32, device="cpu"),
    DataConfig(seed=0),
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteRunStore]:
    yield SQLiteRunStore(RunSettings(data_dir=tmp_path, workers=1))


def wait_for(store: SQLiteRunStore, token: str, run_id: str, status: set[str], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while store.get_run(token, run_id).status not in status:
        assert time.monotonic() < deadline, store.get_run(token, run_id)
        time.sleep(0.05)


def test_a_real_worker_stops_a_heavy_lstm_run_before_its_first_epoch_ends(store: SQLiteRunStore, default_split: EcgSplit) -> None:
    cost = check_run_cost(HEAVY.model, HEAVY.train, RunSizes.of(default_split))
    assert cost.refused is None and cost.cost.epoch_seconds > 20 * cost.cost.batch_seconds  # an epoch of many batches
    pool = WorkerPool(store.settings, store, 1)
    try:
        token = store.create_session()
        run = store.create_run(token, "heavy", HEAVY, HEAVY.train.epochs)
        wait_for(store, token, run.id, {"training"})
        store.request_stop(token, run.id)
        wait_for(store, token, run.id, {"stopped", "finished", "failed"})
        stopped = store.get_run(token, run.id)
        assert stopped.status == "stopped" and stopped.epochs == 0 and store.epochs(run.id) == []
    finally:
        pool.close()
