"""Fresh servers for bench_latency.py: cold start → first page interactive, and the server's memory after one session.

Both are measured for the project and for the floor app (`benchmarks/floor_app`), one after the other, so each
project number has a floor number taken moments apart on the same machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workshop_processes import ServerLog, descendants, memory_mb, parents

from harness.app_server import ROOT, free_port, is_healthy, server_command, stop_server
from harness.browser import wait_for_app

FLOOR_ROOT = ROOT / "benchmarks" / "floor_app"
CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
FLOOR_READY = (CONNECTED, IDLE, "[data-testid='stMetric']")
PROJECT_READY = (
    CONNECTED,
    IDLE,
    "[data-testid='stMetric']:has-text('Ready model: test AUC')",
    ".st-key-home_new_beat button:enabled",
    ".st-key-home_threshold_slider [data-testid='stSliderThumbValue']",
    ".st-key-tour_start button:enabled",
)


@dataclass(frozen=True)
class App:
    """An app to measure: its checkout folder and the selectors that say its first page is interactive."""

    name: str
    root: Path
    ready: tuple[str, ...]

    @property
    def is_floor(self) -> bool:
        return self.root == FLOOR_ROOT


FLOOR = App("floor", FLOOR_ROOT, FLOOR_READY)


def checkout(name: str, root: Path = ROOT) -> App:
    """The project in `root`: this checkout, or another one (e.g. an older commit unpacked with `git archive`)."""
    return App(name, root.resolve(), PROJECT_READY)


def project_env() -> dict[str, str]:
    """A throwaway run store for one server (a cold start finds no runs of earlier ones)."""
    return {"ANOMALY_LAB_DATA_DIR": tempfile.mkdtemp(prefix="anomaly-lab-bench-")}


@contextmanager
def running(app: App) -> Iterator[tuple[subprocess.Popen, str]]:
    """A fresh server of `app` on a free port (its stderr drained), stopped by PID afterwards."""
    port = free_port()
    env = {**os.environ, **({} if app.is_floor else project_env())}
    process = subprocess.Popen(server_command(port), cwd=app.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    log = ServerLog(process)
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        stop_server(process)
        log.close()


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        if is_healthy(url):
            return
        time.sleep(0.02)
    raise RuntimeError("streamlit did not become healthy within a minute")


def cold_start_seconds(browser: Any, app: App) -> float:
    """Seconds from starting a fresh server to its first page interactive in a new browser context."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        start = time.perf_counter()
        with running(app) as (process, url):
            wait_healthy(url, process)
            page.goto(url, wait_until="commit")
            for selector in app.ready:
                page.wait_for_selector(selector, timeout=60_000)
            page.wait_for_selector("[data-testid='stSkeleton']", state="detached", timeout=60_000)
            seconds = time.perf_counter() - start
            if page.locator("[data-testid='stException']").count():
                raise RuntimeError(f"{app.name}: the first page shows an exception")
        return seconds
    finally:
        context.close()


def switch_to(page: Any, title: str) -> None:
    """Open a page from the sidebar's navigation and wait until it is idle."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    page.wait_for_timeout(200)
    wait_for_app(page)


def train_once(page: Any, run_number: int = 1) -> None:
    """Train page: the Good default preset, Train, wait for the trained run's status."""
    page.locator(".st-key-preset_good_default button").click()
    wait_for_app(page)
    page.locator(".st-key-train_button button").click()
    page.get_by_text(re.compile(rf"Run {run_number} \(Good default\): trained \d+ epochs")).wait_for(timeout=120_000)
    wait_for_app(page)


def page_titles(floor: bool) -> tuple[str, ...]:
    """The sidebar's pages in the order a session visits them, ending back on Home (the floor app's, or the project's)."""
    if floor:
        return ("Train", "Evaluate", "Chart", "Home")
    return ("Data", "Train", "Evaluate", "Draw", "Compare", "Teacher", "Home")


def every_page(page: Any, app: App) -> None:
    """One session's tour of every page (training once on the project's Train page)."""
    for title in page_titles(app.is_floor):
        switch_to(page, title)
        if title == "Train" and not app.is_floor:
            train_once(page)


@dataclass(frozen=True)
class Memory:
    """The server's RSS now and at its peak, and its child processes' (the training workers') RSS, in MB."""

    server_mb: float
    server_peak_mb: float
    workers_mb: float


def peak_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def session_memory(browser: Any, app: App, tour: Callable[[Any, App], None] = every_page) -> Memory:
    """A fresh server, one session that opens every page (and trains once): the server's memory afterwards."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        with running(app) as (process, url):
            wait_healthy(url, process)
            page.goto(url)
            wait_for_app(page)
            tour(page, app)
            page.wait_for_timeout(1000)
            workers = descendants(process.pid, parents())
            return Memory(memory_mb(process.pid), peak_mb(process.pid), sum(memory_mb(pid) for pid in workers))
    finally:
        context.close()
