"""Who may use this server: a refusal when the server runs without its own settings, and the workshop's access-code
gate that every new browser session passes before any page shows (its session token and runs exist only after it)."""

from __future__ import annotations

import hashlib
import hmac
import sys
import time

import streamlit as st
from streamlit import config as streamlit_config

from ui.server_settings import ServerBind, access_code, configured_upload_mb, exposure_warning, server_refusals

GRANTED_KEY = "access_granted"
CODE_INPUT_KEY = "access_code_input"
WRONG_CODE_SECONDS = 1.0  # each wrong code waits this long, so guessing by script is slow
MAX_CODE_CHARS = 200


def current_bind() -> ServerBind:
    """The running server's address (and whether someone set it) and upload limit."""
    address = streamlit_config.get_option("server.address")
    upload_mb = int(streamlit_config.get_option("server.maxUploadSize"))
    return ServerBind(address or None, streamlit_config.is_manually_set("server.address"), upload_mb)


@st.cache_resource(show_spinner=False)
def _announce(warning: str) -> None:
    """Print a warning on the server's console, once per server."""
    print(warning, file=sys.stderr, flush=True)


def guard_server() -> None:
    """Refuse to serve pages (st.error, then st.stop) when the server lost its own settings; warn once on the console
    when it is reachable from other machines without an access code. Outside a real server (AppTest) nothing to check."""
    if getattr(streamlit_config, "_server_mode", None) is None:  # set by Streamlit's server start-up; None under AppTest
        return
    bind = current_bind()
    warning = exposure_warning(bind.address, access_code())
    if warning is not None:
        _announce(warning)
    problems = server_refusals(bind, configured_upload_mb())
    for problem in problems:
        st.error(problem)
    if problems:
        st.stop()


def code_matches(entered: str, code: str) -> bool:
    """Whether `entered` is the code, in constant time whatever the lengths (the digests are compared, not the texts)."""
    return hmac.compare_digest(hashlib.sha256(entered.encode()).digest(), hashlib.sha256(code.encode()).digest())


def access_granted() -> bool:
    """True when no code is set, or this browser session entered it."""
    return access_code() is None or bool(st.session_state.get(GRANTED_KEY))


def render_access_gate() -> None:
    """Until this session entered the workshop's code: the code box instead of any page, then st.stop()."""
    code = access_code()
    if code is None or st.session_state.get(GRANTED_KEY):
        return
    st.title("Anomaly Lab")
    st.write("This workshop is protected: enter the access code your teacher gave you.")
    entered = st.text_input("Access code", key=CODE_INPUT_KEY, type="password", max_chars=MAX_CODE_CHARS)
    st.button("Enter", key="access_enter", type="primary")
    if entered:
        if code_matches(entered, code):
            st.session_state[GRANTED_KEY] = True
            st.rerun()
        time.sleep(WRONG_CODE_SECONDS)
        st.error("That access code is not right. Check it with your teacher and type it again (capitals count).")
    st.stop()
