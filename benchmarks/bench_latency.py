"""Every interaction against the floor: the project and a minimal Streamlit app, interleaved in one real chromium.

Run from the repository root: `.venv/bin/python benchmarks/bench_latency.py` (about 10 minutes). `--only sliders,switch`
picks sections (cold, sliders, draw, switch, train, memory) and `--sliders home,draw` some of the sliders;
`--rounds 2 --presses 4 --runs 1` is a quick look; `--before DIR` also measures another checkout of the project
(e.g. `git archive <commit> | tar -x -C DIR`) in the same rounds, so a change is measured before and after under the same load.
The floor (`benchmarks/floor_app`) is the smallest Streamlit app with the same kinds of update: one slider → one
metric, one slider → one plotly chart (or more: `chart?charts=2`, `=5`). Rounds alternate floor and project, and every row
prints medians, p90 and the ratio to the floor measured in the same run (these machines are shared: an absolute
time alone means little).
Targets (issue 18, 2 cores): slider → cards median ≤ 1.3× and p90 ≤ 1.5× the floor; → charts redrawn and the rerun
finished median ≤ 2× (Home, Evaluate, Draw threshold and bend sliders); Draw mouse-up → verdict ≤ 2× the floor's slider
round trip; page switch ≤ 0.5 s median; cold start → Home interactive ≤ 3 s; Train click → trained page idle ≤ pure
training + 0.5 s (the floor of that overhead: the floor app's button click round trip); one session opening every page
and training ≤ 450 MB server RSS. Page switches also print when the server's last message came (the rest is the
browser drawing the page).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from latency_interactions import Row, slider_rows, stroke_row, switch_rows, train_rows  # noqa: E402
from latency_probe import median, p90  # noqa: E402
from latency_servers import FLOOR, App, checkout, cold_start_seconds, running, session_memory, wait_healthy  # noqa: E402

from harness.browser import launch_chromium  # noqa: E402


def cold_rows(browser: Any, apps: list[App], runs: int) -> list[Row]:
    """Fresh server → first page interactive, the apps alternating."""
    times: dict[str, list[float]] = {app.name: [] for app in apps}
    for _ in range(runs):
        for app in apps:
            times[app.name].append(cold_start_seconds(browser, app))
    return [Row("Cold start → Home interactive (s)", times, "median ≤ 3 s", "s")]


def memory_rows(browser: Any, apps: list[App]) -> list[Row]:
    """One session that opens every page (and trains on the project): the server's RSS."""
    memory = {app.name: session_memory(browser, app) for app in apps}
    return [
        Row("Server RSS, one session on every page + training (MB)", {n: [m.server_mb] for n, m in memory.items()},
            "≤ 450 MB", "MB"),
        Row("    server peak RSS (MB)", {n: [m.server_peak_mb] for n, m in memory.items()}, unit="MB"),
        Row("    training workers' RSS, all together (MB)", {n: [m.workers_mb] for n, m in memory.items()}, unit="MB"),
    ]  # fmt: skip


def interactive_rows(
    browser: Any, apps: list[App], sections: set[str], args: argparse.Namespace, emit: Callable[[list[Row]], None]
) -> None:
    """The rows measured on one long-lived server of each app, each section's handed to `emit` as it ends."""
    with ExitStack() as stack:
        urls = {}
        for app in apps:
            process, url = stack.enter_context(running(app))
            wait_healthy(url, process)
            urls[app.name] = url
        if "sliders" in sections:
            emit(slider_rows(browser, urls, args.rounds, args.presses, args.sliders))
        if "draw" in sections:
            emit([stroke_row(browser, urls, 4 * args.runs)])
        if "switch" in sections:
            emit(switch_rows(browser, urls, args.runs))
        if "train" in sections:
            emit(train_rows(browser, urls, 2 * args.runs))


def _cell(values: list[float], digits: int) -> str:
    return f"{median(values):.{digits}f} / {p90(values):.{digits}f}" if values else "–"


def _ratio(values: list[float], floor: list[float]) -> str:
    if not values or not floor or min(median(floor), p90(floor)) <= 0:
        return "–"
    return f"{median(values) / median(floor):.2f}× / {p90(values) / p90(floor):.2f}×"


def print_header(names: list[str]) -> None:
    others = [n for n in names if n != "floor"]
    print(f"\n{'interaction':58} {'floor':>15}" + "".join(f" {n:>15} {'÷ floor':>15}" for n in others) + "  target")
    print("cells: median / p90 (ms unless the row says otherwise); ÷ floor: the ratio of medians / of p90s", flush=True)


def print_rows(rows: list[Row], names: list[str]) -> None:
    """Medians / p90 per app, and each project checkout's ratio to the floor (printed as each section ends)."""
    others = [n for n in names if n != "floor"]
    for row in rows:
        digits = 0 if row.unit in ("ms", "MB") else 2
        floor = row.samples.get("floor", [])
        cells = "".join(f" {_cell(row.samples.get(n, []), digits):>15} {_ratio(row.samples.get(n, []), floor):>15}"
                        for n in others)  # fmt: skip
        count = max(len(v) for v in row.samples.values()) if row.samples else 0
        print(f"{row.name[:58]:58} {_cell(floor, digits):>15}{cells}  {row.target} (n={count})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="cold,sliders,draw,switch,train,memory", help="sections, comma-separated")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per slider (default 4)")
    parser.add_argument("--presses", type=int, default=8, help="key presses per round (default 8)")
    parser.add_argument("--sliders", default="", help="only the sliders whose name has one of these words (home,draw)")
    parser.add_argument("--runs", type=int, default=3, help="cold starts per app; strokes: 4×, Train clicks: 2× this")
    parser.add_argument("--before", type=Path, help="another checkout of the project, measured in the same rounds")
    parser.add_argument("--project", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    args = parser.parse_args()
    sections = set(args.only.split(","))
    apps = [FLOOR, *([checkout("before", args.before)] if args.before else []), checkout("project", args.project)]
    from playwright.sync_api import sync_playwright

    names = [app.name for app in apps]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores", flush=True)
    print_header(names)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        if "cold" in sections:
            print_rows(cold_rows(browser, apps, args.runs), names)
        if sections & {"sliders", "draw", "switch", "train"}:
            interactive_rows(browser, apps, sections, args, lambda rows: print_rows(rows, names))
        if "memory" in sections:
            print_rows(memory_rows(browser, apps), names)
        browser.close()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
