"""The run store's contract for sweeps, on SQLite and PostgreSQL: many runs of a session queued together beside the
one-run rule for plain runs, stopped together, claimed by the right backend in the queue's order, capped, kept out
of the per-session run limit, and a store from before sweeps (schema 1) upgraded in place with its runs."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from anomaly_core import DataConfig, ModelConfig, TrainConfig
from anomaly_core.runs import RunConflict, RunNotFound, RunSpec, RunStore, pg_schema, schema
from anomaly_core.runs.records import MAX_SWEEP_RUNS, Backend
from anomaly_core.runs.sweep_side import SWEEPS_KEPT

SPEC = RunSpec(ModelConfig(latent_size=4), TrainConfig(epochs=3), DataConfig())


def sweep_of(store: RunStore, token: str, count: int, backend: Backend = "local") -> str:
    """A sweep of `count` runs named s0, s1, …; its id."""
    return store.create_sweep(token, {"grid": [["latent_size", [4]]]}, [(f"s{i}", SPEC) for i in range(count)], backend).id


def test_a_sweep_queues_many_runs_beside_a_plain_run(run_store: RunStore) -> None:
    token = run_store.create_session()
    plain = run_store.create_run(token, "Run 1", SPEC, 3)
    sweep_id = sweep_of(run_store, token, 4)
    runs = run_store.sweep_runs(token, sweep_id)
    assert [r.name for r in runs] == ["s0", "s1", "s2", "s3"] and all(r.sweep_id == sweep_id for r in runs)
    assert all((r.status, r.target_epochs, r.spec) == ("queued", 3, SPEC) for r in runs)
    (sweep,) = run_store.list_sweeps(token)
    assert (sweep.id, sweep.session, sweep.plan) == (sweep_id, token, {"grid": [["latent_size", [4]]]})
    assert [r.id for r in run_store.list_runs(token)] == [plain.id] + [r.id for r in runs]
    with pytest.raises(RunConflict):
        run_store.create_run(token, "Run 2", SPEC, 3)  # plain runs keep the one-run rule
    with pytest.raises(RunConflict, match="sweep"):
        sweep_of(run_store, token, 1)  # and one sweep at a time


def test_plain_runs_go_first_and_the_queue_position_says_so(run_store: RunStore) -> None:
    learner, other = run_store.create_session(), run_store.create_session()
    sweep_runs = run_store.sweep_runs(learner, sweep_of(run_store, learner, 3))
    plain = run_store.create_run(other, "Run 1", SPEC, 3)  # queued after the sweep, trained before it
    assert run_store.queue_position(plain.id) == 0
    assert [run_store.queue_position(r.id) for r in sweep_runs] == [1, 2, 3]
    assert [run_store.claim_next("w:1").id for _ in range(4)] == [plain.id] + [r.id for r in sweep_runs]


def test_ray_runs_wait_for_the_ray_dispatcher(run_store: RunStore) -> None:
    token = run_store.create_session()
    (ray_run,) = run_store.sweep_runs(token, sweep_of(run_store, token, 1, "ray"))
    local = run_store.create_run(run_store.create_session(), "Run 1", SPEC, 3)
    assert run_store.queue_position(ray_run.id) == 0  # the local run is not ahead of it: other workers take that
    assert run_store.claim_next("w:1").id == local.id and run_store.claim_next("w:1") is None
    assert run_store.claim_next("d:1", "ray").id == ray_run.id


def test_another_session_cannot_see_or_stop_a_sweep(run_store: RunStore) -> None:
    owner, other = run_store.create_session(), run_store.create_session()
    sweep_id = sweep_of(run_store, owner, 1)
    assert run_store.sweep_runs(other, sweep_id) == [] and run_store.list_sweeps(other) == []
    with pytest.raises(RunNotFound):
        run_store.stop_sweep(other, sweep_id)
    assert [r.status for r in run_store.sweep_runs(owner, sweep_id)] == ["queued"]


def test_stop_drops_waiting_runs_and_keeps_the_training_and_finished(run_store: RunStore) -> None:
    token = run_store.create_session()
    sweep_id = sweep_of(run_store, token, 3)
    first, second = run_store.claim_next("w:1"), run_store.claim_next("w:2")
    run_store.save_checkpoint(first.id, b"w", 3)
    run_store.finish_run(first.id, "finished", None, {"auc": 0.9})
    run_store.stop_sweep(token, sweep_id)
    left = {r.name: r for r in run_store.sweep_runs(token, sweep_id)}
    assert set(left) == {"s0", "s1"} and (left["s0"].status, left["s0"].metrics) == ("finished", {"auc": 0.9})
    assert left["s1"].stop_requested and left["s1"].status == "training"
    assert run_store.record_epochs(second.id, [], 0.1, "cpu") is True  # the worker hears the Stop
    assert run_store.checkpoint(first.id) == b"w"


def test_sweep_size_is_capped(run_store: RunStore) -> None:
    token = run_store.create_session()
    with pytest.raises(ValueError, match=f"1 to {MAX_SWEEP_RUNS} runs, this one {MAX_SWEEP_RUNS + 1}"):
        sweep_of(run_store, token, MAX_SWEEP_RUNS + 1)
    with pytest.raises(ValueError, match="this one 0"):
        sweep_of(run_store, token, 0)
    assert run_store.list_sweeps(token) == [] and run_store.list_runs(token) == []


def test_the_server_caps_the_sweep_runs_of_a_session(make_store: Callable[..., RunStore]) -> None:
    store = make_store(sweep_runs_per_session=4)
    token = store.create_session()
    with pytest.raises(ValueError, match=r"at most 4 sweep runs at a time \(ANOMALY_LAB_SWEEP_RUNS_PER_SESSION\) and this .* 5"):
        sweep_of(store, token, 5)
    assert len(store.sweep_runs(token, sweep_of(store, token, 4))) == 4


def test_sweep_runs_do_not_push_out_plain_runs(make_store: Callable[..., RunStore]) -> None:
    store = make_store(runs_per_session=2)
    token = store.create_session()
    plain = store.create_run(token, "Run 1", SPEC, 3)
    store.claim_next("w:1")
    store.finish_run(plain.id, "finished", None, {})
    sweep_id = sweep_of(store, token, 5)
    while (run := store.claim_next("w:1")) is not None:
        store.finish_run(run.id, "finished", None, {})
    assert store.prune() == 0 and len(store.list_runs(token)) == 6
    assert [r.status for r in store.sweep_runs(token, sweep_id)] == ["finished"] * 5


def test_only_the_newest_settled_sweeps_are_kept(run_store: RunStore) -> None:
    token = run_store.create_session()
    made = []
    for _ in range(SWEEPS_KEPT + 2):
        made.append(sweep_of(run_store, token, 2))
        while (run := run_store.claim_next("w:1")) is not None:
            run_store.save_checkpoint(run.id, b"w", 1)
            run_store.finish_run(run.id, "finished", None, {})
    kept = made[1:]  # the newest SWEEPS_KEPT settled when the last one started, and that one
    assert len(kept) == SWEEPS_KEPT + 1 and [s.id for s in run_store.list_sweeps(token)] == kept
    assert run_store.sweep_runs(token, made[0]) == [] and len(run_store.list_runs(token)) == 2 * len(kept)
    assert all(run_store.checkpoint(r.id) == b"w" for r in run_store.list_runs(token))


def test_two_replicas_starting_a_sweep_for_one_session_start_only_one(make_store: Callable[..., RunStore]) -> None:
    replicas = [make_store(), make_store()]
    token = replicas[0].create_session()
    start = threading.Barrier(2)

    def submit(store: RunStore) -> str:
        start.wait()
        try:
            return sweep_of(store, token, 3)
        except RunConflict:
            return "conflict"

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(submit, replicas))
    assert outcomes.count("conflict") == 1
    assert len(replicas[1].list_sweeps(token)) == 1 and len(replicas[1].list_runs(token)) == 3


# --- a store written before sweeps (schema 1) -------------------------------------------------------------


def old_sqlite_store(folder: Path, spec_json: str) -> None:
    folder.mkdir(parents=True)
    with sqlite3.connect(folder / "runs.sqlite3") as db:
        for statement in schema.STEPS[1]:
            db.execute(statement)
        db.execute("INSERT INTO sessions VALUES ('tok', 0, 0, '{}')")
        db.execute("INSERT INTO runs (id, session, name, spec, status, target_epochs, created, updated, queued_at) "
                   "VALUES ('r1', 'tok', 'Old run', ?, 'finished', 3, 0, 0, 0)", (spec_json,))  # fmt: skip
        db.execute("PRAGMA user_version = 1")


def old_postgres_store(url: str, spec_json: str) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        for statement in ("CREATE TABLE schema_version (version INTEGER NOT NULL)", *pg_schema.STEPS[1]):
            db.execute(statement)
        db.execute("INSERT INTO schema_version VALUES (1)")
        db.execute("INSERT INTO sessions VALUES ('tok', 0, 0, '{}')")
        db.execute("INSERT INTO runs (id, session, name, spec, status, target_epochs, created, updated, queued_at) "
                   "VALUES ('r1', 'tok', 'Old run', %s, 'finished', 3, 0, 0, 0)", (spec_json,))  # fmt: skip


def test_a_store_from_before_sweeps_is_upgraded_with_its_runs(
    store_kind: str, request: pytest.FixtureRequest, tmp_path: Path, make_store: Callable[..., RunStore]
) -> None:
    if store_kind == "sqlite":
        old_sqlite_store(tmp_path / "runs", SPEC.to_json())  # the folder `make_store` opens
    else:
        old_postgres_store(request.getfixturevalue("postgres_url"), SPEC.to_json())
    store = make_store(max_age_days=1e6)  # the old run's timestamps are 0: keep it through the prune
    (old,) = store.list_runs("tok")
    assert (old.name, old.status, old.spec, old.sweep_id) == ("Old run", "finished", SPEC, None)
    assert store.create_run("tok", "New", SPEC, 3).status == "queued"
    assert len(store.sweep_runs("tok", sweep_of(store, "tok", 2))) == 2
    assert make_store(max_age_days=1e6).list_runs("tok")[0].id == "r1"  # opening it again changes nothing
