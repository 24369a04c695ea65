"""Time the guided tour as a learner walks it: Home → start → data → train → threshold → draw → break it → done.

Run from the repository root: `.venv/bin/python benchmarks/bench_tour.py [--runs N]`. Prints the seconds of each
stage (waiting and clicking, two trainings of 40 epochs included) and the total. Goal (issue 22): ≤ 180 s on the
2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.app_server import start_server, stop_server  # noqa: E402
from harness.browser import launch_chromium  # noqa: E402
from harness.tour_walk import walk_tour  # noqa: E402

GOAL_SECONDS = 180.0


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="tours to walk, each in a fresh browser session")
    args = parser.parse_args()
    process, url = start_server()
    totals = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for run in range(1, args.runs + 1):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                stages = walk_tour(context.new_page(), url)
                context.close()
                totals.append(stages["total"])
                print(f"run {run}: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stages.items()))
            browser.close()
    finally:
        stop_server(process)
    median = statistics.median(totals)
    share = median / GOAL_SECONDS
    print(f"tour total: median {median:.1f} s over {len(totals)} runs (goal ≤ {GOAL_SECONDS:.0f} s: {share:.2f}× of it)")


if __name__ == "__main__":
    main()
