"""Sweeps in the SQLite run store: many runs of one session made at once, queued together, stopped together."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Sequence
from typing import Any

from .records import MAX_SWEEP_RUNS, Backend, RunConflict, RunNotFound, RunRecord, RunSpec, SweepRecord
from .sqlite_base import RUN_COLUMNS, SQLiteDatabase, record_from_row

SWEEPS_KEPT = 5  # newest sweeps kept per session (their runs do not count towards the per-session run limit)
ACTIVE = "status IN ('queued', 'training')"


def _sweep_record(row: Any) -> SweepRecord:
    return SweepRecord(row["id"], row["session"], json.loads(row["plan"]), row["created"])


class SQLiteSweepSide(SQLiteDatabase):
    """Create, list and stop a session's sweeps."""

    def create_sweep(
        self, token: str, plan: dict[str, Any], runs: Sequence[tuple[str, RunSpec]], backend: Backend
    ) -> SweepRecord:
        """A sweep and its queued runs (name, spec each; trained to the spec's epochs by `backend`)."""
        if not 0 < len(runs) <= MAX_SWEEP_RUNS:
            raise ValueError(f"a sweep has 1 to {MAX_SWEEP_RUNS} runs, this one {len(runs)}")
        sweep_id, now = secrets.token_urlsafe(9), time.time()
        with self._transaction() as db:
            if db.execute(f"SELECT 1 FROM runs WHERE session = ? AND sweep_id IS NOT NULL AND {ACTIVE}", (token,)).fetchone():
                raise RunConflict("a sweep of this session is still training: stop it or wait until it finishes")
            db.execute("INSERT INTO sweeps VALUES (?, ?, ?, ?)", (sweep_id, token, json.dumps(plan), now))
            for index, (name, spec) in enumerate(runs):
                queued_at = now + index * 1e-6  # the sweep's own order
                db.execute(
                    "INSERT INTO runs (id, session, name, spec, status, target_epochs, created, updated, queued_at, sweep_id, "
                    "backend) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)",
                    (secrets.token_urlsafe(9), token, name[:80], spec.to_json(), spec.train.epochs, queued_at, now, queued_at,
                     sweep_id, backend),
                )  # fmt: skip
        self.prune_sweeps(token)
        return SweepRecord(sweep_id, token, plan, now)

    def list_sweeps(self, token: str) -> list[SweepRecord]:
        """The session's sweeps, oldest first."""
        return [_sweep_record(r) for r in self._read("SELECT * FROM sweeps WHERE session = ? ORDER BY created", (token,))]

    def sweep_runs(self, token: str, sweep_id: str) -> list[RunRecord]:
        """The sweep's runs in the order they were made ([] when it has none left)."""
        rows = self._read(
            f"SELECT {RUN_COLUMNS} FROM runs WHERE session = ? AND sweep_id = ? ORDER BY queued_at", (token, sweep_id)
        )
        return [record_from_row(r) for r in rows]

    def stop_sweep(self, token: str, sweep_id: str) -> None:
        """Queued runs of the sweep go away; training ones stop after their current epoch and keep their weights."""
        with self._transaction() as db:
            if not db.execute("SELECT 1 FROM sweeps WHERE id = ? AND session = ?", (sweep_id, token)).fetchone():
                raise RunNotFound(f"sweep {sweep_id[:20]!r} does not exist in this session")
            db.execute("DELETE FROM runs WHERE sweep_id = ? AND status = 'queued' AND epochs = 0", (sweep_id,))
            db.execute("UPDATE runs SET status = 'stopped' WHERE sweep_id = ? AND status = 'queued'", (sweep_id,))
            db.execute("UPDATE runs SET stop_requested = 1, updated = ? WHERE sweep_id = ? AND status = 'training'",
                       (time.time(), sweep_id))  # fmt: skip

    def prune_sweeps(self, token: str) -> int:
        """Delete the session's settled sweeps beyond the newest SWEEPS_KEPT (their runs and checkpoints too)."""
        with self._transaction() as db:
            old = db.execute(
                f"SELECT id FROM sweeps WHERE session = ? AND id NOT IN (SELECT sweep_id FROM runs WHERE {ACTIVE} AND "
                "sweep_id IS NOT NULL) ORDER BY created DESC LIMIT -1 OFFSET ?",
                (token, SWEEPS_KEPT),
            )
            doomed = [r["id"] for r in old.fetchall()]
            run_ids = [r["id"] for d in doomed for r in db.execute("SELECT id FROM runs WHERE sweep_id = ?", (d,)).fetchall()]
            for run_id in run_ids:
                db.execute("DELETE FROM epochs WHERE run_id = ?", (run_id,))
                db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
            for sweep_id in doomed:
                db.execute("DELETE FROM sweeps WHERE id = ?", (sweep_id,))
        for run_id in run_ids:
            self._checkpoint_path(run_id).unlink(missing_ok=True)
        return len(doomed)
