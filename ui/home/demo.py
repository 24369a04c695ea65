"""Home's guided 3-minute demo: five steps, each one sentence and a button that opens the right page and preset."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.presets import PRESETS, apply_preset
from ui.runs import switch_page

STEP_KEY = "home_demo_step"
GO_KEY = "home_demo_go"
BACK_KEY = "home_demo_back"
NEXT_KEY = "home_demo_next"
PENDING_PAGE_KEY = "home_demo_pending_page"


@dataclass(frozen=True)
class DemoStep:
    """One stop of the tour: the page it opens and the preset it loads first (None: keep the settings)."""

    title: str
    sentence: str
    page: str
    button: str
    preset: str | None = None


DEMO_STEPS = (
    DemoStep(
        "Meet the data",
        "Five kinds of heartbeat, one of them normal: look at the beats the model learns from and is tested on.",
        "pages/data.py",
        "Open the Data page",
        "good_default",
    ),
    DemoStep(
        "Train a model",
        "Press Train with the good default settings and watch both losses fall within seconds.",
        "pages/train.py",
        "Open Train with the good default",
        "good_default",
    ),
    DemoStep(
        "Choose a threshold",
        "Slide the threshold and watch precision and recall trade places as beats cross it.",
        "pages/evaluate.py",
        "Open the Evaluate page",
    ),
    DemoStep(
        "Draw a heartbeat",
        "Draw your own beat with the mouse and see whether the model calls it abnormal.",
        "pages/draw.py",
        "Open the Draw page",
    ),
    DemoStep(
        "Break it on purpose",
        "Hide 30 % abnormal beats in the training data, train again and watch the AUC fall.",
        "pages/train.py",
        "Open Train with contaminated data",
        "contaminated",
    ),
)


def _move(offset: int) -> None:
    """Callback: go to the previous or next step."""
    st.session_state[STEP_KEY] = min(max(st.session_state[STEP_KEY] + offset, 0), len(DEMO_STEPS) - 1)


def _start(step: DemoStep) -> None:
    """Callback: load the step's preset, note the page to open, and have the next step ready for the way back."""
    if step.preset is not None:
        apply_preset(step.preset)
    st.session_state[PENDING_PAGE_KEY] = step.page
    _move(+1)


def _step_list(current: int) -> str:
    """The tour in one line, done steps ticked and the current one bold."""
    marks = []
    for number, step in enumerate(DEMO_STEPS):
        label = f"{number + 1}. {step.title}"
        marks.append(f"**{label}**" if number == current else f"~~{label}~~ ✓" if number < current else label)
    return " → ".join(marks)


def open_pending_demo_page() -> None:
    """Switch to the page a demo button asked for (call first, before the page draws anything)."""
    pending_page = st.session_state.pop(PENDING_PAGE_KEY, None)
    if pending_page is not None:
        switch_page(pending_page)


def render_demo() -> None:
    """A stepper through data → train → threshold → draw → break it; the button opens the step's page."""
    current = st.session_state.setdefault(STEP_KEY, 0)
    step = DEMO_STEPS[current]
    st.subheader("Guided 3-minute demo")
    st.markdown(_step_list(current))
    with st.container(border=True):
        st.progress((current + 1) / len(DEMO_STEPS), text=f"Step {current + 1} of {len(DEMO_STEPS)}: {step.title}")
        st.markdown(step.sentence)
        if step.preset is not None:
            st.caption(f"Loads the preset “{PRESETS[step.preset].title}”: {PRESETS[step.preset].lesson}")
        go, back, forward = st.columns([3, 1, 1])
        go.button(step.button, key=GO_KEY, type="primary", on_click=_start, args=(step,), width="stretch")
        back.button("← Back", key=BACK_KEY, on_click=_move, args=(-1,), disabled=current == 0, width="stretch")
        forward.button(
            "Next →", key=NEXT_KEY, on_click=_move, args=(+1,), disabled=current == len(DEMO_STEPS) - 1, width="stretch"
        )
