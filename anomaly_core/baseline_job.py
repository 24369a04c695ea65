"""The classical baselines fitted in a fresh interpreter, so a long-lived process never loads scikit-learn.

`fit_baselines_apart(split)` runs `python -m anomaly_core.baseline_job`, which reads the split's rows and writes the
results back, both as numpy's .npz (no pickle) on stdin and stdout. The app's server uses it: scikit-learn would
stay in its memory (~80 MB) for good after one visit to the Compare page.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from .baselines import BASELINE_LABELS, BASELINES, BaselineResult, fit_baseline
from .data import EcgSplit

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # the folder holding anomaly_core, for `python -m`
BACKGROUND_NICENESS = 10  # a fit nobody waits for yet yields the cores to the pages being drawn
TIMEOUT_SECONDS = 600.0


def _npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def fit_baselines_apart(split: EcgSplit, *, seed: int = 0, background: bool = False) -> list[BaselineResult]:
    """`run_baselines(split, seed=seed)`, computed in a child process (at a lower priority when `background`)."""
    command = [sys.executable, "-m", "anomaly_core.baseline_job", *(["--background"] if background else [])]
    rows = _npz(x_train=split.x_train, x_test=split.x_test, seed=np.array(seed))
    done = subprocess.run(command, input=rows, capture_output=True, cwd=PACKAGE_ROOT, timeout=TIMEOUT_SECONDS, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"fitting the baselines failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return read_results(done.stdout)


def write_results(results: list[BaselineResult]) -> bytes:
    """Results as .npz bytes: per baseline its test scores and [fit s, score s, stored values]."""
    arrays = {}
    for result in results:
        arrays[f"{result.name}_scores"] = result.test_scores
        arrays[f"{result.name}_numbers"] = np.array([result.fit_seconds, result.score_seconds, result.stored_values])
    return _npz(**arrays)


def read_results(data: bytes) -> list[BaselineResult]:
    """The results `write_results` wrote, in BASELINES order."""
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        results = []
        for name in BASELINES:
            fit_seconds, score_seconds, stored = arrays[f"{name}_numbers"].tolist()
            results.append(BaselineResult(name, BASELINE_LABELS[name], arrays[f"{name}_scores"], fit_seconds,
                                          score_seconds, int(stored)))  # fmt: skip
    return results


def main(argv: list[str]) -> None:
    """Read the rows from stdin, fit every baseline, write the results to stdout."""
    if "--background" in argv:
        os.nice(BACKGROUND_NICENESS)
    with np.load(io.BytesIO(sys.stdin.buffer.read()), allow_pickle=False) as rows:
        x_train, x_test, seed = rows["x_train"], rows["x_test"], int(rows["seed"])
    results = [fit_baseline(name, x_train, x_test, seed=seed) for name in BASELINES]
    sys.stdout.buffer.write(write_results(results))


if __name__ == "__main__":
    main(sys.argv[1:])
