"""What runs on a Ray node: a Ray actor that imports torch and loads each dataset once, then trains the stored runs it
is given one after another with the same `train_run` as the local workers, yielding each run's progress back as
messages (a Ray streaming generator) instead of writing to a store the node cannot reach.
"""

from __future__ import annotations

import functools
import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from ..config import DataConfig
from ..data import EcgSplit
from ..train import configure_threads
from .records import EpochRecord, RunRecord, RunStatus
from .split_cache import SplitCache
from .worker import train_run, warm_up

Message = tuple[Any, ...]  # ("epochs", records, seconds, device), ("checkpoint", data, epoch), ("finish", status, text, metrics)
CONTROL_GROUP = "control"  # the actor's concurrency group for `stop`, so that it is heard while `train` runs


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


class RunTrainer:
    """A Ray actor's body (one per slot of the cluster): the datasets and their splits stay loaded between runs, as in
    a local worker."""

    def __init__(self) -> None:
        configure_threads()  # as the local workers: one thread per small model
        self._splits = SplitCache()
        warm_up(self._splits)  # as the local workers: torch's first optimizer and the default split, before any run
        self._sinks: dict[str, RelaySink] = {}  # the run training now, by id (read by `stop` from another thread)

    def split_for(self, cfg: DataConfig, upload: bytes | None) -> EcgSplit:
        """The split `cfg` asks for (`upload`: the learner's CSV when it names one), made once per actor."""
        return self._splits.split(cfg, lambda: upload)

    def train(self, run: RunRecord, checkpoint: bytes | None, upload: bytes | None = None) -> Iterator[Message]:
        """Train `run` in a thread of this actor and yield each message it writes, ending with ("finish", …);
        `upload`: the learner's CSV when the run trains on one (a node cannot read the app's data folder)."""
        sink = self._sinks[run.id] = RelaySink(checkpoint)
        thread = threading.Thread(target=self._guarded, args=(sink, run, upload), daemon=True)
        thread.start()
        try:
            while True:
                message = sink.messages.get()
                yield message
                if message[0] == "finish":
                    return
        finally:
            sink.cancelled = True  # cancelled (or done): the training thread stops at its next flush
            self._sinks.pop(run.id, None)

    def stop(self, run_id: str) -> None:
        """Make run `run_id` stop at its next flush (nothing when it is no longer training here)."""
        sink = self._sinks.get(run_id)
        if sink is not None:
            sink.cancelled = True

    def _guarded(self, sink: RelaySink, run: RunRecord, upload: bytes | None) -> None:
        try:
            train_run(sink, run, functools.partial(self.split_for, upload=upload))
        except Exception as error:  # noqa: BLE001  anything else still ends the run, with its reason
            sink.finish_run(run.id, "failed", f"Training stopped with an error on the cluster: {error}", {})
