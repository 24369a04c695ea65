"""Shareable state in the app: apply a link's query parameters, build links, and share settings as JSON.

`apply_link_params()` runs in app.py before the page: a link with parameters replaces the session's
settings, threshold strategy (`st.session_state[THRESHOLD_KEY]`) and classroom mode all at once, and
`render_link_notice()` lists what it ignored. `render_share_controls()` is the Train page's
"Copy link to these settings" box with the JSON download and upload.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import streamlit as st

from anomaly_core import DataConfig
from ui.datasets import ecg_split
from ui.runs import SESSION_PARAM, switch_page
from ui.settings import get_settings, set_settings
from ui.sharing.classroom import classroom_setup, set_classroom
from ui.sharing.codec import (
    DEFAULT_THRESHOLD,
    PAGE_PARAM,
    THRESHOLD_KEY,
    THRESHOLD_STRATEGIES,
    SharedState,
    decode_params,
    encode_params,
)
from ui.sharing.settings_file import settings_from_json, settings_to_json

__all__ = [
    "THRESHOLD_KEY",
    "THRESHOLD_STRATEGIES",
    "apply_link_params",
    "current_state",
    "escape_markdown",
    "render_link_notice",
    "render_share_controls",
    "share_url",
]

APPLIED_LINK_KEY = "share_applied_link"  # the query string last applied in this session
NOTICE_KEY = "share_link_notice"  # lines naming the parameters that link's decoding ignored
UPLOAD_KEY = "share_upload"
UPLOAD_MESSAGE_KEY = "share_upload_message"
FALLBACK_BASE_URL = "http://localhost:8501"  # when the browser's address is unknown (AppTest)
MAX_NOTICE_LINES = 12
LINK_PAGES = ("home", "data", "train", "evaluate", "draw", "compare", "teacher")  # pages/<name>.py
MAX_LINE_CHARS = 200


def escape_markdown(text: str) -> str:
    """Text that Streamlit's markdown shows literally (every ASCII punctuation mark escaped)."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def _check_split(cfg: DataConfig) -> None:
    """Raise ValueError when ECG5000 cannot be split this way (e.g. too few normal beats)."""
    ecg_split(cfg)


def current_state() -> SharedState:
    """The session's settings, threshold strategy and classroom setup."""
    threshold = st.session_state.setdefault(THRESHOLD_KEY, DEFAULT_THRESHOLD)
    return SharedState(get_settings(), threshold, classroom_setup())


def apply_state(state: SharedState) -> None:
    """Replace settings, threshold strategy and classroom mode together (widgets re-read them)."""
    set_settings(state.settings)
    st.session_state[THRESHOLD_KEY] = state.threshold_strategy
    set_classroom(state.classroom)


def apply_link_params() -> None:
    """Apply the page's query parameters once per new link, then open the page a root link names.

    Call in app.py after st.navigation and before navigation.run(). Links point at the app's root
    (`/?page=train&...`), where app.py always runs; deep links (`/train?...`) work the same way.
    """
    params = st.query_params.to_dict()
    params.pop(SESSION_PARAM, None)  # the session's own token, never a setting
    target = params.pop(PAGE_PARAM, None)
    if not params and target is None:
        st.session_state.pop(APPLIED_LINK_KEY, None)  # the same link opened again later applies again
        return
    signature = json.dumps(sorted(params.items()))
    if st.session_state.get(APPLIED_LINK_KEY) != signature:
        state, ignored = decode_params(params, check_data=_check_split)
        if target is not None and target not in LINK_PAGES:
            ignored.append(f"{PAGE_PARAM}={target[:30]!r}: no such page (use {', '.join(LINK_PAGES)})")
        apply_state(state)
        st.session_state[APPLIED_LINK_KEY] = signature
        st.session_state[NOTICE_KEY] = ignored
    if target in LINK_PAGES:
        switch_page(f"pages/{target}.py", query_params=params)


def render_link_notice() -> None:
    """While the link is open: a warning listing the parameters it ignored, if any."""
    ignored = st.session_state.get(NOTICE_KEY, []) if APPLIED_LINK_KEY in st.session_state else []
    if not ignored:
        return
    lines = [f"- {escape_markdown(line[:MAX_LINE_CHARS])}" for line in ignored[:MAX_NOTICE_LINES]]
    if len(ignored) > MAX_NOTICE_LINES:
        lines.append(f"- … and {len(ignored) - MAX_NOTICE_LINES} more")
    st.warning(
        "This link had settings that could not be used. They were ignored and the defaults kept:\n\n" + "\n".join(lines),
        icon="⚠️",
    )


def app_base_url(current_page: str) -> str:
    """The app's root address as the browser sees it, from a page whose URL path is `current_page`."""
    url = st.context.url
    if not url:
        return FALLBACK_BASE_URL
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if current_page and path.endswith("/" + current_page):
        path = path[: -len(current_page) - 1]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def share_url(state: SharedState, *, current_page: str, target_page: str = "train") -> str:
    """A full link to the app's root that applies `state` and opens `target_page`."""
    query = urlencode({PAGE_PARAM: target_page, **encode_params(state)}, quote_via=quote, safe=",")
    return f"{app_base_url(current_page)}/?{query}"


def _apply_uploaded_file() -> None:
    """on_change of the uploader: apply a valid settings file, or keep everything and say why not."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is None:
        st.session_state.pop(UPLOAD_MESSAGE_KEY, None)
        return
    try:
        settings, threshold = settings_from_json(uploaded.getvalue())
        _check_split(settings.data)
    except ValueError as error:
        message = f"This file was not used, nothing changed: {str(error)[:MAX_LINE_CHARS]}. Choose a file saved from this page."
        st.session_state[UPLOAD_MESSAGE_KEY] = ("error", message)
        return
    set_settings(settings)
    st.session_state[THRESHOLD_KEY] = threshold
    st.session_state[UPLOAD_MESSAGE_KEY] = ("success", "Settings loaded from the file: the controls show them now.")


def render_share_controls() -> None:
    """The Train page's box: "Copy link to these settings", and the settings as a JSON file."""
    state = current_state()
    with st.expander("Copy link to these settings · save or load them as a file"):
        st.caption("Copy link to these settings (copy icon at the right of the box); it opens the Train page with them.")
        st.code(share_url(state, current_page="train"), language=None, wrap_lines=True)
        download, upload = st.columns(2)
        download.download_button(
            "Download settings (JSON)",
            settings_to_json(state.settings, state.threshold_strategy),
            file_name="anomaly-lab-settings.json",
            mime="application/json",
            key="share_download",
            on_click="ignore",
        )
        upload.file_uploader(
            "Load settings (JSON)", type=["json"], key=UPLOAD_KEY, on_change=_apply_uploaded_file, max_upload_size=1
        )
        kind, text = st.session_state.get(UPLOAD_MESSAGE_KEY, (None, ""))
        if kind == "error":
            st.error(escape_markdown(text))
        elif kind == "success":
            st.success(text)
