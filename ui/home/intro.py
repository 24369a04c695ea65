"""Home's introduction: the ready model's headline numbers and four short lessons with pictures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from anomaly_core import Confusion, ThresholdSweep, reconstruct
from anomaly_core.data import NORMAL_CLASS
from ui.current_model import DEFAULT_MODEL_PATH, ActiveModel
from ui.fast_chart import show_chart
from ui.figures import error_histogram
from ui.home.charts import autoencoder_picture, smoothing_sentence
from ui.light_charts import reconstruction_chart, show_light_chart
from ui.screen_fit import wrapping_columns

if TYPE_CHECKING:
    import pandas as pd

INTRO_TAB_KEY = "home_intro_tab"
INTRO_TABS = ("1 · Autoencoder", "2 · Reconstruction error", "3 · Threshold", "4 · Precision and recall")


def render_ready_model(model: ActiveModel) -> None:
    """Headline numbers of the bundled model, so the page is useful before anything is trained."""
    y_test = model.split.y_test
    size_kb = DEFAULT_MODEL_PATH.stat().st_size / 1024 if DEFAULT_MODEL_PATH.is_file() else 0.0
    columns = st.columns(4)
    columns[0].metric(
        "Ready model: test AUC", f"{model.summary.auc:.3f}", help="1.0 ranks every abnormal beat above every normal one"
    )
    columns[1].metric("Test beats", f"{y_test.size:,}", f"{int(y_test.sum()):,} abnormal", delta_color="off", delta_arrow="off")
    trained_on = f"{model.epochs} epochs" + (", normal only" if np.all(model.split.classes_train == NORMAL_CLASS) else "")
    columns[2].metric("Training beats", f"{len(model.split.x_train):,}", trained_on, delta_color="off", delta_arrow="off")
    checkpoint = f"{size_kb:.0f} KB" if size_kb else "trained at start"
    columns[3].metric("Checkpoint", checkpoint, "weights only", delta_color="off", delta_arrow="off")


def typical_beat(scores: np.ndarray, mask: np.ndarray) -> int:
    """Index of the beat whose score is the median among the beats selected by `mask`."""
    candidates = np.flatnonzero(mask)
    if candidates.size == 0:
        raise ValueError("no beat matches the mask")
    order = candidates[np.argsort(scores[candidates], kind="mergesort")]
    return int(order[order.size // 2])


def confusion_table(counts: Confusion) -> pd.DataFrame:
    """The 2 x 2 confusion counts with plain-language row and column names."""
    import pandas as pd  # here: Home's first screen needs no pandas (~0.3 s of a cold start)

    return pd.DataFrame(
        {"called anomaly": [counts.tp, counts.fp], "called normal": [counts.fn, counts.tn]},
        index=["truly abnormal", "truly normal"],
    )


def _autoencoder(model: ActiveModel) -> None:
    cfg = model.config
    sizes = [cfg.input_length, *cfg.encoder_hidden, cfg.latent_size, *cfg.decoder_sizes, cfg.input_length]
    show_light_chart(autoencoder_picture(sizes))
    st.markdown(
        f"An **autoencoder** is a neural network trained to copy its input to its output through a narrow middle "
        f"layer, the **bottleneck**. Here a heartbeat of {cfg.input_length} numbers is squeezed into "
        f"{cfg.latent_size} and rebuilt from them, so the network must learn what a typical beat looks like. "
        "We train it on **normal beats only**: it never learns to rebuild the abnormal ones."
    )


def _reconstruction(model: ActiveModel) -> None:
    y_test, scores = model.split.y_test, model.test_scores
    columns = st.columns(2)
    for column, label, mask in ((columns[0], "normal", y_test == 0), (columns[1], "abnormal", y_test == 1)):
        index = typical_beat(scores, mask)
        scaled = model.split.x_test[index : index + 1]
        chart = reconstruction_chart(
            model.scaler.inverse(scaled)[0],
            model.scaler.inverse(reconstruct(model.model, scaled))[0],
            title=f"Typical {label} beat: error {scores[index]:.5f}",  # fits a projector's half column
            y_label="amplitude",
        )
        show_light_chart(chart, target=column)
    ratio = np.median(scores[y_test == 1]) / np.median(scores[y_test == 0])
    st.markdown(
        "The **reconstruction error** is the average squared gap between a beat and its reconstruction (shaded)."
        f"{smoothing_sentence(model.config.score_smoothing)} Beats like the ones the model learned from come back "
        "closely; abnormal beats do not. On this model's "
        f"test beats the median error of an abnormal beat is **{ratio:.0f}×** that of a normal one: the error "
        "is the anomaly score."
    )


def _threshold(model: ActiveModel) -> None:
    figure = error_histogram(model.test_scores, model.split.y_test, model.threshold)
    show_chart(figure, key="home_intro_histogram", width="stretch")
    st.markdown(
        "A score alone does not say yes or no: we pick a **threshold** and call every beat whose error is at or above "
        f"it an anomaly. The suggested threshold, {model.threshold:.5f}, is the mean plus one standard deviation of "
        "the training errors. The two histograms overlap a little, so every threshold trades missed anomalies "
        "against false alarms."
    )


def _precision_recall(model: ActiveModel) -> None:
    counts = ThresholdSweep(model.split.y_test, model.test_scores).at(model.threshold)
    left, right = wrapping_columns("panels", "home_precision_recall", [1, 2])  # a projector: the table on its own line
    left.table(confusion_table(counts))
    right.markdown(
        f"At the suggested threshold the model flags {counts.tp + counts.fp} test beats.\n\n"
        f"- **Precision** = {counts.tp} / {counts.tp + counts.fp} = **{counts.precision:.1%}**: of the beats we flag, "
        "how many are really abnormal (few false alarms).\n"
        f"- **Recall** = {counts.tp} / {counts.tp + counts.fn} = **{counts.recall:.1%}**: of the abnormal beats, "
        "how many we catch (few misses).\n\n"
        "Lower the threshold and recall rises while precision falls; raise it and the opposite happens."
    )


def render_intro(model: ActiveModel) -> None:
    """Four tabs: what an autoencoder is, reconstruction error, why a threshold, precision and recall."""
    st.subheader("How it works")
    st.session_state.setdefault(INTRO_TAB_KEY, INTRO_TABS[0])
    tabs = st.tabs(INTRO_TABS, key=INTRO_TAB_KEY, on_change="rerun")  # only the open tab's lesson runs
    for tab, lesson in zip(tabs, (_autoencoder, _reconstruction, _threshold, _precision_recall)):
        if tab.open:
            with tab:
                lesson(model)
