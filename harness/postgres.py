"""A throwaway PostgreSQL cluster on 127.0.0.1 for tests, benchmarks and the workshop stack, stopped by PID.

Debian's `postgresql-15` binaries; `initdb` refuses root, so as root the cluster runs as an unprivileged user
(`postgres` from the Debian package, else one made with `useradd`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from harness.app_server import free_port

BIN_ENV = "ANOMALY_LAB_PG_BIN"  # folder of initdb and postgres (default: the newest /usr/lib/postgresql/*/bin)
SUPERUSER = "lab"  # the cluster's database superuser (trust authentication, loopback only)
START_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class PostgresServer:
    """A running cluster: its postmaster process, port and data folder."""

    process: subprocess.Popen
    port: int
    data_dir: Path

    def url(self, dbname: str = "postgres") -> str:
        """The URL of database `dbname` in this cluster."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"


def postgres_bin() -> Path | None:
    """The folder holding `initdb` and `postgres`, or None when PostgreSQL is not installed."""
    if os.environ.get(BIN_ENV):
        return Path(os.environ[BIN_ENV])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("postgres")
    return Path(on_path).parent if on_path else None


def _server_user() -> str | None:
    """The user to run the cluster as: None when not root, else an unprivileged one (made if missing)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "anomalylab"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "anomalylab"], check=True)
    return "anomalylab"


def start_postgres(data_dir: Path, port: int | None = None) -> PostgresServer:
    """initdb into `data_dir` (if empty) and start the server on 127.0.0.1; RuntimeError says what failed."""
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql-15 (or set ANOMALY_LAB_PG_BIN)")
    user, port = _server_user(), port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    if user:
        shutil.chown(data_dir, user)
        parent = data_dir.parent  # the server's user must reach its folder (a temp dir is 0700)
        os.chmod(parent, parent.stat().st_mode | 0o011)
    os.chmod(data_dir, 0o700)
    if not (data_dir / "PG_VERSION").exists():
        made = subprocess.run(
            [binaries / "initdb", "-D", data_dir, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
            user=user, check=False, capture_output=True, text=True, cwd="/",
        )  # fmt: skip
        if made.returncode:
            raise RuntimeError(f"initdb failed in {data_dir}: {made.stderr.strip()[-1000:]}")
    command = [
        binaries / "postgres", "-D", data_dir, "-h", "127.0.0.1", "-p", str(port), "-k", data_dir,
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
    ]  # fmt: skip
    with open(data_dir / "server.log", "ab") as log:  # the server writes its log there (never a pipe nobody reads)
        process = subprocess.Popen(command, user=user, cwd="/", stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    server = PostgresServer(process, port, data_dir)
    _wait_ready(server, binaries)
    return server


def _wait_ready(server: PostgresServer, binaries: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        ready = subprocess.run([binaries / "pg_isready", "-q", "-h", "127.0.0.1", "-p", str(server.port)], check=False)
        if ready.returncode == 0:
            return
        if server.process.poll() is not None:
            break
        time.sleep(0.1)
    stop_postgres(server)
    log = (server.data_dir / "server.log").read_text(errors="replace")[-2000:]
    raise RuntimeError(f"PostgreSQL did not start on port {server.port}: {log}")


def stop_postgres(server: PostgresServer) -> None:
    """Fast shutdown by PID (SIGINT), kill if it does not exit within 15 s."""
    stop_pid(server.process.pid, signal.SIGINT)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=15)


def stop_pid(pid: int, sig: signal.Signals = signal.SIGTERM) -> None:
    """Send `sig` to one process we started, if it is still there."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
