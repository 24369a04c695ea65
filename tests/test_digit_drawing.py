"""A digit drawn on the canvas becomes an 8×8 grey-level image like the bundled digits, and scores like one."""

from __future__ import annotations

import numpy as np
import pytest

from anomaly_core import DataConfig, load_dataset
from anomaly_core.digit_drawing import DIGIT_MAX, block_mean, digit_from_image


def canvas_with(image: np.ndarray, size: int = 224, offset: tuple[int, int] = (0, 0)) -> np.ndarray:
    """An RGBA canvas on which an 8×8 grey image (0 … 16) is painted large in black ink, shifted by `offset` pixels."""
    ink = np.kron(image / DIGIT_MAX, np.ones((20, 20)))  # 160 × 160
    rgba = np.zeros((size, size, 4), np.uint8)
    top, left = 32 + offset[0], 32 + offset[1]
    rgba[top : top + 160, left : left + 160, 3] = (ink * 255).astype(np.uint8)  # black, opacity = ink
    return rgba


def test_an_empty_canvas_is_no_digit() -> None:
    assert digit_from_image(None) is None
    assert digit_from_image(np.zeros((50, 50, 4), np.uint8)) is None
    white = np.full((50, 50, 4), 255, np.uint8)
    assert digit_from_image(white) is None  # opaque white paper is not ink


def test_painted_digits_come_back_close_to_themselves_wherever_they_are_drawn() -> None:
    digits = load_dataset(DataConfig(dataset="digits"))
    for offset in ((0, 0), (-25, 30)):
        similarity = []
        for original in digits.signals[:50].reshape(-1, 8, 8):
            drawn = digit_from_image(canvas_with(original, offset=offset))
            assert drawn is not None and drawn.shape == (8, 8) and drawn.max() == pytest.approx(DIGIT_MAX)
            similarity.append(np.corrcoef(drawn.ravel(), original.ravel())[0, 1])
        assert np.median(similarity) > 0.9  # the same pictures, centred and scaled like the originals


def test_block_mean_averages_each_block() -> None:
    image = np.arange(16.0).reshape(4, 4)
    np.testing.assert_allclose(block_mean(image, (2, 2)), [[2.5, 4.5], [10.5, 12.5]])
