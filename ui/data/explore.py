"""Data page, exploring ECG5000: the five classes, a beat browser and per-class mean ± std bands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from anomaly_core import CLASS_NAMES, EcgData
from anomaly_core.data import NORMAL_CLASS
from ui.data.charts import CLASS_COLORS, SHORT_NAMES, beat_browser_figure, class_bands_figure, class_count_figure, class_label
from ui.fast_chart import show_chart

CLASS_KEY = "data_class"
BEAT_KEY = "data_beat_number"
OVERLAY_KEY = "data_overlay"
BANDS_KEY = "data_band_classes"
OVERLAY_BEATS = 20


def class_table(classes: np.ndarray) -> pd.DataFrame:
    """One row per class: its name, whether the lab calls it normal, its number of beats and share."""
    labels, counts = np.unique(classes, return_counts=True)
    return pd.DataFrame(
        {
            "class": labels,
            "name (short name in charts)": [_named(int(label)) for label in labels],
            "in this lab": ["normal" if label == NORMAL_CLASS else "abnormal" for label in labels],
            "beats": counts,
            "share": [f"{count / counts.sum():.1%}" for count in counts],
        }
    )


def _named(label: int) -> str:
    full, short = CLASS_NAMES[label], SHORT_NAMES[label]
    return full if full.startswith(short) else f"{full} ({short})"


def beats_of_class(data: EcgData, label: int) -> np.ndarray:
    """Row numbers of every beat of one class, in file order."""
    return np.flatnonzero(data.classes == label)


def class_mean_std(data: EcgData, label: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (length,) of one class's beats, step by step."""
    signals = data.signals[beats_of_class(data, label)]
    return signals.mean(axis=0), signals.std(axis=0)


def render_overview(data: EcgData) -> None:
    """What one beat is, the five classes with their names and counts, and the count chart."""
    st.subheader("One beat, five classes")
    st.markdown(
        f"ECG5000 holds **{len(data.classes):,} heartbeats** from a 20-hour ECG recording of one patient with heart "
        f"failure (PhysioNet's BIDMC database). Each row is one beat, cut out and resampled to "
        f"**{data.signals.shape[1]} samples**, then normalised by the archive "
        "(mean 0, standard deviation 1). Cardiologists' labels put every beat in one of five classes; the lab calls "
        "class 1 normal and the other four abnormal."
    )
    st.dataframe(class_table(data.classes), hide_index=True, width="content")
    counts = {int(label): int(count) for label, count in zip(*np.unique(data.classes, return_counts=True))}
    show_chart(class_count_figure(counts), key="data_class_counts", width="stretch")


def _reset_beat_number() -> None:
    """Callback: a new class starts at its first beat."""
    st.session_state[BEAT_KEY] = 1


def _init_browser_state(data: EcgData) -> None:
    st.session_state.setdefault(CLASS_KEY, 2)
    st.session_state.setdefault(BEAT_KEY, 1)
    st.session_state.setdefault(OVERLAY_KEY, True)
    available = len(beats_of_class(data, st.session_state[CLASS_KEY]))
    st.session_state[BEAT_KEY] = int(np.clip(st.session_state[BEAT_KEY], 1, available))


def render_browser(data: EcgData) -> int:
    """Pick a class and a beat of it; returns the chosen beat's row in ECG5000."""
    _init_browser_state(data)
    st.subheader("Browse the beats")
    labels = sorted(CLASS_NAMES)
    pick_class, pick_beat, overlay = st.columns([3, 3, 2], vertical_alignment="bottom")
    label = pick_class.selectbox(
        "Class", labels, key=CLASS_KEY, format_func=lambda c: f"{c} · {CLASS_NAMES[c]}", on_change=_reset_beat_number
    )
    rows = beats_of_class(data, label)
    if len(rows) > 1:
        number = pick_beat.slider(f"Beat of this class (1–{len(rows)})", 1, len(rows), key=BEAT_KEY)
    else:
        number = 1
        pick_beat.caption("This class has a single beat.")
    show_others = overlay.toggle(f"Show {OVERLAY_BEATS} more of this class", key=OVERLAY_KEY)
    row = int(rows[number - 1])
    others = rows[rows != row][:OVERLAY_BEATS] if show_others else rows[:0]
    title = f"Class {class_label(label)}: beat {number} of {len(rows)}"  # short enough for a phone's chart
    figure = beat_browser_figure(data.signals[row], data.signals[others], color=CLASS_COLORS[label], title=title)
    show_chart(figure, key="data_beat_browser", width="stretch")
    st.caption(f"Class {label}: {CLASS_NAMES[label]}. This beat is row {row + 1} of ECG5000.")
    return row


def render_bands(data: EcgData) -> None:
    """Each chosen class's mean beat with a ± one standard deviation band."""
    st.subheader("What a typical beat of each class looks like")
    st.session_state.setdefault(BANDS_KEY, [1, 2])
    chosen = st.multiselect(
        "Classes to compare", sorted(CLASS_NAMES), key=BANDS_KEY, format_func=lambda c: f"{c} · {CLASS_NAMES[c]}"
    )
    if not chosen:
        st.info("Choose at least one class to see its mean beat and spread.")
        return
    stats = {label: class_mean_std(data, label) for label in sorted(chosen)}
    show_chart(class_bands_figure(stats), key="data_class_bands", width="stretch")
    st.caption(
        "The line is the class's average at each time step; the band covers one standard deviation either side. "
        "Where bands of different classes separate, a model can tell them apart."
    )
