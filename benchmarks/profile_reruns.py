"""Where a rerun's server time goes: cProfile over AppTest reruns of one interaction, top functions by cumulative time.

Run from the repository root: `.venv/bin/python benchmarks/profile_reruns.py evaluate` (or home, draw, bend, switch);
`--moves 20 --top 30`. AppTest runs the scripts in this process without a browser, so this shows the server's share
of an interaction (bench_latency.py measures the whole round trip in chromium).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.runtime.scriptrunner import script_runner  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

SLIDERS = {
    "evaluate": ("pages/evaluate.py", "eval_threshold_slider"),
    "home": ("pages/home.py", "home_threshold_slider"),
    "draw": ("pages/draw.py", "draw_threshold_slider"),
    "bend": ("pages/draw.py", "draw_bend_spike_height"),
}
SWITCH_PAGES = ("pages/data.py", "pages/train.py", "pages/evaluate.py", "pages/draw.py", "pages/compare.py",
                "pages/teacher.py", "pages/home.py")  # fmt: skip


def slider_moves(page: str, key: str, moves: int) -> tuple[AppTest, list[Callable[[], None]]]:
    """The page opened, and one action per move that sets the slider a step further and reruns."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=120).run()
    slider = at.slider(key=key)
    low, high = float(slider.min), float(slider.max)
    start = float(slider.value if not isinstance(slider.value, tuple) else slider.value[0])
    values = [start + (high - low) * 0.002 * (i + 1) for i in range(moves)]
    return at, [lambda v=value: at.slider(key=key).set_value(v).run() for value in values]


def page_switches(moves: int) -> tuple[AppTest, list[Callable[[], None]]]:
    """The app opened on Home, and one action per switch to the next page in the sidebar's order."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    for page in SWITCH_PAGES:  # first visits fill the caches; what is profiled are later visits
        at.switch_page(page).run()
    pages = [SWITCH_PAGES[i % len(SWITCH_PAGES)] for i in range(moves)]
    return at, [lambda p=page: at.switch_page(p).run() for page in pages]


def profile_script_runs(profiler: cProfile.Profile, active: list[bool]) -> None:
    """Profile the script thread: AppTest runs each script run on a thread of its own, which cProfile does not follow."""
    original = script_runner.ScriptRunner._run_script

    def run(self, *args, **kwargs):
        if not active[0]:
            return original(self, *args, **kwargs)
        profiler.enable()
        try:
            return original(self, *args, **kwargs)
        finally:
            profiler.disable()

    script_runner.ScriptRunner._run_script = run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=(*SLIDERS, "switch"))
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("ANOMALY_LAB_DATA_DIR", tempfile.mkdtemp(prefix="anomaly-lab-profile-"))
    profiler, times, active = cProfile.Profile(), [], [False]  # opening the page is not profiled
    profile_script_runs(profiler, active)
    at, actions = page_switches(args.moves) if args.what == "switch" else slider_moves(*SLIDERS[args.what], args.moves)
    active[0] = True
    for action in actions:
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    print(f"{args.what}: {len(times)} reruns, median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
