"""Home's interactive inference: pick a test beat, see its reconstruction, its score and verdict at a threshold."""

from __future__ import annotations

import numpy as np
import streamlit as st

from anomaly_core import CLASS_NAMES, Confusion, per_step_errors, reconstruct, verdict
from anomaly_core.data import NORMAL_CLASS
from ui.current_model import ActiveModel
from ui.fast_chart import show_chart
from ui.home.charts import smoothing_sentence, step_error_figure
from ui.light_charts import reconstruction_chart, show_light_chart
from ui.threshold_control import render_log_toggle, render_threshold_slider, slider_key

BEAT_KINDS = ("Random", "Normal", "Abnormal", "By class")
KIND_KEY = "home_beat_kind"
CLASS_KEY = "home_beat_class"
INDEX_KEY = "home_beat_index"
DRAWS_KEY = "home_beat_draws"
NEW_BEAT_KEY = "home_new_beat"
THRESHOLD_PREFIX = "home"
THRESHOLD_KEY = slider_key(THRESHOLD_PREFIX, log=False)
DETAILS_KEY = "home_error_details"
FIGURE_KEY = "home_beat_figure"  # (model, beat index, chart): a threshold move redraws no beat and calls no model


def candidate_beats(classes: np.ndarray, kind: str, beat_class: int) -> np.ndarray:
    """Indices of the test beats (classes: (n,) in 1..5) that match a choice of BEAT_KINDS."""
    classes = np.asarray(classes)
    if kind == "Random":
        return np.arange(classes.size)
    masks = {"Normal": classes == NORMAL_CLASS, "Abnormal": classes != NORMAL_CLASS, "By class": classes == beat_class}
    if kind not in masks:
        raise ValueError(f"kind: {kind!r} is not one of {', '.join(BEAT_KINDS)}")
    return np.flatnonzero(masks[kind])


def pick_test_beat(classes: np.ndarray, kind: str, beat_class: int, draw: int, *, avoid: int | None = None) -> int:
    """A matching beat chosen reproducibly from the draw number, other than `avoid` when there is a choice."""
    candidates = candidate_beats(classes, kind, beat_class)
    if candidates.size == 0:
        raise ValueError(f"no test beat matches {kind!r} (class {beat_class})")
    if avoid is not None and candidates.size > 1:
        candidates = candidates[candidates != avoid]
    return int(np.random.default_rng(draw).choice(candidates))


def outcome(beat_class: int, called: str) -> str:
    """What the verdict means for a beat of a known class: a catch, a miss, a false alarm or a correct pass."""
    abnormal = beat_class != NORMAL_CLASS
    if called == "Anomaly":
        return "Correct: an abnormal beat caught (true positive)." if abnormal else "Wrong: a normal beat flagged (false alarm)."
    return (
        "Wrong: an abnormal beat missed (false negative)." if abnormal else "Correct: a normal beat let through (true negative)."
    )


def summarize_test_set(counts: Confusion) -> str:
    """One line about the whole test set at a threshold: flagged beats, recall, precision, false alarms."""
    total = counts.tp + counts.fp + counts.tn + counts.fn
    return (
        f"At this threshold the model flags {counts.tp + counts.fp:,} of the {total:,} test beats: it catches "
        f"{counts.tp:,} of the {counts.tp + counts.fn:,} abnormal beats (recall {counts.recall:.1%}), "
        f"{counts.precision:.1%} of the flagged beats are truly abnormal (precision), "
        f"and {counts.fp:,} normal beats are false alarms."
    )


def _repick(classes: np.ndarray) -> None:
    """Callback: draw a new beat that matches the current choice."""
    st.session_state[DRAWS_KEY] += 1
    st.session_state[INDEX_KEY] = pick_test_beat(
        classes,
        st.session_state[KIND_KEY],
        st.session_state[CLASS_KEY],
        st.session_state[DRAWS_KEY],
        avoid=st.session_state.get(INDEX_KEY),
    )


def _init_state(model: ActiveModel) -> None:
    """Defaults for every key this section reads, and a beat that matches the current choice."""
    classes = model.split.classes_test
    st.session_state.setdefault(KIND_KEY, BEAT_KINDS[0])
    st.session_state.setdefault(CLASS_KEY, int(np.unique(classes[classes != NORMAL_CLASS])[0]))
    st.session_state.setdefault(DRAWS_KEY, 0)
    index = st.session_state.get(INDEX_KEY)
    if index is None or index not in candidate_beats(classes, st.session_state[KIND_KEY], st.session_state[CLASS_KEY]):
        _repick(classes)


def _beat_picker(model: ActiveModel) -> None:
    """Which beat to look at: random, normal, abnormal or one class, and a button for another one."""
    classes = model.split.classes_test
    present, counts = np.unique(classes, return_counts=True)
    count_of = dict(zip(present.tolist(), counts.tolist()))
    left, middle, right = st.columns([4, 3, 2], vertical_alignment="bottom")
    left.radio("Which test beat?", BEAT_KINDS, key=KIND_KEY, horizontal=True, on_change=_repick, args=(classes,))
    middle.selectbox(
        "Class",
        present.tolist(),
        key=CLASS_KEY,
        format_func=lambda c: f"{c} · {CLASS_NAMES[c]} ({count_of[c]} test beats)",
        disabled=st.session_state[KIND_KEY] != "By class",
        on_change=_repick,
        args=(classes,),
    )
    right.button("Pick another beat", key=NEW_BEAT_KEY, on_click=_repick, args=(classes,), width="stretch")


def _beat_chart(model: ActiveModel, index: int) -> str:
    """Test beat `index` against its reconstruction in original units (a light chart), built once per model and beat."""
    cached = st.session_state.get(FIGURE_KEY)
    if cached is None or cached[0] is not model or cached[1] != index:
        scaled = model.split.x_test[index : index + 1]
        chart = reconstruction_chart(
            model.scaler.inverse(scaled)[0],
            model.scaler.inverse(reconstruct(model.model, scaled))[0],
            title=f"Test beat #{index} and its reconstruction",
            y_label="amplitude (original units)",
        )
        cached = (model, index, chart)
        st.session_state[FIGURE_KEY] = cached
    return cached[2]


def _beat_view(model: ActiveModel, index: int, threshold: float) -> None:
    """The beat against its reconstruction, in original units, with its score, verdict and true class."""
    scaled = model.split.x_test[index : index + 1]
    beat_class = int(model.split.classes_test[index])
    score = float(model.test_scores[index])
    called = verdict(score, threshold)
    chart, numbers = st.columns([3, 1])  # the numbers are sent first: a threshold move changes them, not the chart
    numbers.metric(
        "Reconstruction error (score)", f"{score:.5f}", f"{score - threshold:+.5f} vs threshold", delta_color="inverse"
    )
    numbers.metric("Verdict", called)
    numbers.metric("True class", f"{beat_class} · {CLASS_NAMES[beat_class]}")
    (numbers.success if outcome(beat_class, called).startswith("Correct") else numbers.error)(outcome(beat_class, called))
    show_light_chart(_beat_chart(model, index), target=chart)
    details = st.expander("Where does the error come from?", key=DETAILS_KEY, on_change="rerun")  # drawn only when open
    if details.open:
        with details:
            errors = per_step_errors(model.model, scaled, model.loss)[0]
            show_chart(step_error_figure(errors), key="home_step_error_chart", width="stretch")
            st.caption(
                "The score is the mean of these per-step errors, computed on the scaled beat the model sees."
                + smoothing_sentence(model.config.score_smoothing)
            )


@st.fragment
def render_inference(model: ActiveModel) -> None:
    """Pick a test beat, move the threshold, see the verdict and the whole test set's summary; a new pick reruns this."""
    _init_state(model)
    st.subheader("Try it: is this heartbeat normal?")
    _beat_picker(model)
    render_beat_at_threshold(model)


@st.fragment
def render_beat_at_threshold(model: ActiveModel) -> None:
    """The threshold, the beat's verdict and the test set's summary; a threshold move reruns only this."""
    render_log_toggle(THRESHOLD_PREFIX)
    label = "Threshold: beats with an error at or above it are called anomalies"
    threshold = render_threshold_slider(model, THRESHOLD_PREFIX, label)
    _beat_view(model, st.session_state[INDEX_KEY], threshold)
    counts = model.sweep.at(threshold)  # sorted once per model: a threshold move is a binary search
    st.markdown(f"**Whole test set.** {summarize_test_set(counts)}")
