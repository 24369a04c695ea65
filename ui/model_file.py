"""Download the session's model as one .safetensors file, and make an uploaded one current (weights only)."""

from __future__ import annotations

import math

from anomaly_core import ModelFileError, model_from_bytes, model_to_bytes
from anomaly_core.export import onnx_bytes
from ui.current_model import ActiveModel, make_active_model
from ui.datasets import ecg_data, ecg_split


def model_file_bytes(active: ActiveModel) -> bytes:
    """The model with what it needs to be scored again: its ModelInfo (score error, data split, epochs, results)."""
    return model_to_bytes(active.model, active.scaler, active.info)


def model_onnx_bytes(active: ActiveModel) -> bytes:
    """The model as ONNX: raw beats in, anomaly scores out (scaler and score inside the graph)."""
    return onnx_bytes(model_from_bytes(model_file_bytes(active)))


def model_from_upload(filename: str, data: bytes) -> ActiveModel:
    """Rebuild an uploaded model on its own data split; ModelFileError says why a file is refused."""
    saved = model_from_bytes(data, expected_length=ecg_data().signals.shape[1])  # the length of the data's beats
    try:
        split = ecg_split(saved.info.data)
    except ValueError as error:
        raise ModelFileError(f"the file's data settings are invalid: {error}") from None
    same_scale = math.isclose(saved.scaler.minimum, split.scaler.minimum, abs_tol=1e-5) and math.isclose(
        saved.scaler.maximum, split.scaler.maximum, abs_tol=1e-5
    )
    if not same_scale:
        raise ModelFileError("the file's scaler does not match its data split (edited or made by another tool)")
    info = saved.info
    return make_active_model(f"Uploaded: {filename}", saved.model, split, info.score_error, epochs=info.epochs)
