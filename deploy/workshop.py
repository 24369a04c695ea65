"""A local workshop stack: PostgreSQL (the runs), N app replicas on loopback ports (each with its worker pool),
nginx in front with sticky sessions. Every process is recorded in `<state>/stack.json` and stopped by PID.

    python -m deploy.workshop start --replicas 3 [--port 8500] [--host 127.0.0.1] [--state .workshop]
    python -m deploy.workshop status | stop

ANOMALY_LAB_ACCESS_CODE in the environment reaches every replica: each new browser session must enter it.
nginx listens on --host (127.0.0.1 by default); any other address without a code prints a warning.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

from harness.app_server import ROOT, free_port, is_healthy, server_command
from harness.postgres import PostgresServer, start_postgres, stop_pid
from ui.server_settings import ACCESS_CODE_ENV, access_code, configured_upload_mb, exposure_warning

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
STREAMLIT_CONFIG = ROOT / ".streamlit" / "config.toml"
DATABASE = "anomaly_lab"
HEALTH_TIMEOUT_SECONDS = 60.0


def upload_limit_mb(config: Path = STREAMLIT_CONFIG) -> int:
    """Streamlit's `server.maxUploadSize` (MB) from the app's config file (200, Streamlit's default, when unset)."""
    return configured_upload_mb(config)


def render_nginx_config(replica_ports: list[int], port: int, prefix: Path, host: str = "127.0.0.1") -> str:
    """nginx.conf for these replicas, listening on `host`:`port`, with its files under `prefix`."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in replica_ports)
    upload = upload_limit_mb()
    values = {"PREFIX": str(prefix), "SERVERS": servers, "PORT": str(port), "UPLOAD_MB": str(upload), "BODY_MB": str(upload + 1),
              "LISTEN": f"[{host}]:{port}" if ":" in host else f"{host}:{port}"}  # fmt: skip
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def nginx_binary() -> str:
    """The nginx executable (Debian's package puts it in /usr/sbin)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        raise RuntimeError("nginx is not installed: apt-get install nginx")
    return found


def start_nginx(state: Path, replica_ports: list[int], port: int, host: str = "127.0.0.1") -> int:
    """Write the config and start nginx in the foreground of its own process (its PID is the master's)."""
    prefix = state / "nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    for folder in (state, prefix):  # nginx's workers (an unprivileged user when started as root) buffer bodies in there
        folder.chmod(folder.stat().st_mode | 0o011)
    conf = prefix / "nginx.conf"
    conf.write_text(render_nginx_config(replica_ports, port, prefix, host))
    command = [nginx_binary(), "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log"), "-g", "daemon off;"]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)  # fmt: skip
    _wait_healthy(f"http://127.0.0.1:{port}", process, prefix / "error.log")
    return process.pid


def start_replica(state: Path, port: int, env: dict[str, str]) -> subprocess.Popen:
    """One app server on 127.0.0.1:`port` (its log in `<state>/replica-<port>.log`)."""
    with open(state / f"replica-{port}.log", "ab") as log:
        return subprocess.Popen(server_command(port), cwd=ROOT, env={**os.environ, **env}, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=log, start_new_session=True)  # fmt: skip


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if is_healthy(url):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy; see {log}")


def create_database(server: PostgresServer) -> str:
    """The runs database in `server` (made if missing); its URL."""
    with psycopg.connect(server.url(), autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone():
            admin.execute(f"CREATE DATABASE {DATABASE}")
    return server.url(DATABASE)


def replica_env(database_url: str, workers: int, cookie_secret: str, code: str | None = None) -> dict[str, str]:
    """What every replica shares: the runs database, its worker count, one cookie secret (an XSRF cookie one
    replica set stays valid on another after a failover) and the workshop's access code, if any."""
    env = {"ANOMALY_LAB_DATABASE_URL": database_url, "ANOMALY_LAB_WORKERS": str(workers),
           "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret, ACCESS_CODE_ENV: code or ""}  # fmt: skip
    return env


def start_stack(
    state: Path, replicas: int, port: int, database_url: str | None = None, workers: int = 1, host: str = "127.0.0.1"
) -> dict[str, Any]:
    """Start the database (unless `database_url` names one), the replicas and nginx on `host`; the state, also on disk.
    The replicas get ANOMALY_LAB_ACCESS_CODE from this environment (an empty one when it is unset)."""
    state.mkdir(parents=True, exist_ok=True)
    stack: dict[str, Any] = {"port": port, "url": f"http://127.0.0.1:{port}", "replicas": {}, "postgres": None, "host": host}
    if database_url is None:
        server = start_postgres(state / "postgres")
        stack["postgres"], database_url = server.process.pid, create_database(server)
    stack["env"] = replica_env(database_url, workers, secrets.token_hex(16), access_code())
    save_stack(state, stack)
    processes = {free_port(): None for _ in range(replicas)}
    for replica_port in processes:
        processes[replica_port] = start_replica(state, replica_port, stack["env"])
    for replica_port, process in processes.items():
        assert process is not None
        stack["replicas"][str(replica_port)] = process.pid
        save_stack(state, stack)
        _wait_healthy(f"http://127.0.0.1:{replica_port}", process, state / f"replica-{replica_port}.log")
    stack["nginx"] = start_nginx(state, list(processes), port, host)
    save_stack(state, stack)
    return stack


def save_stack(state: Path, stack: dict[str, Any]) -> None:
    """Write the stack's state file (PIDs, ports, the database URL: owner-readable only)."""
    path = state / "stack.json"
    path.write_text(json.dumps(stack, indent=2))
    path.chmod(0o600)  # it holds the database URL


def load_stack(state: Path) -> dict[str, Any]:
    """The running stack's state file."""
    return json.loads((state / "stack.json").read_text())


def children(pid: int) -> list[int]:
    """The direct child processes of `pid` (a replica's training workers), from /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def wait_gone(pid: int, timeout: float = 15.0) -> bool:
    """Wait until process `pid` has exited (reaping it if it is our child); False if it is still there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def stop_process(pid: int, sig: signal.Signals = signal.SIGTERM) -> None:
    """Stop one process by PID: `sig`, then SIGKILL if it is still there after 15 s."""
    stop_pid(pid, sig)
    if not wait_gone(pid):
        stop_pid(pid, signal.SIGKILL)
        wait_gone(pid)


def kill_replica(pid: int) -> None:
    """SIGKILL a replica and its workers, by PID (as a crash would end them)."""
    workers = children(pid)
    for doomed in (pid, *workers):
        stop_process(doomed, signal.SIGKILL)


def stop_stack(state: Path) -> None:
    """Stop nginx, the replicas (and their workers), then the database, each by its recorded PID."""
    stack = load_stack(state)
    if stack.get("nginx"):
        stop_process(stack["nginx"], signal.SIGQUIT)  # graceful: finish the requests in flight
    for pid in stack["replicas"].values():
        workers = children(pid)
        stop_process(pid)
        for worker in workers:
            stop_process(worker)
    if stack.get("postgres"):
        stop_process(stack["postgres"], signal.SIGINT)  # PostgreSQL's fast shutdown
    (state / "stack.json").unlink()


def status(state: Path) -> dict[str, bool]:
    """Health of nginx and of each replica (GET /_stcore/health): the active check nginx itself does not do."""
    stack = load_stack(state)
    health = {f"nginx {stack['url']}": is_healthy(stack["url"])}
    health.update({f"replica 127.0.0.1:{port}": is_healthy(f"http://127.0.0.1:{port}") for port in stack["replicas"]})
    return health


def main(argv: list[str]) -> int:
    """The command line: start, status or stop the stack."""
    parser = argparse.ArgumentParser(prog="python -m deploy.workshop", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "status", "stop"])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--port", type=int, default=8500)
    parser.add_argument("--workers", type=int, default=1, help="training processes per replica")
    parser.add_argument("--host", default="127.0.0.1", help=f"address nginx listens on (a room's: set {ACCESS_CODE_ENV} too)")
    parser.add_argument("--state", type=Path, default=ROOT / ".workshop")
    args = parser.parse_args(argv)
    if args.command == "start":
        if (args.state / "stack.json").exists():
            parser.error(f"a stack is already running (or was not stopped): python -m deploy.workshop stop --state {args.state}")
        warning = exposure_warning(args.host, access_code())
        if warning is not None:
            print(warning, file=sys.stderr)
        stack = start_stack(args.state.resolve(), args.replicas, args.port, workers=args.workers, host=args.host)
        print(f"workshop at {stack['url']}: {args.replicas} replicas on ports {', '.join(stack['replicas'])}")
    elif args.command == "status":
        health = status(args.state)
        for name, ok in health.items():
            print(f"{'ok  ' if ok else 'DOWN'} {name}")
        return 0 if all(health.values()) else 1
    else:
        stop_stack(args.state)
        print("workshop stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
