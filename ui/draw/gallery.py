"""The session's gallery of drawn and bent beats, and scoring a whole CSV of beats at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from anomaly_core import CLASS_NAMES, SignalTable, read_signals_csv, verdict
from ui.current_model import ActiveModel
from ui.dataset_choice import csv_label_classes, model_class_names
from ui.draw.scoring import score_signals
from ui.fast_chart import show_chart
from ui.figures import signals_figure

GALLERY_KEY = "draw_gallery"
SCORES_KEY = "draw_gallery_scores"  # (model, saved beats' bytes, scores): a threshold move rescores nothing
MAX_GALLERY = 30
BULK_FILE_KEY = "draw_bulk_file"
BULK_PARSED_KEY = "draw_bulk_parsed"


@dataclass(frozen=True)
class SavedBeat:
    """A beat kept in the gallery: a name and its values (length,) in original units."""

    name: str
    values: np.ndarray


def gallery() -> list[SavedBeat]:
    """This session's saved beats, oldest first."""
    return st.session_state.setdefault(GALLERY_KEY, [])


def save_to_gallery(name: str, values: np.ndarray) -> None:
    """Keep a copy of a beat (the newest MAX_GALLERY are kept)."""
    beats = gallery()
    saved = SavedBeat(f"{len(beats) + 1}. {name}", np.array(values, dtype=np.float32))
    beats.append(saved)
    del beats[:-MAX_GALLERY]
    st.toast(f"Saved “{saved.name}” to the gallery.", icon=":material/bookmark_added:")


def render_save_button(name: str, values: np.ndarray, key: str) -> None:
    """A button that saves the beat shown to the gallery."""
    st.button("Save to gallery", key=key, on_click=save_to_gallery, args=(name, values), icon=":material/bookmark_add:")


def signals_csv(signals: np.ndarray) -> bytes:
    """Beats (n, length) as CSV with a t0 … header: the format the bulk scorer reads back."""
    signals = np.asarray(signals)
    frame = pd.DataFrame(signals, columns=[f"t{i}" for i in range(signals.shape[1])])
    return frame.to_csv(index=False, float_format="%.5f").encode()


def gallery_scores(current: ActiveModel, signals: np.ndarray) -> np.ndarray:
    """Scores (n,) of the saved beats (n, length), computed again only for another model or other beats."""
    key = signals.tobytes()
    cached = st.session_state.get(SCORES_KEY)
    if cached is None or cached[0] is not current or cached[1] != key:
        cached = (current, key, score_signals(current, signals))
        st.session_state[SCORES_KEY] = cached
    return cached[2]


def render_gallery(current: ActiveModel, threshold: float) -> None:
    """The saved beats scored by the current model, on one chart, downloadable as CSV."""
    beats = gallery()
    if not beats:
        st.info("Nothing saved yet: draw or bend a beat, then press **Save to gallery**.")
        return
    signals = np.stack([beat.values for beat in beats])
    scores = gallery_scores(current, signals)
    table = pd.DataFrame({"beat": [b.name for b in beats], "score": scores, "verdict": [verdict(s, threshold) for s in scores]})
    st.dataframe(table, hide_index=True, key="draw_gallery_table")
    show_chart(signals_figure(list(signals), [b.name for b in beats]), key="draw_gallery_chart")
    left, right = st.columns(2)
    left.download_button(
        "Download the gallery (CSV)", signals_csv(signals), "drawn_beats.csv", "text/csv", key="draw_gallery_csv"
    )
    right.button("Empty the gallery", key="draw_gallery_clear", on_click=lambda: gallery().clear())


def _parsed_upload(uploaded: UploadedFile, length: int, classes: tuple[int, ...] | None) -> SignalTable | str:
    """Read an uploaded CSV once per file (kept in the session); the error message when it is not usable."""
    cached = st.session_state.get(BULK_PARSED_KEY)
    if cached is not None and cached[0] == uploaded.file_id:
        return cached[1]
    try:
        parsed: SignalTable | str = read_signals_csv(uploaded.getvalue(), length, classes)
    except ValueError as error:
        parsed = str(error)
    st.session_state[BULK_PARSED_KEY] = (uploaded.file_id, parsed)
    return parsed


def bulk_results(table: SignalTable, scores: np.ndarray, threshold: float, names: dict[int, str] | None = None) -> pd.DataFrame:
    """One row per beat: its number, score, verdict and, when the file had labels, its class."""
    results = pd.DataFrame({"beat": np.arange(1, len(scores) + 1), "score": scores})
    results["verdict"] = [verdict(score, threshold) for score in scores]
    if table.classes is not None:
        results["class"] = table.classes
        known = names if names is not None else CLASS_NAMES
        results["class name"] = [known.get(int(c), f"Class {int(c)}") for c in table.classes]
    return results


def _render_bulk_summary(results: pd.DataFrame, normal: tuple[int, ...]) -> None:
    flagged = results["verdict"].eq("Anomaly")
    cols = st.columns(3)
    cols[0].metric("Beats scored", len(results))
    cols[1].metric("Called anomalies", int(flagged.sum()))
    if "class" in results:
        agree = float((flagged == ~results["class"].isin(normal)).mean())
        cols[2].metric("Agree with the labels", f"{agree:.1%}")


def render_bulk(current: ActiveModel, threshold: float) -> None:
    """Upload a CSV of beats; show and offer for download each beat's score and verdict."""
    length = current.config.input_length
    st.caption(
        f"One beat per row, {length} values in the data's original units; optionally a first column `label` "
        "with the class of the model's dataset (ECG5000: 1 = normal). Up to 20 MB. The gallery's CSV download is in this format."
    )
    uploaded = st.file_uploader("CSV of beats", type=["csv", "txt", "tsv"], key=BULK_FILE_KEY)
    if uploaded is None:
        st.session_state.pop(BULK_PARSED_KEY, None)  # forget the last file's beats once it is removed
        st.info("Upload a CSV file to score every beat in it.")
        return
    parsed = _parsed_upload(uploaded, length, csv_label_classes(current))
    if isinstance(parsed, str):
        st.error(f"Could not score **{uploaded.name}**: {parsed}. Fix the file and upload it again.")
        return
    results = bulk_results(parsed, score_signals(current, parsed.signals), threshold, model_class_names(current))
    _render_bulk_summary(results, current.split.normal_classes)
    st.dataframe(results, hide_index=True, key="draw_bulk_table")
    st.download_button(
        "Download scores and verdicts (CSV)",
        results.to_csv(index=False).encode(),
        "scored_beats.csv",
        "text/csv",
        key="draw_bulk_download",
    )
