"""The Train page's cost estimate: how long the run will take, and a refusal or a confirmation over the core's limits."""

from __future__ import annotations

import streamlit as st

from anomaly_core.cost import CostCheck, RunSizes, check_run_cost, describe_seconds
from ui.datasets import ecg_split
from ui.settings import LabSettings

CONFIRM_PREFIX = "confirm_cost_"  # + a digest of the settings: a confirmation holds for the settings it was given for


def run_check(settings: LabSettings, epochs: int | None = None) -> CostCheck:
    """The core's estimate and verdict for training `epochs` epochs (default: the settings') of these settings."""
    return check_run_cost(settings.model, settings.train, RunSizes.of(ecg_split(settings.data)), epochs)


def _confirm_key(settings: LabSettings) -> str:
    return CONFIRM_PREFIX + format(hash((settings.model, settings.train, settings.data)) & 0xFFFFFFFF, "08x")


def cost_confirmed(settings: LabSettings) -> bool:
    """Whether the learner confirmed a long run of exactly these settings."""
    return bool(st.session_state.get(_confirm_key(settings), False))


def render_cost(settings: LabSettings) -> tuple[bool, bool]:
    """The estimate, a refusal (st.error) or a confirmation box; returns whether Train and Step may start."""
    check = run_check(settings)
    cost = check.cost
    st.caption(
        f"Estimated training time: {describe_seconds(cost.seconds)} ({cost.epochs} epochs, "
        f"{describe_seconds(cost.epoch_seconds)} each, on one CPU thread)."
    )
    step_ok = run_check(settings, 1).refused is None
    if check.refused is not None:
        st.error(f"This run cannot start. {check.refused}")
        return False, step_ok
    if check.confirm is not None:
        st.warning(check.confirm)
        confirmed = st.checkbox("Train it anyway: I will wait (or press Stop)", key=_confirm_key(settings))
        return confirmed, step_ok
    return True, step_ok
