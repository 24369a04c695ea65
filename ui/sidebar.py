"""The sidebar: the session's current model on every page, and its model file (download / upload)."""

from __future__ import annotations

import math

import streamlit as st

from anomaly_core import DATASET_TITLES, ModelFileError
from ui.current_model import ActiveModel, active_model, architecture_label
from ui.model_file import model_file_bytes, model_from_upload, model_onnx_bytes
from ui.my_runs import render_my_runs
from ui.run_models import use_uploaded

UPLOAD_KEY = "model_upload"
UPLOADED_ID_KEY = "model_upload_done"
REFUSED_KEY = "model_upload_refused"  # (file id, reason) of the last refused upload: read once, not on every rerun


def render_model_card() -> None:
    """Architecture in one line, epochs trained and test AUC of the current model."""
    current = active_model()
    with st.sidebar:
        st.caption("Current model")
        st.markdown(f"**{current.name}**")
        st.text(architecture_label(current.config))
        auc = "no labels" if math.isnan(current.summary.auc) else f"{current.summary.auc:.3f}"
        st.text(f"{current.epochs} epochs · test AUC {auc}")
        st.caption(f"Data: {DATASET_TITLES[current.split.config.dataset]}")
        with st.expander("Model file"):
            _render_model_file(current)
        render_my_runs()


def _render_model_file(current: ActiveModel) -> None:
    st.download_button(
        "Download this model",
        data=lambda: model_file_bytes(current),  # serialised on click, not on every rerun of every page
        file_name="anomaly-lab-model.safetensors",
        mime="application/octet-stream",
        key="model_download",
        help="Weights and scaler plus config and data split as JSON metadata (safetensors: no code inside).",
    )
    st.download_button(
        "Download as ONNX",
        data=lambda: model_onnx_bytes(current),  # exported on click (about a second)
        file_name="anomaly-lab-model.onnx",
        mime="application/octet-stream",
        key="model_download_onnx",
        help="Raw beats in, anomaly scores out: scaling and scoring are inside the graph. Run it with onnxruntime.",
    )
    upload = st.file_uploader("Use a model file", type=["safetensors"], key=UPLOAD_KEY)
    if upload is not None and st.session_state.get(UPLOADED_ID_KEY) != upload.file_id:
        _use_upload(upload.file_id, upload.name, upload.getvalue())


def _use_upload(file_id: str, name: str, data: bytes) -> None:
    """Make an uploaded file current once it loaded and scored; a refused file is read once and its reason kept."""
    refused = st.session_state.get(REFUSED_KEY)
    if refused is None or refused[0] != file_id:
        try:
            model = model_from_upload(name, data)
        except Exception as error:  # whatever a crafted file causes, the session must keep working
            reason = str(error) if isinstance(error, ModelFileError) else f"it could not be read ({type(error).__name__})"
            st.session_state[REFUSED_KEY] = (file_id, reason)
        else:
            st.session_state[UPLOADED_ID_KEY] = file_id
            use_uploaded(model)
            st.rerun()
    st.error(f"This file was refused: {st.session_state[REFUSED_KEY][1]}. Upload a model downloaded from Anomaly Lab.")
