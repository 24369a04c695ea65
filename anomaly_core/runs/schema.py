"""The run store's SQL schema, versioned with SQLite's `user_version`: each step upgrades one version."""

from __future__ import annotations

import sqlite3

from .records import StoreError

SCHEMA_VERSION = 2
STEPS = {
    1: (
        "CREATE TABLE sessions (token TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL, state TEXT NOT NULL)",
        "CREATE TABLE runs (id TEXT PRIMARY KEY, session TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, "
        "status TEXT NOT NULL, target_epochs INTEGER NOT NULL, epochs INTEGER NOT NULL DEFAULT 0, "
        "checkpoint_epoch INTEGER NOT NULL DEFAULT 0, message TEXT, train_seconds REAL NOT NULL DEFAULT 0, device TEXT, "
        "metrics TEXT, worker TEXT, heartbeat REAL, stop_requested INTEGER NOT NULL DEFAULT 0, "
        "created REAL NOT NULL, updated REAL NOT NULL, queued_at REAL NOT NULL)",
        "CREATE INDEX runs_by_session ON runs (session, created)",
        "CREATE INDEX runs_by_status ON runs (status, queued_at)",
        "CREATE TABLE epochs (run_id TEXT NOT NULL, epoch INTEGER NOT NULL, steps INTEGER NOT NULL, train_loss REAL, "
        "val_loss REAL, seconds REAL NOT NULL, eval_seconds REAL NOT NULL, test_scores BLOB, PRIMARY KEY (run_id, epoch))",
    ),
    2: (  # sweeps: a sweep's runs queue together; `backend` says who trains a run (the local pool or a Ray cluster)
        "CREATE TABLE sweeps (id TEXT PRIMARY KEY, session TEXT NOT NULL, plan TEXT NOT NULL, created REAL NOT NULL)",
        "ALTER TABLE runs ADD COLUMN sweep_id TEXT",
        "ALTER TABLE runs ADD COLUMN backend TEXT NOT NULL DEFAULT 'local'",
        "CREATE INDEX runs_by_sweep ON runs (sweep_id)",
    ),
}


def migrate(db: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION inside the caller's transaction; refuse a newer database."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the run store was written by a newer Anomaly Lab (schema {version}, this one knows {SCHEMA_VERSION}); "
            "update the app or point ANOMALY_LAB_DATA_DIR at another folder"
        )
    for step in range(version + 1, SCHEMA_VERSION + 1):
        for statement in STEPS[step]:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {step}")
