"""Pure helpers for the Train page's charts: the bottleneck plot and the progress line."""

from __future__ import annotations

import numpy as np

from ui.figures import ANOMALY_COLOR, NORMAL_COLOR, FigureSpec, house_layout, make_figure

LATENT_POINTS = 300  # the bottleneck chart's beats: the classes' clusters show as well, and 1,000 markers took ~0.14 s to draw


def project_latent(codes: np.ndarray) -> tuple[np.ndarray, str]:
    """Latent codes (n, k) -> (points (n, 1 or 2), axis description): as they are for k <= 2, else a PCA to 2-D."""
    codes = np.asarray(codes, dtype=np.float64)
    width = codes.shape[1]
    if width <= 2:
        return codes, f"the {width}-unit bottleneck itself"
    centred = codes - codes.mean(axis=0)
    variances, directions = np.linalg.eigh(centred.T @ centred)  # (k,), (k, k) ascending: cheap for k <= 512
    top = directions[:, ::-1][:, :2]
    explained = variances[::-1][:2].sum() / max(float(variances.sum()), 1e-12)
    return centred @ top, f"PCA of {width} units ({explained:.0%} of the variance)"


def latent_figure(points: np.ndarray, y_true: np.ndarray, description: str) -> FigureSpec:
    """Test beats in the bottleneck, coloured normal / abnormal; 1-D codes are spread by class on the y axis."""
    points, y_true = np.asarray(points), np.asarray(y_true)
    if points.shape[1] == 1:
        jitter = np.random.default_rng(0).uniform(-0.3, 0.3, len(points))
        xs, ys, x_title, y_title = points[:, 0], y_true + jitter, "code", "class (spread)"
    else:
        xs, ys, x_title, y_title = points[:, 0], points[:, 1], "dimension 1", "dimension 2"
    data = [
        dict(type="scatter", x=xs[y_true == label], y=ys[y_true == label], mode="markers", name=name,
             marker=dict(color=color, size=5, opacity=0.6))
        for label, name, color in ((0, "normal", NORMAL_COLOR), (1, "abnormal", ANOMALY_COLOR))
    ]  # fmt: skip
    return make_figure(data, house_layout(f"Bottleneck: {description}", x_title, y_title))


def progress_text(epoch: int, target: int, seconds_per_epoch: float | None) -> str:
    """'Epoch 12/40 · about 3 s left' (no estimate before the first epoch)."""
    text = f"Epoch {epoch}/{target}"
    if seconds_per_epoch is not None and target > epoch:
        left = seconds_per_epoch * (target - epoch)
        text += f" · about {left:.0f} s left" if left >= 1 else " · under a second left"
    return text
