"""A pool of training worker processes, started once per server and kept warm; dead workers are replaced.

The store is the queue: at most `size` runs train at once per pool, the rest wait in the order they came.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

from .settings import DATABASE_URL_ENV, RunSettings
from .store import RunStore
from .worker import worker_name

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding anomaly_core, for `python -m`
SUPERVISE_SECONDS = 0.5
STALE_SECONDS = 120.0  # a training run whose worker has not reported for this long (on any host) is interrupted
CRASH_MESSAGE = "The training process stopped unexpectedly (exit code {code}). The model from its last saved epoch was kept."
RESTART_MESSAGE = "Interrupted: the server stopped while this run trained. Continue resumes it from its last saved epoch."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class WorkerPool:
    """`size` worker processes training queued runs from `store` (plus the Ray dispatcher when a Ray address is set),
    supervised by a thread."""

    def __init__(self, settings: RunSettings, store: RunStore, size: int, *, start_after: float = 0.0) -> None:
        """Start `size` workers now, or `start_after` seconds from now (or at `start()`, whichever comes first):
        a server's first page then is not drawn while the workers import torch on the same cores."""
        self.settings, self.store, self.size = settings, store, size
        self._interrupt_orphans()
        self.modules = ["anomaly_core.runs.worker"] * size + (["anomaly_core.runs.ray_dispatch"] if settings.ray_address else [])
        self.processes: list[subprocess.Popen] = []
        self._closed, self._starting = threading.Event(), threading.Lock()
        self._timer = threading.Timer(start_after, self.start)
        self._timer.daemon = True
        self._thread = threading.Thread(target=self._supervise, name="anomaly-lab-pool", daemon=True)
        if start_after > 0:
            self._timer.start()
        else:
            self.start()
        self._thread.start()

    def start(self) -> None:
        """Start the workers if they are not started yet (from any thread, any number of times)."""
        with self._starting:
            if not self.processes and not self._closed.is_set():
                self.processes = [self._start_worker(module) for module in self.modules]

    def _interrupt_orphans(self) -> None:
        """Runs left training by dead workers of this machine (the server restarted) become interrupted."""
        host = socket.gethostname()
        for worker in self.store.training_workers():
            name, _, pid = worker.rpartition(":")
            if name == host and pid.isdigit() and not _alive(int(pid)):
                self.store.settle_worker_runs(worker, "interrupted", RESTART_MESSAGE)

    def _start_worker(self, module: str) -> subprocess.Popen:
        """A fresh interpreter (never a fork: torch and threads do not survive one) running `module`."""
        command = [sys.executable, "-m", module, self.settings.to_json(), str(os.getpid())]
        env = {k: v for k, v in os.environ.items() if k != DATABASE_URL_ENV}
        if self.settings.database_url:
            env[DATABASE_URL_ENV] = self.settings.database_url  # never on the command line: it may hold a password
        return subprocess.Popen(command, cwd=PACKAGE_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)

    def check(self) -> None:
        """Replace dead workers, failing the run each was training; interrupt runs whose worker went silent."""
        for index, process in enumerate(self.processes):
            code = process.poll()
            if code is not None and not self._closed.is_set():
                self.store.settle_worker_runs(worker_name(process.pid), "failed", CRASH_MESSAGE.format(code=code))
                self.processes[index] = self._start_worker(self.modules[index])
        self.store.interrupt_stale_runs(STALE_SECONDS)

    def _supervise(self) -> None:
        while not self._closed.wait(SUPERVISE_SECONDS):
            try:
                self.check()
            except Exception:  # noqa: BLE001  the supervisor must outlive a store hiccup (e.g. a locked database)
                continue

    @property
    def pids(self) -> list[int]:
        """The worker processes' PIDs."""
        return [p.pid for p in self.processes]

    def close(self) -> None:
        """Stop the supervisor and the workers (by PID: terminate, then kill)."""
        self._closed.set()
        self._timer.cancel()
        self._thread.join(timeout=5)
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
