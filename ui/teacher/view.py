"""The Teacher page: choose starting settings, what learners may change and the lesson text; get one link."""

from __future__ import annotations

import streamlit as st

from anomaly_core import THRESHOLD_STRATEGIES
from ui.current_model import architecture_label
from ui.presets import PRESETS
from ui.ready_sweeps import render_ready_sweep_links
from ui.settings import LabSettings, get_settings
from ui.sharing.classroom import (
    CONTROL_GROUPS,
    MAX_LESSON_CHARS,
    MODES,
    ClassroomSetup,
    ControlMode,
    classroom_setup,
    clean_lesson_text,
)
from ui.sharing.codec import SharedState, encode_params
from ui.sharing.lessons import train_page_link
from ui.sharing.links import current_state, share_url


def render_teacher_form() -> ClassroomSetup:
    """The teacher's choices: open, locked or hidden per control group, and the lesson text."""
    current = classroom_setup()
    modes: dict[str, ControlMode] = {}
    columns = st.columns(3)
    for index, (group, label) in enumerate(CONTROL_GROUPS.items()):
        with columns[index % 3]:
            choice = st.radio(
                label,
                MODES,
                index=MODES.index(current.modes.get(group, "open")),
                horizontal=True,
                key=f"teacher_mode_{group}",
            )
        if choice != "open":
            modes[group] = choice
    lesson = st.text_area(
        "Lesson text (plain text, shown to learners as written)",
        value=current.lesson,
        max_chars=MAX_LESSON_CHARS,
        key="teacher_lesson",
        placeholder="e.g. Train once, then raise the abnormal share to 30 %. What happens to the AUC, and why?",
    )
    return ClassroomSetup(modes, clean_lesson_text(lesson))


def _base_settings() -> LabSettings:
    """The settings a new lesson starts from: this session's, or a preset's."""
    options = {"session": "The settings in this session (set them on the Train page)"}
    options.update({key: f"Preset: {preset.title}" for key, preset in PRESETS.items()})
    choice = st.selectbox("Start from", list(options), format_func=options.__getitem__, key="teacher_base")
    return get_settings() if choice == "session" else PRESETS[choice].settings


def render_teacher_page() -> None:
    """Settings, hidden or locked controls and lesson text, turned into one link."""
    settings = _base_settings()
    strategies = list(THRESHOLD_STRATEGIES)
    threshold = st.selectbox(
        "Threshold strategy on the Evaluate page",
        strategies,
        index=strategies.index(current_state().threshold_strategy),
        format_func=lambda name: THRESHOLD_STRATEGIES[name].label,
        key="teacher_threshold",
    )
    st.subheader("What learners may change")
    setup = render_teacher_form()
    state = SharedState(settings, threshold, setup)
    st.subheader("The lesson link")
    st.caption(
        f"Starts from: {architecture_label(settings.model)}, {settings.train.epochs} epochs, learning rate "
        f"{settings.train.learning_rate:g}, {settings.data.abnormal_fraction:.0%} abnormal beats in training. "
        "Copy the link with the icon at the right of the box and share it with your class."
    )
    st.code(share_url(state, current_page="teacher"), language=None, wrap_lines=True)
    if setup.lesson:
        st.caption("Learners will read:")
        st.text(setup.lesson)
    train_page_link("Open it here, as a learner would", encode_params(state))
    render_ready_sweep_links("teacher")
