"""The guided 3-minute tour: its steps, its state in the session, and the compact bar on every page it visits.

Home starts it; each page then shows the bar (step, what to do and see, Back and Next step →). Next opens the
next step's page with its preset loaded; after the last step the tour is done: it names what was learned and
brings back the ready model and the good default settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.current_model import set_active_model
from ui.presets import PRESETS, apply_preset
from ui.run_models import forget_current_run
from ui.runs import switch_page

STEP_KEY = "tour_step"  # None: no tour; 0..len-1: the step shown; DONE: finished
PENDING_PAGE_KEY = "tour_pending_page"
HOME_PAGE = "pages/home.py"
DONE = -1


@dataclass(frozen=True)
class TourStep:
    """One stop: the page it opens, what to do and see there, and the preset loaded first (None: keep settings)."""

    title: str
    page: str
    todo: str
    preset: str | None = None


TOUR_STEPS = (
    TourStep(
        "Meet the data", "pages/data.py",
        "Browse the beats of each class: the model learns from normal beats only and must spot the other four.",
    ),
    TourStep(
        "Train a model", "pages/train.py",
        "Press **Train** (good default, loaded for you) and watch both losses fall within seconds.", "good_default",
    ),
    TourStep(
        "Choose a threshold", "pages/evaluate.py",
        "Slide the threshold and watch precision and recall trade places as beats cross it.",
    ),
    TourStep(
        "Draw a heartbeat", "pages/draw.py",
        "Draw one beat across the whole canvas and read the verdict right above it.",
    ),
    TourStep(
        "Break it on purpose", "pages/train.py",
        "Press **Train** again: 30 % abnormal beats now hide in the training data, and the test AUC falls.", "contaminated",
    ),
)  # fmt: skip
LEARNED = (
    "an autoencoder trained on normal beats rebuilds them well and abnormal beats badly",
    "the reconstruction error is the anomaly score, and a threshold turns scores into alarms",
    "moving the threshold trades precision against recall",
    "abnormal beats hidden in the training data teach the model to rebuild them too, so the AUC falls",
)


def tour_step() -> int | None:
    """The step shown (0-based), DONE after the last step, None when no tour runs."""
    return st.session_state.get(STEP_KEY)


def _go_to(index: int) -> None:
    """Callback: show step `index` (loading its preset and opening its page), or finish after the last one."""
    if index >= len(TOUR_STEPS):
        finish_tour()
        return
    step = TOUR_STEPS[index]
    if step.preset is not None:
        apply_preset(step.preset)
    st.session_state[STEP_KEY] = index
    st.session_state[PENDING_PAGE_KEY] = step.page


def start_tour() -> None:
    """Callback: begin at step 1."""
    _go_to(0)


def finish_tour() -> None:
    """Callback: the done state; the ready model and the good default settings come back."""
    set_active_model(None)
    forget_current_run()
    apply_preset("good_default")
    st.session_state[STEP_KEY] = DONE
    st.session_state[PENDING_PAGE_KEY] = HOME_PAGE


def end_tour() -> None:
    """Callback: close the tour (bar and done card)."""
    st.session_state[STEP_KEY] = None


def open_pending_tour_page() -> None:
    """Switch to the page a tour button asked for (app.py calls this before the page runs)."""
    page = st.session_state.pop(PENDING_PAGE_KEY, None)
    if page is not None:
        switch_page(page)  # keeps the session's token in the address


def render_tour_start() -> None:
    """For Home's first screen: the start button and the five steps in one line."""
    steps = " → ".join(step.title for step in TOUR_STEPS)
    left, right = st.columns([1, 2], vertical_alignment="center")
    left.button(
        "Start the 3-minute tour", key="tour_start", type="primary", icon=":material/play_arrow:",
        on_click=start_tour, width="stretch",
    )  # fmt: skip
    right.caption(f"New here? Five steps, one click each: {steps}.")


def render_tour_bar() -> None:
    """The compact bar while a tour runs (above the page), or the done card after the last step."""
    index = tour_step()
    if index is None:
        return
    if index == DONE:
        _render_done()
        return
    step = TOUR_STEPS[index]
    last = index == len(TOUR_STEPS) - 1
    with st.container(border=True, key="tour_bar"):
        text, back, forward, close = st.columns([6, 1.3, 1.8, 0.7], vertical_alignment="center")
        text.markdown(f"**Tour {index + 1}/{len(TOUR_STEPS)} · {step.title}.** {step.todo}")
        back.button("← Back", key="tour_back", on_click=_go_to, args=(max(index - 1, 0),), disabled=index == 0, width="stretch")
        label = "Finish the tour ✓" if last else "Next step →"
        forward.button(label, key="tour_next", type="primary", on_click=_go_to, args=(index + 1,), width="stretch")
        close.button("✕", key="tour_close", on_click=end_tour, help="Close the tour", width="stretch")
    if step.preset is not None and index > 0:
        st.caption(f"Loaded the preset “{PRESETS[step.preset].title}”.")


def _render_done() -> None:
    """What the tour taught, and that the ready model is back."""
    with st.container(border=True, key="tour_done"):
        st.markdown("**Tour done — you have seen the whole loop.** You learned that " + "; ".join(LEARNED) + ".")
        st.caption("The ready default model and the good default settings are back, so every page starts clean.")
        st.button("Close", key="tour_done_close", on_click=end_tour)
