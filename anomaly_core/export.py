"""ONNX export: one graph that maps raw beats (batch, length) to anomaly scores (batch,).

The scaler, the error kind (mse, mae, msle), the score smoothing and the VAE's KL term are inside the
graph, so a caller needs only onnxruntime. The threshold and a summary travel as metadata properties.
"""

from __future__ import annotations

import copy
import logging
import warnings
from pathlib import Path

import torch
from torch import nn

from .model import Autoencoder
from .persistence import SavedModel
from .scalers import Scaler
from .scoring import attach_scaler, beat_scores

INPUT_NAME = "beats"
OUTPUT_NAME = "scores"
ONNX_FORMAT = "anomaly-lab-onnx/1"
_EXAMPLE_BATCH = 4  # any size above 1: a batch of 1 would be specialised into the graph


class ScoringGraph(nn.Module):
    """Raw beats (batch, length) -> scores (batch,): scale, reconstruct, error, smooth, average (VAE: + KL)."""

    def __init__(self, model: Autoencoder, scaler: Scaler, kind: str) -> None:
        super().__init__()
        self.model, self.kind = attach_scaler(model, scaler).eval(), kind
        offset, span = scaler.offset_span()  # scalars (global) or rows (length,) (per time step)
        self.offset: torch.Tensor
        self.span: torch.Tensor
        self.register_buffer("offset", torch.as_tensor(offset, dtype=torch.float32))
        self.register_buffer("span", torch.as_tensor(span, dtype=torch.float32))

    def forward(self, beats: torch.Tensor) -> torch.Tensor:
        """(batch, length) in original units -> (batch,) anomaly scores."""
        return beat_scores(self.model, (beats - self.offset) / self.span, self.kind)


def score_kind(saved: SavedModel) -> str:
    """The error kind the model was trained and is scored with (mse unless its info says otherwise)."""
    return saved.info.score_error


def onnx_metadata(saved: SavedModel) -> dict[str, str]:
    """What travels beside the graph: format, family, input length, error kind, smoothing, scaling, threshold."""
    meta = {
        "format": ONNX_FORMAT,
        "family": saved.config.family,
        "input_length": str(saved.config.input_length),
        "error_kind": score_kind(saved),
        "score_smoothing": str(saved.config.score_smoothing),
        "scaling": saved.scaler.kind,
        "input": f"{INPUT_NAME}: float32 (batch, {saved.config.input_length}) raw beats, as in ECG5000",
        "output": f"{OUTPUT_NAME}: float32 (batch,) anomaly scores; score >= threshold is an anomaly",
    }
    if saved.info.threshold is not None:
        meta["threshold"] = repr(float(saved.info.threshold))
    return meta


def onnx_bytes(saved: SavedModel) -> bytes:
    """The model as one self-contained ONNX file (weights inside) with a dynamic batch axis."""
    import onnx

    graph = ScoringGraph(copy.deepcopy(saved.model).cpu(), saved.scaler, score_kind(saved))  # the caller's model stays as it is
    example = torch.zeros(_EXAMPLE_BATCH, saved.config.input_length)
    exporter_log = logging.getLogger("torch.onnx")
    level = exporter_log.level
    exporter_log.setLevel(logging.ERROR)  # the exporter logs optional ops it skips (torchvision)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            program = torch.onnx.export(
                graph,
                (example,),
                input_names=[INPUT_NAME],
                output_names=[OUTPUT_NAME],
                dynamic_shapes={INPUT_NAME: {0: torch.export.Dim("batch")}},
                dynamo=True,
                external_data=False,
                verbose=False,
            )
    finally:
        exporter_log.setLevel(level)
    if program is None:
        raise RuntimeError("the ONNX exporter returned no program")
    proto = program.model_proto
    onnx.helper.set_model_props(proto, onnx_metadata(saved))
    return proto.SerializeToString()


def export_onnx(saved: SavedModel, path: str | Path) -> Path:
    """Write the ONNX file to `path` and return it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(onnx_bytes(saved))
    return target
