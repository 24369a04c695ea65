"""Sweeps in the run store: many runs of a session queued together beside the one-run rule for plain runs,
stopped together, claimed by the right backend, and an older (schema 1) store upgraded in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from anomaly_core import DataConfig, ModelConfig, TrainConfig
from anomaly_core.runs import RunConflict, RunSettings, RunSpec, SQLiteRunStore
from anomaly_core.runs.records import MAX_SWEEP_RUNS
from anomaly_core.runs.schema import STEPS

SPEC = RunSpec(ModelConfig(latent_size=4), TrainConfig(epochs=3), DataConfig())


@pytest.fixture
def store(tmp_path: Path) -> SQLiteRunStore:
    return SQLiteRunStore(RunSettings(data_dir=tmp_path, workers=1))


def test_a_sweep_queues_many_runs_beside_a_plain_run(store: SQLiteRunStore) -> None:
    token = store.create_session()
    plain = store.create_run(token, "Run 1", SPEC, 3)
    sweep = store.create_sweep(token, {"grid": []}, [(f"s{i}", SPEC) for i in range(4)], "local")
    runs = store.sweep_runs(token, sweep.id)
    assert [r.name for r in runs] == ["s0", "s1", "s2", "s3"] and all(r.sweep_id == sweep.id for r in runs)
    assert [s.id for s in store.list_sweeps(token)] == [sweep.id] and store.list_sweeps(token)[0].plan == {"grid": []}
    with pytest.raises(RunConflict):
        store.create_run(token, "Run 2", SPEC, 3)  # plain runs keep the one-run rule
    with pytest.raises(RunConflict):
        store.create_sweep(token, {}, [("again", SPEC)], "local")  # and one sweep at a time
    assert store.claim_next("w:1").id == plain.id  # a plain run goes before a waiting sweep
    assert store.claim_next("w:1").id == runs[0].id


def test_another_session_cannot_see_or_stop_a_sweep(store: SQLiteRunStore) -> None:
    owner, other = store.create_session(), store.create_session()
    sweep = store.create_sweep(owner, {}, [("a", SPEC)], "local")
    assert store.sweep_runs(other, sweep.id) == [] and store.list_sweeps(other) == []
    with pytest.raises(LookupError):
        store.stop_sweep(other, sweep.id)


def test_stop_drops_waiting_runs_and_keeps_the_training_and_finished(store: SQLiteRunStore) -> None:
    token = store.create_session()
    sweep = store.create_sweep(token, {}, [(f"s{i}", SPEC) for i in range(3)], "local")
    first, _ = store.claim_next("w:1"), store.claim_next("w:2")
    store.finish_run(first.id, "finished", None, {"auc": 0.9})
    store.stop_sweep(token, sweep.id)
    left = {r.name: r for r in store.sweep_runs(token, sweep.id)}
    assert set(left) == {"s0", "s1"} and left["s0"].status == "finished" and left["s1"].stop_requested


def test_ray_runs_wait_for_the_ray_dispatcher(store: SQLiteRunStore) -> None:
    token = store.create_session()
    store.create_sweep(token, {}, [("r", SPEC)], "ray")
    assert store.claim_next("w:1") is None
    assert store.claim_next("d:1", "ray").name == "r"


def test_sweep_size_is_capped(store: SQLiteRunStore) -> None:
    with pytest.raises(ValueError, match=str(MAX_SWEEP_RUNS)):
        store.create_sweep(store.create_session(), {}, [("x", SPEC)] * (MAX_SWEEP_RUNS + 1), "local")
    with pytest.raises(ValueError, match="1 to"):
        store.create_sweep(store.create_session(), {}, [], "local")


def test_sweep_runs_do_not_push_out_plain_runs(tmp_path: Path) -> None:
    store = SQLiteRunStore(RunSettings(data_dir=tmp_path, workers=1, runs_per_session=2))
    token = store.create_session()
    plain = store.create_run(token, "Run 1", SPEC, 3)
    store.finish_run(plain.id, "finished", None, {})
    store.create_sweep(token, {}, [(f"s{i}", SPEC) for i in range(5)], "local")
    assert store.prune() == 0 and len(store.list_runs(token)) == 6


def test_a_schema_1_store_is_upgraded_with_its_runs(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "runs.sqlite3")
    for statement in STEPS[1]:
        db.execute(statement)
    db.execute("INSERT INTO sessions VALUES ('tok', 0, 0, '{}')")
    db.execute("INSERT INTO runs (id, session, name, spec, status, target_epochs, created, updated, queued_at) "
               "VALUES ('r1', 'tok', 'Old run', ?, 'finished', 3, 0, 0, 0)", (SPEC.to_json(),))  # fmt: skip
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    store = SQLiteRunStore(RunSettings(data_dir=tmp_path, workers=1))
    (old,) = store.list_runs("tok")
    assert old.name == "Old run" and old.sweep_id is None
    assert store.create_run("tok", "New", SPEC, 3).status == "queued"
