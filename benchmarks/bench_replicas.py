"""Replicas and the PostgreSQL run store, measured on this machine (everything on 127.0.0.1, bounded in count).

Run: `.venv/bin/python benchmarks/bench_replicas.py`. Prints three tables:
1. claims/s of the run store (SQLite vs PostgreSQL): 8 threads drain 400 queued runs;
2. a 30-learner workshop's training: 30 default runs (40 epochs) drained by the worker pools of 1 replica
   (2 workers) vs 2 replicas (1 worker each) — the same 2 cores either way;
3. page loads through nginx with 1 vs 2 replicas: 30 learners (own cookie each) load the app page 20 times.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from anomaly_core.config import DataConfig, ModelConfig, TrainConfig  # noqa: E402
from anomaly_core.runs import RunSettings, RunSpec  # noqa: E402
from anomaly_core.runs.pool import WorkerPool  # noqa: E402
from anomaly_core.runs.store import RunStore, open_store  # noqa: E402
from deploy.workshop import create_database, start_stack, stop_stack  # noqa: E402
from harness.app_server import free_port  # noqa: E402
from harness.postgres import start_postgres, stop_postgres  # noqa: E402

SPEC = RunSpec(ModelConfig(), TrainConfig(), DataConfig())
LEARNERS, PAGE_LOADS, CLAIM_RUNS, CLAIMERS = 30, 20, 400, 8


def claims_per_second(store: RunStore) -> float:
    for _ in range(CLAIM_RUNS):
        store.create_run(store.create_session(), "Run", SPEC, 1)
    barrier = threading.Barrier(CLAIMERS)

    def drain(worker: int) -> int:
        barrier.wait()
        taken = 0
        while store.claim_next(f"bench:{worker}") is not None:
            taken += 1
        return taken

    started = time.perf_counter()
    with ThreadPoolExecutor(CLAIMERS) as pool:
        assert sum(pool.map(drain, range(CLAIMERS))) == CLAIM_RUNS
    return CLAIM_RUNS / (time.perf_counter() - started)


def workshop_training(settings: RunSettings, pools: int, workers: int) -> tuple[float, float]:
    """Seconds until 30 submitted runs have all finished, and the median wait of a learner."""
    store = open_store(settings)
    started_pools = [WorkerPool(settings, store, workers) for _ in range(pools)]
    time.sleep(6)  # workers import torch and load the data before they claim
    try:
        started = time.perf_counter()
        tokens = [store.create_session() for _ in range(LEARNERS)]
        runs = [(token, store.create_run(token, "Run", SPEC, 40).id) for token in tokens]
        done: dict[str, float] = {}
        while len(done) < LEARNERS:
            for token, run_id in runs:
                if run_id not in done and not store.get_run(token, run_id).active:
                    done[run_id] = time.perf_counter() - started
            time.sleep(0.1)
        return max(done.values()), statistics.median(done.values())
    finally:
        for pool in started_pools:
            pool.close()


def page_loads(url: str) -> tuple[float, float, float]:
    """Requests/s, p50 and p99 ms of 30 learners each loading the page 20 times through nginx."""
    latencies: list[float] = []

    def learner(_: int) -> None:
        with httpx.Client(timeout=10) as client:  # its own cookie jar: its own sticky key
            for _ in range(PAGE_LOADS):
                begun = time.perf_counter()
                client.get(url).raise_for_status()
                latencies.append(time.perf_counter() - begun)

    started = time.perf_counter()
    with ThreadPoolExecutor(LEARNERS) as pool:
        list(pool.map(learner, range(LEARNERS)))
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100)
    return len(latencies) / elapsed, quantiles[49] * 1000, quantiles[98] * 1000


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="anomaly-lab-bench-"))
    server = start_postgres(scratch / "postgres")
    try:
        postgres = RunSettings(scratch / "runs", 1, database_url=create_database(server))
        sqlite = RunSettings(scratch / "sqlite", 1)
        print("store       claims/s (8 threads, 400 runs)")
        for name, settings in (("sqlite", sqlite), ("postgresql", postgres)):
            print(f"{name:<11} {claims_per_second(open_store(settings)):8.0f}")
        print("\nreplicas x workers   30 runs trained (s)   median learner waits (s)")
        for pools, workers in ((1, 2), (2, 1)):
            total, median = workshop_training(postgres, pools, workers)
            print(f"{pools} x {workers}                {total:8.1f}              {median:8.1f}")
    finally:
        stop_postgres(server)
    print("\nreplicas   page loads/s   p50 ms   p99 ms   (30 learners x 20 loads through nginx)")
    for replicas in (1, 2):
        state = scratch / f"stack-{replicas}"
        stack = start_stack(state, replicas, free_port())
        try:
            rate, p50, p99 = page_loads(stack["url"])
            print(f"{replicas}          {rate:10.0f}   {p50:6.1f}   {p99:6.1f}")
        finally:
            stop_stack(state)


if __name__ == "__main__":
    main()
