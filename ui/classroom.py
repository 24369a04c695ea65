"""Classroom mode: which Train-page control groups a lesson link hides or locks.

`st.session_state[CLASSROOM_KEY]` maps a control group to "locked" or "hidden"; groups not named
are open. The Train page asks `control_mode(group)` before drawing each group: hidden groups are not
drawn (their values come from the settings), locked ones are drawn disabled.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

ControlMode = Literal["open", "locked", "hidden"]
CLASSROOM_KEY = "classroom"
CONTROL_GROUPS: dict[str, str] = {
    "layers": "Layers and units",
    "optimizer": "Optimizer",
    "learning_rate": "Learning rate",
    "regularizer": "Regularizer",
    "data_sizes": "Training and test sizes",
    "abnormal": "Abnormal beats in training",
    "device": "Device",
    "loss": "Loss",
    "seed": "Seed",
}


def control_mode(group: str) -> ControlMode:
    """How the Train page should show a control group in this session."""
    if group not in CONTROL_GROUPS:
        raise KeyError(f"unknown control group {group!r}")
    return st.session_state.get(CLASSROOM_KEY, {}).get(group, "open")
