"""The Ray driver: a process the worker pool starts when a Ray address is set (never a Streamlit script thread,
since `ray.init` installs signal handlers). It claims the store's Ray runs, trains each as a Ray task on the
cluster and writes the task's epochs, checkpoints and outcome to the store, as a local worker would.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from ..datasets import dataset_split
from ..uploads import upload_of
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


def connect(settings: RunSettings) -> Any:
    """`ray.init` against the configured cluster; returns the remote training function with its resources."""
    import ray

    from .ray_task import train_remote

    ray.init(address=settings.ray_address, runtime_env={"py_modules": [str(PACKAGE_DIR)]}, logging_level=logging.ERROR,
             log_to_driver=False, configure_logging=False)  # fmt: skip
    return ray.remote(train_remote).options(num_cpus=settings.ray_cpus_per_run, num_gpus=settings.ray_gpus_per_run, max_retries=0)


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


def follow(store: RunStore, remote: Any, run: RunRecord, upload: bytes | None = None) -> None:
    """Train `run` as a Ray task (with the learner's CSV, if it trains on one), writing what it yields to the store;
    Stop cancels the task. Whatever goes wrong ends the run as failed at its last checkpoint, with the reason."""
    import ray

    try:
        tasks = remote.remote(run, store.checkpoint(run.id), upload)
        for ref in tasks:
            kind, *rest = ray.get(ref)
            if kind == "epochs" and store.record_epochs(run.id, rest[0], rest[1], rest[2]):
                ray.cancel(tasks)
                return _settle(store, store_run(store, run), "stopped", None, upload)
            if kind == "checkpoint":
                store.save_checkpoint(run.id, rest[0], rest[1])
            if kind == "finish":
                return store.finish_run(run.id, rest[0], rest[1], rest[2])
        reason = "it ended without a result"
    except ray.exceptions.RayError as error:
        reason = LOST_REASONS.get(type(error).__name__, type(error).__name__)
    except Exception as error:  # noqa: BLE001  e.g. the connection to the cluster broke: the run must still end
        reason = f"{type(error).__name__}: {error}"
    _settle(store, store_run(store, run), "failed", LOST.format(reason=reason), upload)


def store_run(store: RunStore, run: RunRecord) -> RunRecord:
    """The run as stored now (its epochs so far)."""
    return store.get_run(run.session, run.id)


def _fail_waiting(store: RunStore, name: str, problem: str) -> None:
    while (run := store.claim_next(name, "ray")) is not None:
        store.finish_run(run.id, "failed", problem, {})


def connect_or_fail(store: RunStore, name: str, settings: RunSettings) -> tuple[Any, int] | None:
    """(remote function, runs the cluster fits at once), or None after failing the waiting Ray runs with the reason
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
    remote, fits = connected
    room = threading.BoundedSemaphore(fits)
    while os.getppid() == parent_pid:
        if not room.acquire(timeout=POLL_SECONDS):
            continue
        run = store.claim_next(name, "ray")
        if run is None:
            room.release()
            time.sleep(POLL_SECONDS)
            continue
        upload = upload_of(settings.data_dir, run.session, run.spec.data)
        threading.Thread(target=_follow_then_release, args=(store, remote, run, upload, room), daemon=True).start()


def _follow_then_release(
    store: RunStore, remote: Any, run: RunRecord, upload: bytes | None, room: threading.BoundedSemaphore
) -> None:
    try:
        follow(store, remote, run, upload)
    finally:
        room.release()


def main(argv: list[str]) -> None:
    """`python -m anomaly_core.runs.ray_dispatch SETTINGS_JSON PARENT_PID`, as the pool starts it."""
    serve(RunSettings.from_json(argv[0]), int(argv[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
