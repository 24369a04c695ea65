"""Test fixtures for the runs databases: one PostgreSQL cluster per test session (127.0.0.1, stopped by PID), a
fresh database per test, and a `run_store` fixture parametrised over SQLite and PostgreSQL.

Without PostgreSQL its tests are skipped; with CI=true they fail instead.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from anomaly_core.runs import RunSettings, RunStore
from anomaly_core.runs.store import open_store
from harness.postgres import PostgresServer, postgres_bin, start_postgres, stop_postgres


def require(found: bool, message: str) -> None:
    """Skip the test when `found` is false, or fail it under CI=true."""
    if not found:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    require(postgres_bin() is not None, "PostgreSQL is not installed (apt-get install postgresql-15)")
    server = start_postgres(Path(tempfile.mkdtemp(prefix="anomaly-lab-test-pg-")) / "data")
    yield server
    stop_postgres(server)


def new_database(server: PostgresServer) -> str:
    """Create an empty database in `server`; its URL."""
    name = f"lab_{secrets.token_hex(6)}"
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return server.url(name)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    return new_database(postgres_server)


def store_settings(tmp_path: Path, database_url: str | None = None, **limits: float) -> RunSettings:
    return RunSettings(data_dir=tmp_path / "runs", workers=1, database_url=database_url, **limits)  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", "postgres"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def make_store(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path):
    """A factory of run stores of this test's kind (same database for every call), with optional retention limits."""
    url = request.getfixturevalue("postgres_url") if store_kind == "postgres" else None

    def make(**limits: float) -> RunStore:
        return open_store(store_settings(tmp_path, url, **limits))

    return make


@pytest.fixture
def run_store(make_store) -> RunStore:
    return make_store()
