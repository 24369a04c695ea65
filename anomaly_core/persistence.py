"""Save and load a model as one safetensors file: weights plus config, scaler and info as JSON metadata.

A per-step scaler keeps its two rows as tensors beside the weights (`SCALER_TENSORS`).

Nothing is ever unpickled: a file that is not exactly what we wrote is refused with ModelFileError.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from .config import LOSSES, DataConfig, ModelConfig, TrainConfig, config_from_dict, config_to_dict, saved_data_config
from .data import EcgSplit
from .metrics import summarize_if_labelled
from .model import Autoencoder, build_model
from .model_header import FORMAT, ModelFileError, check_info_types, read_metadata
from .scalers import SCALER_TENSORS, Scaler, scaler_from_file, scaler_to_file
from .scoring import anomaly_scores, attach_scaler, suggested_threshold
from .train import Trainer

MODEL_FILENAME = "model.safetensors"
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ModelInfo:
    """What a model file records besides its weights: how to score it, its data split, its training and results."""

    score_error: str = "mse"  # the error it is scored with, its training loss (files that name none: mse)
    data: DataConfig = field(default_factory=DataConfig)
    train: TrainConfig | None = None  # the full training settings, when known
    epochs: int = 0
    steps: int = 0
    train_seconds: float = 0.0
    threshold: float | None = None  # the suggested threshold: mean + 1 std of the training scores
    auc: float | None = None
    average_precision: float | None = None
    best_f1_threshold: float | None = None

    def __post_init__(self) -> None:
        if self.score_error not in LOSSES:
            raise ValueError(f"score_error: {self.score_error!r} is not one of {', '.join(LOSSES)}")
        if self.train is not None and self.train.loss != self.score_error:
            raise ValueError(f"score_error: {self.score_error!r} differs from the training loss {self.train.loss!r}")
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int) or self.epochs < 0:
            raise ValueError(f"epochs: must be a whole number of at least 0, got {self.epochs!r}")


_FLOATS = ("train_seconds", "threshold", "auc", "average_precision", "best_f1_threshold")


def info_to_dict(info: ModelInfo) -> dict[str, Any]:
    """Plain JSON values of a ModelInfo (`train` keeps at least the loss, as older readers expect)."""
    values: dict[str, Any] = {"score_error": info.score_error, "epochs": info.epochs, "data": config_to_dict(info.data)}
    values["train"] = config_to_dict(info.train) if info.train is not None else {"loss": info.score_error}
    values["steps"] = info.steps
    values.update({name: getattr(info, name) for name in _FLOATS if getattr(info, name) is not None})
    return values


def info_from_dict(values: dict[str, Any]) -> ModelInfo:
    """A ModelInfo from a file's JSON; older files (no score_error, partial train) read as they were meant."""
    if not isinstance(values, dict):
        raise ModelFileError("info must be a JSON object")
    check_info_types(values)
    train_values = values.get("train", {})
    train = config_from_dict(TrainConfig, train_values) if set(train_values) - {"loss"} else None
    floats = {name: float(values[name]) for name in _FLOATS if values.get(name) is not None}
    return ModelInfo(
        score_error=values.get("score_error", train_values.get("loss", "mse")),
        data=saved_data_config(values.get("data", {})),
        train=train,
        epochs=values.get("epochs", 0),
        steps=int(values.get("steps", 0)),
        **floats,
    )


@dataclass
class SavedModel:
    """A loaded model with what it needs to score new signals (`info.score_error`: the error to score with)."""

    model: Autoencoder
    config: ModelConfig
    scaler: Scaler
    info: ModelInfo = field(default_factory=ModelInfo)


def trained_info(trainer: Trainer, split: EcgSplit) -> ModelInfo:
    """What a finished training records: its settings, the score error, the suggested threshold and test results."""
    summary = summarize_if_labelled(split.y_test, trainer.test_scores())
    return ModelInfo(
        score_error=trainer.cfg.loss,
        data=split.config,
        train=trainer.cfg,
        epochs=trainer.epoch,
        steps=trainer.steps,
        train_seconds=round(trainer.seconds, 3),
        threshold=suggested_threshold(trainer.train_scores()),
        auc=_known(summary.auc),
        average_precision=_known(summary.average_precision),
        best_f1_threshold=_known(summary.best_f1_threshold),
    )


def _known(value: float) -> float | None:
    """None for a result that needs labels the data did not have (NaN is not JSON)."""
    return None if math.isnan(value) else value


def model_to_bytes(model: Autoencoder, scaler: Scaler, info: ModelInfo | None = None) -> bytes:
    """Serialise weights, the scaler and metadata to safetensors bytes."""
    scaler_meta, scaler_rows = scaler_to_file(scaler)
    meta = {
        "format": FORMAT,
        "config": config_to_dict(model.config),
        "scaler": scaler_meta,
        "info": info_to_dict(info or ModelInfo()),
    }
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    tensors |= {name: torch.from_numpy(np.ascontiguousarray(row)) for name, row in scaler_rows.items()}
    return save_tensors(tensors, metadata={"anomaly_lab": json.dumps(meta)})


def model_from_bytes(data: bytes, *, expected_length: int | None = None) -> SavedModel:
    """Rebuild a model from safetensors bytes, refusing anything inconsistent or that cannot score."""
    if len(data) > MAX_FILE_BYTES:
        raise ModelFileError(f"model file is larger than {MAX_FILE_BYTES // 2**20} MB")
    meta = read_metadata(data)
    try:
        config = config_from_dict(ModelConfig, {"score_smoothing": 1} | meta["config"])  # older files scored unsmoothed
        info = info_from_dict(meta.get("info") or {})
        tensors = load_tensors(data)
        rows = {name: tensors.pop(name).numpy() for name in SCALER_TENSORS if name in tensors}
    except ModelFileError:
        raise
    except (ValueError, KeyError, TypeError, RuntimeError, SafetensorError) as error:
        raise ModelFileError(f"model file is corrupted: {str(error)[:200]}") from None
    if expected_length is not None and config.input_length != expected_length:
        raise ModelFileError(
            f"this model was made for signals of {config.input_length} values, not {expected_length}; "
            "use a model trained on this data"
        )
    try:
        scaler = scaler_from_file(meta["scaler"], rows, config.input_length)
    except (ValueError, KeyError, TypeError) as error:
        raise ModelFileError(f"model file is corrupted: {str(error)[:200]}") from None
    model = build_model(config)
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError:
        raise ModelFileError("model file's weights do not match its configuration (tampered or corrupted)") from None
    if not all(torch.isfinite(t).all() for t in tensors.values()):
        raise ModelFileError("model file holds NaN or infinite weights")
    check_scores_finite(attach_scaler(model, scaler).eval(), info.score_error)
    return SavedModel(model=model, config=config, scaler=scaler, info=info)


def probe_beats(length: int) -> np.ndarray:
    """Four scaled beats (4, length) spanning the range a scaled beat covers: flat 0, flat 1, a ramp, a wave."""
    steps = np.linspace(0.0, 1.0, length, dtype=np.float32)
    return np.stack([np.zeros_like(steps), np.ones_like(steps), steps, 0.5 + 0.5 * np.sin(12 * steps)])


def check_scores_finite(model: Autoencoder, score_error: str) -> None:
    """ModelFileError unless the model gives finite scores on the probe beats (huge weights overflow)."""
    scores = anomaly_scores(model, probe_beats(model.config.input_length), score_error)
    if not np.isfinite(scores).all():
        raise ModelFileError("this model's scores overflow (its weights are far too large); use a model trained in Anomaly Lab")


def model_file_path(path: str | Path) -> Path:
    """The file a model path means: a folder (or a name without suffix) gets model.safetensors inside."""
    path = Path(path)
    return path / MODEL_FILENAME if path.is_dir() or not path.suffix else path


def save_model(path: str | Path, model: Autoencoder, scaler: Scaler, info: ModelInfo | None = None) -> Path:
    """Write the model to `path` (a .safetensors file, or a folder that gets model.safetensors)."""
    target = model_file_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(model_to_bytes(model, scaler, info))
    return target


def load_model(path: str | Path, *, expected_length: int | None = None) -> SavedModel:
    """Load a model written by `save_model`; ModelFileError when missing or invalid."""
    target = model_file_path(path)
    if not target.is_file():
        raise ModelFileError(f"no model file at {target}")
    try:
        if target.stat().st_size > MAX_FILE_BYTES:
            raise ModelFileError(f"model file is larger than {MAX_FILE_BYTES // 2**20} MB")
        data = target.read_bytes()
    except OSError as error:
        raise ModelFileError(f"cannot read {target}: {error.strerror}") from None
    return model_from_bytes(data, expected_length=expected_length)
