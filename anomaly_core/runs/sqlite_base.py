"""SQLite plumbing of the default run store: connections per thread, write transactions, rows to records."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .records import StoreError
from .schema import migrate
from .settings import RunSettings


class SQLiteDatabase:
    """`<data_dir>/runs.sqlite3` (WAL) and `<data_dir>/checkpoints/`, upgraded on open; safe across threads and processes."""

    def __init__(self, settings: RunSettings) -> None:
        self.settings = settings
        self.path = settings.data_dir / "runs.sqlite3"
        self.checkpoints = settings.data_dir / "checkpoints"
        self._local = threading.local()
        try:
            self.checkpoints.mkdir(parents=True, exist_ok=True)
            with self._transaction() as db:
                migrate(db)
        except (sqlite3.DatabaseError, OSError, StoreError) as error:
            raise StoreError(
                f"the run store at {self.path} cannot be opened ({error}); move the folder {settings.data_dir} "
                "away (or point ANOMALY_LAB_DATA_DIR elsewhere) to start with an empty store"
            ) from None

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=15, isolation_level=None, check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: writers queue instead of failing); errors become StoreError."""
        db = self._connection()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"the run store could not save this ({error}); if the disk is full, free space") from None

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            return self._connection().execute(sql, args).fetchall()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"the run store could not be read ({error})") from None

    def _checkpoint_path(self, run_id: str) -> Path:
        return self.checkpoints / f"{run_id}.pt"

    def _forget_checkpoints(self, run_ids: Sequence[str]) -> None:
        """Delete the checkpoint files of runs whose rows were deleted."""
        for run_id in run_ids:
            self._checkpoint_path(run_id).unlink(missing_ok=True)
