"""Learners' uploaded CSV datasets, kept on disk beside the run store, one folder per session, named by content.

A run on a CSV names it by its sha256 (`DataConfig.csv_digest`); only the session that uploaded it can read it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .config import DataConfig
from .csv_dataset import csv_digest

UPLOADS_FOLDER = "uploads"
_SESSION = re.compile(r"[A-Za-z0-9_-]{1,64}")
_DIGEST = re.compile(r"[0-9a-f]{64}")


def upload_path(data_dir: Path, session: str, digest: str) -> Path:
    """Where a session's upload with this digest lives; ValueError for a malformed session or digest."""
    if not (_SESSION.fullmatch(session) and _DIGEST.fullmatch(digest)):
        raise ValueError("csv_digest: not an upload of this session")
    return data_dir / UPLOADS_FOLDER / session / f"{digest}.csv"


def save_upload(data_dir: Path, session: str, data: bytes) -> str:
    """Keep the bytes for this session (written whole, then renamed) and return their digest."""
    digest = csv_digest(data)
    path = upload_path(data_dir, session, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        os.replace(partial, path)
    return digest


def read_upload(data_dir: Path, session: str, digest: str) -> bytes | None:
    """The session's upload with this digest, or None when it is not there (other session, deleted, other host)."""
    try:
        return upload_path(data_dir, session, digest).read_bytes()
    except (OSError, ValueError):
        return None


def upload_of(data_dir: Path, session: str, cfg: DataConfig) -> bytes | None:
    """The upload a run's data settings name (None for the built-in datasets, or when it is not there)."""
    return read_upload(data_dir, session, cfg.csv_digest) if cfg.dataset == "csv" else None
