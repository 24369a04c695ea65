"""What runs on a Ray node: one stored run trained by the same `train_run` as the local workers, its progress
yielded back as messages (a Ray streaming generator) instead of written to a store the node cannot reach.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch

from ..config import DataConfig
from ..data import EcgSplit
from ..datasets import dataset_split
from .records import EpochRecord, RunRecord, RunStatus
from .worker import train_run

Message = tuple[Any, ...]  # ("epochs", records, seconds, device), ("checkpoint", data, epoch), ("finish", status, text, metrics)


class RelaySink:
    """A TrainingSink that queues what `train_run` writes; `cancelled` makes the run stop at its next flush."""

    def __init__(self, checkpoint: bytes | None) -> None:
        self.messages: queue.Queue[Message] = queue.Queue()
        self.cancelled = False
        self._checkpoint = checkpoint

    def checkpoint(self, run_id: str) -> bytes | None:
        return self._checkpoint

    def record_epochs(self, run_id: str, records: Sequence[EpochRecord], train_seconds: float, device: str) -> bool:
        self.messages.put(("epochs", list(records), train_seconds, device))
        return self.cancelled

    def save_checkpoint(self, run_id: str, data: bytes, epoch: int) -> None:
        self.messages.put(("checkpoint", data, epoch))

    def finish_run(self, run_id: str, status: RunStatus, message: str | None, metrics: dict[str, float]) -> None:
        self.messages.put(("finish", status, message, metrics))

    def stop_requested(self, run_id: str) -> bool:
        return self.cancelled

    def list_runs(self, token: str) -> list[RunRecord]:
        return []  # a Ray node cannot reach the store: divergence advice comes without the session's history


def _guarded(sink: RelaySink, run: RunRecord, split_for: Callable[[DataConfig], EcgSplit]) -> None:
    try:
        train_run(sink, run, split_for)
    except Exception as error:  # noqa: BLE001  anything else still ends the run, with its reason
        sink.finish_run(run.id, "failed", f"Training stopped with an error on the cluster: {error}", {})


def train_remote(run: RunRecord, checkpoint: bytes | None, upload: bytes | None = None) -> Iterator[Message]:
    """Train `run` in a thread of this Ray worker and yield each message it writes, ending with ("finish", …);
    `upload`: the learner's CSV when the run trains on one (a node cannot read the app's data folder)."""
    torch.set_num_threads(1)  # as the local workers: one thread per small model
    splits: dict[DataConfig, EcgSplit] = {}

    def split_for(cfg: DataConfig) -> EcgSplit:
        if cfg not in splits:
            splits[cfg] = dataset_split(cfg, upload)
        return splits[cfg]

    sink = RelaySink(checkpoint)
    thread = threading.Thread(target=_guarded, args=(sink, run, split_for), daemon=True)
    thread.start()
    try:
        while True:
            message = sink.messages.get()
            yield message
            if message[0] == "finish":
                return
    finally:
        sink.cancelled = True  # cancelled (or done): the training thread stops at its next flush
