"""Memory of the processes a workshop benchmark watches (from /proc), and the server's stderr kept and scanned.

The server is the Streamlit process; its child processes are the training workers (none in the old in-thread app);
the browsers are every other process descended from the benchmark itself (chromium and its driver).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 1.0
KEPT_LINES = 400


def parents() -> dict[int, int]:
    """PID → parent PID of every process visible now."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        table[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])  # the name may hold spaces or ')'
    return table


def descendants(pid: int, table: dict[int, int]) -> set[int]:
    """Every process below `pid` in `table`."""
    found, frontier = set(), [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, up in table.items() if up == parent]
        found.update(children)
        frontier += children
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int, field: str = "Rss") -> float:
    """A process's resident (`Rss`) or proportional (`Pss`) memory in MB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


@dataclass
class MemoryPeaks:
    """Server RSS when first sampled and at its peak; the workers' summed RSS and the browsers' summed PSS at theirs."""

    server_start_mb: float = 0.0
    server_warm_mb: float = 0.0  # after the teacher's first page: the app imported and its data loaded
    server_peak_mb: float = 0.0
    workers_peak_mb: float = 0.0
    workers_peak_count: int = 0
    browser_peak_mb: float = 0.0
    cpu_s: dict[int, float] = field(default_factory=dict)  # PID → CPU seconds at its last sample
    server_pid: int = 0

    @property
    def server_cpu_s(self) -> float:
        return self.cpu_s.get(self.server_pid, 0.0)

    @property
    def workers_cpu_s(self) -> float:
        return sum(seconds for pid, seconds in self.cpu_s.items() if pid != self.server_pid)

    def add(self, server: float, workers: list[float], browser: float) -> None:
        self.server_start_mb = self.server_start_mb or server
        self.server_peak_mb = max(self.server_peak_mb, server)
        self.workers_peak_mb = max(self.workers_peak_mb, sum(workers))
        self.workers_peak_count = max(self.workers_peak_count, len(workers))
        self.browser_peak_mb = max(self.browser_peak_mb, browser)


async def sample_memory(server_pid: int, peaks: MemoryPeaks) -> None:
    """Sample every second until cancelled."""
    me = os.getpid()
    while True:
        table = await asyncio.to_thread(parents)
        workers = descendants(server_pid, table)
        browsers = descendants(me, table) - workers - {server_pid}
        peaks.server_pid = server_pid
        peaks.cpu_s.update({pid: cpu_seconds(pid) for pid in {server_pid, *workers}})
        peaks.add(
            memory_mb(server_pid),
            [memory_mb(pid) for pid in workers],
            sum(memory_mb(pid, "Pss") for pid in browsers),
        )
        await asyncio.sleep(SAMPLE_SECONDS)


class ServerLog:
    """Drains a server's stderr on a thread (a full pipe would stall the server) and keeps its last lines."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: deque[str] = deque(maxlen=KEPT_LINES)
        self.exceptions = 0
        self._heads: list[str] = []
        self._thread = threading.Thread(target=self._drain, args=(process,), daemon=True)
        self._thread.start()

    def _drain(self, process: subprocess.Popen) -> None:
        assert process.stderr is not None
        in_traceback = False
        for raw in process.stderr:
            line = raw.decode(errors="replace").rstrip()
            self.lines.append(line)
            if line.startswith("Traceback"):
                self.exceptions += 1
                in_traceback = True
            elif in_traceback and line and not line.startswith(" "):
                self._heads.append(line[:300])  # the first unindented line after the frames: the exception itself
                in_traceback = False

    def exception_heads(self) -> list[str]:
        """The last line of each traceback the server printed (the exception and its message), at most 20."""
        return self._heads[:20]

    def close(self) -> None:
        self._thread.join(timeout=5)
