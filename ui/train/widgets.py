"""Train-page widget helper: settings fill a widget when its key is absent, classroom mode hides or locks it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from ui.sharing.classroom import control_mode

T = TypeVar("T")
TRAINING_KEY = "training"


def is_training() -> bool:
    """True while a training burst runs (settings widgets are then disabled)."""
    return bool(st.session_state.get(TRAINING_KEY, False))


def setting_widget(widget: Callable[..., Any], label: str, key: str, value: T, group: str | None = None, **kwargs: Any) -> T:
    """Draw `widget` for one setting unless its classroom group hides it; returns the widget's value."""
    mode = control_mode(group) if group else "open"
    if mode == "hidden":
        return value
    if mode == "locked" or key not in st.session_state:
        st.session_state[key] = value
    disabled = mode == "locked" or is_training() or kwargs.pop("disabled", False)
    return widget(label, key=key, disabled=disabled, **kwargs)


def with_value(options: tuple[T, ...], value: T) -> list[T]:
    """The options of a select widget, with `value` added in sorted place when a preset uses another one."""
    return sorted({*options, value}) if value not in options else list(options)  # type: ignore[type-var]  # numbers or text
