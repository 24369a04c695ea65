"""One threshold control for Home, Evaluate and Draw: one range rule over a model's scores, one log option for the
whole session, and the model's chosen threshold (`ui.chosen_threshold`) as the value every page shows and moves."""

from __future__ import annotations

import numpy as np
import streamlit as st

from ui.chosen_threshold import choose_threshold, chosen_threshold
from ui.current_model import ActiveModel

SCALE_KEY = "threshold_log_scale"  # the learner's scale choice, kept across pages (widget keys are per page)
LOG_LABEL = "Threshold (log₁₀ of the error)"


def score_range(model: ActiveModel) -> tuple[float, float]:
    """Lowest and highest error over the model's test and training beats."""
    return model.score_range


def threshold_bounds(low: float, high: float, *, log: bool) -> tuple[float, float, float]:
    """(min, max, step) of a threshold slider over scores in [low, high]: a little beyond both ends, log10 units when `log`."""
    if log:
        lower = float(np.floor(np.log10(max(low, 1e-12)) * 10) / 10 - 0.1)
        upper = float(np.ceil(np.log10(max(high, 1e-12)) * 10) / 10 + 0.1)
        return lower, upper, 0.01
    upper = float(max(high * 1.05, 1e-9))
    return 0.0, upper, upper / 500


def clamp_threshold(low: float, high: float, threshold: float) -> float:
    """The threshold moved into the range both scales can show."""
    log_low, log_high, _ = threshold_bounds(low, high, log=True)
    _, linear_high, _ = threshold_bounds(low, high, log=False)
    return float(np.clip(threshold, 10**log_low, min(10**log_high, linear_high)))


def slider_position(threshold: float, *, log: bool) -> float:
    """Where `threshold` sits on a slider; a threshold of 0 sits at the log slider's bottom end."""
    return float(np.log10(max(threshold, 1e-12))) if log else float(threshold)


def slider_key(prefix: str, *, log: bool) -> str:
    """The widget key of a page's linear or log slider (a new slider per scale: the browser keeps state per slider)."""
    return f"{prefix}_log_threshold_slider" if log else f"{prefix}_threshold_slider"


def log_scale_key(prefix: str) -> str:
    """The widget key of a page's log-scale toggle."""
    return f"{prefix}_log_scale"


def current_threshold(model: ActiveModel) -> float:
    """The threshold chosen for `model`, else its suggested one (mean + 1 std of its training errors), in range."""
    chosen = chosen_threshold(model)
    return clamp_threshold(*score_range(model), float(model.threshold) if chosen is None else chosen)


def _on_toggle(prefix: str) -> None:
    st.session_state[SCALE_KEY] = bool(st.session_state[log_scale_key(prefix)])


def _on_move(model: ActiveModel, key: str, log: bool) -> None:
    value = float(st.session_state[key])
    choose_threshold(model, 10**value if log else value)


def log_scale() -> bool:
    """True when the learner chose the log scale (on any page)."""
    return bool(st.session_state.get(SCALE_KEY, False))


def render_log_toggle(prefix: str) -> bool:
    """The log-scale toggle, showing the session's choice; True when on."""
    key = log_scale_key(prefix)
    st.session_state[key] = log_scale()
    help_text = "Errors are skewed: a log scale spreads the low ones. The choice holds on every page."
    return st.toggle("Log scale", key=key, on_change=_on_toggle, args=(prefix,), help=help_text)


def render_threshold_slider(model: ActiveModel, prefix: str, label: str, *, decimals: int = 5) -> float:
    """The slider (linear or log10, as the session chose) over the model's scores; returns the threshold in use."""
    log = log_scale()
    low, high, step = threshold_bounds(*score_range(model), log=log)
    threshold = current_threshold(model)
    key, position = slider_key(prefix, log=log), slider_position(threshold, log=log)
    if key not in st.session_state or not np.isclose(st.session_state[key], position, rtol=1e-9, atol=step / 2):
        st.session_state[key] = float(np.clip(position, low, high))
    shown = LOG_LABEL if log else label
    fmt = "%.2f" if log else f"%.{decimals}f"
    st.slider(shown, low, high, step=step, format=fmt, key=key, on_change=_on_move, args=(model, key, log))
    return threshold
