"""The ECG5000 beats and their splits, cached once per server and shared read-only by every session."""

from __future__ import annotations

import streamlit as st

from anomaly_core import DataConfig, EcgData, EcgSplit, load_ecg5000, make_split


@st.cache_data(show_spinner=False)
def ecg_data() -> EcgData:
    """All 5000 beats, read once per server."""
    return load_ecg5000()


@st.cache_data(show_spinner=False, max_entries=32)
def ecg_split(cfg: DataConfig) -> EcgSplit:
    """The split for a data config, computed once per server and config."""
    return make_split(ecg_data(), cfg)
