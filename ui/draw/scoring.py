"""Score one hand-made beat with the session's model and show the verdict, its reconstruction and its place on the histogram."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from anomaly_core import anomaly_scores, nearest_beat, per_step_errors, reconstruct, verdict
from ui.current_model import ActiveModel
from ui.fast_chart import show_chart
from ui.figures import drawn_beat_figure, histogram_bars, histogram_with_score
from ui.paint_first import paint_first
from ui.threshold_control import render_log_toggle, render_threshold_slider

THRESHOLD_PREFIX = "draw"
SCORED_KEY = "draw_scored"  # (model, {beat bytes: BeatScore}): a threshold move rescores nothing
BARS_KEY = "draw_histogram_bars"  # (model, the test scores' histogram bars): binned once per model
KEPT_SCORES = 8


@dataclass(frozen=True)
class BeatScore:
    """One beat's score and what explains it; signals in original units (length,)."""

    signal: np.ndarray
    reconstruction: np.ndarray
    errors: np.ndarray  # per-step error in the model's units
    score: float
    nearest_normal: np.ndarray
    normal_below: float  # share of normal test beats scoring lower
    abnormal_below: float  # share of abnormal test beats scoring lower


def score_signals(current: ActiveModel, signals: np.ndarray) -> np.ndarray:
    """Anomaly scores (n,) of beats (n, length) given in original units."""
    return anomaly_scores(current.model, current.scaler.transform(signals), current.loss)


def scored_beat(current: ActiveModel, signal: np.ndarray) -> BeatScore:
    """`score_beat`, remembered for the last few beats of this model: moving the threshold calls no model."""
    signal = np.asarray(signal, dtype=np.float32)
    cached = st.session_state.get(SCORED_KEY)
    if cached is None or cached[0] is not current:
        cached = (current, {})
        st.session_state[SCORED_KEY] = cached
    scores: dict[bytes, BeatScore] = cached[1]
    key = signal.tobytes()
    if key not in scores:
        if len(scores) >= KEPT_SCORES:
            del scores[next(iter(scores))]
        scores[key] = score_beat(current, signal)
    return scores[key]


def test_histogram(current: ActiveModel) -> list[dict]:
    """The histogram bars of the model's test scores, binned once per model."""
    cached = st.session_state.get(BARS_KEY)
    if cached is None or cached[0] is not current:
        cached = (current, histogram_bars(current.test_scores, current.split.y_test))
        st.session_state[BARS_KEY] = cached
    return cached[1]


def score_beat(current: ActiveModel, signal: np.ndarray) -> BeatScore:
    """Score a beat (length,) in original units and find the nearest normal test beat."""
    scaled = current.scaler.transform(np.asarray(signal, dtype=np.float32)[None, :])
    score = float(anomaly_scores(current.model, scaled, current.loss)[0])
    normals = current.split.x_test[current.split.y_test == 0]
    y_test = current.split.y_test
    return BeatScore(
        signal=np.asarray(signal, dtype=np.float32),
        reconstruction=current.scaler.inverse(reconstruct(current.model, scaled))[0],
        errors=per_step_errors(current.model, scaled, current.loss)[0],
        score=score,
        nearest_normal=current.scaler.inverse(normals[nearest_beat(scaled[0], normals)]),
        normal_below=float(np.mean(current.test_scores[y_test == 0] < score)),
        abnormal_below=float(np.mean(current.test_scores[y_test == 1] < score)) if y_test.any() else 0.0,
    )


def render_threshold(current: ActiveModel) -> float:
    """The shared threshold control: starts at the threshold chosen for this model (on any page), moves it for all."""
    render_log_toggle(THRESHOLD_PREFIX)
    return render_threshold_slider(current, THRESHOLD_PREFIX, "Threshold: beats scoring at or above it are called anomalies")


def render_verdict(current: ActiveModel, signal: np.ndarray, threshold: float, key: str) -> BeatScore:
    """Verdict, score and threshold as metrics (in container `{key}_result`), then the explanation and the charts."""
    result = scored_beat(current, signal)
    render_headline(result, threshold, key)
    paint_first()
    render_explanation(current, result, threshold, key)
    return result


def render_headline(result: BeatScore, threshold: float, key: str) -> None:
    """The verdict, the score and the threshold in one row of metrics (container `{key}_result`)."""
    with st.container(key=f"{key}_result"):
        cols = st.columns(3)
        cols[0].metric("Verdict", verdict(result.score, threshold))
        cols[1].metric("Anomaly score", f"{result.score:.5f}")
        cols[2].metric("Threshold", f"{threshold:.5f}")


def render_explanation(current: ActiveModel, result: BeatScore, threshold: float, key: str) -> None:
    """Where the score stands among the test beats, the reconstruction and the histogram."""
    label = verdict(result.score, threshold)
    side = "above" if label == "Anomaly" else "at or below"
    st.markdown(
        f"**{label}**: the score is {side} the threshold. It is higher than {result.normal_below:.0%} of the normal "
        f"test beats and {result.abnormal_below:.0%} of the abnormal ones."
    )
    worst = int(np.argmax(result.errors))
    st.caption(f"The model reconstructs your beat worst around time step {worst}; the shaded gap is the per-point error.")
    left, right = st.columns(2)
    show_chart(drawn_beat_figure(result.signal, result.reconstruction, result.nearest_normal), key=f"{key}_beat", target=left)
    figure = histogram_with_score(test_histogram(current), threshold, result.score)
    show_chart(figure, key=f"{key}_histogram", target=right)
