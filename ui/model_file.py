"""Download the session's model as one .safetensors file, and make an uploaded one current (weights only)."""

from __future__ import annotations

import math

from anomaly_core import DataConfig, ModelFileError, config_from_dict, config_to_dict, model_from_bytes, model_to_bytes
from anomaly_core.config import LOSSES
from anomaly_core.export import onnx_bytes
from ui.state import ActiveModel, ecg_split, make_active_model


def model_file_bytes(active: ActiveModel) -> bytes:
    """The model with what it needs to be scored again: data split, loss, epochs and its test AUC."""
    info = {
        "epochs": active.epochs,
        "auc": active.summary.auc,
        "threshold": active.threshold,
        "train": {"loss": active.loss},
        "data": config_to_dict(active.split.config),
    }
    return model_to_bytes(active.model, active.scaler, info)


def model_onnx_bytes(active: ActiveModel) -> bytes:
    """The model as ONNX: raw beats in, anomaly scores out (scaler and score inside the graph)."""
    return onnx_bytes(model_from_bytes(model_file_bytes(active)))


def model_from_upload(filename: str, data: bytes) -> ActiveModel:
    """Rebuild an uploaded model on its own data split; ModelFileError says why a file is refused."""
    saved = model_from_bytes(data, expected_length=140)
    try:
        data_cfg = config_from_dict(DataConfig, saved.info.get("data", {}))
        split = ecg_split(data_cfg)
    except (ValueError, AttributeError) as error:
        raise ModelFileError(f"the file's data settings are invalid: {error}") from None
    loss = saved.info.get("train", {}).get("loss", "mse") if isinstance(saved.info.get("train"), dict) else "mse"
    if loss not in LOSSES:
        raise ModelFileError(f"the file names an unknown loss {loss!r}")
    same_scale = math.isclose(saved.scaler.minimum, split.scaler.minimum, abs_tol=1e-5) and math.isclose(
        saved.scaler.maximum, split.scaler.maximum, abs_tol=1e-5
    )
    if not same_scale:
        raise ModelFileError("the file's scaler does not match its data split (edited or made by another tool)")
    epochs = saved.info.get("epochs", 0)
    return make_active_model(f"Uploaded: {filename}", saved.model, split, loss, epochs=epochs if isinstance(epochs, int) else 0)
