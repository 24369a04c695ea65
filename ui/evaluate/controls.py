"""The Evaluate page's threshold state: one canonical threshold, the slider that shows it and the strategy buttons.

The exact threshold is the model's chosen threshold (`ui.chosen_threshold`: it survives page changes, where
Streamlit forgets widget keys, and the Draw page starts from it).
A new model starts at the strategy a shared link or lesson chose (`ui.sharing.codec.THRESHOLD_KEY`), else mean + 1 std.
The slider (linear or log10) writes it in its `on_change`; strategy buttons write it and the slider's key
in their `on_click`, so the slider jumps to the strategy's value on the same rerun.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from anomaly_core import DEFAULT_THRESHOLD_STRATEGY as DEFAULT_STRATEGY
from anomaly_core import THRESHOLD_STRATEGIES
from ui.chosen_threshold import choose_threshold, chosen_threshold, threshold_choice
from ui.current_model import ActiveModel, default_model
from ui.evaluate.evaluation import Evaluation, build_evaluation, decimals_for, strategy_threshold
from ui.sharing.codec import THRESHOLD_KEY as SHARED_STRATEGY_KEY
from ui.threshold_control import (
    clamp_threshold,
    log_scale,
    log_scale_key,
    render_log_toggle,
    slider_key,
    slider_position,
)
from ui.threshold_control import render_threshold_slider as render_shared_slider

CACHE_KEY = "eval_cache"
PREFIX = "eval"
SLIDER_KEY = slider_key(PREFIX, log=False)
LOG_SLIDER_KEY = slider_key(PREFIX, log=True)
LOG_KEY = log_scale_key(PREFIX)
K_KEY = "eval_k"
PERCENTILE_KEY = "eval_percentile"
NOTE_KEY = "eval_strategy_note"
APPLIED_KEY = "eval_applied_strategy"
STRATEGY_LABELS = {
    "mean_std": "mean + k·std",
    "percentile": "percentile",
    "best_f1": "best F1",
    "youden": "Youden's J",
}
STARTING_LABELS = {"mean_std": "mean + 1 std", "percentile": "95th percentile", "best_f1": "best F1", "youden": "Youden's J"}


def setdefault_keys() -> None:
    """The session keys the Evaluate page reads, with their defaults."""
    st.session_state.setdefault(K_KEY, 1.0)
    st.session_state.setdefault(PERCENTILE_KEY, 95.0)
    st.session_state.setdefault(NOTE_KEY, None)


def _starting_strategy() -> str:
    """The strategy a shared link or lesson chose for this session (mean + 1 std when none did)."""
    strategy = st.session_state.get(SHARED_STRATEGY_KEY, DEFAULT_STRATEGY)
    return strategy if strategy in THRESHOLD_STRATEGIES else DEFAULT_STRATEGY


@st.cache_resource(show_spinner=False)
def ready_evaluation() -> Evaluation:
    """The ready model's evaluation, built once per server and shared read-only by every session (a class opening
    Evaluate at once builds it once, ~0.1 s, and keeps one copy of its 1.2 MB of arrays, not one per learner)."""
    return build_evaluation(default_model())


def evaluation_for(model: ActiveModel) -> Evaluation:
    """This session's evaluation of `model`, built once (the ready model's once per server); the starting strategy
    sets the threshold when none was chosen for this model yet (on any page) or a new link chose another strategy."""
    cached = st.session_state.get(CACHE_KEY)
    strategy = _starting_strategy()
    if cached is not None and cached[0] is model:
        evaluation = cached[1]
    else:
        evaluation = ready_evaluation() if model is default_model() else build_evaluation(model)
    st.session_state[CACHE_KEY] = (model, evaluation)
    if chosen_threshold(model) is not None and st.session_state.get(APPLIED_KEY, strategy) == strategy:
        st.session_state[APPLIED_KEY] = strategy
        return evaluation
    st.session_state[APPLIED_KEY] = strategy
    threshold = _clamp(evaluation, strategy_threshold(evaluation, strategy, k=1.0, percentile=95.0))
    choose_threshold(model, threshold)
    start = f"{STARTING_LABELS[strategy]}, the starting strategy → {threshold:.{decimals_for(evaluation) + 1}f}"
    st.session_state[NOTE_KEY] = None if strategy == DEFAULT_STRATEGY else (start, threshold)
    return evaluation


def _clamp(evaluation: Evaluation, threshold: float) -> float:
    """The threshold moved into the slider's range (both scales), so every value can be shown."""
    return clamp_threshold(*evaluation.score_range, threshold)


def _active_slider_key() -> str:
    return slider_key(PREFIX, log=log_scale())


def current_threshold(evaluation: Evaluation) -> float:
    """The threshold in use (set by `evaluation_for`, then by the slider and the strategy buttons)."""
    choice = threshold_choice()
    return choice.value if choice is not None else evaluation.best_threshold


def _set_threshold(value: float) -> None:
    """Callbacks: the evaluated model's chosen threshold becomes `value`."""
    choose_threshold(st.session_state[CACHE_KEY][0], value)


def apply_strategy(evaluation: Evaluation, strategy: str) -> None:
    """Button callback: set the threshold (and the slider) to what `strategy` picks."""
    wanted = strategy_threshold(
        evaluation, strategy, k=float(st.session_state[K_KEY]), percentile=float(st.session_state[PERCENTILE_KEY])
    )
    threshold = _clamp(evaluation, wanted)
    _set_threshold(threshold)
    st.session_state[_active_slider_key()] = slider_position(threshold, log=log_scale())
    note = f"{STRATEGY_LABELS[strategy]} → {threshold:.{decimals_for(evaluation) + 1}f}"
    if not np.isclose(wanted, threshold, rtol=1e-12, atol=0):
        note += f" (it picked {wanted:.3g}, outside the scores' range: moved to the slider's end)"
    st.session_state[NOTE_KEY] = (note, threshold)


def render_strategy_buttons(evaluation: Evaluation) -> None:
    """Buttons that set the threshold by strategy, with their k and percentile inputs."""
    mean_col, pct_col, f1_col, youden_col = st.columns(4, vertical_alignment="bottom")
    mean_col.number_input("k (std of training errors)", 0.0, 10.0, step=0.5, key=K_KEY)
    pct_col.number_input("Percentile of training errors", 0.0, 100.0, step=0.5, key=PERCENTILE_KEY)
    buttons = (
        (mean_col, "mean_std", "Mean + k·std", "Mean of the training errors plus k standard deviations."),
        (pct_col, "percentile", "Percentile", "This percentile of the training errors."),
        (f1_col, "best_f1", "Best F1", "The threshold with the highest F1 on the test beats (uses their labels)."),
        (youden_col, "youden", "Youden's J", "The threshold with the largest TPR − FPR (uses the test labels)."),
    )
    for column, strategy, label, meaning in buttons:
        column.button(label, key=f"eval_btn_{strategy}", on_click=apply_strategy, args=(evaluation, strategy), help=meaning)
    st.caption(
        "Mean + k·std and percentile need only the training errors, as in real use; best F1 and Youden's J peek at "
        "the test labels: good for learning, too optimistic to report."
    )


def render_threshold_slider(evaluation: Evaluation) -> float:
    """The shared threshold control (linear or log10) over the range of scores; returns the threshold in use."""
    render_log_toggle(PREFIX)
    model = st.session_state[CACHE_KEY][0]
    threshold = render_shared_slider(model, PREFIX, "Threshold (reconstruction error)", decimals=decimals_for(evaluation))
    note = st.session_state[NOTE_KEY]
    if note and np.isclose(note[1], threshold, rtol=1e-9, atol=0):  # a slider move since then drops the note
        st.caption(f"Set by {note[0]}")
    return threshold
