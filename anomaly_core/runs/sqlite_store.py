"""The default run store: one SQLite database (WAL) plus a folder of checkpoint files, under one data folder."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from .records import (
    MAX_NAME_CHARS,
    RUN_COLUMNS,
    EpochRecord,
    RunConflict,
    RunNotFound,
    RunRecord,
    RunSpec,
    StoreError,
    epoch_from_row,
    new_identifier,
    record_from_row,
)
from .sqlite_workers import SQLiteWorkerSide
from .sweep_side import SweepSide

NOT_FOUND = "run {!r} does not exist in this session (deleted, or never made here)"
IMPORTED = "made from an uploaded model file"


class SQLiteRunStore(SQLiteWorkerSide, SweepSide):
    """Sessions and their runs as a session sees them (every call checks the session owns the run)."""

    # sessions

    def create_session(self) -> str:
        token, now = new_identifier(24), time.time()
        with self._transaction() as db:
            db.execute("INSERT INTO sessions (token, created, updated, state) VALUES (?, ?, ?, '{}')", (token, now, now))
        return token

    def session_exists(self, token: str) -> bool:
        return bool(self._read("SELECT 1 FROM sessions WHERE token = ?", (token,)))

    def session_state(self, token: str) -> dict[str, Any]:
        rows = self._read("SELECT state FROM sessions WHERE token = ?", (token,))
        return json.loads(rows[0]["state"]) if rows else {}

    def save_session_state(self, token: str, state: dict[str, Any]) -> None:
        with self._transaction() as db:
            db.execute("UPDATE sessions SET state = ?, updated = ? WHERE token = ?", (json.dumps(state), time.time(), token))

    # runs, as a session sees them

    def create_run(self, token: str, name: str, spec: RunSpec, target_epochs: int) -> RunRecord:
        run_id, now = new_identifier(9), time.time()
        with self._transaction() as db:
            busy = db.execute(
                "SELECT name FROM runs WHERE session = ? AND sweep_id IS NULL AND status IN ('queued', 'training')", (token,)
            ).fetchone()
            if busy:
                raise RunConflict(f"{busy['name']} is still training: stop it or wait until it finishes")
            db.execute(
                "INSERT INTO runs (id, session, name, spec, status, target_epochs, created, updated, queued_at) "
                "VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)",
                (run_id, token, name[:MAX_NAME_CHARS], spec.to_json(), target_epochs, now, now, now),
            )
        self.prune()
        return self.get_run(token, run_id)

    def import_run(
        self, token: str, name: str, spec: RunSpec, checkpoint: bytes, epochs: int, metrics: dict[str, float]
    ) -> RunRecord:
        run_id, now = new_identifier(9), time.time()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO runs (id, session, name, spec, status, target_epochs, epochs, message, metrics, created, "
                "updated, queued_at) VALUES (?, ?, ?, ?, 'finished', ?, ?, ?, ?, ?, ?, ?)",
                (run_id, token, name[:MAX_NAME_CHARS], spec.to_json(), epochs, epochs, IMPORTED, json.dumps(metrics))
                + (now, now, now),
            )
        try:
            self.save_checkpoint(run_id, checkpoint, epochs)
        except StoreError:
            self.delete_run(token, run_id)
            raise
        self.prune()
        return self.get_run(token, run_id)

    def get_run(self, token: str, run_id: str) -> RunRecord:
        rows = self._read(f"SELECT {RUN_COLUMNS} FROM runs WHERE id = ? AND session = ?", (run_id, token))
        if not rows:
            raise RunNotFound(NOT_FOUND.format(run_id[:20]))
        return record_from_row(rows[0])

    def list_runs(self, token: str) -> list[RunRecord]:
        return [
            record_from_row(r) for r in self._read(f"SELECT {RUN_COLUMNS} FROM runs WHERE session = ? ORDER BY created", (token,))
        ]

    def _update_owned(self, token: str, run_id: str, sql: str, args: Sequence[Any]) -> None:
        with self._transaction() as db:
            if (
                db.execute(
                    f"UPDATE runs SET {sql}, updated = ? WHERE id = ? AND session = ?", (*args, time.time(), run_id, token)
                ).rowcount
                == 0
            ):
                raise RunNotFound(NOT_FOUND.format(run_id[:20]))

    def rename_run(self, token: str, run_id: str, name: str) -> None:
        cleaned = " ".join(name.split())[:MAX_NAME_CHARS]
        if not cleaned:
            raise ValueError("a run's name cannot be empty")
        self._update_owned(token, run_id, "name = ?", (cleaned,))

    def delete_run(self, token: str, run_id: str) -> None:
        self.get_run(token, run_id)
        with self._transaction() as db:
            db.execute("DELETE FROM epochs WHERE run_id = ?", (run_id,))
            db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        self._checkpoint_path(run_id).unlink(missing_ok=True)

    def request_stop(self, token: str, run_id: str) -> None:
        self._update_owned(token, run_id, "stop_requested = 1", ())
        with self._transaction() as db:  # a queued run stops at once: no worker has it yet
            db.execute("UPDATE runs SET status = 'stopped' WHERE id = ? AND status = 'queued' AND epochs > 0", (run_id,))
            db.execute("DELETE FROM runs WHERE id = ? AND status = 'queued' AND epochs = 0", (run_id,))

    def requeue(self, token: str, run_id: str, target_epochs: int) -> RunRecord:
        run = self.get_run(token, run_id)
        with self._transaction() as db:
            busy = db.execute(
                "SELECT 1 FROM runs WHERE session = ? AND sweep_id IS NULL AND status IN ('queued', 'training')", (token,)
            ).fetchone()
            if busy:
                raise RunConflict("a run of this session is still training: stop it or wait until it finishes")
            db.execute(
                "UPDATE runs SET status = 'queued', target_epochs = ?, stop_requested = 0, message = NULL, queued_at = ?, "
                "updated = ? WHERE id = ?",
                (max(target_epochs, run.epochs), time.time(), time.time(), run_id),
            )
        return self.get_run(token, run_id)

    def epochs(self, run_id: str, after: int = 0) -> list[EpochRecord]:
        rows = self._read("SELECT * FROM epochs WHERE run_id = ? AND epoch > ? ORDER BY epoch", (run_id, after))
        return [epoch_from_row(r) for r in rows]

    def checkpoint(self, run_id: str) -> bytes | None:
        path = self._checkpoint_path(run_id)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StoreError(f"the checkpoint of run {run_id} cannot be read ({error.strerror})") from None
