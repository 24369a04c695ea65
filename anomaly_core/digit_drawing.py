"""Turn a digit drawn on a canvas into a small grey-level image like scikit-learn's 8×8 digits.

Pure numpy: the ink's bounding box is centred in a square (as the digits were), then averaged down block by block.
"""

from __future__ import annotations

import numpy as np

from .drawing import INK_ALPHA

DIGIT_MAX = 16.0  # grey levels of the bundled digits run 0 (paper) … 16 (ink)
MARGIN = 0.0  # share of the square left blank around the ink: the bundled digits fill their box


def ink_of(rgba: np.ndarray) -> np.ndarray:
    """(H, W) ink amount 0 … 1 from an RGBA canvas image: opaque, dark pixels are ink."""
    image = np.asarray(rgba, dtype=np.float64)
    if image.ndim != 3 or image.shape[2] != 4:
        raise ValueError(f"rgba: expected an (H, W, 4) image, got shape {image.shape}")
    darkness = 1.0 - image[..., :3].mean(axis=2) / 255.0
    alpha = image[..., 3] / 255.0
    return np.where(image[..., 3] >= INK_ALPHA, np.maximum(darkness, 0.0) * alpha, 0.0)


def _centred_square(ink: np.ndarray) -> np.ndarray:
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    side = int(max(crop.shape) / (1 - 2 * MARGIN)) + 1
    square = np.zeros((side, side))
    top, left = (side - crop.shape[0]) // 2, (side - crop.shape[1]) // 2
    square[top : top + crop.shape[0], left : left + crop.shape[1]] = crop
    return square


def block_mean(image: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """(H, W) -> `shape` by averaging the pixels that fall in each block (any H, W ≥ 1)."""
    height, width = image.shape
    row_of = np.arange(height) * shape[0] // height
    col_of = np.arange(width) * shape[1] // width
    sums, counts = np.zeros(shape), np.zeros(shape)
    np.add.at(sums, (row_of[:, None], col_of[None, :]), image)
    np.add.at(counts, (row_of[:, None], col_of[None, :]), 1.0)
    return sums / np.maximum(counts, 1.0)


def digit_from_image(rgba: np.ndarray | None, shape: tuple[int, int] = (8, 8)) -> np.ndarray | None:
    """A drawn digit as grey levels (shape) in 0 … DIGIT_MAX, the ink centred; None when nothing is drawn."""
    if rgba is None:
        return None
    ink = ink_of(rgba)
    if not ink.any():
        return None
    small = block_mean(_centred_square(ink), shape)
    return (small / max(float(small.max()), 1e-9) * DIGIT_MAX).astype(np.float32)
