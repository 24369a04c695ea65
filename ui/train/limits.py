"""The Train page's widget ranges: its widgets and the link codec both read them, so a link never asks for more
than the page can show. Each range sits inside the core's outer bounds (`anomaly_core.config`)."""

from __future__ import annotations

from anomaly_core.config import MAX_EPOCHS, MAX_LAYERS

MAX_ENCODER_LAYERS = MAX_LAYERS  # the composer edits as many encoder layers as the core accepts
MAX_SEED = 2**31 - 1
MAX_DROPOUT = 0.5
MAX_INPUT_NOISE = 0.5
MAX_ABNORMAL_PERCENT = 70
SMOOTHING_WINDOWS = (1, 3, 5, 7, 9, 11, 13, 15)

WIDGET_RANGES: dict[tuple[str, str], tuple[float, float]] = {  # (config section, field) → (lowest, highest)
    ("train", "epochs"): (1, MAX_EPOCHS),
    ("train", "seed"): (0, MAX_SEED),
    ("data", "seed"): (0, MAX_SEED),
    ("model", "dropout"): (0.0, MAX_DROPOUT),
    ("model", "input_noise"): (0.0, MAX_INPUT_NOISE),
    ("model", "score_smoothing"): (SMOOTHING_WINDOWS[0], SMOOTHING_WINDOWS[-1]),
}
