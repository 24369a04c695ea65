"""PostgreSQL plumbing of the run store: a small connection pool, transactions, clear errors, rows to records."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import DictRow, dict_row

from .pg_schema import migrate
from .records import StoreError
from .settings import RunSettings

NOW = "extract(epoch from clock_timestamp())"  # the database's clock: replicas on several hosts agree on it
CONNECT_TIMEOUT_SECONDS = 5
MAX_IDLE_CONNECTIONS = 8
Connection = psycopg.Connection[DictRow]


def describe_url(url: str) -> str:
    """`host:port/dbname` of a database URL, never its password (for messages)."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.Error:
        return "the database URL (it cannot be parsed)"
    return f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"


class PostgresDatabase:
    """Connections to the runs database (autocommit, pooled across threads), upgraded on open."""

    PARAM = "%s"  # psycopg's parameter marker (for the statements shared with SQLite, written with `?`)

    def __init__(self, settings: RunSettings) -> None:
        if not settings.database_url:
            raise StoreError("no database URL: set ANOMALY_LAB_DATABASE_URL to postgresql://user@host:port/dbname")
        self.settings, self.url = settings, settings.database_url
        self.where = describe_url(self.url)
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        with self._connection() as db:
            migrate(db)

    def _connect(self) -> Connection:
        try:
            return psycopg.connect(self.url, autocommit=True, row_factory=dict_row, connect_timeout=CONNECT_TIMEOUT_SECONDS)
        except psycopg.Error as error:
            raise StoreError(
                f"the runs database at {self.where} cannot be reached ({str(error).strip().splitlines()[-1]}); "
                "start PostgreSQL or unset ANOMALY_LAB_DATABASE_URL to keep runs in SQLite"
            ) from None

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A pooled connection; a broken one is closed and the idle ones dropped (they likely broke too)."""
        with self._lock:
            db = self._idle.pop() if self._idle else None
        db = db if db is not None and not db.closed else self._connect()
        try:
            yield db
        except psycopg.OperationalError as error:
            db.close()
            self._drop_idle()
            raise StoreError(f"the connection to the runs database at {self.where} was lost ({error}); try again") from None
        except psycopg.Error as error:
            raise StoreError(f"the runs database could not do this ({error})") from None
        finally:
            self._release(db)

    def _release(self, db: Connection) -> None:
        """Keep an idle, healthy connection for the next call; close the rest."""
        healthy = not db.closed and db.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with self._lock:
            if healthy and len(self._idle) < MAX_IDLE_CONNECTIONS:
                self._idle.append(db)
                return
        db.close()

    def _drop_idle(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for db in idle:
            db.close()

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One transaction: all of it is written or none of it (a lost connection rolls it back)."""
        with self._connection() as db, db.transaction():
            yield db

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[DictRow]:
        with self._connection() as db:
            return db.execute(sql, args).fetchall()

    def _clock(self, db: Connection) -> float:
        """The database's clock, in seconds since the epoch (the one NOW reads)."""
        return float(db.execute(f"SELECT {NOW}::float8 AS now").fetchone()["now"])  # type: ignore[index]

    def close(self) -> None:
        """Close the idle connections (those in use close when returned)."""
        self._drop_idle()
