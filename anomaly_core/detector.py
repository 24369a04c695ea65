"""AnomalyDetector: the autoencoder behind a scikit-learn style API, for notebooks and pipelines.

Sign convention: `score_samples` returns the anomaly score, **higher = more anomalous** (as PyOD's
`decision_function`). scikit-learn's outlier detectors (IsolationForest, LocalOutlierFactor) use the
opposite sign (higher = more normal), and their `predict` answers -1 / +1; ours answers 1 = anomaly, 0 = normal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, validate_data

from .config import DEFAULT_SCALING, MIN_INPUT_LENGTH, DataConfig, ModelConfig, TrainConfig
from .data import EcgSplit
from .model import build_model
from .persistence import ModelInfo, SavedModel, load_model, save_model
from .scalers import fit_scaler
from .scoring import anomaly_scores, threshold_mean_std
from .train import Trainer


class AnomalyDetector(BaseEstimator):
    """Fit an autoencoder on normal beats `X` (n, length) in original units; score and flag new ones.

    The threshold is mean + `threshold_k` standard deviations of the training scores. Settings are
    validated at `fit` (scikit-learn's rule), with the ModelConfig / TrainConfig field named on error.
    """

    def __init__(
        self,
        family: str = "dense",
        encoder_hidden: tuple[int, ...] = (64, 32),
        latent_size: int = 16,
        score_smoothing: int = 5,
        scaling: str = DEFAULT_SCALING,
        input_noise: float = 0.0,
        epochs: int = 40,
        batch_size: int = 128,
        learning_rate: float = 3e-3,
        loss: str = "mse",
        threshold_k: float = 1.0,
        seed: int = 0,
        device: str = "cpu",
    ) -> None:
        self.family = family
        self.encoder_hidden = encoder_hidden
        self.latent_size = latent_size
        self.score_smoothing = score_smoothing
        self.scaling = scaling
        self.input_noise = input_noise
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.loss = loss
        self.threshold_k = threshold_k
        self.seed = seed
        self.device = device

    def _configs(self, length: int, rows: int) -> tuple[ModelConfig, TrainConfig]:
        model_cfg = ModelConfig(
            family=self.family,
            input_length=length,
            encoder_hidden=tuple(self.encoder_hidden),
            latent_size=self.latent_size,
            score_smoothing=self.score_smoothing,
            input_noise=self.input_noise,
        )
        train_cfg = TrainConfig(
            epochs=self.epochs,
            batch_size=min(self.batch_size, rows),
            learning_rate=self.learning_rate,
            loss=self.loss,
            seed=self.seed,
            device=self.device,
        )
        return model_cfg, train_cfg

    def _rows(self, X: Any, *, reset: bool) -> np.ndarray:
        """X as float32 (n, length), checked: 2-D, numeric, finite, the fitted length."""
        least = MIN_INPUT_LENGTH if reset else 1  # later: the fitted n_features_in_ decides, with scikit-learn's message
        rows = validate_data(self, X, reset=reset, dtype=np.float32, ensure_min_features=least)
        return np.ascontiguousarray(rows, dtype=np.float32)

    def fit(self, X: Any, y: Any = None) -> Self:
        """Train on the rows of X (normal beats, original units); y is ignored."""
        rows = self._rows(X, reset=True)
        model_cfg, train_cfg = self._configs(rows.shape[1], len(rows))
        scaler = fit_scaler(self.scaling, rows)
        scaled = scaler.transform(rows)
        data = DataConfig(scaling=self.scaling)
        split = EcgSplit(scaled, np.ones(len(rows), np.int64), scaled, scaled[:0], np.ones(0, np.int64), scaler, data)
        trainer = Trainer(build_model(model_cfg, train_cfg.seed), split, train_cfg)
        for _ in trainer.fit():
            pass
        self.model_, self.scaler_ = trainer.model.cpu().eval(), scaler
        self.threshold_ = threshold_mean_std(trainer.train_scores(), k=self.threshold_k)
        self.epochs_trained_, self.train_config_ = trainer.epoch, train_cfg
        return self

    def score_samples(self, X: Any) -> np.ndarray:
        """Anomaly score of each row (n,): higher = more anomalous (the opposite of scikit-learn's sign)."""
        check_is_fitted(self, "model_")
        return anomaly_scores(self.model_, self.scaler_.transform(self._rows(X, reset=False)), self.loss)

    def predict(self, X: Any) -> np.ndarray:
        """1 for an anomaly (score >= threshold_), 0 for a normal row (n,)."""
        return (self.score_samples(X) >= self.threshold_).astype(np.int64)

    def _saved(self) -> SavedModel:
        check_is_fitted(self, "model_")
        info = ModelInfo(score_error=self.loss, train=self.train_config_, epochs=self.epochs_trained_, threshold=self.threshold_)
        return SavedModel(self.model_, self.model_.config, self.scaler_, info)

    def save(self, path: str | Path) -> Path:
        """Write a .safetensors model file (the app, the CLI and `serve` read it too)."""
        saved = self._saved()
        return save_model(path, saved.model, saved.scaler, saved.info)

    @classmethod
    def load(cls, path: str | Path) -> AnomalyDetector:
        """A fitted detector from a model file (weights only; ModelFileError when invalid)."""
        saved = load_model(path)
        config, info = saved.config, saved.info
        settings: dict[str, Any] = {
            "family": config.family, "encoder_hidden": tuple(config.encoder_hidden), "latent_size": config.latent_size,
            "score_smoothing": config.score_smoothing, "input_noise": config.input_noise, "loss": info.score_error,
            "scaling": saved.scaler.kind,
        }  # fmt: skip
        if info.train is not None:
            train = info.train
            settings |= {"epochs": train.epochs, "batch_size": train.batch_size, "learning_rate": train.learning_rate,
                         "seed": train.seed, "device": train.device}  # fmt: skip
        detector = cls(**settings)
        detector.model_, detector.scaler_ = saved.model, saved.scaler
        detector.threshold_ = float(info.threshold) if info.threshold is not None else float(np.inf)
        detector.epochs_trained_ = info.epochs
        detector.train_config_ = info.train or TrainConfig(loss=info.score_error)
        detector.n_features_in_ = saved.config.input_length
        return detector

    def to_onnx(self, path: str | Path | None = None) -> bytes:
        """The ONNX graph (raw beats -> scores); also written to `path` when given."""
        from .export import onnx_bytes

        data = onnx_bytes(self._saved())
        if path is not None:
            Path(path).write_bytes(data)
        return data
