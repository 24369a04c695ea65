"""Start `streamlit run app.py` on a free 127.0.0.1 port, wait until it is healthy, and stop it by PID."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEALTH_TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(port: int) -> list[str]:
    """The command line of a headless app server on `port` (loopback only, no file watcher, no usage stats)."""
    return [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def bare_server_command(port: int, script: Path) -> list[str]:
    """`streamlit run SCRIPT` with nothing but a port: every other setting is whatever the app itself brings."""
    return [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true", "--server.port", str(port)]


def is_healthy(url: str) -> bool:
    """True when the server at `url` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            return response.read() == b"ok"
    except OSError:
        return False


def start_server(
    env: Mapping[str, str] | None = None, root: Path = ROOT, cwd: Path | None = None
) -> tuple[subprocess.Popen, str]:
    """Start the app of the checkout `root` on a free port and wait for /_stcore/health; returns (process, base url).

    With `cwd` (another folder) the server starts there with only a port given, as someone might start it by hand.
    """
    port = free_port()
    environment = {**os.environ, **(env or {})}
    command = server_command(port) if cwd is None else bare_server_command(port, root / "app.py")
    process = subprocess.Popen(command, cwd=cwd or root, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if is_healthy(url):
            return process, url
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy: {process.stderr.read().decode()[-2000:]}")


def stop_server(process: subprocess.Popen) -> None:
    """Stop a server started here: terminate by PID, kill if it does not exit within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
