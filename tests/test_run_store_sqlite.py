"""The SQLite run store beyond the shared store contract: failed runs, server-wide retention, a bad database, settings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from anomaly_core import DataConfig, ModelConfig, TrainConfig
from anomaly_core.runs import EpochRecord, RunSettings, RunSpec, SQLiteRunStore, StoreError

SPEC = RunSpec(ModelConfig(), TrainConfig(epochs=3, device="cpu"), DataConfig())


@pytest.fixture
def store(tmp_path: Path) -> SQLiteRunStore:
    return SQLiteRunStore(RunSettings(data_dir=tmp_path, workers=1))


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
