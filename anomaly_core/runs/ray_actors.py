"""The Ray dispatcher's trainers: at most one Ray actor per run the cluster fits at once, started when a run first
needs it, reused run after run (torch imported and the data loaded once), replaced when one dies and retired after
idling, so that an idle server holds none of the cluster's CPUs for long.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

IDLE_SECONDS = 60.0  # an actor without a run for this long gives its CPUs back to the cluster


class TrainerActors:
    """Up to `fits` actors made by `make` and ended by `end`; `reserve` a slot, `take` an actor for a claimed run,
    `give_back` it."""

    def __init__(
        self, make: Callable[[], Any], end: Callable[[Any], None], fits: int, idle_seconds: float = IDLE_SECONDS
    ) -> None:
        self._make, self._end, self._idle_seconds = make, end, idle_seconds
        self._room = threading.BoundedSemaphore(fits)
        self._lock = threading.Lock()
        self._free: list[tuple[Any, float]] = []  # (actor, idle since), the most recently used last

    def reserve(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a free slot; True when one is now reserved."""
        return self._room.acquire(timeout=timeout)

    def unreserve(self) -> None:
        """Free a reserved slot that got no run."""
        self._room.release()

    def take(self) -> Any:
        """An actor for the run of a reserved slot: the last one used (its data is loaded), else a new one."""
        with self._lock:
            if self._free:
                return self._free.pop()[0]
        return self._make()

    def give_back(self, actor: Any | None, healthy: bool) -> None:
        """Free the slot of `actor`'s run (None: no actor could be started); keep the actor for the next run, or
        end it when it failed."""
        if actor is not None and healthy:
            with self._lock:
                self._free.append((actor, time.monotonic()))
        elif actor is not None:
            self._end(actor)
        self._room.release()

    def retire_idle(self) -> None:
        """End the actors that have had no run for `idle_seconds`."""
        cutoff = time.monotonic() - self._idle_seconds
        with self._lock:
            idle = [actor for actor, since in self._free if since < cutoff]
            self._free = [(actor, since) for actor, since in self._free if since >= cutoff]
        for actor in idle:
            self._end(actor)
