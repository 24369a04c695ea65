"""The workers' side of the PostgreSQL run store: claim queued runs (FOR UPDATE SKIP LOCKED), record epochs and
checkpoints (in the database: replicas share no files), settle outcomes."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from .pg_base import NOW, Connection, PostgresDatabase
from .records import RUN_COLUMNS, Backend, EpochRecord, RunRecord, RunStatus, record_from_row
from .sweep_side import EMPTY_OLD_SWEEPS, QUEUE_ORDER

DAY_SECONDS = 86_400.0
TRIM_EPOCHS = "DELETE FROM epochs WHERE run_id = %s AND epoch > (SELECT checkpoint_epoch FROM runs WHERE id = %s)"


def _settle(db: Connection, where: str, args: Sequence[object], status: RunStatus, message: str) -> int:
    """End training runs matching `where` at their last checkpoint: later epochs are dropped, the weights kept."""
    rows = db.execute(f"SELECT id FROM runs WHERE status = 'training' AND {where} FOR UPDATE", args).fetchall()
    for row in rows:
        db.execute(TRIM_EPOCHS, (row["id"], row["id"]))
        db.execute(
            f"UPDATE runs SET status = %s, message = %s, epochs = checkpoint_epoch, worker = NULL, updated = {NOW} WHERE id = %s",
            (status, message, row["id"]),
        )
    return len(rows)


class PostgresWorkerSide(PostgresDatabase):
    """What worker processes (of any replica) and the pools' supervisors call."""

    def claim_next(self, worker: str, backend: Backend = "local") -> RunRecord | None:
        """Take the next queued run of `backend` for `worker` (marked training); runs other workers are claiming are
        skipped."""
        with self._transaction() as db:
            row = db.execute(
                f"UPDATE runs SET status = 'training', worker = %s, heartbeat = {NOW}, updated = {NOW} "
                "WHERE status = 'queued' AND id = (SELECT id FROM runs WHERE status = 'queued' AND backend = %s "
                f"ORDER BY {QUEUE_ORDER} LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING {RUN_COLUMNS}",
                (worker, backend),
            ).fetchone()
        return None if row is None else record_from_row(row)

    def record_epochs(self, run_id: str, records: Sequence[EpochRecord], train_seconds: float, device: str) -> bool:
        """Store finished epochs and a heartbeat; True when the session asked the run to stop (or deleted it)."""
        with self._transaction() as db:
            row = db.execute("SELECT stop_requested FROM runs WHERE id = %s FOR UPDATE", (run_id,)).fetchone()
            if row is None:
                return True
            for r in records:
                scores = None if r.test_scores is None else np.asarray(r.test_scores, dtype=np.float32).tobytes()
                db.execute(
                    "INSERT INTO epochs VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (run_id, epoch) DO UPDATE SET "
                    "steps = excluded.steps, train_loss = excluded.train_loss, val_loss = excluded.val_loss, "
                    "seconds = excluded.seconds, eval_seconds = excluded.eval_seconds, test_scores = excluded.test_scores",
                    (run_id, r.epoch, r.steps, r.train_loss, r.val_loss, r.seconds, r.eval_seconds, scores),
                )
            db.execute(
                f"UPDATE runs SET epochs = COALESCE(%s, epochs), train_seconds = %s, device = %s, heartbeat = {NOW}, "
                f"updated = {NOW} WHERE id = %s",
                (records[-1].epoch if records else None, train_seconds, device, run_id),
            )
        return bool(row["stop_requested"])

    def stop_requested(self, run_id: str) -> bool:
        """True when the session asked the run to stop (or deleted it): the worker asks between batches."""
        rows = self._read("SELECT stop_requested FROM runs WHERE id = %s", (run_id,))
        return not rows or bool(rows[0]["stop_requested"])

    def save_checkpoint(self, run_id: str, data: bytes, epoch: int) -> None:
        """Store the run's checkpoint and its epoch in one transaction (nothing if the session deleted the run)."""
        with self._transaction() as db:
            if db.execute("UPDATE runs SET checkpoint_epoch = %s WHERE id = %s", (epoch, run_id)).rowcount:
                db.execute(
                    "INSERT INTO checkpoints (run_id, epoch, data) VALUES (%s, %s, %s) "
                    "ON CONFLICT (run_id) DO UPDATE SET epoch = excluded.epoch, data = excluded.data",
                    (run_id, epoch, data),
                )

    def finish_run(self, run_id: str, status: RunStatus, message: str | None, metrics: dict[str, float]) -> None:
        """Record how a run ended, at its last checkpoint."""
        with self._transaction() as db:
            db.execute(TRIM_EPOCHS, (run_id, run_id))
            db.execute(
                "UPDATE runs SET status = %s, message = %s, metrics = %s, epochs = checkpoint_epoch, worker = NULL, "
                f"stop_requested = FALSE, updated = {NOW} WHERE id = %s",
                (status, message, json.dumps(metrics) if metrics else None, run_id),
            )

    def settle_worker_runs(self, worker: str, status: RunStatus, message: str) -> int:
        """A worker died: its training run ends as `status` with `message`, keeping its last checkpoint."""
        with self._transaction() as db:
            return _settle(db, "worker = %s", (worker,), status, message)

    def training_workers(self) -> list[str]:
        """The workers that hold a training run right now."""
        rows = self._read("SELECT DISTINCT worker FROM runs WHERE status = 'training' AND worker IS NOT NULL")
        return [r["worker"] for r in rows]

    def interrupt_stale_runs(self, older_than_seconds: float) -> int:
        """Training runs whose worker has not reported for a while (its replica or host died) become interrupted."""
        message = "Interrupted: the server stopped while this run trained. Continue resumes it from its last saved epoch."
        with self._transaction() as db:
            return _settle(db, f"(heartbeat IS NULL OR heartbeat < {NOW} - %s)", (older_than_seconds,), "interrupted", message)

    def all_runs(self) -> list[RunRecord]:
        """Every run of every session, oldest first (for the command line)."""
        return [record_from_row(r) for r in self._read(f"SELECT {RUN_COLUMNS} FROM runs ORDER BY created")]

    def prune(self) -> int:
        """Delete settled runs beyond the retention limits, oldest first (epochs and checkpoints go with them); sweep
        runs do not count towards the per-session limit (sweeps have their own)."""
        limits, settled = self.settings, "status NOT IN ('queued', 'training')"
        with self._transaction() as db:
            gone = db.execute(
                f"DELETE FROM runs WHERE id IN (SELECT id FROM (SELECT id, status, created, sweep_id, "
                "ROW_NUMBER() OVER (PARTITION BY session, sweep_id IS NULL ORDER BY created DESC) AS n, "
                "ROW_NUMBER() OVER (ORDER BY created DESC) AS total FROM runs) AS ranked "
                f"WHERE {settled} AND ((n > %s AND sweep_id IS NULL) OR total > %s OR created < {NOW} - %s))",
                (limits.runs_per_session, limits.runs_total, limits.max_age_days * DAY_SECONDS),
            ).rowcount
            db.execute(
                f"DELETE FROM sessions WHERE updated < {NOW} - %s AND NOT EXISTS (SELECT 1 FROM runs WHERE session = token)",
                (limits.max_age_days * DAY_SECONDS,),
            )
            db.execute(EMPTY_OLD_SWEEPS.replace("?", self.PARAM), (self._clock(db) - limits.max_age_days * DAY_SECONDS,))
        return gone
