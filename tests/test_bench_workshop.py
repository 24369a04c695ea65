"""The workshop benchmark's command line and report helpers (no browser, no server, nothing timed)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_benchmark():
    spec = importlib.util.spec_from_file_location("bench_workshop", ROOT / "benchmarks" / "bench_workshop.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


bench = load_benchmark()


def test_defaults_are_thirty_learners_and_no_baseline() -> None:
    args = bench.parse_args([])
    assert (args.learners, args.baseline_checkout, args.no_warm_up, args.clients) == (30, None, False, "websocket")


@pytest.mark.parametrize("argv", [["--learners", "0"], ["--min-presses", "5", "--max-presses", "2"]])
def test_bad_counts_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        bench.parse_args(argv)


def test_a_baseline_checkout_needs_an_app(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        bench.parse_args(["--baseline-checkout", str(tmp_path)])
    (tmp_path / "app.py").write_text("")
    assert bench.parse_args(["--baseline-checkout", str(tmp_path), "--learners", "3"]).learners == 3


def test_percentile_is_numpys_linear_one() -> None:
    values = [3.0, 1.0, 4.0, 1.5, 9.0, 2.6]
    assert bench.percentile(values, 90) == pytest.approx(np.percentile(values, 90))
    assert bench.percentile([], 90) is None


def variant(name: str, train_s: list[float | None], error: str | None = None):
    learners = [bench.LearnerResult(i, opened_s=1.0, train_s=t) for i, t in enumerate(train_s)]
    learners[0].presses = [(0.2, 3), (0.4, 0)]
    learners[-1].error = error
    memory = bench.MemoryPeaks(server_start_mb=70.0, server_peak_mb=400.0)
    log = bench.ServerLog(subprocess.Popen([sys.executable, "-c", "pass"], stderr=subprocess.PIPE))
    log.close()
    return bench.VariantResult(name, learners, memory, log, first_page_s=3.0, wall_s=60.0)


def test_report_puts_both_variants_side_by_side_with_ratios_and_failures() -> None:
    project = variant("this checkout", [2.0, 4.0])
    baseline = variant("in-thread (baseline)", [8.0, None], error="cut off")
    text = bench.report([project, baseline], learners=2, clients="Streamlit websocket clients")
    assert text.splitlines()[0] == "Workshop on one server, 2 learners (Streamlit websocket clients)"
    trained = next(line for line in text.splitlines() if line.startswith("learners trained"))
    assert trained.split()[-3:] == ["2.00", "1.00", "2.00×"]
    median = next(line for line in text.splitlines() if line.startswith("Train click → trained, median"))
    assert median.split()[-1] == "0.38×"  # 3 s against 8 s
    assert "in-thread (baseline) learner 1: cut off" in text


def test_server_log_keeps_the_exception_line_of_each_traceback() -> None:
    script = "import sys; sys.stderr.write('Traceback (most recent call last):\\n  File x\\nValueError: boom\\nok\\n')"
    log = bench.ServerLog(subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE))
    log.close()
    assert (log.exceptions, log.exception_heads()) == (1, ["ValueError: boom"])
