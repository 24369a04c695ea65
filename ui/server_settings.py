"""The server's own settings, whatever folder it was started from: loopback unless a bind was asked for, the upload
limit of `.streamlit/config.toml`, and an access code for a workshop (no Streamlit here: deploy/ uses it too).

Streamlit reads `.streamlit/config.toml` from the working directory and from app.py's folder; `server_refusals`
names what is still wrong when a server lost them anyway (bound to every interface by default, a larger upload limit).
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
ACCESS_CODE_ENV = "ANOMALY_LAB_ACCESS_CODE"  # a workshop's code: every new browser session must enter it
STREAMLIT_DEFAULT_UPLOAD_MB = 200
MIN_CODE_CHARS = 6  # shorter codes are guessed quickly


def configured_upload_mb(config: Path = CONFIG_FILE) -> int:
    """`server.maxUploadSize` (MB) of the app's own config file (Streamlit's 200 when it is unset)."""
    return int(tomllib.loads(config.read_text()).get("server", {}).get("maxUploadSize", STREAMLIT_DEFAULT_UPLOAD_MB))


def is_loopback(host: str) -> bool:
    """True for addresses only this machine reaches (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def access_code() -> str | None:
    """The workshop's access code from ANOMALY_LAB_ACCESS_CODE, or None when the app is open to whoever reaches it."""
    code = os.environ.get(ACCESS_CODE_ENV, "").strip()
    return code or None


@dataclass(frozen=True)
class ServerBind:
    """What the running server uses: its address (None: Streamlit's default, every interface) and upload limit."""

    address: str | None
    address_given: bool  # set in a config file, an environment variable or a flag, not Streamlit's default
    upload_mb: int


def server_refusals(bind: ServerBind, limit_mb: int) -> list[str]:
    """Why the app must not serve pages with these settings (empty: it may), each with what to do."""
    problems = []
    if not bind.address and not bind.address_given:
        problems.append(
            "This server listens on every network interface because it started without Anomaly Lab's settings "
            "(.streamlit/config.toml). Restart it with `make run`, or add `--server.address 127.0.0.1`; to serve a "
            f"room, bind its address on purpose and set {ACCESS_CODE_ENV}."
        )
    if bind.upload_mb > limit_mb:
        problems.append(
            f"This server accepts uploads of {bind.upload_mb} MB; Anomaly Lab's files stay under {limit_mb} MB. "
            f"Restart it with `--server.maxUploadSize {limit_mb}` (or without the setting that raised it)."
        )
    return problems


def exposure_warning(address: str | None, code: str | None) -> str | None:
    """A warning when the app is reachable from other machines without an access code (None when it is not)."""
    if address and is_loopback(address):
        return None
    where = address or "every network interface"
    if code is None:
        return (
            f"WARNING: Anomaly Lab listens on {where} with no access code: anyone who can reach this machine can use it. "
            f"Set {ACCESS_CODE_ENV} to a code you give your learners."
        )
    if len(code) < MIN_CODE_CHARS:
        return f"WARNING: the access code has {len(code)} characters; use at least {MIN_CODE_CHARS} so it cannot be guessed."
    return None
