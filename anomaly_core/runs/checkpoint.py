"""A trainer's whole state as bytes (weights, optimizer, random generator, counters) so a run can stop and resume.

Written by our workers and read with `torch.load(weights_only=True)`: only tensors and plain values, nothing unpickled.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

import torch

from ..model import Autoencoder, build_model
from ..scalers import Scaler
from ..scoring import attach_scaler
from ..train import Trainer
from .records import RunSpec, StoreError


def trainer_checkpoint(trainer: Trainer) -> bytes:
    """Everything needed to continue `trainer` exactly where it is."""
    state = {
        "model": {k: v.detach().cpu() for k, v in trainer.model.state_dict().items()},
        "optimizer": trainer.optimizer.state_dict(),
        "generator": trainer.generator.get_state(),
        "counters": {"epoch": trainer.epoch, "steps": trainer.steps, "seconds": trainer.seconds},
        "untrained_val_loss": trainer.untrained_val_loss,
    }
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def weights_checkpoint(model: Autoencoder) -> bytes:
    """A checkpoint of weights only, for a model trained elsewhere: it scores, and training it again starts afresh."""
    buffer = io.BytesIO()
    torch.save({"model": {k: v.detach().cpu() for k, v in model.state_dict().items()}}, buffer)
    return buffer.getvalue()


def _load(data: bytes) -> dict[str, Any]:
    """The checkpoint's contents; StoreError when the bytes are damaged (cut short, not a checkpoint, foreign objects)."""
    try:
        state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, ValueError, KeyError, pickle.UnpicklingError) as error:
        raise StoreError(f"a checkpoint in the run store is damaged ({str(error).splitlines()[0][:80]})") from None
    trainer_state = isinstance(state, dict) and {"model", "optimizer", "generator", "counters"} <= set(state)
    weights_only = isinstance(state, dict) and set(state) == {"model"}  # an uploaded model's (`weights_checkpoint`)
    if not (trainer_state or weights_only):
        raise StoreError("a checkpoint in the run store is damaged (it is not a trainer's checkpoint)")
    return state


def restore_trainer(trainer: Trainer, data: bytes) -> None:
    """Put a checkpoint's weights, optimizer state, generator state and counters back into `trainer`."""
    state = _load(data)
    trainer.model.load_state_dict(state["model"])
    if "optimizer" not in state:  # weights only (an uploaded model): its optimizer and counters start afresh
        return
    trainer.optimizer.load_state_dict(state["optimizer"])
    trainer.generator.set_state(state["generator"])
    counters = state["counters"]
    trainer.epoch, trainer.steps, trainer.seconds = int(counters["epoch"]), int(counters["steps"]), float(counters["seconds"])
    trainer.untrained_val_loss = float(state["untrained_val_loss"])


def model_from_checkpoint(spec: RunSpec, data: bytes, scaler: Scaler) -> Autoencoder:
    """The checkpoint's model on the CPU, in eval mode, ready to score with its split's `scaler` (its score weights)."""
    model = build_model(spec.model)
    try:
        model.load_state_dict(_load(data)["model"])
    except (RuntimeError, TypeError, AttributeError) as error:
        raise StoreError(f"a checkpoint in the run store does not match its run's model ({str(error)[:80]})") from None
    return attach_scaler(model, scaler).eval()
