"""Check that a file can be written before any long work starts: not a folder, no file in the way, a writable place.

`OutputPathError` names the path and what to change; missing folders are created and reported by the caller.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputPathError(ValueError):
    """An output path that cannot be written; the message says why and what to choose instead."""


def missing_folders(target: Path) -> list[Path]:
    """The folders above `target` that do not exist yet, outermost first."""
    return [folder for folder in reversed(target.parents) if not folder.exists()]


def check_output_file(target: Path, option: str) -> list[Path]:
    """OutputPathError unless `target` can be written; returns the folders that will be created for it."""
    if target.is_dir():
        raise OutputPathError(f"{option}: {target} is a folder; give a file name inside it")
    existing = next(folder for folder in target.parents if folder.exists())
    if not existing.is_dir():
        raise OutputPathError(f"{option}: {existing} is a file, so nothing can be written under it; choose another path")
    if target.exists():
        _probe_existing(target, option)
    else:
        _probe_folder(existing, option)
    return missing_folders(target)


def _probe_existing(target: Path, option: str) -> None:
    if not target.is_file() or not os.access(target, os.W_OK):
        raise OutputPathError(f"{option}: {target} exists and cannot be overwritten; choose another file")
    try:
        with target.open("ab"):  # opened for appending: the old content stays until the real write
            pass
    except OSError as error:
        raise OutputPathError(f"{option}: cannot write {target} ({error.strerror}); choose another file") from None


def _probe_folder(folder: Path, option: str) -> None:
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        problem = f"cannot write in {folder} ({error.strerror})"
        raise OutputPathError(f"{option}: {problem}; choose a folder you can write to") from None


def write_text_creating_folders(target: Path, text: str) -> None:
    """Write `text` to `target`, creating missing folders first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
