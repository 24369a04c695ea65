"""The datasets' rows and splits, cached once per server and shared read-only by every session.

A learner's CSV is the exception: it belongs to its session, so its bytes and split live in that session's
state (and in the run store's folder, where the session's training workers read it), never in a shared cache.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from anomaly_core import (
    DataConfig,
    Dataset,
    EcgData,
    EcgSplit,
    csv_digest,
    dataset_split,
    describe_dataset,
    load_dataset,
    load_ecg5000,
)
from anomaly_core.uploads import read_upload, save_upload
from ui.runs import run_service, session_token

UPLOADS_KEY = "dataset_csv_uploads"  # digest -> bytes of this session's uploads
CSV_SPLITS_KEY = "dataset_csv_splits"  # DataConfig -> EcgSplit of this session's uploads
CSV_MEMO_KEY = "dataset_csv_memo"  # ("rows" | "dataset", digest) -> parsed rows or description of an upload
MAX_CSV_SPLITS = 4
T = TypeVar("T")


@st.cache_data(show_spinner=False)
def ecg_data() -> EcgData:
    """All 5000 ECG5000 beats, read once per server."""
    return load_ecg5000()


def rows_key(cfg: DataConfig) -> DataConfig:
    """The part of a data config that decides a dataset's rows (the long signal's options and seed; else its name)."""
    if cfg.dataset == "long_signal":
        return DataConfig(
            dataset=cfg.dataset, signal_anomalies=cfg.signal_anomalies, signal_trend=cfg.signal_trend,
            signal_seasonality=cfg.signal_seasonality, seed=cfg.seed,
        )  # fmt: skip
    return DataConfig(dataset=cfg.dataset)


@st.cache_data(show_spinner=False, max_entries=16)
def _shared_rows(key: DataConfig) -> EcgData:
    return ecg_data() if key.dataset == "ecg5000" else load_dataset(key)


def dataset_rows(cfg: DataConfig) -> EcgData:
    """Every row of the config's dataset in its own units (the session's upload for a CSV, parsed once)."""
    if cfg.dataset == "csv":
        return _session_memo(("rows", cfg.csv_digest), lambda: load_dataset(cfg, session_upload(cfg.csv_digest)))
    return _shared_rows(rows_key(cfg))


def _session_memo(key: tuple[str, str], make: Callable[[], T]) -> T:
    """`make()` once per session and key (a CSV's parsed rows and description)."""
    memo: dict[tuple[str, str], Any] = st.session_state.setdefault(CSV_MEMO_KEY, {})
    if key not in memo:
        memo[key] = make()
    return memo[key]


@st.cache_data(show_spinner=False, max_entries=32)
def _shared_split(cfg: DataConfig) -> EcgSplit:
    rows = None if cfg.dataset == "long_signal" else _shared_rows(rows_key(cfg))
    return dataset_split(cfg, None, rows)


def ecg_split(cfg: DataConfig) -> EcgSplit:
    """The split for a data config (any dataset), computed once per server and config (per session for a CSV)."""
    if cfg.dataset != "csv":
        return _shared_split(cfg)
    splits: dict[DataConfig, EcgSplit] = st.session_state.setdefault(CSV_SPLITS_KEY, {})
    if cfg not in splits:
        splits[cfg] = dataset_split(cfg, session_upload(cfg.csv_digest))
        for stale in list(splits)[:-MAX_CSV_SPLITS]:
            del splits[stale]
    return splits[cfg]


def dataset_of(cfg: DataConfig) -> Dataset:
    """The registry's description of the config's dataset (ValueError when a CSV's upload is gone)."""
    if cfg.dataset != "csv":
        return describe_dataset(cfg)
    return _session_memo(("dataset", cfg.csv_digest), lambda: describe_dataset(cfg, session_upload(cfg.csv_digest)))


def session_upload(digest: str) -> bytes | None:
    """This session's uploaded CSV with this digest: from the session, else from the run store's folder."""
    kept: dict[str, bytes] = st.session_state.setdefault(UPLOADS_KEY, {})
    if digest not in kept:
        service, token = run_service(), session_token()
        found = read_upload(service.settings.data_dir, token, digest) if service and token else None
        if found is None:
            return None
        kept[digest] = found
    return kept[digest]


def keep_upload(data: bytes) -> str:
    """Keep a checked upload with this session (and on disk for its training workers); returns its digest."""
    service, token = run_service(), session_token()
    if service is not None and token is not None:
        digest = save_upload(service.settings.data_dir, token, data)
    else:
        digest = csv_digest(data)
    kept: dict[str, bytes] = st.session_state.setdefault(UPLOADS_KEY, {})
    kept.clear()  # one upload at a time per session
    kept[digest] = data
    return digest


def with_dataset(target: DataConfig, source: DataConfig) -> DataConfig:
    """`target`'s split settings with `source`'s dataset and dataset options (a preset keeps the chosen dataset)."""
    fields = ("dataset", "normal_class", "signal_anomalies", "signal_trend", "signal_seasonality", "csv_digest")
    return dataclasses.replace(target, **{name: getattr(source, name) for name in fields})
