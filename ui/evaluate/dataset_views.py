"""Evaluate page, views for datasets that are not beats: digits as images, the long signal over time.

The digits: the most anomalous test images against their reconstructions, the oddest normal digits and the
other digits the model mistakes for normal (they look like it). The long signal: the whole test part with the
true anomaly spans shaded, the per-time-step error below, and point- and event-level precision and recall.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from anomaly_core import SeriesScores, errors_over_time, flag_anomalies, make_long_signal, per_step_errors, series_scores
from anomaly_core.long_signal import TRAIN_END
from ui.current_model import ActiveModel, active_model
from ui.dataset_figures import image_pairs_figure, series_error_figure
from ui.datasets import dataset_of
from ui.evaluate.evaluation import Evaluation

IMAGES_SHOWN = 8
SERIES_KEY = "eval_series_errors"  # (model, per-time-step errors) of the current model on the long signal


@dataclass(frozen=True)
class ImageSets:
    """Test rows (indices) worth seeing as images, each most telling first."""

    most_anomalous: np.ndarray
    oddest_normal: np.ndarray  # normal rows with the highest scores
    most_normal_looking: np.ndarray  # abnormal rows with the lowest scores: they look like the normal class


def image_sets(evaluation: Evaluation, count: int = IMAGES_SHOWN) -> ImageSets:
    """The rows the digits view shows, from the evaluation's score order (most anomalous first)."""
    order = evaluation.order
    normal = order[evaluation.y_true[order] == 0]
    abnormal = order[evaluation.y_true[order] == 1]
    return ImageSets(order[:count], normal[:count], abnormal[::-1][:count])


def render_image_views(evaluation: Evaluation, model: ActiveModel) -> None:
    """The digits' most anomalous images, the oddest normal digits and the digits most like the normal one."""
    dataset = dataset_of(model.split.config)
    if dataset.kind != "images":
        return
    shape, sets = dataset.input_shape, image_sets(evaluation)
    st.subheader("The most anomalous images")
    for rows, title, key in (
        (sets.most_anomalous, "Most anomalous test images: input above, reconstruction below", "eval_images_top"),
        (sets.oddest_normal, "Normal digits the model finds oddest", "eval_images_odd_normal"),
        (sets.most_normal_looking, "Other digits that look most like the normal one (lowest scores)", "eval_images_lookalike"),
    ):
        titles = [f"{int(evaluation.classes[r])} · {evaluation.scores[r]:.3g}" for r in rows]
        inputs, rebuilt = evaluation.beats[rows].reshape(-1, *shape), evaluation.reconstructions[rows].reshape(-1, *shape)
        st.plotly_chart(image_pairs_figure(inputs, rebuilt, titles, title=title), key=key)
    top = int(sets.most_anomalous[0])
    st.caption(
        f"Each title: the true digit · the score. The most anomalous test image is a "
        f"{evaluation.class_names.get(int(evaluation.classes[top]), '')}; the model rebuilds every input as something "
        "like the normal digit, so a digit that looks like another is where it goes most wrong — and an anomaly that "
        "looks like the normal digit slips through."
    )


def _errors_over_time(model: ActiveModel) -> np.ndarray:
    """The model's per-time-step error over the test part, computed once per model."""
    cached = st.session_state.get(SERIES_KEY)
    if cached is None or cached[0] is not model:
        steps = per_step_errors(model.model, model.split.x_test, model.loss)
        cached = (model, errors_over_time(steps))
        st.session_state[SERIES_KEY] = cached
    return cached[1]


def render_series_view(evaluation: Evaluation, threshold: float) -> None:
    """The long signal only: the test part with true spans shaded, the error per time step, point and event metrics."""
    model = active_model()
    if model.split.config.dataset != "long_signal":
        return
    signal = make_long_signal(model.split.config)
    errors = _errors_over_time(model)
    st.subheader("The whole series: where the error rises")
    st.plotly_chart(series_error_figure(signal.values, errors, signal.spans, threshold, start=TRAIN_END), key="eval_series")
    scores = series_scores(signal.point_labels[TRAIN_END:], flag_anomalies(errors, threshold))
    render_series_metrics(scores)


def render_series_metrics(scores: SeriesScores) -> None:
    """Point-level and event-level precision and recall side by side."""
    point, event = st.columns(2)
    point.metric("Point precision", f"{scores.point_precision:.1%}", help="Flagged time steps that lie in a true span.")
    point.metric("Point recall", f"{scores.point_recall:.1%}", help="Time steps of true spans that are flagged.")
    event.metric("Event precision", f"{scores.event_precision:.1%}", help="Runs of flagged steps that touch a true anomaly span.")
    event.metric("Event recall", f"{scores.event_recall:.1%}", help="True anomaly spans with at least one flagged step.")
    st.caption(
        f"{scores.caught_events} of {scores.true_events} injected anomalies caught (a span counts as caught when any of "
        f"its steps is flagged); {scores.flagged_events} flagged runs in all. A time step is flagged when its error is "
        "at or above the threshold."
    )
