"""Built-in lessons: a setup plus one question each, and the links that open them.

A lesson is an ordinary share link: settings, threshold strategy and a classroom setup that hides
what the question does not need. The Home page lists them; the Teacher page (ui/teacher) builds new ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from anomaly_core import TrainConfig
from ui.presets import LR_TOO_HIGH
from ui.settings import LabSettings
from ui.sharing.classroom import CONTROL_GROUPS, ClassroomSetup, ControlMode
from ui.sharing.codec import SharedState, encode_params
from ui.sharing.links import escape_markdown


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    question: str  # the setup in a sentence, then the one question for the learner
    state: SharedState


def _only_open(*groups: str, locked: tuple[str, ...] = ()) -> dict[str, ControlMode]:
    """Leave `groups` open, lock `locked` and hide every other control group."""
    return {g: ("locked" if g in locked else "hidden") for g in CONTROL_GROUPS if g not in groups}


def _lesson(key: str, title: str, question: str, settings: LabSettings, modes: dict[str, ControlMode], threshold: str) -> Lesson:
    return Lesson(key, title, question, SharedState(settings, threshold, ClassroomSetup(modes, question)))


LESSONS: tuple[Lesson, ...] = (
    _lesson(
        "contaminated",
        "Contaminated training",
        "Train once as set (no abnormal beats in training) and note the test AUC. Then set the abnormal share to "
        "10 %, 30 % and 50 %, training each time. Question: why does the AUC fall when abnormal beats hide in the "
        "training data?",
        LabSettings(),
        _only_open("abnormal", locked=("seed",)),
        "mean_std",
    ),
    _lesson(
        "bottleneck",
        "How small can the bottleneck be?",
        "The bottleneck is the narrowest layer: the model must describe a whole beat with that many numbers. "
        "Shrink it step by step (16, 8, 4, 2, 1), training each time. Question: at which size does the test "
        "AUC start to drop, and what do normal beats' reconstructions look like then?",
        LabSettings(train=TrainConfig(epochs=30)),
        _only_open("layers"),
        "mean_std",
    ),
    _lesson(
        "lr_too_high",
        "Learning rate too high",
        "Train with a learning rate of 3 (SGD with momentum) and watch the loss curve: it falls, then explodes and "
        "training stops. Lower the rate one notch at a time, training each time. Question: what is the largest rate "
        "on the slider that still trains well, and how does its loss curve differ from the one at 3?",
        LR_TOO_HIGH,
        _only_open("learning_rate", locked=("optimizer",)),
        "mean_std",
    ),
    _lesson(
        "threshold",
        "Threshold trade-off",
        "Train the model as set, then open Evaluate and move the threshold by hand. Question: if at most 1 in "
        "100 normal beats may raise a false alarm, how many abnormal beats do you miss?",
        LabSettings(),
        {group: "locked" for group in CONTROL_GROUPS},
        "mean_std",
    ),
)
LESSONS_BY_KEY = {lesson.key: lesson for lesson in LESSONS}


def lesson_params(lesson: Lesson) -> dict[str, str]:
    """The query parameters of a lesson's link."""
    return encode_params(lesson.state)


def train_page_link(label: str, params: dict[str, str]) -> None:
    """A link to the Train page with `params`; a plain link when the page runs without the app's navigation."""
    try:
        st.page_link("pages/train.py", label=label, icon="🎓", query_params=params)
    except StreamlitAPIException:  # the page runs alone (AppTest from its file): no registered Train page
        st.markdown(f"🎓 [{escape_markdown(label)}](train?{urlencode(params, quote_via=quote)})")


def render_lesson_links() -> None:
    """For the Home page: one link per built-in lesson, with its question."""
    st.subheader("Lessons for a class")
    st.markdown(
        "Each link opens the Train page set up for one question, with only the controls that question needs. "
        "Share a link with a class as it is, or build your own on the **Teacher** page."
    )
    columns = st.columns(2)
    for index, lesson in enumerate(LESSONS):
        with columns[index % 2].container(border=True):
            train_page_link(lesson.title, lesson_params(lesson))
            st.caption(lesson.question)
