"""Durable training runs: a run store (SQLite by default) and worker processes that train queued runs."""

from .records import EpochRecord, RunConflict, RunNotFound, RunRecord, RunSpec, StoreError, SweepRecord
from .settings import RunSettings
from .sqlite_store import SQLiteRunStore
from .store import RunStore

__all__ = [
    "EpochRecord",
    "RunConflict",
    "RunNotFound",
    "RunRecord",
    "RunSettings",
    "RunSpec",
    "RunStore",
    "SQLiteRunStore",
    "StoreError",
    "SweepRecord",
]
