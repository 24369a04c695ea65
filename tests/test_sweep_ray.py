"""The Ray backend: a sweep's runs trained by Ray actors on a real local head (started by .ci/run inside a network
namespace with only loopback) give the same losses and metrics as the local pool; Stop cancels; a head that
cannot be reached fails the runs with a clear message. Without a head these skip, except under CI=true."""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from anomaly_core import DataConfig, ModelConfig, TrainConfig
from anomaly_core.runs import RunRecord, RunSettings, RunSpec, SQLiteRunStore
from anomaly_core.runs.pool import WorkerPool
from anomaly_core.sweeps import SweepPlan
from anomaly_core.sweeps.service import start_sweep, wait_for_sweep
from tests.conftest import RAY_TEST_ADDRESS

BASE = RunSpec(ModelConfig(encoder_hidden=(32,), latent_size=8), TrainConfig(epochs=4, device="cpu"), DataConfig())
PLAN = SweepPlan.from_text(BASE, {"latent_size": "2, 4, 8, 16"}, seeds=2)  # 8 runs


def ray_address() -> str:
    """The test head's address; a missing head skips, or fails under CI."""
    if RAY_TEST_ADDRESS is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no Ray head: run the tests through .ci/run (it starts one)")
        pytest.skip("no Ray head (set ANOMALY_LAB_RAY_ADDRESS, as .ci/run does)")
    return RAY_TEST_ADDRESS


def run_sweep(settings: RunSettings, plan: SweepPlan) -> tuple[SQLiteRunStore, list[RunRecord]]:
    """Train `plan` with the backend `settings` choose (a pool of 2 local workers, or none and the Ray dispatcher)."""
    store = SQLiteRunStore(settings)
    token = store.create_session()
    pool = WorkerPool(settings, store, 0 if settings.ray_address else 2)
    try:
        sweep = start_sweep(store, settings, token, plan)
        return store, wait_for_sweep(store, token, sweep.id, timeout_seconds=400)
    finally:
        pool.close()


def test_ray_and_local_sweeps_give_the_same_losses_and_metrics(tmp_path: Path) -> None:
    ray_settings = RunSettings(data_dir=tmp_path / "ray", workers=2, ray_address=ray_address())
    ray_store, ray_runs = run_sweep(ray_settings, PLAN)
    local_store, local_runs = run_sweep(RunSettings(data_dir=tmp_path / "local", workers=2), PLAN)
    assert len(ray_runs) == 8 and [r.status for r in ray_runs] == ["finished"] * 8, [r.message for r in ray_runs]
    for ray_run, local_run in zip(ray_runs, local_runs):
        assert ray_run.spec == local_run.spec and ray_run.epochs == local_run.epochs == 4
        ray_losses = [(e.train_loss, e.val_loss) for e in ray_store.epochs(ray_run.id)]
        local_losses = [(e.train_loss, e.val_loss) for e in local_store.epochs(local_run.id)]
        np.testing.assert_allclose(ray_losses, local_losses, rtol=0, atol=1e-6)
        for name, value in local_run.metrics.items():
            assert ray_run.metrics[name] == pytest.approx(value, abs=1e-6), name
        assert ray_store.checkpoint(ray_run.id) is not None  # the weights came back into the store


def test_stop_cancels_ray_runs_and_keeps_what_trained(tmp_path: Path) -> None:
    settings = RunSettings(data_dir=tmp_path, workers=2, ray_address=ray_address())
    store = SQLiteRunStore(settings)
    token = store.create_session()
    long = dataclasses.replace(BASE, train=dataclasses.replace(BASE.train, epochs=2000))
    pool = WorkerPool(settings, store, 0)
    try:
        sweep = start_sweep(store, settings, token, SweepPlan.from_text(long, {"latent_size": "2, 4, 8, 16, 32"}, 1))
        deadline = time.monotonic() + 120
        while not any(r.epochs >= 2 for r in store.sweep_runs(token, sweep.id)) and time.monotonic() < deadline:
            time.sleep(0.2)
        store.stop_sweep(token, sweep.id)
        runs = wait_for_sweep(store, token, sweep.id, timeout_seconds=120)
        after = start_sweep(store, settings, token, SweepPlan.from_text(BASE, {"latent_size": "2, 4, 8"}, 1))
        runs_after = wait_for_sweep(store, token, after.id, timeout_seconds=120)
    finally:
        pool.close()
    assert runs and len(runs) < 5  # the waiting ones went away
    assert all(r.status == "stopped" and r.epochs < 2000 for r in runs)
    assert any(r.usable and "auc" in r.metrics for r in runs)
    assert [r.status for r in runs_after] == ["finished"] * 3  # the actors that trained the stopped runs train on


def ray_task_processes() -> list[int]:
    """PIDs of the Ray actors training a run for this test's own head: Ray titles an actor after the method it runs,
    and the head and its workers share this test's network namespace (another head on the machine does not)."""
    own_net, found = os.readlink("/proc/self/ns/net"), []
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and (entry / "cmdline").read_bytes().startswith(b"ray::RunTrainer.train")
                and (os.readlink(entry / "ns" / "net") == own_net)
            ):
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def test_a_ray_worker_dying_mid_run_fails_only_that_run_and_keeps_its_epochs(tmp_path: Path) -> None:
    settings = RunSettings(data_dir=tmp_path, workers=2, ray_address=ray_address())
    store = SQLiteRunStore(settings)
    token = store.create_session()
    long = dataclasses.replace(BASE, train=dataclasses.replace(BASE.train, epochs=2000))
    pool = WorkerPool(settings, store, 0)
    try:
        sweep = start_sweep(store, settings, token, SweepPlan.from_text(long, {"latent_size": "2"}, 1))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(
            r.epochs >= 2 and store.checkpoint(r.id) for r in store.sweep_runs(token, sweep.id)
        ):
            time.sleep(0.2)
        (pid,) = ray_task_processes()
        os.kill(pid, signal.SIGKILL)  # the Ray worker process dies mid-run, as on a node that ran out of memory
        (run,) = wait_for_sweep(store, token, sweep.id, timeout_seconds=120)
        after = start_sweep(store, settings, token, SweepPlan.from_text(BASE, {"latent_size": "2, 4, 8"}, 1))
        runs_after = wait_for_sweep(store, token, after.id, timeout_seconds=120)
    finally:
        pool.close()
    assert [r.status for r in runs_after] == ["finished"] * 3  # a new actor took the dead one's place
    assert run.status == "failed" and "The Ray worker training this run stopped (its worker process died)" in (
        run.message or ""
    ), run.message
    assert run.usable and 1 <= run.epochs < 2000 and run.metrics["auc"] > 0.5  # its last saved epoch, scored
    assert [e.epoch for e in store.epochs(run.id)] == list(range(1, run.epochs + 1))
    assert store.checkpoint(run.id) is not None


def test_without_ray_installed_the_runs_fail_saying_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from anomaly_core.runs import ray_dispatch

    settings = RunSettings(data_dir=tmp_path, workers=1, ray_address="127.0.0.1:6399")
    store = SQLiteRunStore(settings)
    token = store.create_session()
    sweep = start_sweep(store, settings, token, SweepPlan.from_text(BASE, {"latent_size": "2, 4"}, 1))
    monkeypatch.setattr(ray_dispatch, "ray_installed", lambda: False)  # as on a server without Ray
    assert ray_dispatch.connect_or_fail(store, "dispatcher:1", settings) is None
    runs = store.sweep_runs(token, sweep.id)
    assert [r.status for r in runs] == ["failed", "failed"]
    assert all("Ray is not installed on this server: install requirements-cluster.txt" in (r.message or "") for r in runs)


def test_an_unreachable_ray_address_fails_the_runs_clearly(tmp_path: Path) -> None:
    settings = RunSettings(data_dir=tmp_path, workers=2, ray_address="127.0.0.1:9")  # nothing listens on port 9
    store, runs = run_sweep(settings, SweepPlan.from_text(BASE, {"latent_size": "2, 4"}, 1))
    assert [r.status for r in runs] == ["failed", "failed"]
    assert all("Ray cluster at 127.0.0.1:9 cannot be reached" in (r.message or "") for r in runs)


def test_the_sweep_page_trains_on_ray_without_a_ray_driver_in_streamlit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page only writes runs to the store; the pool's dispatcher process is the Ray driver, so `ray.init` never
    runs in a script thread (it installs signal handlers) and Streamlit's process never even imports ray."""
    monkeypatch.setenv("ANOMALY_LAB_RAY_ADDRESS", ray_address())
    from tests.test_sweep_page import open_sweep_page, set_builder, sweep_runs, wait_settled

    at = set_builder(open_sweep_page(), "latent_size", "2, 8")
    assert "on the Ray cluster at" in " ".join(m.value for m in at.markdown)
    at.button(key="sweep_start").click().run()
    runs = wait_settled(at) and sweep_runs(at)
    assert [r.status for r in runs] == ["finished", "finished"] and at.subheader[0].value == "Results: 2 runs"
    assert "ray" not in sys.modules
