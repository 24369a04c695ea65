"""The session's current model, shared by every page.

Cached once per server: the bundled default model (read-only, shared by all sessions). Per user, in
`st.session_state`: the model a learner trained or chose (`ACTIVE_MODEL_KEY`) and the session's trained models.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import streamlit as st

from anomaly_core import (
    Autoencoder,
    DataConfig,
    EcgSplit,
    ModelConfig,
    ModelFileError,
    ModelInfo,
    SavedModel,
    Scaler,
    ScoreSummary,
    ThresholdSweep,
    TrainConfig,
    Trainer,
    anomaly_scores,
    attach_scaler,
    build_model,
    load_model,
    save_model,
    suggested_threshold,
    summarize_if_labelled,
    trained_info,
)
from ui.datasets import ecg_data, ecg_split

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "assets" / "default_model.safetensors"
ACTIVE_MODEL_KEY = "active_model"
TRAINED_MODELS_KEY = "trained_models"
MAX_TRAINED_MODELS = 12


@dataclass
class ActiveModel:
    """A model ready to score, with the split it was evaluated on and its precomputed scores."""

    name: str
    model: Autoencoder
    scaler: Scaler
    split: EcgSplit
    loss: str  # the error it is scored with (ModelInfo.score_error)
    test_scores: np.ndarray
    train_scores: np.ndarray
    summary: ScoreSummary
    threshold: float  # suggested starting threshold (mean + 1 std of training errors)
    epochs: int = 0
    train_seconds: float = 0.0
    is_default: bool = False
    run_id: str | None = None  # the stored run this model comes from, if any

    @property
    def config(self) -> ModelConfig:
        return self.model.config

    @property
    def info(self) -> ModelInfo:
        """What its model file records: score error, data split, epochs, threshold and test results."""
        return ModelInfo(
            score_error=self.loss,
            data=self.split.config,
            epochs=self.epochs,
            train_seconds=self.train_seconds,
            threshold=self.threshold,
            auc=_known(self.summary.auc),
            average_precision=_known(self.summary.average_precision),
            best_f1_threshold=_known(self.summary.best_f1_threshold),
        )

    @cached_property
    def score_range(self) -> tuple[float, float]:
        """Lowest and highest error over its test and training beats (computed once: every slider rerun asks)."""
        low = min(float(self.test_scores.min()), float(self.train_scores.min()))
        high = max(float(self.test_scores.max()), float(self.train_scores.max()))
        return low, high

    @cached_property
    def sweep(self) -> ThresholdSweep:
        """The test scores sorted once (built on first use): any threshold is then one binary search, no model call."""
        return ThresholdSweep(self.split.y_test, self.test_scores)


def _known(value: float) -> float | None:
    """None for a result that needs labels the data did not have."""
    return None if math.isnan(value) else value


def make_active_model(
    name: str,
    model: Autoencoder,
    split: EcgSplit,
    loss: str,
    *,
    epochs: int = 0,
    train_seconds: float = 0.0,
    is_default: bool = False,
    run_id: str | None = None,
) -> ActiveModel:
    """Score the split's test and training beats once (weighted by the split's scaler) and bundle them with the model."""
    attach_scaler(model, split.scaler)
    test_scores = anomaly_scores(model, split.x_test, loss)
    train_scores = anomaly_scores(model, split.x_train, loss)
    return ActiveModel(
        name=name,
        model=model,
        scaler=split.scaler,
        split=split,
        loss=loss,
        test_scores=test_scores,
        train_scores=train_scores,
        summary=summarize_if_labelled(split.y_test, test_scores),
        threshold=suggested_threshold(train_scores),
        epochs=epochs,
        train_seconds=train_seconds,
        is_default=is_default,
        run_id=run_id,
    )


def _train_default_model() -> SavedModel:
    """Train the default model when the bundled file is missing (first start of a fresh checkout)."""
    split = ecg_split(DataConfig())
    trainer = Trainer(build_model(ModelConfig()), split, TrainConfig(device="cpu"))
    for _ in trainer.fit():
        pass
    info = trained_info(trainer, split)  # with a threshold, like `make model`'s file: `score` accepts it
    with contextlib.suppress(OSError):  # a read-only checkout still gets the model for this server's lifetime
        save_model(DEFAULT_MODEL_PATH, trainer.model, split.scaler, info)
    return SavedModel(trainer.model, ModelConfig(), split.scaler, info)


@st.cache_resource(show_spinner="Loading the ready model…")
def default_model() -> ActiveModel:
    """The bundled ready model (weights only), shared read-only by every session."""
    try:
        saved = load_model(DEFAULT_MODEL_PATH, expected_length=ecg_data().signals.shape[1])
    except ModelFileError:
        saved = _train_default_model()
    info = saved.info
    return make_active_model(
        "Ready default model", saved.model, ecg_split(info.data), info.score_error, epochs=info.epochs, is_default=True
    )


def active_model() -> ActiveModel:
    """The model this session trained, or the ready default model when none is trained yet."""
    model = st.session_state.get(ACTIVE_MODEL_KEY)
    return model if model is not None else default_model()


def set_active_model(model: ActiveModel | None) -> None:
    """Make `model` the session's current model (None: back to the default)."""
    st.session_state[ACTIVE_MODEL_KEY] = model


def remember_trained_model(model: ActiveModel) -> None:
    """Add a finished model to this session's list (for the Compare page), keeping the newest few."""
    models = st.session_state.setdefault(TRAINED_MODELS_KEY, [])
    models.append(model)
    del models[:-MAX_TRAINED_MODELS]


def trained_models() -> list[ActiveModel]:
    """Models trained in this session, oldest first."""
    return st.session_state.setdefault(TRAINED_MODELS_KEY, [])


def architecture_label(cfg: ModelConfig) -> str:
    """The layer sizes in one line, e.g. 'dense 140 → 64 → 16 → 64 → 140'."""
    n, code = cfg.input_length, cfg.latent_size
    if cfg.family == "conv":
        channels = " → ".join(f"{c} ch" for c in cfg.conv_channels)
        return f"conv {n} → {channels} (kernel {cfg.conv_kernel}, stride {cfg.conv_stride}) → {code} → mirrored → {n}"
    if cfg.family == "lstm":
        lstm = f"{cfg.lstm_layers}×{cfg.lstm_hidden} LSTM"
        return f"lstm {n} in chunks of {cfg.lstm_chunk} → {lstm} → {code} → {lstm} → {n}"
    sizes = [cfg.input_length, *cfg.encoder_hidden, cfg.latent_size, *cfg.decoder_sizes, cfg.input_length]
    return f"{cfg.family} " + " → ".join(str(size) for size in sizes)
