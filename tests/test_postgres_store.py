"""What only the PostgreSQL run store has: chosen by a URL, faults reported clearly, schema versions, no password leaks."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from anomaly_core.runs import RunSettings, StoreError
from anomaly_core.runs.pg_schema import SCHEMA_VERSION
from anomaly_core.runs.postgres_store import PostgresRunStore
from anomaly_core.runs.settings import DATABASE_URL_ENV
from anomaly_core.runs.sqlite_store import SQLiteRunStore
from anomaly_core.runs.store import open_store
from harness.app_server import free_port
from tests.databases import store_settings


def test_the_database_url_setting_chooses_postgres(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, postgres_url: str) -> None:
    monkeypatch.setenv("ANOMALY_LAB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    assert isinstance(open_store(RunSettings.from_env()), SQLiteRunStore)
    monkeypatch.setenv(DATABASE_URL_ENV, postgres_url)
    settings = RunSettings.from_env()
    assert isinstance(open_store(settings), PostgresRunStore)
    assert postgres_url not in repr(settings) and postgres_url not in settings.to_json()  # never on a worker's command line
    assert RunSettings.from_json(settings.to_json()) == settings  # the worker reads it from its environment


def test_a_database_that_is_down_at_start_says_so_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://lab:s3cret@127.0.0.1:{free_port()}/runs"
    with pytest.raises(StoreError, match=r"cannot be reached .*unset ANOMALY_LAB_DATABASE_URL") as error:
        open_store(store_settings(tmp_path, url))
    assert "s3cret" not in str(error.value) and "127.0.0.1" in str(error.value)


def test_a_connection_lost_mid_session_fails_clearly_then_recovers(postgres_url: str, tmp_path: Path) -> None:
    store = open_store(store_settings(tmp_path, postgres_url))
    token = store.create_session()
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                      "AND datname = current_database()")  # fmt: skip
    try:
        store.save_session_state(token, {"step": 1})
    except StoreError as error:
        assert "connection to the runs database" in str(error) and "try again" in str(error)
    store.save_session_state(token, {"step": 2})  # a fresh connection
    assert store.session_state(token) == {"step": 2}


def test_a_failed_transaction_writes_nothing(postgres_url: str, tmp_path: Path) -> None:
    store = open_store(store_settings(tmp_path, postgres_url))
    assert isinstance(store, PostgresRunStore)
    with pytest.raises(StoreError), store._transaction() as db:
        db.execute("INSERT INTO sessions (token, created, updated, state) VALUES ('half', 0, 0, '{}')")
        db.execute("INSERT INTO sessions (token, created, updated, state) VALUES ('half', 0, 0, '{}')")  # duplicate key
    assert not store.session_exists("half")


def test_a_database_from_a_newer_app_is_refused(postgres_url: str, tmp_path: Path) -> None:
    open_store(store_settings(tmp_path, postgres_url))
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("UPDATE schema_version SET version = %s", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer Anomaly Lab"):
        open_store(store_settings(tmp_path, postgres_url))


def test_the_app_serves_the_ready_model_while_the_database_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(DATABASE_URL_ENV, f"postgresql://lab@127.0.0.1:{free_port()}/runs")
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("Runs cannot be kept right now" in e.value and "cannot be reached" in e.value for e in at.error)
    assert "Ready model: test AUC" in [m.label for m in at.metric]  # the ready model still scores beats
