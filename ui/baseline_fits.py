"""The classical baselines of a data split, fitted once per server in a child process and kept for every session.

The server never loads scikit-learn (`anomaly_core.baseline_job`). Soon after the server's first page the ready
model's split is fitted in the background (`prefetch_baselines`), so the first visit to Compare finds it done.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

from anomaly_core import DataConfig, EcgSplit
from anomaly_core.baseline_job import fit_baselines_apart
from anomaly_core.baselines import BaselineResult
from ui.current_model import default_model

PREFETCH_AFTER = 4.0  # seconds: the first page is drawn by then, and the fit (~2 s, niced) ends before the workers start
MAX_SPLITS = 8


class BaselineFits:
    """Futures of fitted baselines by split, one fit at a time, the oldest dropped beyond MAX_SPLITS."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fits: dict[DataConfig, Future[list[BaselineResult]]] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="anomaly-lab-baselines")

    def submit(self, split: EcgSplit, *, background: bool = False) -> Future[list[BaselineResult]]:
        """The split's fit: the one already asked for, or a new one queued."""
        with self._lock:
            fit = self._fits.get(split.config)
            if fit is None or (fit.done() and fit.exception() is not None):  # a failed fit is tried again
                fit = self._executor.submit(fit_baselines_apart, split, seed=split.config.seed, background=background)
                self._fits[split.config] = fit
                for old in list(self._fits)[:-MAX_SPLITS]:
                    del self._fits[old]
            return fit

    def prefetch(self, split: EcgSplit, delay: float) -> None:
        """Fit `split` in the background after `delay` seconds (at once if a page asks for it sooner)."""
        timer = threading.Timer(delay, self.submit, args=(split,), kwargs={"background": True})
        timer.daemon = True
        timer.start()


@st.cache_resource(show_spinner=False)
def baseline_fits() -> BaselineFits:
    """The server's fits (shared by every session: they depend on the split only)."""
    return BaselineFits()


def fitted_baselines(split: EcgSplit) -> list[BaselineResult]:
    """The four baselines fitted on the split's training beats and scored on its test beats (waits for the fit)."""
    fit = baseline_fits().submit(split)
    if not fit.done():
        with st.spinner("Fitting the classical baselines on this split (once per split)…"):
            return fit.result()
    return fit.result()


@st.cache_resource(show_spinner=False)
def prefetch_baselines(cfg: DataConfig, _split: EcgSplit) -> None:
    """Once per server and split: fit the baselines in the background a little after the first page."""
    baseline_fits().prefetch(_split, PREFETCH_AFTER)


def prefetch_ready_baselines() -> None:
    """Start fitting the ready model's split in the background (once per server), for Compare's first visit."""
    split = default_model().split
    prefetch_baselines(split.config, split)
