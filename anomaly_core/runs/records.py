"""What a run is: its frozen settings, its status and every epoch it reported."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from ..bounded_json import loads_bounded
from ..config import DataConfig, ModelConfig, TrainConfig, config_from_dict, config_to_dict, saved_data_config

RunStatus = Literal["queued", "training", "stopped", "finished", "diverged", "failed", "interrupted"]
ACTIVE_STATUSES: tuple[RunStatus, ...] = ("queued", "training")
USABLE_STATUSES: tuple[RunStatus, ...] = ("stopped", "finished", "diverged", "failed", "interrupted")  # with epochs > 0


TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # a session token: secrets.token_urlsafe(24) gives 32 characters
RUN_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,32}")  # a run id: secrets.token_urlsafe(9) gives 12


def new_identifier(nbytes: int) -> str:
    """An unguessable id of `nbytes` random bytes (run, sweep: 9; session token: 24) that never starts with "-", so
    a command line (`runs show ID`, `runs list --session TOKEN`) cannot take it for an option."""
    while (text := secrets.token_urlsafe(nbytes)).startswith("-"):
        pass
    return text


class BadIdentifier(ValueError):
    """Text from outside (an address, a command line) that cannot be a session token or a run id."""


def checked_token(text: str) -> str:
    """`text` if it has the form of a session token; BadIdentifier otherwise (before any database sees it)."""
    if not TOKEN_PATTERN.fullmatch(text):
        raise BadIdentifier(f"{text[:20]!r} is not a session token (16 to 64 letters, digits, - or _)")
    return text


def checked_run_id(text: str) -> str:
    """`text` if it has the form of a run id; BadIdentifier otherwise."""
    if not RUN_ID_PATTERN.fullmatch(text):
        raise BadIdentifier(f"{text[:20]!r} is not a run id (8 to 32 letters, digits, - or _; `runs list` shows them)")
    return text


class StoreError(RuntimeError):
    """The run store cannot be read or written (corrupt, newer schema, full disk); the message says what to do."""


class RunNotFound(LookupError):
    """No such run in this session (never created, deleted, or owned by another session)."""


class RunConflict(RuntimeError):
    """The session already has a run (or a sweep) queued or training."""


MAX_NAME_CHARS = 80  # a run's name, as stored
MAX_SWEEP_RUNS = 200  # runs in one sweep; a session has at most one sweep queued or training, so also per session
Backend = Literal["local", "ray"]  # who trains a run: the local worker pool or the Ray dispatcher


@dataclass(frozen=True)
class SweepRecord:
    """A sweep as stored: its plan (plain JSON values, written by `anomaly_core.sweep`) and when it was made."""

    id: str
    session: str
    plan: dict[str, Any]
    created: float


@dataclass(frozen=True)
class RunSpec:
    """The frozen settings a run trains with."""

    model: ModelConfig
    train: TrainConfig
    data: DataConfig

    def to_json(self) -> str:
        return json.dumps({k: config_to_dict(v) for k, v in (("model", self.model), ("train", self.train), ("data", self.data))})

    @classmethod
    def from_json(cls, text: str) -> RunSpec:
        values = loads_bounded(text, what="the run's settings")
        return cls(
            config_from_dict(ModelConfig, values["model"]),
            config_from_dict(TrainConfig, values["train"]),
            saved_data_config(values["data"]),  # runs stored before `scaling` existed were scaled globally
        )


@dataclass(frozen=True)
class RunRecord:
    """One run as stored: settings, progress, outcome and final metrics."""

    id: str
    session: str
    name: str
    spec: RunSpec
    status: RunStatus
    target_epochs: int
    epochs: int = 0
    message: str | None = None
    train_seconds: float = 0.0
    device: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    stop_requested: bool = False
    created: float = 0.0
    updated: float = 0.0
    sweep_id: str | None = None  # the sweep this run belongs to (None: a plain Train run)

    @property
    def active(self) -> bool:
        """Queued or training: a worker has it or will take it."""
        return self.status in ACTIVE_STATUSES

    @property
    def usable(self) -> bool:
        """Has trained weights that can become the current model."""
        return self.status in USABLE_STATUSES and self.epochs > 0


@dataclass(frozen=True)
class EpochRecord:
    """One finished epoch; `test_scores` (n,) float32 when the epoch scored the test beats."""

    epoch: int
    steps: int
    train_loss: float
    val_loss: float
    seconds: float
    eval_seconds: float
    test_scores: np.ndarray | None = None


def row_metrics(text: str | None) -> dict[str, Any]:
    """The metrics JSON of a run row ({} when none yet)."""
    return loads_bounded(text, what="the run's metrics") if text else {}


RUN_COLUMNS = (
    "id, session, name, spec, status, target_epochs, epochs, message, train_seconds, device, metrics, stop_requested, "
    "created, updated, sweep_id"
)  # what `record_from_row` reads, in every backend


class Row(Protocol):
    """A database row read by column name (sqlite3.Row, psycopg's dict rows)."""

    def __getitem__(self, key: str) -> Any: ...


def record_from_row(row: Row) -> RunRecord:
    """A run from a row holding RUN_COLUMNS; StoreError when the row was damaged (its settings cannot be read)."""
    try:
        return _record(row)
    except (ValueError, KeyError, TypeError) as error:
        raise StoreError(f"run {str(row['id'])[:20]!r} in the run store is damaged ({str(error)[:80]}); delete it") from None


def _record(row: Row) -> RunRecord:
    return RunRecord(
        id=row["id"], session=row["session"], name=row["name"], spec=RunSpec.from_json(row["spec"]), status=row["status"],
        target_epochs=row["target_epochs"], epochs=row["epochs"], message=row["message"],
        train_seconds=row["train_seconds"], device=row["device"], metrics=row_metrics(row["metrics"]),
        stop_requested=bool(row["stop_requested"]), created=row["created"], updated=row["updated"],
        sweep_id=row["sweep_id"],
    )  # fmt: skip


def epoch_from_row(row: Row) -> EpochRecord:
    """An epoch from a row of the epochs table; test scores are stored as float32 bytes."""
    blob = row["test_scores"]
    scores = None if blob is None else np.frombuffer(bytes(blob), dtype=np.float32).astype(np.float64)
    return EpochRecord(
        row["epoch"], row["steps"], row["train_loss"], row["val_loss"], row["seconds"], row["eval_seconds"], scores
    )
