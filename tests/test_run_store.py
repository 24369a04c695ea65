"""The run store's contract, the same tests against SQLite (the default) and PostgreSQL (for app replicas)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from anomaly_core.config import DataConfig, ModelConfig, TrainConfig
from anomaly_core.runs import EpochRecord, RunConflict, RunNotFound, RunSpec, RunStore

SPEC = RunSpec(ModelConfig(), TrainConfig(epochs=5), DataConfig())


def epoch(n: int, scores: bool = False) -> EpochRecord:
    return EpochRecord(n, 10 * n, 0.5 / n, 0.6 / n, 0.01, 0.002, np.linspace(0, 1, 7) if scores else None)


def claimed_run(store: RunStore, token: str | None = None) -> tuple[str, str]:
    token = token or store.create_session()
    run = store.create_run(token, "Run 1", SPEC, 5)
    assert store.claim_next("host:1").id == run.id
    return token, run.id


def test_sessions_keep_their_state(run_store: RunStore) -> None:
    token = run_store.create_session()
    assert run_store.session_exists(token) and not run_store.session_exists("x" * 32)
    assert run_store.session_state(token) == {}
    run_store.save_session_state(token, {"current_run": "abc", "link": {"epochs": "7"}})
    assert run_store.session_state(token) == {"current_run": "abc", "link": {"epochs": "7"}}


def test_a_session_sees_only_its_own_runs(run_store: RunStore) -> None:
    mine, other = run_store.create_session(), run_store.create_session()
    run = run_store.create_run(mine, "Run 1", SPEC, 5)
    assert (run.status, run.target_epochs, run.spec) == ("queued", 5, SPEC)
    assert [r.id for r in run_store.list_runs(mine)] == [run.id] and run_store.list_runs(other) == []
    for call in (lambda: run_store.get_run(other, run.id), lambda: run_store.rename_run(other, run.id, "x"),
                 lambda: run_store.delete_run(other, run.id), lambda: run_store.request_stop(other, run.id)):  # fmt: skip
        with pytest.raises(RunNotFound):
            call()


def test_one_active_run_per_session_and_the_queue_is_first_come(run_store: RunStore) -> None:
    first, second = run_store.create_session(), run_store.create_session()
    a = run_store.create_run(first, "A", SPEC, 5)
    with pytest.raises(RunConflict):
        run_store.create_run(first, "again", SPEC, 5)
    b = run_store.create_run(second, "B", SPEC, 5)
    assert (run_store.queue_position(a.id), run_store.queue_position(b.id)) == (0, 1)
    assert run_store.claim_next("host:1").id == a.id
    assert run_store.claim_next("host:2").id == b.id
    assert run_store.claim_next("host:3") is None
    assert set(run_store.training_workers()) == {"host:1", "host:2"}


def test_epochs_checkpoint_and_finish(run_store: RunStore) -> None:
    token, run_id = claimed_run(run_store)
    assert run_store.record_epochs(run_id, [epoch(1, scores=True), epoch(2)], 0.5, "cpu") is False
    run_store.save_checkpoint(run_id, b"weights-2", 2)
    run_store.record_epochs(run_id, [epoch(3)], 0.7, "cpu")  # after the checkpoint: dropped when the run ends
    assert run_store.get_run(token, run_id).epochs == 3
    run_store.finish_run(run_id, "stopped", "stopped early", {"auc": 0.97})
    run = run_store.get_run(token, run_id)
    assert (run.status, run.epochs, run.message, run.metrics, run.device) == ("stopped", 2, "stopped early", {"auc": 0.97}, "cpu")
    assert run.usable and not run.active
    stored = run_store.epochs(run_id)
    assert [e.epoch for e in stored] == [1, 2] and [e.epoch for e in run_store.epochs(run_id, after=1)] == [2]
    np.testing.assert_allclose(stored[0].test_scores, np.linspace(0, 1, 7), rtol=1e-6)
    assert stored[1].test_scores is None and stored[0].train_loss == pytest.approx(0.5)
    assert run_store.checkpoint(run_id) == b"weights-2"


def test_an_imported_model_is_a_finished_run_of_its_session_only(run_store: RunStore) -> None:
    mine, other = run_store.create_session(), run_store.create_session()
    busy = run_store.create_run(mine, "Training", SPEC, 5)  # importing never waits for, or blocks, a training run
    run = run_store.import_run(mine, "Uploaded: a.safetensors", SPEC, b"uploaded-weights", 40, {"auc": 0.99})
    assert (run.status, run.epochs, run.metrics, run.usable, run.active) == ("finished", 40, {"auc": 0.99}, True, False)
    assert run_store.checkpoint(run.id) == b"uploaded-weights" and run_store.epochs(run.id) == []
    assert [r.id for r in run_store.list_runs(mine)] == [busy.id, run.id] and run_store.list_runs(other) == []
    assert run_store.claim_next("host:1").id == busy.id and run_store.claim_next("host:2") is None  # never queued
    with pytest.raises(RunNotFound):
        run_store.get_run(other, run.id)


def test_stop_requests_reach_the_worker_and_queued_runs_stop_at_once(run_store: RunStore) -> None:
    token, run_id = claimed_run(run_store)
    run_store.request_stop(token, run_id)
    assert run_store.record_epochs(run_id, [epoch(1)], 0.1, "cpu") is True
    run_store.finish_run(run_id, "stopped", None, {})
    queued = run_store.create_run(token, "Run 2", SPEC, 5)
    run_store.request_stop(token, queued.id)  # never trained: it is gone
    with pytest.raises(RunNotFound):
        run_store.get_run(token, queued.id)


def test_rename_delete_and_requeue(run_store: RunStore) -> None:
    token, run_id = claimed_run(run_store)
    run_store.record_epochs(run_id, [epoch(1)], 0.1, "cpu")
    run_store.save_checkpoint(run_id, b"w", 1)
    run_store.finish_run(run_id, "finished", None, {})
    run_store.rename_run(token, run_id, "  my   best  ")
    assert run_store.get_run(token, run_id).name == "my best"
    with pytest.raises(ValueError):
        run_store.rename_run(token, run_id, "   ")
    again = run_store.requeue(token, run_id, 3)
    assert (again.status, again.target_epochs, again.epochs) == ("queued", 3, 1)
    assert run_store.claim_next("host:2").id == run_id
    run_store.finish_run(run_id, "finished", None, {})
    run_store.delete_run(token, run_id)
    assert run_store.list_runs(token) == [] and run_store.checkpoint(run_id) is None and run_store.epochs(run_id) == []


def test_dead_and_silent_workers_leave_interrupted_runs_at_their_checkpoint(run_store: RunStore) -> None:
    token, run_id = claimed_run(run_store)
    run_store.record_epochs(run_id, [epoch(1), epoch(2)], 0.1, "cpu")
    run_store.save_checkpoint(run_id, b"w1", 1)
    assert run_store.settle_worker_runs("host:1", "failed", "crashed") == 1
    run = run_store.get_run(token, run_id)
    assert (run.status, run.epochs, run.message) == ("failed", 1, "crashed")
    assert run_store.training_workers() == []
    _, silent = claimed_run(run_store)
    assert run_store.interrupt_stale_runs(3600) == 0
    time.sleep(0.05)
    assert run_store.interrupt_stale_runs(0.01) == 1
    assert run_store.all_runs()[-1].status == "interrupted" and run_store.all_runs()[-1].id == silent


def test_prune_keeps_the_newest_runs_per_session(make_store) -> None:
    store = make_store(runs_per_session=2)
    token = store.create_session()
    ids = []
    for n in range(4):
        run = store.create_run(token, f"Run {n}", SPEC, 5)
        store.claim_next("host:1")
        store.finish_run(run.id, "finished", None, {})
        ids.append(run.id)
    assert [r.id for r in store.list_runs(token)] == ids[-2:]


def test_concurrent_claims_take_each_run_exactly_once(run_store: RunStore) -> None:
    """Eight workers race for 24 queued runs: no run is claimed twice and none is left behind."""
    run_ids = {run_store.create_run(run_store.create_session(), "Run", SPEC, 5).id for _ in range(24)}
    start = threading.Barrier(8)

    def drain(worker: int) -> list[str]:
        start.wait()
        taken = []
        while (run := run_store.claim_next(f"host:{worker}")) is not None:
            taken.append(run.id)
        return taken

    with ThreadPoolExecutor(8) as pool:
        claimed = [run_id for taken in pool.map(drain, range(8)) for run_id in taken]
    assert sorted(claimed) == sorted(run_ids)


def test_two_replicas_starting_a_run_for_one_session_start_only_one(make_store) -> None:
    """The same session submits from two stores at once (as two replicas would): exactly one run is created."""
    replicas = [make_store(), make_store()]
    token = replicas[0].create_session()
    start = threading.Barrier(2)

    def submit(store: RunStore) -> str:
        start.wait()
        try:
            return store.create_run(token, "Run", SPEC, 5).id
        except RunConflict:
            return "conflict"

    for _ in range(5):
        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(submit, replicas))
        assert outcomes.count("conflict") == 1
        (created,) = [o for o in outcomes if o != "conflict"]
        assert [r.id for r in replicas[1].list_runs(token) if r.active] == [created]
        replicas[0].request_stop(token, created)  # queued, never trained: removed


def test_a_worker_pool_trains_a_queued_run_to_the_end(make_store, tmp_path) -> None:
    """Real worker processes (their own store connections) train a run; its weights come back from the store."""
    from anomaly_core.runs.checkpoint import model_from_checkpoint
    from anomaly_core.runs.pool import WorkerPool
    from anomaly_core.scalers import MinMaxScaler

    store = make_store()
    settings = store.settings
    pool = WorkerPool(settings, store, 1)
    try:
        token = store.create_session()
        run = store.create_run(token, "Run 1", SPEC, 3)
        deadline = time.monotonic() + 120
        while store.get_run(token, run.id).active and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        pool.close()
    done = store.get_run(token, run.id)
    assert (done.status, done.epochs) == ("finished", 3) and done.metrics["auc"] > 0.5
    assert [e.epoch for e in store.epochs(run.id)] == [1, 2, 3]
    model_from_checkpoint(SPEC, store.checkpoint(run.id), MinMaxScaler(0.0, 1.0))
