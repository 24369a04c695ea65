"""Download the session's model as one .safetensors file, and make an uploaded one current (weights only)."""

from __future__ import annotations

import numpy as np

from anomaly_core import EcgSplit, ModelFileError, SavedModel, model_from_bytes, model_to_bytes
from anomaly_core.export import onnx_bytes
from anomaly_core.scalers import same_scaler
from ui.current_model import ActiveModel, make_active_model
from ui.datasets import ecg_split


def model_file_bytes(active: ActiveModel) -> bytes:
    """The model with what it needs to be scored again: its ModelInfo (score error, data split, epochs, results)."""
    return model_to_bytes(active.model, active.scaler, active.info)


def model_onnx_bytes(active: ActiveModel) -> bytes:
    """The model as ONNX: raw beats in, anomaly scores out (scaler and score inside the graph)."""
    return onnx_bytes(model_from_bytes(model_file_bytes(active)))


def model_from_upload(filename: str, data: bytes) -> ActiveModel:
    """Rebuild an uploaded model on its own data split; ModelFileError says why a file is refused."""
    saved = model_from_bytes(data)
    split = _split_of(saved)
    if saved.config.input_length != split.x_test.shape[1]:
        raise ModelFileError(
            f"this model was made for rows of {saved.config.input_length} values, but the rows of its dataset "
            f"({saved.info.data.dataset}) have {split.x_test.shape[1]}"
        )
    try:
        active = make_active_model(f"Uploaded: {filename}", saved.model, split, saved.info.score_error, epochs=saved.info.epochs)
    except (ValueError, RuntimeError) as error:  # e.g. scores that overflow on the test beats only
        raise ModelFileError(f"this model cannot score the test beats ({str(error)[:120]})") from None
    if not (np.isfinite(active.test_scores).all() and np.isfinite(active.train_scores).all()):
        raise ModelFileError("this model's scores overflow on the ECG5000 beats (its weights are far too large)")
    return active


def _split_of(saved: SavedModel) -> EcgSplit:
    """The data split the file names, checked against the file's scaler."""
    try:
        split = ecg_split(saved.info.data)
    except ValueError as error:
        raise ModelFileError(f"the file's data settings cannot be used here: {error}") from None
    if not same_scaler(saved.scaler, split.scaler):
        raise ModelFileError("the file's scaler does not match its data split (edited or made by another tool)")
    return split
