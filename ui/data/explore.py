"""Data page, exploring the chosen dataset: its classes, a browser (beats, digit images or the long series) and bands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from anomaly_core import DataConfig, Dataset, EcgData, describe_dataset
from ui.data.charts import beat_browser_figure, class_bands_figure, class_count_figure, class_label
from ui.dataset_figures import class_color
from ui.fast_chart import show_chart

CLASS_KEY = "data_class"
BEAT_KEY = "data_beat_number"
OVERLAY_KEY = "data_overlay"
BANDS_KEY = "data_band_classes"
OVERLAY_BEATS = 20


def class_table(classes: np.ndarray, dataset: Dataset | None = None) -> pd.DataFrame:
    """One row per class: its name, whether the lab calls it normal, its number of rows and share (default: ECG5000)."""
    dataset = dataset or describe_dataset(DataConfig())
    labels, counts = np.unique(classes, return_counts=True)
    return pd.DataFrame(
        {
            "class": labels,
            "name (short name in charts)": [_named(int(label), dataset) for label in labels],
            "in this lab": ["normal" if label in dataset.normal_classes else "abnormal" for label in labels],
            f"{dataset.row_name}s": counts,
            "share": [f"{count / counts.sum():.1%}" for count in counts],
        }
    )


def _named(label: int, dataset: Dataset) -> str:
    full, short = dataset.class_names.get(label, f"Class {label}"), dataset.short_names.get(label, f"Class {label}")
    return full if full.startswith(short) else f"{full} ({short})"


def beats_of_class(data: EcgData, label: int) -> np.ndarray:
    """Row numbers of every beat of one class, in file order."""
    return np.flatnonzero(data.classes == label)


def class_mean_std(data: EcgData, label: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (length,) of one class's beats, step by step."""
    signals = data.signals[beats_of_class(data, label)]
    return signals.mean(axis=0), signals.std(axis=0)


def render_overview(data: EcgData, dataset: Dataset) -> None:
    """What one row is, the classes with their names and counts, and the count chart."""
    if dataset.name != "ecg5000":
        st.subheader(dataset.title)
        st.markdown(f"{dataset.description} Each {dataset.row_name} has **{dataset.input_length} values**.")
    else:
        _describe_ecg5000(data)
    st.dataframe(class_table(data.classes, dataset), hide_index=True, width="content")
    counts = {int(label): int(count) for label, count in zip(*np.unique(data.classes, return_counts=True))}
    colors = {c: class_color(c, list(counts), dataset.normal_classes) for c in counts}  # as the browser and the bands
    figure = class_count_figure(
        counts, names=dataset.short_names, colors=colors, row_name=dataset.row_name, title=dataset.title
    )
    show_chart(figure, key="data_class_counts", width="stretch")


def _describe_ecg5000(data: EcgData) -> None:
    st.subheader("One beat, five classes")
    st.markdown(
        f"ECG5000 holds **{len(data.classes):,} heartbeats** from a 20-hour ECG recording of one patient with heart "
        f"failure (PhysioNet's BIDMC database). Each row is one beat, cut out and resampled to "
        f"**{data.signals.shape[1]} samples**, then normalised by the archive "
        "(mean 0, standard deviation 1). Cardiologists' labels put every beat in one of five classes; the lab calls "
        "class 1 normal and the other four abnormal."
    )


def _reset_beat_number() -> None:
    """Callback: a new class starts at its first beat."""
    st.session_state[BEAT_KEY] = 1


def _init_browser_state(data: EcgData, dataset: Dataset) -> None:
    labels = sorted(int(c) for c in np.unique(data.classes))
    if st.session_state.get(CLASS_KEY) not in labels:
        st.session_state[CLASS_KEY] = next((c for c in labels if c not in dataset.normal_classes), labels[0])
    st.session_state.setdefault(BEAT_KEY, 1)
    st.session_state.setdefault(OVERLAY_KEY, True)
    available = len(beats_of_class(data, st.session_state[CLASS_KEY]))
    st.session_state[BEAT_KEY] = int(np.clip(st.session_state[BEAT_KEY], 1, available))


def render_browser(data: EcgData, dataset: Dataset) -> int:
    """Pick a class and a row of it; returns the chosen row's number in the dataset."""
    _init_browser_state(data, dataset)
    noun = dataset.row_name
    st.subheader(f"Browse the {noun}s")
    labels = sorted(int(c) for c in np.unique(data.classes))
    names = dataset.class_names
    pick_class, pick_beat, overlay = st.columns([3, 3, 2], vertical_alignment="bottom")
    label = pick_class.selectbox(
        "Class", labels, key=CLASS_KEY, format_func=lambda c: f"{c} · {names.get(c, c)}", on_change=_reset_beat_number
    )
    rows = beats_of_class(data, label)
    if len(rows) > 1:
        number = pick_beat.slider(f"{noun.capitalize()} of this class (1–{len(rows)})", 1, len(rows), key=BEAT_KEY)
    else:
        number = 1
        pick_beat.caption(f"This class has a single {noun}.")
    show_others = overlay.toggle(f"Show {OVERLAY_BEATS} more of this class", key=OVERLAY_KEY)
    row = int(rows[number - 1])
    others = rows[rows != row][:OVERLAY_BEATS] if show_others else rows[:0]
    title = f"Class {class_label(label, dataset.short_names)}: {noun} {number} of {len(rows)}"  # short enough for a phone
    color = class_color(label, list(names), dataset.normal_classes)
    figure = beat_browser_figure(data.signals[row], data.signals[others], color=color, title=title)
    show_chart(figure, key="data_beat_browser", width="stretch")
    st.caption(f"Class {label}: {names.get(label, label)}. This {noun} is row {row + 1} of {dataset.title}.")
    return row


def render_bands(data: EcgData, dataset: Dataset) -> None:
    """Each chosen class's mean row with a ± one standard deviation band."""
    st.subheader(f"What a typical {dataset.row_name} of each class looks like")
    labels = sorted(int(c) for c in np.unique(data.classes))
    if not set(st.session_state.get(BANDS_KEY, [])) <= set(labels):
        st.session_state[BANDS_KEY] = labels[:2]
    st.session_state.setdefault(BANDS_KEY, labels[:2])
    names = dataset.class_names
    chosen = st.multiselect("Classes to compare", labels, key=BANDS_KEY, format_func=lambda c: f"{c} · {names.get(c, c)}")
    if not chosen:
        st.info("Choose at least one class to see its mean beat and spread.")
        return
    stats = {label: class_mean_std(data, label) for label in sorted(chosen)}
    colors = {c: class_color(c, labels, dataset.normal_classes) for c in labels}
    figure = class_bands_figure(stats, names=dataset.short_names, colors=colors)
    show_chart(figure, key="data_class_bands", width="stretch")
    st.caption(
        "The line is the class's average at each time step; the band covers one standard deviation either side. "
        "Where bands of different classes separate, a model can tell them apart."
    )
