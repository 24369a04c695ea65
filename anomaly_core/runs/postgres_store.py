"""The run store in PostgreSQL: runs, epochs and checkpoints in one database that every app replica reads.

Chosen by ANOMALY_LAB_DATABASE_URL (see `open_store`). A session's writes lock its session row first, so two
replicas serving the same session cannot both start a run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .pg_base import NOW, Connection
from .pg_workers import PostgresWorkerSide
from .records import (
    RUN_COLUMNS,
    EpochRecord,
    RunConflict,
    RunNotFound,
    RunRecord,
    RunSpec,
    epoch_from_row,
    new_identifier,
    record_from_row,
)
from .sqlite_store import IMPORTED, MAX_NAME_CHARS, NOT_FOUND
from .sweep_side import SweepSide

BUSY = "SELECT name FROM runs WHERE session = %s AND sweep_id IS NULL AND status IN ('queued', 'training') LIMIT 1"


class PostgresRunStore(PostgresWorkerSide, SweepSide):
    """Sessions and their runs as a session sees them (every call checks the session owns the run); sweeps."""

    def _lock_session(self, db: Connection, token: str) -> None:
        """Serialise this session's writes (from any replica) until the transaction ends."""
        db.execute("SELECT 1 FROM sessions WHERE token = %s FOR UPDATE", (token,))

    # sessions

    def create_session(self) -> str:
        token = new_identifier(24)
        with self._transaction() as db:
            db.execute(f"INSERT INTO sessions (token, created, updated, state) VALUES (%s, {NOW}, {NOW}, '{{}}')", (token,))
        return token

    def session_exists(self, token: str) -> bool:
        return bool(self._read("SELECT 1 FROM sessions WHERE token = %s", (token,)))

    def session_state(self, token: str) -> dict[str, Any]:
        rows = self._read("SELECT state FROM sessions WHERE token = %s", (token,))
        return json.loads(rows[0]["state"]) if rows else {}

    def save_session_state(self, token: str, state: dict[str, Any]) -> None:
        with self._transaction() as db:
            db.execute(f"UPDATE sessions SET state = %s, updated = {NOW} WHERE token = %s", (json.dumps(state), token))

    # runs, as a session sees them

    def create_run(self, token: str, name: str, spec: RunSpec, target_epochs: int) -> RunRecord:
        run_id = new_identifier(9)
        with self._transaction() as db:
            self._lock_session(db, token)
            busy = db.execute(BUSY, (token,)).fetchone()
            if busy:
                raise RunConflict(f"{busy['name']} is still training: stop it or wait until it finishes")
            db.execute(
                "INSERT INTO runs (id, session, name, spec, status, target_epochs, created, updated, queued_at) "
                f"VALUES (%s, %s, %s, %s, 'queued', %s, {NOW}, {NOW}, {NOW})",
                (run_id, token, name[:MAX_NAME_CHARS], spec.to_json(), target_epochs),
            )
        self.prune()
        return self.get_run(token, run_id)

    def import_run(
        self, token: str, name: str, spec: RunSpec, checkpoint: bytes, epochs: int, metrics: dict[str, float]
    ) -> RunRecord:
        run_id = new_identifier(9)
        with self._transaction() as db:  # the run and its weights together, or neither
            db.execute(
                "INSERT INTO runs (id, session, name, spec, status, target_epochs, epochs, checkpoint_epoch, message, "
                "metrics, created, updated, queued_at) "
                f"VALUES (%s, %s, %s, %s, 'finished', %s, %s, %s, %s, %s, {NOW}, {NOW}, {NOW})",
                (run_id, token, name[:MAX_NAME_CHARS], spec.to_json(), epochs, epochs, epochs, IMPORTED, json.dumps(metrics)),
            )
            db.execute("INSERT INTO checkpoints (run_id, epoch, data) VALUES (%s, %s, %s)", (run_id, epochs, checkpoint))
        self.prune()
        return self.get_run(token, run_id)

    def get_run(self, token: str, run_id: str) -> RunRecord:
        rows = self._read(f"SELECT {RUN_COLUMNS} FROM runs WHERE id = %s AND session = %s", (run_id, token))
        if not rows:
            raise RunNotFound(NOT_FOUND.format(run_id[:20]))
        return record_from_row(rows[0])

    def list_runs(self, token: str) -> list[RunRecord]:
        rows = self._read(f"SELECT {RUN_COLUMNS} FROM runs WHERE session = %s ORDER BY created", (token,))
        return [record_from_row(r) for r in rows]

    def _update_owned(self, token: str, run_id: str, sql: str, args: Sequence[Any]) -> None:
        with self._transaction() as db:
            changed = db.execute(f"UPDATE runs SET {sql}, updated = {NOW} WHERE id = %s AND session = %s", (*args, run_id, token))
            if changed.rowcount == 0:
                raise RunNotFound(NOT_FOUND.format(run_id[:20]))

    def rename_run(self, token: str, run_id: str, name: str) -> None:
        cleaned = " ".join(name.split())[:MAX_NAME_CHARS]
        if not cleaned:
            raise ValueError("a run's name cannot be empty")
        self._update_owned(token, run_id, "name = %s", (cleaned,))

    def delete_run(self, token: str, run_id: str) -> None:
        with self._transaction() as db:  # its epochs and checkpoint go with it (ON DELETE CASCADE)
            if db.execute("DELETE FROM runs WHERE id = %s AND session = %s", (run_id, token)).rowcount == 0:
                raise RunNotFound(NOT_FOUND.format(run_id[:20]))

    def request_stop(self, token: str, run_id: str) -> None:
        with self._transaction() as db:  # a queued run stops at once: no worker has it yet
            row = db.execute(
                "UPDATE runs SET stop_requested = TRUE WHERE id = %s AND session = %s RETURNING status, epochs", (run_id, token)
            ).fetchone()
            if row is None:
                raise RunNotFound(NOT_FOUND.format(run_id[:20]))
            if row["status"] == "queued" and row["epochs"] > 0:
                db.execute(f"UPDATE runs SET status = 'stopped', updated = {NOW} WHERE id = %s", (run_id,))
            elif row["status"] == "queued":
                db.execute("DELETE FROM runs WHERE id = %s", (run_id,))

    def requeue(self, token: str, run_id: str, target_epochs: int) -> RunRecord:
        run = self.get_run(token, run_id)
        with self._transaction() as db:
            self._lock_session(db, token)
            if db.execute(BUSY, (token,)).fetchone():
                raise RunConflict("a run of this session is still training: stop it or wait until it finishes")
            db.execute(
                "UPDATE runs SET status = 'queued', target_epochs = %s, stop_requested = FALSE, message = NULL, "
                f"queued_at = {NOW}, updated = {NOW} WHERE id = %s",
                (max(target_epochs, run.epochs), run_id),
            )
        return self.get_run(token, run_id)

    def epochs(self, run_id: str, after: int = 0) -> list[EpochRecord]:
        rows = self._read("SELECT * FROM epochs WHERE run_id = %s AND epoch > %s ORDER BY epoch", (run_id, after))
        return [epoch_from_row(r) for r in rows]

    def checkpoint(self, run_id: str) -> bytes | None:
        rows = self._read("SELECT data FROM checkpoints WHERE run_id = %s", (run_id,))
        return bytes(rows[0]["data"]) if rows else None
