"""The SQLite run store: sessions own their runs, the queue order, retention, and clear errors for a bad database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from anomaly_core import DataConfig, ModelConfig, TrainConfig
from anomaly_core.runs import EpochRecord, RunConflict, RunNotFound, RunSettings, RunSpec, SQLiteRunStore, StoreError

SPEC = RunSpec(ModelConfig(), TrainConfig(epochs=3, device="cpu"), DataConfig())


@pytest.fixture
def store(tmp_path: Path) -> SQLiteRunStore:
    return SQLiteRunStore(RunSettings(data_dir=tmp_path, workers=1))


def test_a_session_sees_and_changes_only_its_own_runs(store: SQLiteRunStore) -> None:
    alice, bob = store.create_session(), store.create_session()
    assert alice != bob and len(alice) >= 32  # unguessable tokens
    run = store.create_run(alice, "Run 1", SPEC, 3)
    assert [r.id for r in store.list_runs(alice)] == [run.id] and store.list_runs(bob) == []
    for action in (
        lambda: store.get_run(bob, run.id),
        lambda: store.rename_run(bob, run.id, "mine now"),
        lambda: store.delete_run(bob, run.id),
        lambda: store.request_stop(bob, run.id),
        lambda: store.requeue(bob, run.id, 9),
    ):
        with pytest.raises(RunNotFound, match="does not exist in this session"):
            action()
    assert store.get_run(alice, run.id).name == "Run 1" and store.get_run(alice, run.id).status == "queued"


def test_one_active_run_per_session_and_the_queue_in_order(store: SQLiteRunStore) -> None:
    alice, bob, carol = (store.create_session() for _ in range(3))
    first = store.create_run(alice, "a", SPEC, 3)
    with pytest.raises(RunConflict, match="still training"):
        store.create_run(alice, "a2", SPEC, 3)
    second, third = store.create_run(bob, "b", SPEC, 3), store.create_run(carol, "c", SPEC, 3)
    assert [store.queue_position(r.id) for r in (first, second, third)] == [0, 1, 2]
    claimed = store.claim_next("host:1")
    assert claimed is not None and claimed.id == first.id and claimed.status == "training"
    assert store.queue_position(third.id) == 1


def test_epochs_checkpoint_and_outcome_round_trip(store: SQLiteRunStore) -> None:
    token = store.create_session()
    run = store.create_run(token, "r", SPEC, 2)
    store.claim_next("host:1")
    scores = np.linspace(0, 1, 5)
    records = [EpochRecord(1, 10, 0.5, 0.6, 0.01, 0.001, scores), EpochRecord(2, 20, 0.4, 0.5, 0.02, 0.001, None)]
    assert store.record_epochs(run.id, records, 0.02, "cpu") is False
    store.save_checkpoint(run.id, b"weights", 2)
    store.finish_run(run.id, "finished", None, {"auc": 0.9})
    done = store.get_run(token, run.id)
    assert (done.status, done.epochs, done.metrics, done.device, done.usable) == ("finished", 2, {"auc": 0.9}, "cpu", True)
    stored = store.epochs(run.id)
    assert [r.epoch for r in stored] == [1, 2] and stored[1].test_scores is None
    np.testing.assert_allclose(stored[0].test_scores, scores, rtol=1e-7)
    assert store.checkpoint(run.id) == b"weights"


def test_a_dead_worker_fails_its_run_at_the_last_checkpoint(store: SQLiteRunStore) -> None:
    token = store.create_session()
    run = store.create_run(token, "r", SPEC, 5)
    store.claim_next("host:7")
    store.record_epochs(run.id, [EpochRecord(e, e, 0.1, 0.1, 0.01, 0.0) for e in (1, 2)], 0.02, "cpu")
    store.save_checkpoint(run.id, b"epoch-2", 2)
    store.record_epochs(run.id, [EpochRecord(3, 3, 0.1, 0.1, 0.03, 0.0)], 0.03, "cpu")  # not checkpointed yet
    assert store.settle_worker_runs("host:7", "failed", "The training process stopped unexpectedly") == 1
    failed = store.get_run(token, run.id)
    assert (failed.status, failed.epochs, failed.usable) == ("failed", 2, True)
    assert [r.epoch for r in store.epochs(run.id)] == [1, 2]
    assert store.requeue(token, run.id, 5).status == "queued"  # it can be continued from epoch 2


def test_stop_of_a_queued_run_and_deleting_a_run(store: SQLiteRunStore) -> None:
    token = store.create_session()
    run = store.create_run(token, "r", SPEC, 5)
    store.request_stop(token, run.id)  # never started: nothing to keep
    with pytest.raises(RunNotFound):
        store.get_run(token, run.id)
    again = store.create_run(token, "r2", SPEC, 5)
    store.claim_next("host:1")
    store.save_checkpoint(again.id, b"w", 1)
    store.finish_run(again.id, "stopped", None, {})
    store.rename_run(token, again.id, "  my   best  ")
    assert store.get_run(token, again.id).name == "my best"
    with pytest.raises(ValueError, match="cannot be empty"):
        store.rename_run(token, again.id, "   ")
    store.delete_run(token, again.id)
    assert store.list_runs(token) == [] and store.checkpoint(again.id) is None


def test_retention_keeps_the_newest_runs_per_session_and_per_server(tmp_path: Path) -> None:
    store = SQLiteRunStore(RunSettings(data_dir=tmp_path, workers=1, runs_per_session=2, runs_total=3))
    sessions = [store.create_session() for _ in range(2)]
    for token in sessions:
        for number in range(3):
            run = store.create_run(token, f"r{number}", SPEC, 1)
            store.claim_next("host:1")
            store.save_checkpoint(run.id, b"w", 1)
            store.finish_run(run.id, "finished", None, {})
    store.prune()
    kept = [[r.name for r in store.list_runs(token)] for token in sessions]
    assert kept[1] == ["r1", "r2"] and len(kept[0]) <= 2 and sum(map(len, kept)) == 3
    assert len(list((tmp_path / "checkpoints").glob("*.pt"))) == 3  # the deleted runs' files went too


def test_a_newer_or_corrupt_database_is_refused_with_what_to_do(tmp_path: Path) -> None:
    newer = tmp_path / "newer"
    newer.mkdir()
    with sqlite3.connect(newer / "runs.sqlite3") as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer Anomaly Lab.*ANOMALY_LAB_DATA_DIR"):
        SQLiteRunStore(RunSettings(data_dir=newer, workers=1))
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "runs.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot be opened.*move the folder"):
        SQLiteRunStore(RunSettings(data_dir=corrupt, workers=1))


def test_settings_from_the_environment_and_their_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANOMALY_LAB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ANOMALY_LAB_WORKERS", "3")
    settings = RunSettings.from_env()
    assert settings.data_dir == tmp_path.resolve() and settings.workers == 3
    assert RunSettings.from_json(settings.to_json()) == settings
    monkeypatch.setenv("ANOMALY_LAB_WORKERS", "many")
    with pytest.raises(ValueError, match="ANOMALY_LAB_WORKERS must be a number"):
        RunSettings.from_env()
