"""The workers' side of the SQLite run store: claim queued runs, record epochs and checkpoints, settle outcomes."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Sequence

import numpy as np

from .records import RUN_COLUMNS, Backend, EpochRecord, RunRecord, RunStatus, StoreError, record_from_row
from .sqlite_base import SQLiteDatabase
from .sweep_side import EMPTY_OLD_SWEEPS, QUEUE_ORDER

DAY_SECONDS = 86_400.0


def _settle(db: sqlite3.Connection, where: str, args: Sequence[object], status: RunStatus, message: str) -> int:
    """End training runs matching `where` at their last checkpoint: later epochs are dropped, the weights kept."""
    ids = [r["id"] for r in db.execute(f"SELECT id FROM runs WHERE status = 'training' AND {where}", args).fetchall()]
    for run_id in ids:
        db.execute(
            "DELETE FROM epochs WHERE run_id = ? AND epoch > (SELECT checkpoint_epoch FROM runs WHERE id = ?)", (run_id, run_id)
        )
        db.execute(
            "UPDATE runs SET status = ?, message = ?, epochs = checkpoint_epoch, worker = NULL, updated = ? WHERE id = ?",
            (status, message, time.time(), run_id),
        )
    return len(ids)


class SQLiteWorkerSide(SQLiteDatabase):
    """What worker processes and the pool's supervisor call."""

    def claim_next(self, worker: str, backend: Backend = "local") -> RunRecord | None:
        """Take the oldest queued run of `backend` for `worker` (plain runs before sweep runs), or None when none waits."""
        with self._transaction() as db:
            row = db.execute(
                f"SELECT id FROM runs WHERE status = 'queued' AND backend = ? ORDER BY {QUEUE_ORDER} LIMIT 1",
                (backend,),
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE runs SET status = 'training', worker = ?, heartbeat = ?, updated = ? WHERE id = ?",
                (worker, time.time(), time.time(), row["id"]),
            )
            claimed = db.execute(f"SELECT {RUN_COLUMNS} FROM runs WHERE id = ?", (row["id"],)).fetchone()
        return record_from_row(claimed)

    def record_epochs(self, run_id: str, records: Sequence[EpochRecord], train_seconds: float, device: str) -> bool:
        """Store finished epochs and a heartbeat; True when the session asked the run to stop (or deleted it)."""
        with self._transaction() as db:
            for r in records:
                scores = None if r.test_scores is None else np.asarray(r.test_scores, dtype=np.float32).tobytes()
                db.execute(
                    "INSERT OR REPLACE INTO epochs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (run_id, r.epoch, r.steps, r.train_loss, r.val_loss, r.seconds, r.eval_seconds, scores),
                )
            epochs = records[-1].epoch if records else None
            db.execute(
                "UPDATE runs SET epochs = COALESCE(?, epochs), train_seconds = ?, device = ?, heartbeat = ?, updated = ? "
                "WHERE id = ?",
                (epochs, train_seconds, device, time.time(), time.time(), run_id),
            )
            row = db.execute("SELECT stop_requested FROM runs WHERE id = ?", (run_id,)).fetchone()
        return row is None or bool(row["stop_requested"])

    def stop_requested(self, run_id: str) -> bool:
        """True when the session asked the run to stop (or deleted it): the worker asks between batches."""
        rows = self._read("SELECT stop_requested FROM runs WHERE id = ?", (run_id,))
        return not rows or bool(rows[0]["stop_requested"])

    def save_checkpoint(self, run_id: str, data: bytes, epoch: int) -> None:
        """Write the run's checkpoint atomically (temp file, then rename) and note its epoch."""
        path = self._checkpoint_path(run_id)
        temporary = path.with_suffix(".tmp")
        try:
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise StoreError(f"the checkpoint could not be written ({error.strerror}); if the disk is full, free space") from None
        with self._transaction() as db:
            kept = db.execute("UPDATE runs SET checkpoint_epoch = ? WHERE id = ?", (epoch, run_id)).rowcount
        if not kept:  # the session deleted the run meanwhile
            path.unlink(missing_ok=True)

    def finish_run(self, run_id: str, status: RunStatus, message: str | None, metrics: dict[str, float]) -> None:
        """Record how a run ended, at its last checkpoint."""
        with self._transaction() as db:
            db.execute(
                "DELETE FROM epochs WHERE run_id = ? AND epoch > (SELECT checkpoint_epoch FROM runs WHERE id = ?)",
                (run_id, run_id),
            )
            db.execute(
                "UPDATE runs SET status = ?, message = ?, metrics = ?, epochs = checkpoint_epoch, worker = NULL, "
                "stop_requested = 0, updated = ? WHERE id = ?",
                (status, message, json.dumps(metrics) if metrics else None, time.time(), run_id),
            )

    def settle_worker_runs(self, worker: str, status: RunStatus, message: str) -> int:
        """A worker died: its training run ends as `status` with `message`, keeping its last checkpoint."""
        with self._transaction() as db:
            return _settle(db, "worker = ?", (worker,), status, message)

    def training_workers(self) -> list[str]:
        """The workers that hold a training run right now."""
        return [
            r["worker"] for r in self._read("SELECT DISTINCT worker FROM runs WHERE status = 'training' AND worker IS NOT NULL")
        ]

    def interrupt_stale_runs(self, older_than_seconds: float) -> int:
        """Training runs whose worker has not reported for a while (a server restart) become interrupted."""
        message = "Interrupted: the server stopped while this run trained. Continue resumes it from its last saved epoch."
        with self._transaction() as db:
            return _settle(
                db, "(heartbeat IS NULL OR heartbeat < ?)", (time.time() - older_than_seconds,), "interrupted", message
            )

    def all_runs(self) -> list[RunRecord]:
        """Every run of every session, oldest first (for the command line)."""
        return [record_from_row(r) for r in self._read(f"SELECT {RUN_COLUMNS} FROM runs ORDER BY created")]

    def prune(self) -> int:
        """Delete settled runs beyond the retention limits (age, per session, per server), oldest first; how many went."""
        limits, oldest = self.settings, time.time() - self.settings.max_age_days * DAY_SECONDS
        settled = "status NOT IN ('queued', 'training')"
        doomed: list[str] = []
        with self._transaction() as db:
            for query, args in (
                (f"SELECT id FROM runs WHERE {settled} AND created < ?", (oldest,)),
                (
                    f"SELECT id FROM (SELECT id, status, ROW_NUMBER() OVER (PARTITION BY session ORDER BY created DESC) AS n "
                    f"FROM runs WHERE sweep_id IS NULL) WHERE {settled} AND n > ?",  # sweeps have their own limit
                    (limits.runs_per_session,),
                ),
                (
                    f"SELECT id FROM (SELECT id, status, ROW_NUMBER() OVER (ORDER BY created DESC) AS n FROM runs) "
                    f"WHERE {settled} AND n > ?",
                    (limits.runs_total,),
                ),
            ):  # fmt: skip  each limit counts what the previous ones left
                ids = [r["id"] for r in db.execute(query, args).fetchall()]
                for run_id in ids:
                    db.execute("DELETE FROM epochs WHERE run_id = ?", (run_id,))
                    db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
                doomed += ids
            db.execute("DELETE FROM sessions WHERE updated < ? AND token NOT IN (SELECT session FROM runs)", (oldest,))
            db.execute(EMPTY_OLD_SWEEPS, (oldest,))  # sweeps whose runs all went
        for run_id in doomed:
            self._checkpoint_path(run_id).unlink(missing_ok=True)
        return len(doomed)
