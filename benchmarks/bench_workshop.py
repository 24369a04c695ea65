"""A workshop on one server: N learners each open Train, train the default model, and move the Evaluate slider while
the others still train. Optionally the old in-thread training, measured in the same run.

Learners are Streamlit websocket clients by default (`workshop_ws_learner`: the browser's protocol, no rendering —
30 chromium contexts do not fit beside the server on 2 cores), or real chromium contexts with `--clients browser`.

Run from the repository root: `.venv/bin/python benchmarks/bench_workshop.py` (30 learners, this checkout only), or
with `--baseline-checkout /tmp/baseline-b8740a1` (a `git worktree add` of b8740a1: training in the page's script
thread) to measure both, one after the other, and print ratios. `--learners 3` is a quick smoke run.
Goals (issue 19, 2 cores): N/N finish; Train click → trained p90 ≤ 20 s; slider key press → new metric cards while
others train p90 ≤ 1 s; server RSS ≤ 600 MB + 20 MB per session. The browsers share the server's cores: pessimistic.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import workshop_learner  # noqa: E402
import workshop_ws_learner  # noqa: E402
from workshop_learner import Classroom, LearnerPlan, LearnerResult  # noqa: E402
from workshop_processes import MemoryPeaks, ServerLog, memory_mb, sample_memory  # noqa: E402

from harness.app_server import start_server, stop_server  # noqa: E402
from harness.browser import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

GOAL_TRAIN_P90_S = 20.0
GOAL_SLIDER_P90_S = 1.0
GOAL_SERVER_MB, GOAL_MB_PER_SESSION = 600.0, 20.0


@dataclass
class VariantResult:
    """One variant's learners, memory and server log, and how long it took."""

    name: str
    learners: list[LearnerResult]
    memory: MemoryPeaks
    log: ServerLog
    first_page_s: float | None = None
    wall_s: float = 0.0
    client_cpu_s: float = 0.0  # the benchmark's own process: the learners' clients
    runs: list[tuple[float, float]] = field(default_factory=list)  # (pure training s, created → settled s) per run


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; every wait has a bound, and so has the whole script."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=30, help="simulated learners (default 30; 3 for a smoke run)")
    parser.add_argument(
        "--clients", choices=("websocket", "browser"), default="websocket", help="how learners reach the app (default websocket)"
    )
    parser.add_argument("--baseline-checkout", type=Path, help="a checkout of the old in-thread training (b8740a1)")
    parser.add_argument("--baseline-first", action="store_true", help="measure the baseline before this checkout")
    parser.add_argument("--workers", type=int, help="training processes of this checkout's server (default: its own)")
    parser.add_argument("--max-seconds", type=float, default=1500.0, help="bound on the whole script (default 1500)")
    parser.add_argument("--train-timeout", type=float, default=400.0, help="bound on Train click → trained, s")
    parser.add_argument("--page-timeout", type=float, default=180.0, help="bound on opening a page or clicking, s")
    parser.add_argument("--press-timeout", type=float, default=60.0, help="bound on one slider key press, s")
    parser.add_argument("--open-stagger", type=float, default=0.3, help="seconds between learners opening Train")
    parser.add_argument("--click-jitter", type=float, default=3.0, help="learners click Train within this many s")
    parser.add_argument(
        "--no-warm-up", action="store_true", help="let the class arrive on a server no page has opened yet (no teacher first)"
    )
    parser.add_argument("--min-presses", type=int, default=3, help="slider presses per learner, at least")
    parser.add_argument("--max-presses", type=int, default=10, help="slider presses per learner while others train, at most")
    args = parser.parse_args(argv)
    if args.learners < 1 or args.min_presses < 1 or args.max_presses < args.min_presses:
        parser.error("--learners and --min-presses must be ≥ 1 and --max-presses ≥ --min-presses")
    if args.baseline_checkout is not None and not (args.baseline_checkout / "app.py").is_file():
        parser.error(f"--baseline-checkout {args.baseline_checkout} has no app.py")
    return args


def learner_plan(args: argparse.Namespace, url: str) -> LearnerPlan:
    """The bounds and pacing every learner follows."""
    return LearnerPlan(
        url=url, open_delay_s=0.0, click_jitter_s=0.0, page_timeout_s=args.page_timeout,
        train_timeout_s=args.train_timeout, press_timeout_s=args.press_timeout,
        min_presses=args.min_presses, max_presses=args.max_presses,
    )  # fmt: skip


async def run_class(
    url: str, args: argparse.Namespace, budget_s: float, warmed: Callable[[], None]
) -> tuple[list[LearnerResult], float | None]:
    """All learners (websocket sessions, or contexts of one chromium), after the teacher's first page (its seconds,
    unless `--no-warm-up`; `warmed` is called after it); unfinished learners are cancelled at `budget_s`."""
    if args.clients == "websocket":
        return await _run_learners(url, args, budget_s, None, warmed)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            return await _run_learners(url, args, budget_s, browser, warmed)
        finally:
            await browser.close()


async def _run_learners(
    url: str, args: argparse.Namespace, budget_s: float, browser: Any, warmed: Callable[[], None]
) -> tuple[list[LearnerResult], float | None]:
    """The class itself: the same arrival and click pattern for every variant and either kind of client."""
    rng = random.Random(0)
    base = learner_plan(args, url)
    room = Classroom(args.learners)
    results = [LearnerResult(i) for i in range(args.learners)]
    first_page_s = None
    if not args.no_warm_up:
        first_page_s = await (
            workshop_ws_learner.open_first_page(url, args.page_timeout)
            if browser is None
            else workshop_learner.open_first_page(browser, url, args.page_timeout)
        )
    warmed()
    tasks = []
    for result in results:
        plan = replace(base, open_delay_s=result.index * args.open_stagger, click_jitter_s=rng.uniform(0, args.click_jitter))
        learner = (
            workshop_ws_learner.run_learner(url, result, plan, room)
            if browser is None
            else workshop_learner.run_learner(browser, result, plan, room)
        )
        tasks.append(asyncio.create_task(learner))
    _, pending = await asyncio.wait(tasks, timeout=budget_s)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for result in results:
        if result.error is None and (result.train_s is None or len(result.presses) < args.min_presses):
            result.error = result.error or f"cut off at the variant's bound of {budget_s:.0f} s"
    return results, first_page_s


async def measure(name: str, root: Path, args: argparse.Namespace, budget_s: float) -> VariantResult:
    """Start a fresh server of `root`, run the class against it while sampling memory, stop the server."""
    with tempfile.TemporaryDirectory(prefix="workshop-runs-") as data_dir:
        env = {"ANOMALY_LAB_DATA_DIR": data_dir}
        if args.workers is not None:
            env["ANOMALY_LAB_WORKERS"] = str(args.workers)
        started = time.perf_counter()
        process, url = start_server(env, root=root)
        log = ServerLog(process)
        memory = MemoryPeaks()
        sampler = asyncio.create_task(sample_memory(process.pid, memory))
        try:
            left_s = budget_s - (time.perf_counter() - started) - 15
            warmed = lambda: setattr(memory, "server_warm_mb", memory_mb(process.pid))  # noqa: E731
            client_cpu = time.process_time()
            learners, first_page_s = await run_class(url, args, left_s, warmed)
            client_cpu = time.process_time() - client_cpu
            runs = stored_runs(Path(data_dir) / "runs.sqlite3")
        finally:
            sampler.cancel()
            await asyncio.gather(sampler, return_exceptions=True)
            stop_server(process)
            log.close()
        return VariantResult(name, learners, memory, log, first_page_s, time.perf_counter() - started, client_cpu, runs)


def stored_runs(path: Path) -> list[tuple[float, float]]:
    """(seconds of pure training, seconds from created to settled) of every run the store kept (none in-thread)."""
    if not path.exists():
        return []
    with contextlib.closing(sqlite3.connect(path)) as db:
        return [(row[0], row[1] - row[2]) for row in db.execute("SELECT train_seconds, updated, created FROM runs")]


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (linear), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(result: VariantResult) -> dict[str, float | None]:
    """The numbers the report prints, by row name."""
    learners, runs = result.learners, result.runs
    train = [r.train_s for r in learners if r.train_s is not None]
    busy = [s for r in learners for s, others in r.presses if others > 0]
    every = [s for r in learners for s, _ in r.presses]
    n = len(learners)
    return {
        "learners trained": float(len(train)),
        "reached Evaluate with their model": float(sum(r.evaluate_model_ok for r in learners)),
        "first page on the fresh server (teacher), s": result.first_page_s,
        "Train page open, median s": statistics.median(o) if (o := [r.opened_s for r in learners if r.opened_s]) else None,
        "Train click → trained, median s": statistics.median(train) if train else None,
        "Train click → trained, p90 s": percentile(train, 90),
        "Train click → trained, max s": max(train) if train else None,
        "pure training per run (worker), median s": statistics.median(r[0] for r in runs) if runs else None,
        "run created → settled (store), median s": statistics.median(r[1] for r in runs) if runs else None,
        "run created → settled (store), p90 s": percentile([r[1] for r in runs], 90),
        "slider → new cards, others training: presses": float(len(busy)),
        "slider → new cards, others training: median s": statistics.median(busy) if busy else None,
        "slider → new cards, others training: p90 s": percentile(busy, 90),
        "slider → new cards, all presses: p90 s": percentile(every, 90),
        "slider presses with unchanged cards": float(sum(r.unchanged_presses for r in learners)),
        "slider presses timed out": float(sum(r.timed_out_presses for r in learners)),
        "server RSS at start, MB": result.memory.server_start_mb,
        "server RSS peak, MB": result.memory.server_peak_mb,
        "server RSS after the first page, MB": result.memory.server_warm_mb,
        "server RSS growth per session after it, MB": (result.memory.server_peak_mb - result.memory.server_warm_mb) / n,
        "workers RSS peak (all), MB": result.memory.workers_peak_mb,
        "workers peak count": float(result.memory.workers_peak_count),
        "chromium PSS peak, MB": result.memory.browser_peak_mb,
        "server CPU, s": result.memory.server_cpu_s,
        "workers CPU (all), s": result.memory.workers_cpu_s,
        "learners' clients CPU (this process), s": result.client_cpu_s,
        "server exceptions logged": float(result.log.exceptions),
        "variant wall time, s": result.wall_s,
    }


def format_value(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}"


def ratio(project: float | None, baseline: float | None) -> str:
    """project / baseline, or – when either is missing or the baseline is 0."""
    if project is None or baseline is None or baseline == 0:
        return "–"
    return f"{project / baseline:.2f}×"


def report(results: list[VariantResult], learners: int, clients: str) -> str:
    """Both variants side by side with the ratio this checkout / baseline, then the goals and each failure."""
    sums = {r.name: summary(r) for r in results}
    names = [r.name for r in results]
    lines = [f"Workshop on one server, {learners} learners ({clients})"]
    lines.append(f"{'':50}" + "".join(f"{n:>14}" for n in names) + ("   ratio" if len(names) == 2 else ""))
    for row in sums[names[0]]:
        values = [sums[n][row] for n in names]
        line = f"{row:50}" + "".join(f"{format_value(v):>14}" for v in values)
        lines.append(line + (f"   {ratio(values[0], values[1])}" if len(values) == 2 else ""))
    mine = sums[names[0]]
    lines.append(
        f"Goals ({names[0]}): {learners}/{learners} trained → {format_value(mine['learners trained'])}; "
        f"train p90 ≤ {GOAL_TRAIN_P90_S:.0f} s → {format_value(mine['Train click → trained, p90 s'])}; "
        f"slider p90 while others train ≤ {GOAL_SLIDER_P90_S:.0f} s → "
        f"{format_value(mine['slider → new cards, others training: p90 s'])}; "
        f"server peak ≤ {GOAL_SERVER_MB + GOAL_MB_PER_SESSION * learners:.0f} MB → {format_value(mine['server RSS peak, MB'])}"
    )
    for result in results:
        for learner in result.learners:
            if learner.error:
                lines.append(f"  {result.name} learner {learner.index}: {learner.error}")
        lines += [f"  {result.name} server: {line}" for line in result.log.exception_heads()]
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> list[VariantResult]:
    variants = [("this checkout", ROOT)]
    if args.baseline_checkout is not None:
        baseline = ("in-thread (baseline)", args.baseline_checkout.resolve())
        variants = [baseline, *variants] if args.baseline_first else [*variants, baseline]
    deadline = time.perf_counter() + args.max_seconds
    results = []
    for count, (name, root) in enumerate(variants):
        budget = (deadline - time.perf_counter()) / (len(variants) - count)
        results.append(await measure(name, root, args, budget))
    results.sort(key=lambda r: r.name != "this checkout")
    return results


def main() -> None:
    args = parse_args()
    kind = "Streamlit websocket clients" if args.clients == "websocket" else "real browser contexts in one chromium"
    print(report(asyncio.run(main_async(args)), args.learners, kind))


if __name__ == "__main__":
    main()
