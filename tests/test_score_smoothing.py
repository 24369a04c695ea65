"""Score smoothing: the reconstruction difference is averaged over neighbouring steps before it becomes a score."""

import copy
import dataclasses

import numpy as np
import pytest

from anomaly_core import (
    DataConfig,
    ModelConfig,
    TrainConfig,
    Trainer,
    anomaly_scores,
    build_model,
    make_split,
    model_from_bytes,
    model_to_bytes,
    per_step_errors,
    reconstruct,
    roc_auc,
)
from tests.model_files import with_metadata


def _with_smoothing(model, window: int):
    """A copy of a trained model that scores with another smoothing window (the weights are untouched)."""
    other = copy.deepcopy(model)
    other.config = dataclasses.replace(model.config, score_smoothing=window)
    return other


def _moving_average(rows: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average; near the ends it averages only the steps that exist."""
    half, length = window // 2, rows.shape[1]
    return np.stack([rows[:, max(0, t - half) : t + half + 1].mean(axis=1) for t in range(length)], axis=1)


def test_window_one_is_the_plain_mean_squared_error(trained_default) -> None:
    model, x = _with_smoothing(trained_default.trainer.model, 1), trained_default.split.x_test[:50]
    weights = trained_default.split.scaler.score_weights()  # the per-step scaler's: the difference in one global unit
    expected = np.square((reconstruct(model, x) - x) * weights).mean(axis=1)
    np.testing.assert_allclose(anomaly_scores(model, x, "mse"), expected, rtol=1e-5)


def test_a_window_averages_the_difference_over_neighbouring_steps(trained_default) -> None:
    model, x = trained_default.trainer.model, trained_default.split.x_test[:50]
    assert model.config.score_smoothing == 5
    weights = trained_default.split.scaler.score_weights()
    expected = np.square(_moving_average((reconstruct(model, x) - x) * weights, 5))
    np.testing.assert_allclose(per_step_errors(model, x, "mse"), expected, rtol=1e-4, atol=1e-9)
    np.testing.assert_allclose(anomaly_scores(model, x, "mse"), expected.mean(axis=1), rtol=1e-4)


def test_smoothing_separates_abnormal_beats_better_on_ecg5000(trained_default) -> None:
    split, model = trained_default.split, trained_default.trainer.model
    plain = roc_auc(split.y_test, anomaly_scores(_with_smoothing(model, 1), split.x_test, "mse"))
    smoothed = roc_auc(split.y_test, anomaly_scores(model, split.x_test, "mse"))
    assert smoothed > plain + 0.002, (plain, smoothed)


def test_smoothing_changes_scores_only_never_training(ecg) -> None:
    split = make_split(ecg, DataConfig(train_size=300, test_size=100, seed=3))
    losses = []
    for window in (1, 9):
        trainer = Trainer(build_model(ModelConfig(score_smoothing=window), 3), split, TrainConfig(epochs=3, seed=3, device="cpu"))
        losses.append([(event.train_loss, event.val_loss) for event in trainer.fit()])
    assert losses[0] == losses[1]


@pytest.mark.parametrize("window", [0, 4, 33, 2.0, "5"])
def test_bad_windows_name_the_field(window) -> None:
    with pytest.raises(ValueError, match="score_smoothing"):
        ModelConfig(score_smoothing=window)


def test_a_file_saved_before_smoothing_existed_keeps_scoring_unsmoothed(trained_default) -> None:
    model, split = trained_default.trainer.model, trained_default.split

    def as_an_older_version_wrote_it(header: dict, meta: dict) -> None:
        del meta["config"]["score_smoothing"]

    loaded = model_from_bytes(with_metadata(model_to_bytes(model, split.scaler), as_an_older_version_wrote_it))
    assert loaded.config.score_smoothing == 1
    plain = anomaly_scores(_with_smoothing(model, 1), split.x_test, "mse")
    np.testing.assert_array_equal(anomaly_scores(loaded.model, split.x_test, "mse"), plain)
