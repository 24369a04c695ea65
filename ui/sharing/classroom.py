"""Classroom mode: which Train-page control groups a lesson link hides or locks, and the lesson text.

`st.session_state[CLASSROOM_KEY]` maps a control group to "locked" or "hidden"; groups not named
are open. The Train page asks `control_mode(group)` before drawing each group: hidden groups are not
drawn (their values come from the settings), locked ones are drawn disabled. The teacher's lesson
text lives in `st.session_state[LESSON_TEXT_KEY]` and is only ever shown as plain text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import streamlit as st

ControlMode = Literal["open", "locked", "hidden"]
CLASSROOM_KEY = "classroom"
LESSON_TEXT_KEY = "classroom_lesson"
MAX_LESSON_CHARS = 500
MODES: tuple[ControlMode, ...] = ("open", "locked", "hidden")
CLASSROOM_PARAMS = ("hide", "lock", "lesson")  # a link's query parameters for the classroom setup
CONTROL_GROUPS: dict[str, str] = {
    "layers": "Layers and units",
    "optimizer": "Optimizer",
    "learning_rate": "Learning rate",
    "regularizer": "Regularizer",
    "data_sizes": "Training and test sizes",
    "abnormal": "Abnormal beats in training",
    "scaling": "Scaling",
    "device": "Device",
    "loss": "Loss",
    "seed": "Seed",
}


@dataclass(frozen=True)
class ClassroomSetup:
    """A lesson's view of the Train page: groups that are not open, and the text learners read."""

    modes: dict[str, ControlMode] = field(default_factory=dict)  # only "locked" or "hidden" entries
    lesson: str = ""

    @property
    def active(self) -> bool:
        """True when the lesson hides or locks something or has text to show."""
        return bool(self.modes) or bool(self.lesson)

    def groups_in(self, mode: ControlMode) -> list[str]:
        """The control groups set to `mode`, in the Train page's order."""
        return [group for group in CONTROL_GROUPS if self.modes.get(group) == mode]


def control_mode(group: str) -> ControlMode:
    """How the Train page should show a control group in this session."""
    if group not in CONTROL_GROUPS:
        raise KeyError(f"unknown control group {group!r}")
    return st.session_state.get(CLASSROOM_KEY, {}).get(group, "open")


def presets_allowed() -> bool:
    """False while a lesson hides or locks controls: a preset would change settings the teacher fixed."""
    return not st.session_state.get(CLASSROOM_KEY)


def clean_lesson_text(text: str) -> str:
    """Lesson text without control characters, trimmed to MAX_LESSON_CHARS."""
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return kept.strip()[:MAX_LESSON_CHARS]


def classroom_to_params(setup: ClassroomSetup) -> dict[str, str]:
    """A link's query parameters for `setup`, e.g. {"hide": "layers,optimizer", "lesson": "..."}."""
    names: tuple[tuple[ControlMode, str], ...] = (("hidden", "hide"), ("locked", "lock"))
    params = {name: ",".join(setup.groups_in(mode)) for mode, name in names}
    return {name: value for name, value in (params | {"lesson": setup.lesson}).items() if value}


def _groups_from_param(text: str, name: str, ignored: list[str]) -> list[str]:
    """Known control groups in a comma-separated list; unknown ones are named in `ignored`."""
    groups = [g.strip() for g in text.split(",") if g.strip()]
    unknown = [repr(g[:30]) for g in groups if g not in CONTROL_GROUPS]
    if unknown:
        ignored.append(f"{name}: unknown control group(s) {', '.join(unknown)}")
    return [g for g in groups if g in CONTROL_GROUPS]


def classroom_from_params(params: Mapping[str, str], ignored: list[str]) -> ClassroomSetup:
    """Hidden and locked groups (hidden wins when a group is in both) and the lesson text of a link."""
    modes: dict[str, ControlMode] = {g: "locked" for g in _groups_from_param(params.get("lock", ""), "lock", ignored)}
    modes.update({g: "hidden" for g in _groups_from_param(params.get("hide", ""), "hide", ignored)})
    lesson = params.get("lesson", "")
    if len(lesson) > MAX_LESSON_CHARS:
        ignored.append(f"lesson: longer than {MAX_LESSON_CHARS} characters (cut short)")
    return ClassroomSetup(modes, clean_lesson_text(lesson))


def classroom_setup() -> ClassroomSetup:
    """The session's classroom setup (empty when no lesson link was opened)."""
    modes = st.session_state.get(CLASSROOM_KEY, {})
    return ClassroomSetup(dict(modes), st.session_state.get(LESSON_TEXT_KEY, ""))


def set_classroom(setup: ClassroomSetup) -> None:
    """Make `setup` the session's classroom mode (an empty setup leaves classroom mode)."""
    st.session_state[CLASSROOM_KEY] = {group: mode for group, mode in setup.modes.items() if mode != "open"}
    st.session_state[LESSON_TEXT_KEY] = clean_lesson_text(setup.lesson)


def leave_classroom() -> None:
    """Show every control again and drop the lesson text."""
    set_classroom(ClassroomSetup())


def render_lesson_question() -> None:
    """Above the page: the lesson text (plain text), so it shows where the sidebar is closed (phones)."""
    setup = classroom_setup()
    if setup.lesson:
        with st.container(border=True, key="lesson_question"):
            st.text(setup.lesson)


def render_lesson_card() -> None:
    """In the sidebar: the lesson text (as plain text), what is hidden or locked, and a way out."""
    setup = classroom_setup()
    if not setup.active:
        return
    with st.sidebar:
        st.subheader("Lesson")
        if setup.lesson:
            st.text(setup.lesson)
        verbs: tuple[tuple[ControlMode, str], ...] = (("hidden", "Hidden"), ("locked", "Locked"))
        for mode, verb in verbs:
            groups = setup.groups_in(mode)
            if groups:
                st.caption(f"{verb} by the teacher: " + ", ".join(CONTROL_GROUPS[g].lower() for g in groups))
        st.button("Leave the lesson (show every control)", key="classroom_leave", on_click=leave_classroom)
