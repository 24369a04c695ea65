"""The Train page: presets, the settings panel, the transport buttons and the live or finished charts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import streamlit as st

from anomaly_core.runs import RunRecord
from ui.presets import PRESETS, apply_preset
from ui.screen_fit import wrapping_columns
from ui.session_memory import awaits_adoption
from ui.settings import LabSettings, get_settings
from ui.sharing.classroom import presets_allowed
from ui.sharing.links import render_share_controls
from ui.train.controls import render_settings_panel
from ui.train.cost import render_cost
from ui.train.live import render_active
from ui.train.results import render_results
from ui.train.run import NOTICE_KEY, continue_training, current_run, reset_training, start_training, step_training, stop_training
from ui.train.widgets import TRAINING_KEY, is_training


def render_presets() -> None:
    """One button per preset (off in a lesson, whose settings the teacher fixed)."""
    locked = not presets_allowed()
    for column, preset in zip(wrapping_columns("buttons", "train_presets", len(PRESETS)), PRESETS.values()):
        column.button(
            preset.short_title, key=f"preset_{preset.key}", on_click=apply_preset, args=(preset.key,),  # type: ignore[arg-type]  # its returned preset is unused
            disabled=is_training() or locked, width="stretch",
            help="Presets are off during a lesson: its settings are the teacher's." if locked else None,
        )  # fmt: skip


def render_preset_lesson(settings: LabSettings) -> None:
    """The lesson of the preset in use; gone as soon as a setting differs from it."""
    current = PRESETS.get(settings.preset or "")
    if current is not None:
        st.info(f"**{current.title}.** {current.lesson}")


def render_out_of_date(run: RunRecord | None, settings: LabSettings) -> None:
    """Anomagram's 'configuration has changed': the trained model is kept, the notice says what the buttons do."""
    if run is None or run.epochs == 0 or is_training():
        return
    if (settings.model, settings.data) != (run.spec.model, run.spec.data):
        st.warning(
            f"The configuration has changed since {run.name} was trained, so it is out of date. "
            "**Train** builds a new model with the new settings; **Continue** keeps training the old one as it was."
        )
    elif settings.train != run.spec.train:
        st.caption("Training settings changed: **Train** uses them; **Continue** keeps the run's own settings.")


def render_transport(run: RunRecord | None, settings_ok: bool, can_train: bool = True, can_step: bool = True) -> None:
    """Train, Step, Stop, Reset and Continue, like TensorFlow Playground's (Train and Step also within the cost limits)."""
    training, trained = is_training(), run is not None and run.usable
    buttons: list[tuple[str, str, Callable[[], None], bool, Literal["primary", "secondary"]]] = [
        ("Train", "train_button", start_training, training or not (settings_ok and can_train), "primary"),
        ("Step", "step_button", step_training, training or not ((settings_ok or trained) and can_step), "secondary"),
        ("Stop", "stop_button", stop_training, not training, "secondary"),
        ("Reset", "reset_button", reset_training, training or not settings_ok, "secondary"),
        ("Continue", "continue_button", continue_training, training or not trained, "secondary"),
    ]
    columns = wrapping_columns("buttons", "train_buttons", len(buttons))  # a phone: two lines, Train and Stop in view
    for column, (label, key, callback, disabled, kind) in zip(columns, buttons):
        column.button(label, key=key, on_click=callback, disabled=disabled, type=kind, width="stretch")


def render_train_page() -> None:
    """Everything below the Train page's title, ending with the share controls."""
    st.session_state.setdefault(NOTICE_KEY, None)
    run = current_run()
    if run is not None and awaits_adoption(run):
        st.rerun()  # it ended after this rerun's start made ended runs current: once more, the sidebar follows it
    st.session_state[TRAINING_KEY] = run is not None and run.active  # settings stay disabled while it trains
    render_presets()
    lesson_slot, transport_slot = st.container(), st.container(key="train_transport")  # filled once settings are read
    settings = render_settings_panel()
    if settings is not None:
        with lesson_slot:
            render_preset_lesson(settings)
    with transport_slot:
        render_out_of_date(run, settings or get_settings())
        buttons = st.container()
        can_train, can_step = render_cost(settings) if settings is not None else (False, True)
        with buttons:
            render_transport(run, settings is not None, can_train, can_step)
        if st.session_state[NOTICE_KEY]:
            st.error(st.session_state[NOTICE_KEY])
    if run is not None and run.active:
        render_active(run)
    else:
        render_results(run)
    render_share_controls()
