"""Reconstruction errors as anomaly scores (higher = more anomalous) and the threshold strategies (one registry).

`kind` is the error a model is scored with (mse, mae or msle): its training loss, saved with it as
`ModelInfo.score_error`. It is always passed on, never assumed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .metrics import ThresholdSweep, roc_curve
from .model import Autoencoder
from .scalers import Scaler


def elementwise_error(
    reconstruction: torch.Tensor, target: torch.Tensor, kind: str, smoothing: int = 1, weights: torch.Tensor | None = None
) -> torch.Tensor:
    """Per time step error (batch, length) for kind mse, mae or msle.

    `weights` (length,) multiply the difference first (a per-step scaler's, back to one global unit). With
    `smoothing` > 1 (odd) the difference is then averaged over that many neighbouring steps, so
    sample-to-sample jitter, which normal beats have too, weighs less than a wrong shape.
    """
    if kind == "msle":
        floor = -1.0 + 1e-6  # log1p needs values above -1
        reconstruction, target = torch.log1p(reconstruction.clamp(min=floor)), torch.log1p(target.clamp(min=floor))
    elif kind not in ("mse", "mae"):
        raise ValueError(f"loss: {kind!r} is not one of mse, mae, msle")
    difference = reconstruction - target
    if weights is not None:
        difference = difference * weights
    if smoothing > 1:
        difference = _moving_average(difference, smoothing)
    return difference.abs() if kind == "mae" else difference.square()


def _moving_average(values: torch.Tensor, window: int) -> torch.Tensor:
    """Centred moving average over the last axis of (batch, length); near the ends only existing steps count."""
    half = window // 2
    sums = F.pad(values, (half, half)).unfold(-1, window, 1).sum(-1)
    counts = F.pad(torch.ones_like(values[:1]), (half, half)).unfold(-1, window, 1).sum(-1)
    return sums / counts


def attach_scaler(model: Autoencoder, scaler: Scaler) -> Autoencoder:
    """Give `model` its scaler's score weights (a per-step scaler's; None for a global one); returns the model."""
    weights = scaler.score_weights()
    device = next(model.parameters()).device
    model.score_weights = None if weights is None else torch.as_tensor(weights, dtype=torch.float32, device=device)
    return model


def scoring_error(model: Autoencoder, x: torch.Tensor, kind: str) -> torch.Tensor:
    """Per time step error (batch, length) as scores see it: weighted by the scaler, smoothed by `score_smoothing`."""
    return elementwise_error(model(x), x, kind, model.config.score_smoothing, model.score_weights)


def beat_scores(model: Autoencoder, x: torch.Tensor, kind: str) -> torch.Tensor:
    """(batch, length) tensor -> one score per beat (batch,): the mean error, plus a family's extra term (VAE ELBO)."""
    scores = scoring_error(model, x, kind).mean(dim=1)
    extra = model.extra_score(x)
    return scores if extra is None else scores + extra


def _as_batch(model: Autoencoder, signals: np.ndarray) -> torch.Tensor:
    array = np.asarray(signals, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    length = model.config.input_length
    if array.ndim != 2 or array.shape[1] != length:
        raise ValueError(f"signals: expected rows of {length} values, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError("signals: contain NaN or infinite values; remove or fix those rows")
    device = next(model.parameters()).device
    return torch.from_numpy(array).to(device)


@torch.no_grad()
def reconstruct(model: Autoencoder, signals: np.ndarray) -> np.ndarray:
    """Scaled signals (n, length) -> reconstructions (n, length), in eval mode."""
    model.eval()
    return model(_as_batch(model, signals)).cpu().numpy()


@torch.no_grad()
def per_step_errors(model: Autoencoder, signals: np.ndarray, kind: str) -> np.ndarray:
    """Scaled signals (n, length) -> error at every time step (n, length), smoothed like the scores."""
    model.eval()
    return scoring_error(model, _as_batch(model, signals), kind).cpu().numpy()


@torch.no_grad()
def anomaly_scores(model: Autoencoder, signals: np.ndarray, kind: str) -> np.ndarray:
    """Scaled signals (n, length) -> one score per signal (n,): the reconstruction error (VAE: or the negative ELBO)."""
    model.eval()
    return beat_scores(model, _as_batch(model, signals), kind).cpu().numpy().astype(np.float64)


@torch.no_grad()
def latent_codes(model: Autoencoder, signals: np.ndarray) -> np.ndarray:
    """Scaled signals (n, length) -> bottleneck codes (n, latent)."""
    model.eval()
    return model.encode(_as_batch(model, signals)).cpu().numpy()


def threshold_mean_std(train_scores: np.ndarray, *, k: float = 1.0) -> float:
    """Mean + k standard deviations of the training errors (the classic tutorial rule)."""
    scores = np.asarray(train_scores, dtype=np.float64)
    return float(scores.mean() + k * scores.std())


def threshold_percentile(train_scores: np.ndarray, *, percentile: float = 95.0) -> float:
    """The given percentile (0-100) of the training errors."""
    if not 0 <= percentile <= 100:
        raise ValueError("percentile: choose a value from 0 to 100")
    return float(np.percentile(np.asarray(train_scores, dtype=np.float64), percentile))


def threshold_best_f1(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """The threshold that maximises F1 on labelled scores."""
    return ThresholdSweep(y_true, y_score).best_f1()[0]


def threshold_youden(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """The ROC threshold that maximises Youden's J = TPR - FPR."""
    fpr, tpr, thresholds = roc_curve(y_true, y_score)
    best = int(np.argmax(tpr[1:] - fpr[1:])) + 1  # index 0 is the +inf point
    return float(thresholds[best])


@dataclass(frozen=True)
class ThresholdStrategy:
    """A named way to pick a threshold; `pick(train_scores, y_true, y_score, k=, percentile=)` returns it."""

    label: str  # one line for menus and links, with the default option
    peeks_at_test_labels: bool  # True: it reads the test labels (good for learning, too optimistic to report)
    pick: Callable[..., float]


THRESHOLD_STRATEGIES: dict[str, ThresholdStrategy] = {
    "mean_std": ThresholdStrategy(
        "Mean + 1 std of training errors", False, lambda train, y, s, *, k=1.0, percentile=95.0: threshold_mean_std(train, k=k)
    ),
    "percentile": ThresholdStrategy(
        "95th percentile of training errors",
        False,
        lambda train, y, s, *, k=1.0, percentile=95.0: threshold_percentile(train, percentile=percentile),
    ),
    "best_f1": ThresholdStrategy("Best F1 on the test beats", True, lambda train, y, s, **_: threshold_best_f1(y, s)),
    "youden": ThresholdStrategy("Best Youden's J (ROC)", True, lambda train, y, s, **_: threshold_youden(y, s)),
}
DEFAULT_THRESHOLD_STRATEGY = "mean_std"


def suggested_threshold(train_scores: np.ndarray) -> float:
    """The threshold a model starts with and saves: the default strategy (mean + 1 std), training scores only."""
    return THRESHOLD_STRATEGIES[DEFAULT_THRESHOLD_STRATEGY].pick(train_scores, None, None)
