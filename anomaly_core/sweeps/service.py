"""Starting, following and stopping a sweep through the run store, whoever trains it (local pool or Ray)."""

from __future__ import annotations

import time
from collections.abc import Callable

from ..config import DataConfig
from ..cost import RunSizes, RunTooCostly, check_run_cost
from ..runs.records import Backend, RunRecord, SweepRecord
from ..runs.settings import RunSettings
from ..runs.store import RunStore
from ..runs.sweep_side import check_sweep_size
from .plan import SweepPlan

WAIT_POLL_SECONDS = 0.2


def backend_of(settings: RunSettings) -> Backend:
    """'ray' when a Ray address is configured, else 'local'."""
    return "ray" if settings.ray_address else "local"


def check_fits(plan: SweepPlan, settings: RunSettings) -> None:
    """ValueError when a value does not suit the base settings (e.g. the family), or when the plan has more runs than
    this server lets one session train at a time."""
    plan.runs()
    check_sweep_size(plan.size, settings)


def check_costs(plan: SweepPlan, sizes_of: Callable[[DataConfig], RunSizes]) -> None:
    """RunTooCostly (a ValueError) naming the first run over the Train page's cost limits and what to change; a
    sweep asks nobody to confirm, so a run that would need confirming is refused too."""
    for name, spec in plan.runs():
        check = check_run_cost(spec.model, spec.train, sizes_of(spec.data))
        problem = check.refused or check.confirm
        if problem is not None:
            raise RunTooCostly(f"{name} is too costly for a sweep: {problem}")


def start_sweep(store: RunStore, settings: RunSettings, token: str, plan: SweepPlan) -> SweepRecord:
    """Queue every run of `plan` for `token`; ValueError for a plan the configs refuse, RunConflict if one is active."""
    return store.create_sweep(token, plan.to_json(), plan.runs(), backend_of(settings))


def sweep_settled(runs: list[RunRecord]) -> bool:
    """True when no run of the sweep is queued or training."""
    return not any(run.active for run in runs)


def wait_for_sweep(store: RunStore, token: str, sweep_id: str, timeout_seconds: float) -> list[RunRecord]:
    """Poll until the sweep's runs have all settled; TimeoutError after `timeout_seconds`."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        runs = store.sweep_runs(token, sweep_id)
        if sweep_settled(runs):
            return runs
        time.sleep(WAIT_POLL_SECONDS)
    raise TimeoutError(f"the sweep did not finish within {timeout_seconds:.0f} s")
