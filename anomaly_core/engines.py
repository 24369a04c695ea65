"""Two ways to score raw beats with a saved model: PyTorch, or onnxruntime on the exported graph."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from .export import INPUT_NAME, onnx_bytes, score_kind
from .persistence import SavedModel
from .scoring import anomaly_scores, attach_scaler

ENGINES = ("onnx", "torch")


class Scorer(Protocol):
    """Raw, checked beats (n, length) float32 -> anomaly scores (n,) float64."""

    engine: str

    def __call__(self, beats: np.ndarray) -> np.ndarray: ...


class TorchScorer:
    """Scores with the PyTorch model, exactly as `python -m anomaly_core score` does."""

    engine = "torch"

    def __init__(self, saved: SavedModel) -> None:
        self.saved, self.kind = saved, score_kind(saved)
        attach_scaler(saved.model, saved.scaler)

    def __call__(self, beats: np.ndarray) -> np.ndarray:
        """(n, length) raw beats -> (n,) scores."""
        return anomaly_scores(self.saved.model, self.saved.scaler.transform(beats), self.kind)


class OnnxScorer:
    """Scores with onnxruntime on the graph `onnx_bytes` exports (scaler and error kind inside)."""

    engine = "onnx"

    def __init__(self, model: SavedModel | bytes, *, threads: int = 1) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        data = model if isinstance(model, bytes) else onnx_bytes(model)
        self.session = onnxruntime.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        self.metadata = dict(self.session.get_modelmeta().custom_metadata_map)

    def __call__(self, beats: np.ndarray) -> np.ndarray:
        """(n, length) raw beats -> (n,) scores."""
        array = np.ascontiguousarray(beats, dtype=np.float32)
        return self.session.run(None, {INPUT_NAME: array})[0].astype(np.float64)


def make_scorer(saved: SavedModel, engine: str = "onnx") -> Scorer:
    """The scorer for `engine` ('onnx' or 'torch'); ValueError for anything else."""
    if engine == "onnx":
        return OnnxScorer(saved)
    if engine == "torch":
        return TorchScorer(saved)
    raise ValueError(f"engine: {engine!r} is not one of {', '.join(ENGINES)}")
