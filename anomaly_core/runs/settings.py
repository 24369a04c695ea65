"""Where runs are kept and how they are trained, read from environment variables with documented defaults."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "ANOMALY_LAB_DATA_DIR"  # folder of the run store (default ./.anomaly-lab)
WORKERS_ENV = "ANOMALY_LAB_WORKERS"  # training processes per server (default: one per CPU core)
MAX_AGE_ENV = "ANOMALY_LAB_RUN_MAX_AGE_DAYS"  # runs older than this are deleted (default 14)
PER_SESSION_ENV = "ANOMALY_LAB_RUNS_PER_SESSION"  # newest runs kept per session (default 30)
TOTAL_ENV = "ANOMALY_LAB_RUNS_TOTAL"  # newest runs kept per server (default 2000)
DATABASE_URL_ENV = "ANOMALY_LAB_DATABASE_URL"  # postgresql://… keeps the runs in PostgreSQL (default: SQLite)


def _positive(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {text!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be above 0, got {text!r}")
    return value


@dataclass(frozen=True)
class RunSettings:
    """The run store's folder (or database URL), the worker count and the retention limits."""

    data_dir: Path
    workers: int
    max_age_days: float = 14.0
    runs_per_session: int = 30
    runs_total: int = 2000
    database_url: str | None = dataclasses.field(default=None, repr=False)  # may hold a password: kept out of repr

    @classmethod
    def from_env(cls) -> RunSettings:
        """Settings from the environment; ValueError names a variable with a bad value."""
        return cls(
            data_dir=Path(os.environ.get(DATA_DIR_ENV) or ".anomaly-lab").expanduser().resolve(),
            workers=int(_positive(WORKERS_ENV, float(os.cpu_count() or 1))),
            max_age_days=_positive(MAX_AGE_ENV, 14.0),
            runs_per_session=int(_positive(PER_SESSION_ENV, 30)),
            runs_total=int(_positive(TOTAL_ENV, 2000)),
            database_url=os.environ.get(DATABASE_URL_ENV, "").strip() or None,
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
