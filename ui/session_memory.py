"""What a session keeps across reloads and server restarts: settings, lesson and locked controls, the current
model and the run the Train page follows. Written to the run store when it changes, read back on reopening."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import streamlit as st

from anomaly_core.runs import RunRecord, StoreError
from ui.datasets import session_upload
from ui.run_models import current_run_id, use_run
from ui.runs import follow_run, followed_run_id, open_session, run_service, session_run, session_token, store_problem
from ui.settings import get_settings, set_settings
from ui.sharing.codec import decode_params, encode_params
from ui.sharing.links import APPLIED_LINK_KEY, apply_state, current_state

SAVED_KEY = "lab_session_saved"  # the JSON last written, so only changes are written
OPENED_KEY = "lab_session_opened"  # set once the session is opened (and restored, when reopened)
NOTICE_KEY = "lab_session_notice"  # why the address's session could not be reopened
ADOPTED_KEY = "lab_adopted_run"  # (run id, epochs, status) of the followed run last made current
ADOPTED_STATUSES = ("finished", "stopped")  # a diverged or failed run leaves the current model as it was


def snapshot() -> dict[str, Any]:
    """The session's state as plain JSON values."""
    return {
        "link": encode_params(current_state()),
        "preset": get_settings().preset,
        "applied_link": st.session_state.get(APPLIED_LINK_KEY),
        "current_run": current_run_id(),
        "followed_run": followed_run_id(),
        "adopted": st.session_state.get(ADOPTED_KEY),
        "csv_digest": get_settings().data.csv_digest,  # links leave an upload out; the session keeps it
    }


def restore(saved: dict[str, Any]) -> None:
    """Put a snapshot back: settings, lesson and locks first, then the runs."""
    state, _ = decode_params(saved.get("link") or {})
    apply_state(state)
    settings = dataclasses.replace(get_settings(), preset=saved.get("preset"))
    digest = saved.get("csv_digest")
    if isinstance(digest, str) and digest and session_upload(digest) is not None:
        settings = dataclasses.replace(settings, data=dataclasses.replace(settings.data, dataset="csv", csv_digest=digest))
    set_settings(settings)
    if saved.get("applied_link"):
        st.session_state[APPLIED_LINK_KEY] = saved["applied_link"]  # the address's link was applied before: keep edits
    follow_run(saved.get("followed_run"))
    st.session_state[ADOPTED_KEY] = tuple(saved["adopted"]) if saved.get("adopted") else None
    run = session_run(saved.get("current_run"))
    if run is not None:
        use_run(run)


def _render_notice() -> None:
    """A notice about the session's address, shown until the learner dismisses it."""
    notice = st.session_state.get(NOTICE_KEY)
    if notice:
        st.warning(notice)
        st.button("Got it", key="session_notice_ok", on_click=st.session_state.pop, args=(NOTICE_KEY, None))


def start_session() -> None:
    """app.py, before a link is applied: open (or reopen) this session's token and restore what it saved."""
    service = run_service()
    if service is None:
        st.error(f"Runs cannot be kept right now: {store_problem()}. Training still needs the run store; see the README.")
        return
    token, reopened, notice = open_session(service)  # also puts the token back into an address that lost it
    if st.session_state.get(OPENED_KEY):
        _render_notice()
        return
    st.session_state[OPENED_KEY] = True
    st.session_state[NOTICE_KEY] = notice
    _render_notice()
    if reopened:
        saved = service.store.session_state(token)
        restore(saved)
        st.session_state[SAVED_KEY] = json.dumps(saved, sort_keys=True)


def awaits_adoption(run: RunRecord) -> bool:
    """Whether the followed `run` has ended with weights since the session last made it current."""
    if run.active or run.status not in ADOPTED_STATUSES or not run.usable:
        return False
    return st.session_state.get(ADOPTED_KEY) != (run.id, run.epochs, run.status)


def adopt_settled_run() -> None:
    """When the followed run ends (finished or stopped, here or while the learner was away) it becomes current."""
    run = session_run(followed_run_id())
    if run is not None and awaits_adoption(run):
        st.session_state[ADOPTED_KEY] = (run.id, run.epochs, run.status)
        use_run(run)


def save_session() -> None:
    """Write the session's state to the store when it changed since the last write."""
    service, token = run_service(), session_token()
    if service is None or token is None:
        return
    state = snapshot()
    text = json.dumps(state, sort_keys=True)
    if st.session_state.get(SAVED_KEY) == text:
        return
    try:
        service.store.save_session_state(token, state)
        st.session_state[SAVED_KEY] = text
    except StoreError as error:
        st.warning(f"This session's state could not be saved: {error}")
