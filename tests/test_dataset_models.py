"""Every dataset trains and scores for real: the default autoencoder and LOF reach a stated AUC floor, the digits'
most anomalous test images are anomalies, the long signal's injected spans get higher error than their
surroundings, and input lengths other than 140 go through the CLI, model files, ONNX and the scoring API."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from anomaly_core import (
    DataConfig,
    EcgSplit,
    ModelConfig,
    TrainConfig,
    Trainer,
    build_model,
    dataset_split,
    errors_over_time,
    fit_model_to_length,
    load_dataset,
    load_model,
    make_long_signal,
    per_step_errors,
    roc_auc,
)
from anomaly_core.__main__ import main
from anomaly_core.baselines import run_baseline, run_baselines
from anomaly_core.export import onnx_bytes
from anomaly_core.long_signal import TRAIN_END
from anomaly_core.serve import create_app

AUC_FLOORS = {  # (default autoencoder, LOF) on the default split, seed 0; measured: ECG200 0.875 / 0.903,
    "ecg200": (0.82, 0.85),  # ECGFiveDays 0.898 / 0.892, digits 0.999 / 1.000, long signal 0.992 / 0.993
    "ecgfivedays": (0.85, 0.85),
    "digits": (0.98, 0.98),
    "long_signal": (0.97, 0.97),
}


def train_default(split: EcgSplit, epochs: int = 40) -> Trainer:
    """The default model settings, fitted to the data's input length, trained with seed 0 on the CPU."""
    cfg = fit_model_to_length(ModelConfig(), split.x_test.shape[1])
    batch = min(TrainConfig().batch_size, len(split.x_train))  # ECG200 has fewer training beats than one default batch
    trainer = Trainer(build_model(cfg, seed=0), split, TrainConfig(epochs=epochs, batch_size=batch, seed=0, device="cpu"))
    list(trainer.fit())
    return trainer


@pytest.fixture(scope="module")
def trained() -> dict[str, tuple[EcgSplit, Trainer]]:
    splits = {name: dataset_split(DataConfig(dataset=name)) for name in AUC_FLOORS}
    return {name: (split, train_default(split)) for name, split in splits.items()}


@pytest.mark.parametrize("name", list(AUC_FLOORS))
def test_default_autoencoder_reaches_its_auc_floor(trained, name: str) -> None:
    split, trainer = trained[name]
    assert roc_auc(split.y_test, trainer.test_scores()) >= AUC_FLOORS[name][0]


@pytest.mark.parametrize("name", list(AUC_FLOORS))
def test_lof_reaches_its_auc_floor(trained, name: str) -> None:
    split, _ = trained[name]
    result = run_baseline("lof", split, seed=0)
    assert roc_auc(split.y_test, result.test_scores) >= AUC_FLOORS[name][1]


def test_digits_most_anomalous_test_images_are_other_digits(trained) -> None:
    split, trainer = trained["digits"]
    order = np.argsort(trainer.test_scores())[::-1]
    assert split.y_test[order[:10]].all()  # the ten highest scores all belong to digits other than the normal 0
    normal_scores = trainer.test_scores()[split.y_test == 0]
    assert np.median(normal_scores) < np.median(trainer.test_scores()[split.y_test == 1]) / 2


def test_long_signal_spans_get_higher_error_than_their_surroundings(trained) -> None:
    split, trainer = trained["long_signal"]
    signal = make_long_signal(split.config)
    errors = errors_over_time(per_step_errors(trainer.model, split.x_test, "mse"))
    inside = signal.point_labels[TRAIN_END:] == 1
    baseline = np.median(errors[~inside])
    for span in signal.spans:
        part = errors[span.start - TRAIN_END : span.end - TRAIN_END]
        assert part.max() > 3 * baseline, f"{span.kind} at {span.start}: peak {part.max():.4g} vs {baseline:.4g}"
    assert errors[inside].mean() > 3 * errors[~inside].mean()


@pytest.fixture(scope="module")
def digits_model(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("digits") / "model.safetensors"
    assert main(["train", "--dataset", "digits", "--epochs", "5", "--quiet", "--out", str(out)]) == 0
    return out


def test_cli_trains_a_digits_model_of_64_inputs(digits_model: Path) -> None:
    saved = load_model(digits_model)
    assert saved.config.input_length == 64 and saved.info.data.dataset == "digits"
    assert saved.info.auc is not None and saved.info.auc > 0.9  # five epochs already tell the 0s from the others


def test_cli_scores_a_csv_of_digits_and_refuses_beats(digits_model: Path, tmp_path: Path, capsys) -> None:
    digits = load_dataset(DataConfig(dataset="digits"))
    csv = tmp_path / "digits.csv"
    np.savetxt(csv, np.column_stack([digits.classes[:30], digits.signals[:30]]), delimiter=",", fmt="%.6g")
    assert main(["score", "--model", str(digits_model), "--csv", str(csv)]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 31
    beats = tmp_path / "beats.csv"
    np.savetxt(beats, np.zeros((3, 140)), delimiter=",")
    assert main(["score", "--model", str(digits_model), "--csv", str(beats)]) == 2
    assert "each row needs 64 values" in capsys.readouterr().err


def test_cli_trains_ecg200_with_its_default_settings_shrinking_the_batch(tmp_path: Path, capsys) -> None:
    """ECG200 has 96 training beats, fewer than the default batch of 128: the batch shrinks to 64, and says so."""
    out = tmp_path / "ecg200.safetensors"
    assert main(["train", "--dataset", "ecg200", "--quiet", "--out", str(out)]) == 0
    assert "batch_size 128 → 64: the data has 96 training rows" in capsys.readouterr().err
    saved = load_model(out)
    assert saved.config.input_length == 96 and saved.info.train is not None and saved.info.train.batch_size == 64
    assert saved.info.auc is not None and saved.info.auc > 0.8


def test_cli_refuses_an_input_length_unlike_the_dataset(tmp_path: Path, capsys) -> None:
    config = tmp_path / "cfg.json"
    config.write_text(json.dumps({"model": {"input_length": 100}}))
    assert main(["train", "--dataset", "ecg200", "--config", str(config), "--out", str(tmp_path / "m")]) == 2
    assert "the rows of ECG200 heartbeats have 96 values" in capsys.readouterr().err


def test_onnx_and_the_scoring_api_take_64_values(digits_model: Path, tmp_path: Path, capsys) -> None:
    onnx_path = tmp_path / "digits.onnx"
    assert main(["export", "--model", str(digits_model), "--onnx", str(onnx_path)]) == 0
    assert "64 values per beat" in capsys.readouterr().out
    assert len(onnx_bytes(load_model(digits_model))) > 1000
    rows = load_dataset(DataConfig(dataset="digits")).signals[:5]
    with TestClient(create_app(load_model(digits_model), engine="onnx")) as client:
        ok = client.post("/score", json={"beats": rows.tolist()})
        assert ok.status_code == 200 and len(ok.json()["scores"]) == 5
        wrong = client.post("/score", json={"beats": np.zeros((2, 140)).tolist()})
        assert 400 <= wrong.status_code < 500 and "64" in wrong.text
        assert client.get("/model").json()["input_length"] == 64


@pytest.mark.parametrize("name", list(AUC_FLOORS))
def test_every_baseline_runs_on_every_dataset(trained, name: str) -> None:
    split, _ = trained[name]
    aucs = {}
    for result in run_baselines(split, seed=0):
        assert result.test_scores.shape == (len(split.x_test),) and np.isfinite(result.test_scores).all()
        aucs[result.name] = roc_auc(split.y_test, result.test_scores)
    assert max(aucs.values()) > 0.85  # the best of the four (PCA on ECGFiveDays 0.977, LOF on ECG200 0.903)
