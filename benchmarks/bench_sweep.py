"""Sweep speed: 24 runs of the default model (6 bottleneck sizes × 4 seeds) on the local pool with 1 worker,
with 2 workers, and on the Ray backend, in one script; wall time each, speed-ups and the overhead per run. Then the
ready-made contamination sweep (default model, 3 seeds) on 2 local workers: our AUCs beside Anomagram's.

Run: `.ci/with_ray_head.sh .venv/bin/python benchmarks/bench_sweep.py [EPOCHS]` (a local Ray head in a
loopback-only namespace); without ANOMALY_LAB_RAY_ADDRESS the Ray line is skipped. Each backend is warmed up
with one run per lane first (worker start-up, data loading, Ray's code upload are not counted: Ray starts a
lane's worker only when a run first needs it, the local pool starts all its workers at once).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anomaly_core import DataConfig, ModelConfig, TrainConfig
from anomaly_core.runs import RunRecord, RunSettings, RunSpec, SQLiteRunStore
from anomaly_core.runs.pool import WorkerPool
from anomaly_core.sweeps import ANOMAGRAM_AUC, READY_SWEEPS, SweepPlan, summarize_by, sweep_rows
from anomaly_core.sweeps.service import start_sweep, wait_for_sweep


def timed_sweep(settings: RunSettings, workers: int, plan: SweepPlan, lanes: int) -> tuple[float, list[RunRecord]]:
    """(wall seconds, runs) of `plan` after a warm-up of one run per lane (`lanes` runs at once)."""
    store = SQLiteRunStore(settings)
    pool = WorkerPool(settings, store, workers)
    try:
        warm_token = store.create_session()
        warm = start_sweep(store, settings, warm_token, dataclasses.replace(plan, grid=(("latent_size", (3,)),), seeds=lanes))
        wait_for_sweep(store, warm_token, warm.id, timeout_seconds=600)
        token = store.create_session()
        started = time.perf_counter()
        sweep = start_sweep(store, settings, token, plan)
        runs = wait_for_sweep(store, token, sweep.id, timeout_seconds=1800)
        wall = time.perf_counter() - started
    finally:
        pool.close()
    return wall, runs


def contamination(base: RunSpec) -> None:
    """The contamination lesson's sweep on 2 local workers: mean ± std AUC over seeds beside Anomagram's AUC."""
    plan = READY_SWEEPS["contamination"].plan(base)
    with tempfile.TemporaryDirectory() as folder:
        wall, runs = timed_sweep(RunSettings(data_dir=Path(folder), workers=2), 2, plan, 2)
    print(f"contamination sweep: {plan.size} runs ({plan.seeds} seeds) in {wall:.1f} s on 2 local workers")
    for summary in summarize_by(plan, sweep_rows(plan, runs), "auc"):
        fraction = summary.values[0]
        theirs = f"Anomagram {ANOMAGRAM_AUC[fraction]:.2f}" if fraction in ANOMAGRAM_AUC else "Anomagram -"
        print(f"  {fraction * 100:3.0f} % abnormal: AUC {summary.mean:.3f} ± {summary.std:.3f} ({summary.count} runs)  {theirs}")


def main() -> None:
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else TrainConfig().epochs
    base = RunSpec(ModelConfig(), TrainConfig(epochs=epochs, device="cpu"), DataConfig())
    plan = SweepPlan.from_text(base, {"latent_size": "1, 2, 4, 8, 16, 32"}, seeds=4)
    address = os.environ.get("ANOMALY_LAB_RAY_ADDRESS")
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{plan.size} runs of the default model, {epochs} epochs each, {os.cpu_count()} cores, load average {load}")
    results: dict[str, float] = {}
    for name, workers, ray in (("local, 1 worker", 1, None), ("local, 2 workers", 2, None), ("Ray (2 CPUs)", 0, address)):
        if name.startswith("Ray") and ray is None:
            print("Ray: skipped (no ANOMALY_LAB_RAY_ADDRESS)")
            continue
        with tempfile.TemporaryDirectory() as folder:
            settings = RunSettings(data_dir=Path(folder), workers=max(1, workers), ray_address=ray)
            lanes = workers or 2  # the Ray head has 2 CPUs, one per run
            wall, runs = timed_sweep(settings, workers, plan, lanes)
        results[name] = wall
        trained, done = sum(r.train_seconds for r in runs), sum(r.status == "finished" for r in runs)
        overhead = (wall * lanes - trained) / plan.size
        print(f"{name:18s} wall {wall:7.1f} s  training {trained:7.1f} s  {done}/{plan.size} finished  "
              f"overhead {overhead * 1000:6.0f} ms per run")  # fmt: skip
    one, two = results["local, 1 worker"], results["local, 2 workers"]
    print(f"2 workers vs 1: {one / two:.2f}x faster (goal >= 1.8x)")
    if "Ray (2 CPUs)" in results:
        print(f"Ray vs local 2 workers: {results['Ray (2 CPUs)'] / two:.2f}x the wall time (goal <= 1.3x)")
    contamination(base)


if __name__ == "__main__":
    main()
