"""The threshold the learner chose for a model on the Evaluate page; other pages (Draw) start from it."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.current_model import ActiveModel

CHOICE_KEY = "chosen_threshold"


@dataclass(frozen=True)
class ThresholdChoice:
    """A threshold and the model it was chosen for (a threshold means nothing for another model)."""

    model: ActiveModel
    value: float


def threshold_choice() -> ThresholdChoice | None:
    """The latest choice in this session, whatever its model."""
    return st.session_state.get(CHOICE_KEY)


def chosen_threshold(model: ActiveModel) -> float | None:
    """The threshold chosen for this very model, or None when none was chosen for it."""
    choice = threshold_choice()
    return choice.value if choice is not None and choice.model is model else None


def choose_threshold(model: ActiveModel, value: float) -> None:
    """Make `value` the chosen threshold of `model`."""
    st.session_state[CHOICE_KEY] = ThresholdChoice(model, float(value))
