"""Data page, choosing the dataset: the picker, each dataset's options and the CSV upload with its checks.

The choice is part of the session's settings (so Train, Evaluate, Draw, Compare and links follow it);
an uploaded CSV stays with this session and never goes into a link.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from anomaly_core import DATASET_TITLES, DataConfig, Dataset, read_dataset_csv
from anomaly_core.config import DATASETS, SIGNAL_ANOMALIES
from anomaly_core.datasets import DEFAULT_DIGIT, fit_batch_to_rows
from anomaly_core.signals import MAX_CSV_BYTES
from ui.datasets import dataset_of, ecg_split, keep_upload, session_upload
from ui.settings import LabSettings, get_settings, set_settings

PICK_KEY = "data_dataset"
DIGIT_KEY = "data_normal_digit"
KINDS_KEY = "data_signal_kinds"
TREND_KEY = "data_signal_trend"
SEASON_KEY = "data_signal_season"
UPLOAD_KEY = "data_csv_upload"
UPLOAD_MESSAGE_KEY = "data_csv_message"
KIND_LABELS = {
    "spike": "spike", "level_shift": "level shift", "flat": "flat segment", "frequency": "frequency change",
    "noise_burst": "noise burst",
}  # fmt: skip


def _set_data(**changes: object) -> None:
    """New data settings; a batch larger than the dataset's training rows shrinks to the largest power of two that fits."""
    settings: LabSettings = get_settings()
    data = dataclasses.replace(settings.data, **changes)  # type: ignore[arg-type]
    try:
        rows = len(ecg_split(data).x_train)
    except ValueError:  # the Data page says what to change
        rows = settings.train.batch_size
    train = fit_batch_to_rows(settings.train, rows)
    set_settings(dataclasses.replace(settings, data=data, train=train, preset=settings.preset))


def _on_pick() -> None:
    """A new dataset: its default options (a CSV waits for its upload)."""
    name = st.session_state[PICK_KEY]
    if name == "csv":
        return
    changes: dict[str, object] = {"dataset": name, "normal_class": None, "csv_digest": ""}
    if name == "long_signal":  # it trains on its clean first half and tests every window of the rest
        changes |= {"abnormal_fraction": 0.0, "test_size": None}
    _set_data(**changes)


def _on_digit() -> None:
    _set_data(normal_class=int(st.session_state[DIGIT_KEY]))


def _on_signal_options() -> None:
    kinds = st.session_state[KINDS_KEY] or list(SIGNAL_ANOMALIES)
    trend, season = bool(st.session_state[TREND_KEY]), bool(st.session_state[SEASON_KEY])
    _set_data(signal_anomalies=",".join(kinds), signal_trend=trend, signal_seasonality=season)


def _on_upload() -> None:
    """Check the uploaded CSV; keep it and switch to it, or say what to change (nothing else changes)."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is None:
        st.session_state.pop(UPLOAD_MESSAGE_KEY, None)
        return
    data = uploaded.getvalue()
    try:
        table = read_dataset_csv(data)
    except ValueError as error:
        st.session_state[UPLOAD_MESSAGE_KEY] = ("error", f"This CSV was not used: {error}.")
        return
    digest = keep_upload(data)
    _set_data(dataset="csv", csv_digest=digest, normal_class=None)
    labels = "" if table.labelled else " It has no label column: models train and score, but the metrics need labels."
    size = f"{len(table.signals):,} rows of {table.signals.shape[1]} values"
    st.session_state[UPLOAD_MESSAGE_KEY] = ("success", f"Using your CSV: {size}.{labels}")


def render_dataset_picker() -> Dataset:
    """The dataset picker and the chosen dataset's options; returns the dataset in use."""
    data = get_settings().data
    if st.session_state.get(PICK_KEY) != "csv" or data.dataset == "csv":
        st.session_state[PICK_KEY] = data.dataset
    st.selectbox("Dataset", DATASETS, key=PICK_KEY, format_func=DATASET_TITLES.__getitem__, on_change=_on_pick)
    if data.dataset == "digits":
        _render_digit_option(data)
    elif data.dataset == "long_signal":
        _render_signal_options(data)
    if st.session_state[PICK_KEY] == "csv":
        _render_upload(data)
    dataset = dataset_of(data)
    st.caption(f"{dataset.description} Split: {dataset.split_rule}")
    return dataset


def _render_digit_option(data: DataConfig) -> None:
    st.session_state[DIGIT_KEY] = data.normal_class if data.normal_class is not None else DEFAULT_DIGIT
    st.selectbox("Normal digit (the other nine are anomalies)", list(range(10)), key=DIGIT_KEY, on_change=_on_digit)


def _render_signal_options(data: DataConfig) -> None:
    st.session_state[KINDS_KEY] = list(data.anomaly_kinds)
    st.session_state[TREND_KEY] = data.signal_trend
    st.session_state[SEASON_KEY] = data.signal_seasonality
    kinds, trend, season = st.columns([4, 1, 1], vertical_alignment="bottom")
    kinds.multiselect(
        "Injected anomalies", list(SIGNAL_ANOMALIES), key=KINDS_KEY, format_func=KIND_LABELS.__getitem__,
        on_change=_on_signal_options,
    )  # fmt: skip
    trend.toggle("Trend", key=TREND_KEY, on_change=_on_signal_options)
    season.toggle("Season", key=SEASON_KEY, on_change=_on_signal_options)
    st.caption(f"Seeded by the Train page's seed ({data.seed}): a link to this page reproduces the same series.")


def _render_upload(data: DataConfig) -> None:
    st.file_uploader(
        f"Your CSV (one row per sample, up to {MAX_CSV_BYTES // 2**20} MB; an optional column headed 'label': 0 or "
        "'normal' for normal rows, anything else for anomalies)",
        type=["csv", "txt"], key=UPLOAD_KEY, on_change=_on_upload,
    )  # fmt: skip
    message = st.session_state.get(UPLOAD_MESSAGE_KEY)
    if message is not None:
        (st.error if message[0] == "error" else st.success)(message[1])
    if data.dataset != "csv" or session_upload(data.csv_digest) is None:
        st.info(f"Upload a CSV to use it; until then the lab keeps using {DATASET_TITLES[data.dataset]}.")
    st.caption("Your CSV stays with this session's runs: links and settings files never carry it.")
