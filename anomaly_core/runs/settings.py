"""Where runs are kept and how they are trained, read from environment variables with documented defaults."""

from __future__ import annotations

import dataclasses
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

from .records import MAX_SWEEP_RUNS

DATA_DIR_ENV = "ANOMALY_LAB_DATA_DIR"  # folder of the run store (default ./.anomaly-lab)
WORKERS_ENV = "ANOMALY_LAB_WORKERS"  # training processes per server (default: one per CPU core)
MAX_AGE_ENV = "ANOMALY_LAB_RUN_MAX_AGE_DAYS"  # runs older than this are deleted (default 14)
PER_SESSION_ENV = "ANOMALY_LAB_RUNS_PER_SESSION"  # newest runs kept per session (default 30)
TOTAL_ENV = "ANOMALY_LAB_RUNS_TOTAL"  # newest runs kept per server (default 2000)
SWEEP_RUNS_ENV = "ANOMALY_LAB_SWEEP_RUNS_PER_SESSION"  # sweep runs one session may have waiting or training (default 200)
DATABASE_URL_ENV = "ANOMALY_LAB_DATABASE_URL"  # postgresql://… keeps the runs in PostgreSQL (default: SQLite)
RAY_ADDRESS_ENV = "ANOMALY_LAB_RAY_ADDRESS"  # host:port of a Ray cluster's head: sweeps train there (default: unset, local)
RAY_CPUS_ENV = "ANOMALY_LAB_RAY_CPUS_PER_RUN"  # CPUs a sweep run reserves on the cluster (default 1; fractions allowed)
RAY_GPUS_ENV = "ANOMALY_LAB_RAY_GPUS_PER_RUN"  # GPUs a sweep run reserves on the cluster (default 0; fractions allowed)


def _positive(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a number above 0, got {text!r}")
    return value


def _non_negative(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    try:
        zero = bool(text) and float(text) == 0
    except ValueError:
        zero = False  # _positive names the bad value
    return 0.0 if zero else _positive(name, default)


@dataclass(frozen=True)
class RunSettings:
    """The run store's folder (or database URL), the worker count and the retention limits."""

    data_dir: Path
    workers: int
    max_age_days: float = 14.0
    runs_per_session: int = 30
    runs_total: int = 2000
    sweep_runs_per_session: int = MAX_SWEEP_RUNS
    database_url: str | None = dataclasses.field(default=None, repr=False)  # may hold a password: kept out of repr
    ray_address: str | None = None  # None: sweeps train on the local worker pool
    ray_cpus_per_run: float = 1.0
    ray_gpus_per_run: float = 0.0

    @classmethod
    def from_env(cls) -> RunSettings:
        """Settings from the environment; ValueError names a variable with a bad value."""
        return cls(
            data_dir=Path(os.environ.get(DATA_DIR_ENV) or ".anomaly-lab").expanduser().resolve(),
            workers=int(_positive(WORKERS_ENV, float(os.cpu_count() or 1))),
            max_age_days=_positive(MAX_AGE_ENV, 14.0),
            runs_per_session=int(_positive(PER_SESSION_ENV, 30)),
            runs_total=int(_positive(TOTAL_ENV, 2000)),
            sweep_runs_per_session=int(_positive(SWEEP_RUNS_ENV, MAX_SWEEP_RUNS)),
            database_url=os.environ.get(DATABASE_URL_ENV, "").strip() or None,
            ray_address=os.environ.get(RAY_ADDRESS_ENV, "").strip() or None,
            ray_cpus_per_run=_positive(RAY_CPUS_ENV, 1.0),
            ray_gpus_per_run=_non_negative(RAY_GPUS_ENV, 0.0),
        )

    def to_json(self) -> str:
        """The settings as one JSON string (how the pool hands them to a worker process), without the database URL:
        a command line is visible to every user, so the pool passes the URL in the worker's environment."""
        values = {**dataclasses.asdict(self), "data_dir": str(self.data_dir)}
        values.pop("database_url")
        return json.dumps(values)

    @classmethod
    def from_json(cls, text: str) -> RunSettings:
        """Settings from `to_json`, with the database URL from the environment."""
        values = json.loads(text)
        url = os.environ.get(DATABASE_URL_ENV, "").strip() or None
        return cls(**{**values, "data_dir": Path(values["data_dir"]), "database_url": url})
