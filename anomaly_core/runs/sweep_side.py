"""Sweeps and the queue's order, written once for both run stores: SQLite and PostgreSQL run the same statements
(`?` marks a parameter; each store's `_q` turns it into its driver's marker)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from .records import (
    MAX_NAME_CHARS,
    MAX_SWEEP_RUNS,
    RUN_COLUMNS,
    Backend,
    RunConflict,
    RunNotFound,
    RunRecord,
    RunSpec,
    SweepRecord,
    new_identifier,
    record_from_row,
)
from .settings import RunSettings

SWEEPS_KEPT = 5  # newest sweeps kept per session (their runs do not count towards the per-session run limit)
ACTIVE = "status IN ('queued', 'training')"
QUEUE_ORDER = "sweep_id IS NOT NULL, queued_at"  # who trains next: plain runs before sweep runs, then first come
AHEAD = (
    "SELECT COUNT(*) AS ahead FROM runs AS other JOIN runs AS mine ON mine.id = ? "
    "WHERE other.status = 'queued' AND other.backend = mine.backend "
    "AND (other.sweep_id IS NOT NULL, other.queued_at) < (mine.sweep_id IS NOT NULL, mine.queued_at)"
)  # the runs QUEUE_ORDER puts before this one, on the same backend
ACTIVE_SWEEP = f"SELECT 1 FROM runs WHERE session = ? AND sweep_id IS NOT NULL AND {ACTIVE}"
EMPTY_OLD_SWEEPS = "DELETE FROM sweeps WHERE created < ? AND id NOT IN (SELECT sweep_id FROM runs WHERE sweep_id IS NOT NULL)"
INSERT_RUN = (
    "INSERT INTO runs (id, session, name, spec, status, target_epochs, created, updated, queued_at, sweep_id, backend) "
    "VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)"
)


def check_sweep_size(count: int, settings: RunSettings) -> None:
    """ValueError unless a sweep of `count` runs fits: 1 to MAX_SWEEP_RUNS, and no more than the server lets one
    session have waiting or training (a session has one sweep at a time)."""
    if not 0 < count <= MAX_SWEEP_RUNS:
        raise ValueError(f"a sweep has 1 to {MAX_SWEEP_RUNS} runs, this one {count}")
    if count > settings.sweep_runs_per_session:
        raise ValueError(
            f"this server lets a session train at most {settings.sweep_runs_per_session} sweep runs at a time "
            f"(ANOMALY_LAB_SWEEP_RUNS_PER_SESSION) and this sweep has {count}: use fewer values or seeds"
        )


def _sweep_record(row: Any) -> SweepRecord:
    return SweepRecord(row["id"], row["session"], json.loads(row["plan"]), row["created"])


class SweepSide:
    """Create, list, follow and stop a session's sweeps; where a queued run stands. Each store supplies the hooks."""

    PARAM = "?"  # the driver's parameter marker
    settings: RunSettings

    def _transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def _clock(self, db: Any) -> float:
        """The store's clock (seconds since the epoch) inside the transaction `db`."""
        return time.time()

    def _lock_session(self, db: Any, token: str) -> None:
        """Serialise this session's writes until the transaction ends (SQLite's write transactions already do)."""

    def _forget_checkpoints(self, run_ids: Sequence[str]) -> None:
        """Remove the checkpoints of deleted runs that did not go with their rows (files)."""

    def prune(self) -> int:
        """Delete settled runs beyond the retention limits (each store's own)."""
        raise NotImplementedError

    def _q(self, sql: str) -> str:
        return sql.replace("?", self.PARAM)

    def create_sweep(
        self, token: str, plan: dict[str, Any], runs: Sequence[tuple[str, RunSpec]], backend: Backend
    ) -> SweepRecord:
        """A sweep and its queued runs (name, spec each; trained to the spec's epochs by `backend`)."""
        check_sweep_size(len(runs), self.settings)
        sweep_id = new_identifier(9)
        with self._transaction() as db:
            self._lock_session(db, token)
            if db.execute(self._q(ACTIVE_SWEEP), (token,)).fetchone():
                raise RunConflict("a sweep of this session is still training: stop it or wait until it finishes")
            now = self._clock(db)
            db.execute(self._q("INSERT INTO sweeps (id, session, plan, created) VALUES (?, ?, ?, ?)"),
                       (sweep_id, token, json.dumps(plan), now))  # fmt: skip
            rows = [
                (
                    new_identifier(9),
                    token,
                    name[:MAX_NAME_CHARS],
                    spec.to_json(),
                    spec.train.epochs,
                    now + i * 1e-6,
                    now,
                    now + i * 1e-6,
                    sweep_id,
                    backend,
                )
                for i, (name, spec) in enumerate(runs)
            ]  # fmt: skip  made and queued in the sweep's own order
            db.cursor().executemany(self._q(INSERT_RUN), rows)
        self.prune_sweeps(token)
        self.prune()  # the server-wide limits hold for sweeps too
        return SweepRecord(sweep_id, token, plan, now)

    def list_sweeps(self, token: str) -> list[SweepRecord]:
        """The session's sweeps, oldest first."""
        rows = self._read(self._q("SELECT id, session, plan, created FROM sweeps WHERE session = ? ORDER BY created"), (token,))
        return [_sweep_record(r) for r in rows]

    def sweep_runs(self, token: str, sweep_id: str) -> list[RunRecord]:
        """The sweep's runs in the order they were made ([] when it has none left, or is another session's)."""
        sql = f"SELECT {RUN_COLUMNS} FROM runs WHERE session = ? AND sweep_id = ? ORDER BY created"
        return [record_from_row(r) for r in self._read(self._q(sql), (token, sweep_id))]

    def stop_sweep(self, token: str, sweep_id: str) -> None:
        """Queued runs of the sweep go away; training ones stop after their current epoch and keep their weights."""
        with self._transaction() as db:
            if not db.execute(self._q("SELECT 1 FROM sweeps WHERE id = ? AND session = ?"), (sweep_id, token)).fetchone():
                raise RunNotFound(f"sweep {sweep_id[:20]!r} does not exist in this session")
            now = self._clock(db)
            db.execute(self._q("DELETE FROM runs WHERE sweep_id = ? AND status = 'queued' AND epochs = 0"), (sweep_id,))
            db.execute(
                self._q("UPDATE runs SET status = 'stopped', updated = ? WHERE sweep_id = ? AND status = 'queued'"),
                (now, sweep_id),
            )  # fmt: skip  continued runs that had trained before
            db.execute(self._q("UPDATE runs SET stop_requested = TRUE, updated = ? WHERE sweep_id = ? AND status = 'training'"),
                       (now, sweep_id))  # fmt: skip

    def prune_sweeps(self, token: str) -> int:
        """Delete the session's settled sweeps beyond the newest SWEEPS_KEPT (their runs and checkpoints too)."""
        with self._transaction() as db:
            settled = db.execute(
                self._q(f"SELECT id FROM sweeps WHERE session = ? AND id NOT IN (SELECT sweep_id FROM runs WHERE {ACTIVE} "
                        "AND sweep_id IS NOT NULL) ORDER BY created DESC"),
                (token,),
            ).fetchall()  # fmt: skip
            doomed = [r["id"] for r in settled][SWEEPS_KEPT:]
            run_ids = [r["id"] for d in doomed for r in db.execute(self._q("SELECT id FROM runs WHERE sweep_id = ?"), (d,))]
            for run_id in run_ids:
                db.execute(self._q("DELETE FROM epochs WHERE run_id = ?"), (run_id,))
                db.execute(self._q("DELETE FROM runs WHERE id = ?"), (run_id,))
            for sweep_id in doomed:
                db.execute(self._q("DELETE FROM sweeps WHERE id = ?"), (sweep_id,))
        self._forget_checkpoints(run_ids)
        return len(doomed)

    def queue_position(self, run_id: str) -> int:
        """How many queued runs the workers of its backend will take before this one."""
        return int(self._read(self._q(AHEAD), (run_id,))[0]["ahead"])
