"""The PostgreSQL run store's schema, versioned in a one-row `schema_version` table: each step upgrades one version.

To extend it, add the next step to STEPS and raise SCHEMA_VERSION; never edit a shipped step.
Replicas starting together migrate one at a time (a transaction-scoped advisory lock).
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import tuple_row

from .records import StoreError

SCHEMA_VERSION = 2
MIGRATION_LOCK = 51_400_001  # any constant: the advisory lock every migrating replica takes
STEPS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE sessions (token TEXT PRIMARY KEY, created DOUBLE PRECISION NOT NULL, "
        "updated DOUBLE PRECISION NOT NULL, state TEXT NOT NULL)",
        "CREATE TABLE runs (id TEXT PRIMARY KEY, session TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, "
        "status TEXT NOT NULL, target_epochs INTEGER NOT NULL, epochs INTEGER NOT NULL DEFAULT 0, "
        "checkpoint_epoch INTEGER NOT NULL DEFAULT 0, message TEXT, train_seconds DOUBLE PRECISION NOT NULL DEFAULT 0, "
        "device TEXT, metrics TEXT, worker TEXT, heartbeat DOUBLE PRECISION, stop_requested BOOLEAN NOT NULL DEFAULT FALSE, "
        "created DOUBLE PRECISION NOT NULL, updated DOUBLE PRECISION NOT NULL, queued_at DOUBLE PRECISION NOT NULL)",
        "CREATE INDEX runs_by_session ON runs (session, created)",
        "CREATE INDEX runs_by_status ON runs (status, queued_at)",
        "CREATE TABLE epochs (run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, epoch INTEGER NOT NULL, "
        "steps INTEGER NOT NULL, train_loss DOUBLE PRECISION, val_loss DOUBLE PRECISION, seconds DOUBLE PRECISION NOT NULL, "
        "eval_seconds DOUBLE PRECISION NOT NULL, test_scores BYTEA, PRIMARY KEY (run_id, epoch))",
        "CREATE TABLE checkpoints (run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE, "
        "epoch INTEGER NOT NULL, data BYTEA NOT NULL)",
    ),
    2: (  # sweeps: a sweep's runs queue together; `backend` says who trains a run (the local pool or a Ray cluster)
        "CREATE TABLE sweeps (id TEXT PRIMARY KEY, session TEXT NOT NULL, plan TEXT NOT NULL, created DOUBLE PRECISION NOT NULL)",
        "CREATE INDEX sweeps_by_session ON sweeps (session, created)",
        "ALTER TABLE runs ADD COLUMN sweep_id TEXT",
        "ALTER TABLE runs ADD COLUMN backend TEXT NOT NULL DEFAULT 'local'",
        "CREATE INDEX runs_by_sweep ON runs (sweep_id)",
    ),
}


def schema_version(db: psycopg.Connection[Any]) -> int:
    """The database's schema version (0 when it has none yet)."""
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = db.cursor(row_factory=tuple_row).execute("SELECT version FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(db: psycopg.Connection[Any]) -> None:
    """Bring the schema up to SCHEMA_VERSION in one transaction; refuse a database written by a newer app."""
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        version = schema_version(db)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the runs database was written by a newer Anomaly Lab (schema {version}, this one knows {SCHEMA_VERSION}); "
                "update the app or point ANOMALY_LAB_DATABASE_URL at another database"
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            for statement in STEPS[step]:
                db.execute(statement)
        if version < SCHEMA_VERSION:
            db.execute("DELETE FROM schema_version")
            db.execute("INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION,))
