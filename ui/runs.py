"""The server's run store and worker pool, and this browser session's token that owns its runs.

The token lives in the URL (`?session=…`), so a reload, a reconnect or a new tab with that URL finds the same
runs. It is unguessable (`secrets.token_urlsafe`), never part of a shared or lesson link, and a session only
ever reads runs filed under its own token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

import streamlit as st

from anomaly_core.runs import RunNotFound, RunRecord, RunSettings, RunStore, StoreError
from anomaly_core.runs.pool import WorkerPool
from anomaly_core.runs.records import TOKEN_PATTERN
from anomaly_core.runs.store import open_store

SESSION_PARAM = "session"  # the URL's query parameter holding the token (the link codec ignores it)
TOKEN_KEY = "lab_session_token"
FOLLOWED_RUN_KEY = "train_run"  # the run the Train page shows: training now, or the last one trained
PROBLEM_KEY = "lab_store_problem"
WORKERS_WARM_UP_AFTER = 8.0  # seconds after the server's first session starts: its first page is drawn by then


@dataclass(frozen=True)
class RunService:
    """What every session of this server shares: the settings, the store and the warm worker pool."""

    settings: RunSettings
    store: RunStore
    pool: WorkerPool


@st.cache_resource(show_spinner=False)
def _start_service(key: str, _settings: RunSettings) -> RunService:
    """One service per server and settings (`key` is their repr; the leading underscore keeps Streamlit from hashing)."""
    store = open_store(_settings)
    return RunService(_settings, store, WorkerPool(_settings, store, _settings.workers, start_after=WORKERS_WARM_UP_AFTER))


def run_service() -> RunService | None:
    """The server's runs, or None (with the reason kept for `store_problem`) when the store cannot open."""
    try:
        settings = RunSettings.from_env()
        return _start_service(f"{settings!r} {settings.database_url}", settings)  # repr hides the URL
    except (StoreError, ValueError) as error:
        st.session_state[PROBLEM_KEY] = str(error)
        return None


def store_problem() -> str | None:
    """Why runs cannot be kept right now, if they cannot."""
    return st.session_state.get(PROBLEM_KEY)


def session_token() -> str | None:
    """This session's token (set by `open_session`), or None when the store is unavailable."""
    return st.session_state.get(TOKEN_KEY)


def token_from_url(service: RunService) -> tuple[str | None, str | None]:
    """The URL's token if it names a stored session, else None; plus a notice when the URL's token was refused."""
    given = st.query_params.get(SESSION_PARAM)
    if given is None:
        return None, None
    if TOKEN_PATTERN.fullmatch(given) and service.store.session_exists(given):
        return given, None
    return None, "The session in this address was not found (it expired or was mistyped): a new session was started."


def open_session(service: RunService) -> tuple[str, bool, str | None]:
    """This session's token, whether it was reopened from the URL, and a notice; the URL always carries it."""
    token = session_token()
    reopened, notice = False, None
    if token is None:
        token, notice = token_from_url(service)
        reopened = token is not None
        token = token or service.store.create_session()
        st.session_state[TOKEN_KEY] = token
    if st.query_params.get(SESSION_PARAM) != token:
        st.query_params[SESSION_PARAM] = token  # page switches drop query parameters: put it back
    return token, reopened, notice


def followed_run_id() -> str | None:
    """The id of the run the Train page follows, if any."""
    return st.session_state.get(FOLLOWED_RUN_KEY)


def follow_run(run_id: str | None) -> None:
    """Make the Train page follow `run_id` (None: nothing, e.g. after Reset)."""
    st.session_state[FOLLOWED_RUN_KEY] = run_id


def session_run(run_id: str | None) -> RunRecord | None:
    """A run of this session, or None when there is none (no store, deleted, or not this session's)."""
    service, token = run_service(), session_token()
    if service is None or token is None or run_id is None:
        return None
    try:
        return service.store.get_run(token, run_id)
    except (RunNotFound, StoreError):
        return None


def session_runs() -> list[RunRecord]:
    """This session's runs from Train, oldest first ([] when the store is unavailable); the Sweep page lists sweeps'."""
    service, token = run_service(), session_token()
    if service is None or token is None:
        return []
    try:
        return [run for run in service.store.list_runs(token) if run.sweep_id is None]
    except StoreError:
        return []


def switch_page(page: str, query_params: dict[str, str] | None = None) -> NoReturn:
    """`st.switch_page` that keeps this session's token in the address (a page switch drops query parameters)."""
    params = dict(query_params or {})
    token = session_token()
    if token is not None:
        params[SESSION_PARAM] = token
    st.switch_page(page, query_params=params)
