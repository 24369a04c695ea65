"""The Ray driver: a process the worker pool starts when a Ray address is set (never a Streamlit script thread,
since `ray.init` installs signal handlers). It claims the store's Ray runs, trains each on one of its Ray actors
(`ray_actors`) and writes the epochs, checkpoints and outcome the actor streams back to the store, as a local worker
would.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..datasets import dataset_split
from ..uploads import upload_of
from .ray_actors import TrainerActors
from .ray_trainer import CONTROL_GROUP, RunTrainer
from .records import RunRecord
from .settings import RunSettings
from .store import RunStore, open_store
from .worker import metrics_at_checkpoint, worker_name

POLL_SECONDS = 0.1
RETRY_SECONDS = 10.0
CONNECT_SECONDS = 3.0
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # anomaly_core, shipped to the cluster's workers
UNREACHABLE = "The Ray cluster at {address} cannot be reached ({reason}): check ANOMALY_LAB_RAY_ADDRESS and that the head runs."
NO_RAY = "Ray is not installed on this server: install requirements-cluster.txt, or unset ANOMALY_LAB_RAY_ADDRESS (train here)."
REFUSED = "The Ray cluster at {address} refused this server ({reason}); check that it runs Ray and Python as the README says."
LOST = "The Ray worker training this run stopped ({reason}). The model from its last saved epoch was kept."
LOST_REASONS = {
    "WorkerCrashedError": "its worker process died",
    "ActorDiedError": "its worker process died",
    "ActorUnavailableError": "its worker process could not be reached",
    "NodeDiedError": "its node left the cluster",
    "OutOfMemoryError": "its node ran out of memory",
    "RaySystemError": "the cluster failed",
}


def ray_installed() -> bool:
    """Whether this server can import Ray (found without importing it)."""
    return importlib.util.find_spec("ray") is not None


def cluster_problem(address: str) -> str | None:
    """Why the head at `address` (host:port) cannot be reached, or None when its port answers."""
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=CONNECT_SECONDS).close()
    except (OSError, ValueError) as error:
        return UNREACHABLE.format(address=address, reason=getattr(error, "strerror", None) or error)
    return None


def connect(settings: RunSettings) -> Callable[[], Any]:
    """`ray.init` against the configured cluster; returns what starts one trainer actor with a run's resources."""
    import ray

    ray.init(address=settings.ray_address, runtime_env={"py_modules": [str(PACKAGE_DIR)]}, logging_level=logging.ERROR,
             log_to_driver=False, configure_logging=False)  # fmt: skip
    options: dict[str, Any] = {"num_cpus": settings.ray_cpus_per_run, "num_gpus": settings.ray_gpus_per_run,
                               "max_restarts": 0, "max_task_retries": 0, "concurrency_groups": {CONTROL_GROUP: 1}}  # fmt: skip
    return ray.remote(**options)(RunTrainer).remote


def end_actor(actor: Any) -> None:
    """End a trainer actor (dead already, or unreachable: then nothing to do)."""
    import ray

    with contextlib.suppress(Exception):  # a dead actor, or a broken connection: it is gone for us either way
        ray.kill(actor, no_restart=True)


def _disconnect() -> None:
    """Undo a half-made connection, so that the next try starts afresh."""
    import ray

    if ray.is_initialized():
        ray.shutdown()


def slots(settings: RunSettings) -> int:
    """How many runs the cluster can train at once with the configured CPUs per run."""
    import ray

    return max(1, int(ray.cluster_resources().get("CPU", 1.0) // settings.ray_cpus_per_run))


def _settle(store: RunStore, run: RunRecord, status: str, message: str | None, upload: bytes | None) -> None:
    """End a cancelled or lost run at its last checkpoint, with that checkpoint's metrics."""
    data = store.checkpoint(run.id)
    metrics = metrics_at_checkpoint(run, dataset_split(run.spec.data, upload), data) if data and run.epochs else {}
    store.finish_run(run.id, status, message, metrics)  # type: ignore[arg-type]


def follow(store: RunStore, actor: Any, run: RunRecord, upload: bytes | None = None) -> bool:
    """Train `run` on `actor` (with the learner's CSV, if it trains on one), writing what it streams back to the
    store; Stop makes the actor stop the run at its next flush. Whatever goes wrong ends the run as failed at its last
    checkpoint, with the reason. False when the actor itself failed (died, or cannot be reached)."""
    import ray

    try:
        for ref in actor.train.remote(run, store.checkpoint(run.id), upload):
            kind, *rest = ray.get(ref)
            if kind == "epochs" and store.record_epochs(run.id, rest[0], rest[1], rest[2]):
                actor.stop.options(concurrency_group=CONTROL_GROUP).remote(run.id)
                _settle(store, store_run(store, run), "stopped", None, upload)
                return True
            if kind == "checkpoint":
                store.save_checkpoint(run.id, rest[0], rest[1])
            if kind == "finish":
                store.finish_run(run.id, rest[0], rest[1], rest[2])
                return True
        reason, healthy = "it ended without a result", True
    except ray.exceptions.RayError as error:
        reason = LOST_REASONS.get(type(error).__name__, type(error).__name__)
        healthy = not isinstance(error, ray.exceptions.RayActorError)
    except Exception as error:  # noqa: BLE001  e.g. the connection to the cluster broke: the run must still end
        reason, healthy = f"{type(error).__name__}: {error}", True
    _settle(store, store_run(store, run), "failed", LOST.format(reason=reason), upload)
    return healthy


def store_run(store: RunStore, run: RunRecord) -> RunRecord:
    """The run as stored now (its epochs so far)."""
    return store.get_run(run.session, run.id)


def _fail_waiting(store: RunStore, name: str, problem: str) -> None:
    while (run := store.claim_next(name, "ray")) is not None:
        store.finish_run(run.id, "failed", problem, {})


def connect_or_fail(store: RunStore, name: str, settings: RunSettings) -> tuple[Callable[[], Any], int] | None:
    """(what starts a trainer actor, runs the cluster fits at once), or None after failing the waiting Ray runs with the reason
    (no Ray here, an unreachable head, a cluster that refuses the connection)."""
    address = settings.ray_address or ""
    problem = None if ray_installed() else NO_RAY
    problem = problem or cluster_problem(address)
    if problem is None:
        try:
            return connect(settings), slots(settings)
        except Exception as error:  # noqa: BLE001  ray.init raises many kinds (version mismatch, auth, timeout)
            _disconnect()
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
            problem = REFUSED.format(address=address, reason=first_line)
    _fail_waiting(store, name, problem)
    return None


def serve(settings: RunSettings, parent_pid: int) -> None:
    """Connect (failing Ray runs clearly while that is impossible), then claim Ray runs while the cluster has room,
    until the parent process is gone."""
    store, name = open_store(settings), worker_name(os.getpid())
    while (connected := connect_or_fail(store, name, settings)) is None:
        if os.getppid() != parent_pid:
            return
        time.sleep(RETRY_SECONDS)
    make, fits = connected
    actors = TrainerActors(make, end_actor, fits)
    while os.getppid() == parent_pid:
        if not actors.reserve(timeout=POLL_SECONDS):
            continue
        run = store.claim_next(name, "ray")
        if run is None:
            actors.unreserve()
            actors.retire_idle()
            time.sleep(POLL_SECONDS)
            continue
        upload = upload_of(settings.data_dir, run.session, run.spec.data)
        threading.Thread(target=_follow_then_give_back, args=(store, actors, run, upload), daemon=True).start()


def _follow_then_give_back(store: RunStore, actors: TrainerActors, run: RunRecord, upload: bytes | None) -> None:
    actor, healthy = None, False
    try:
        actor = actors.take()
        healthy = follow(store, actor, run, upload)
    except Exception as error:  # noqa: BLE001  no actor could be started (e.g. the connection broke): the run still ends
        _settle(store, store_run(store, run), "failed", LOST.format(reason=f"{type(error).__name__}: {error}"), upload)
    finally:
        actors.give_back(actor, healthy)


def main(argv: list[str]) -> None:
    """`python -m anomaly_core.runs.ray_dispatch SETTINGS_JSON PARENT_PID`, as the pool starts it."""
    serve(RunSettings.from_json(argv[0]), int(argv[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
