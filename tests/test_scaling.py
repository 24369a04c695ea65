"""The scaler is part of the model: fitted on training rows, kept in the model file, used by every way of scoring.

Files written before per-step scaling (one global min/max, format anomaly-lab/1) load and score exactly as before:
`fixtures/global_scaler_model.safetensors` was written by that code, and `fixtures/global_scaler_scores.csv`
holds the scores it gave then (the first 50 raw ECG5000 beats, and the test beats of the file's own split).
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import json
import struct
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from anomaly_core import (
    AnomalyDetector,
    DataConfig,
    FeatureMinMaxScaler,
    MinMaxScaler,
    ModelConfig,
    TrainConfig,
    anomaly_scores,
    load_model,
    make_split,
    model_from_bytes,
    model_to_bytes,
    per_step_errors,
    reconstruct,
    trained_info,
)
from anomaly_core.__main__ import main
from anomaly_core.engines import OnnxScorer, TorchScorer
from anomaly_core.runs.records import RunSpec
from anomaly_core.serve import create_app
from ui.current_model import DEFAULT_MODEL_PATH, default_model
from ui.draw.scoring import score_signals
from ui.model_file import model_from_upload

FIXTURES = Path(__file__).resolve().parent / "fixtures"
OLD_MODEL = FIXTURES / "global_scaler_model.safetensors"
OLD_SCORES = FIXTURES / "global_scaler_scores.csv"


def old_scores(source: str) -> np.ndarray:
    """The scores the pre-scaling code gave for `source` ('raw': the first 50 beats, 'test': its split's test beats)."""
    with OLD_SCORES.open() as handle:
        rows = [row for row in csv.DictReader(handle) if row["source"] == source]
    return np.array([float(row["score"]) for row in sorted(rows, key=lambda row: int(row["index"]))])


def file_format(data: bytes) -> str:
    (length,) = struct.unpack("<Q", data[:8])
    return json.loads(json.loads(data[8 : 8 + length])["__metadata__"]["anomaly_lab"])["format"]


def test_a_step_that_never_changes_is_only_shifted() -> None:
    rows = np.array([[1.0, 5.0, 2.0], [3.0, 5.0, 4.0]], dtype=np.float32)
    scaler = FeatureMinMaxScaler.fit(rows)
    np.testing.assert_array_equal(scaler.transform(rows), [[0, 0, 0], [1, 0, 1]])
    np.testing.assert_array_equal(scaler.inverse(scaler.transform(rows)), rows)
    assert scaler.value_range == (1.0, 5.0)


def test_an_unknown_scaling_names_the_field(ecg) -> None:
    with pytest.raises(ValueError, match="scaling: 'log' is not one of per_feature, global"):
        DataConfig(scaling="log")
    with pytest.raises(ValueError, match="scaling"):
        AnomalyDetector(scaling="log", epochs=1).fit(ecg.signals[:50])


def test_the_model_file_keeps_the_per_step_scaler(trained_default, ecg) -> None:
    trainer, split = trained_default.trainer, trained_default.split
    data = model_to_bytes(trainer.model, split.scaler, trained_info(trainer, split))
    saved = model_from_bytes(data)
    assert file_format(data) == "anomaly-lab/2" and saved.info.data.scaling == "per_feature"
    assert isinstance(saved.scaler, FeatureMinMaxScaler)
    np.testing.assert_array_equal(saved.scaler.minimum, split.scaler.minimum)
    np.testing.assert_array_equal(saved.scaler.maximum, split.scaler.maximum)
    raw = ecg.signals[:100]
    expected = anomaly_scores(trainer.model, split.scaler.transform(raw), "mse")
    np.testing.assert_array_equal(TorchScorer(saved)(raw), expected)
    np.testing.assert_allclose(OnnxScorer(saved)(raw), expected, rtol=1e-5, atol=1e-5)


def test_an_older_global_scaler_file_loads_and_scores_exactly_as_before(ecg, tmp_path, capsys) -> None:
    data = OLD_MODEL.read_bytes()
    assert file_format(data) == "anomaly-lab/1"
    saved = load_model(OLD_MODEL)
    assert saved.scaler.kind == "global" and saved.info.data.scaling == "global"
    np.testing.assert_array_equal(TorchScorer(saved)(ecg.signals[:50]), old_scores("raw"))
    split = make_split(ecg, saved.info.data)
    np.testing.assert_array_equal(anomaly_scores(saved.model, split.x_test, saved.info.score_error), old_scores("test"))
    np.testing.assert_allclose(OnnxScorer(saved)(ecg.signals[:50]), old_scores("raw"), rtol=1e-5, atol=1e-5)
    beats = tmp_path / "beats.csv"
    np.savetxt(beats, ecg.signals[:5], delimiter=",")
    assert main(["score", "--model", str(OLD_MODEL), "--csv", str(beats)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()[1:]  # row,score,verdict
    assert [line.split(",")[1] for line in printed] == [f"{score:.6g}" for score in old_scores("raw")[:5]]


def test_the_app_takes_an_older_file_with_its_own_global_split() -> None:
    active = model_from_upload("old.safetensors", OLD_MODEL.read_bytes())
    assert active.scaler.kind == "global" and active.split.config.scaling == "global"
    np.testing.assert_array_equal(active.test_scores, old_scores("test"))


def test_a_run_stored_before_scaling_existed_is_scaled_globally() -> None:
    spec = RunSpec(ModelConfig(), TrainConfig(), DataConfig(seed=3))
    older = json.loads(spec.to_json())
    del older["data"]["scaling"]
    assert RunSpec.from_json(json.dumps(older)).data == DataConfig(seed=3, scaling="global")
    assert RunSpec.from_json(spec.to_json()) == spec


@pytest.mark.parametrize("scaling", ["per_feature", "global"])
def test_the_detector_saves_and_loads_its_scaler(ecg, tmp_path, scaling) -> None:
    normal = ecg.signals[ecg.classes == 1][:300]
    detector = AnomalyDetector(encoder_hidden=(16,), latent_size=4, epochs=3, scaling=scaling).fit(normal)
    assert detector.scaler_.kind == scaling
    loaded = AnomalyDetector.load(detector.save(tmp_path / "detector.safetensors"))
    assert loaded.scaling == scaling and loaded.scaler_.kind == scaling
    np.testing.assert_array_equal(loaded.score_samples(ecg.signals[-40:]), detector.score_samples(ecg.signals[-40:]))


@pytest.mark.parametrize("engine", ["onnx", "torch"])
def test_the_server_scores_with_the_files_scaler(ecg, engine) -> None:
    for saved, expected in ((load_model(OLD_MODEL), old_scores("raw")), (default_model_file(), None)):
        raw = ecg.signals[:50]
        expected = TorchScorer(saved)(raw) if expected is None else expected
        with TestClient(create_app(saved, engine=engine)) as client:
            answer = client.post("/score", json=raw.tolist())
        assert answer.status_code == 200, answer.text
        np.testing.assert_allclose(answer.json()["scores"], expected, rtol=1e-5, atol=1e-6)


def test_the_draw_page_scores_raw_beats_like_the_model_file(ecg) -> None:
    ready = default_model()
    assert ready.scaler.kind == "per_feature"
    raw = ecg.signals[:30]
    np.testing.assert_array_equal(score_signals(ready, raw), TorchScorer(default_model_file())(raw))
    older = model_from_upload("old.safetensors", OLD_MODEL.read_bytes())
    np.testing.assert_array_equal(score_signals(older, ecg.signals[:50]), old_scores("raw"))


def default_model_file():
    """The shipped ready model as its file loads."""
    return load_model(DEFAULT_MODEL_PATH)


def test_a_per_step_scaler_scores_the_difference_in_one_global_unit(trained_default) -> None:
    split, model = trained_default.split, trained_default.trainer.model
    lowest, highest = split.scaler.value_range
    weights = split.scaler.span / (highest - lowest)  # a step's training range as a share of the global one
    assert weights.min() < 0.5 < weights.max() <= 1.0
    x = split.x_test[:40]
    unweighted = np.square(reconstruct(model, x) - x)
    assert MinMaxScaler.fit(np.array([[0.0, 2.0]], np.float32)).score_weights() is None  # a global scaler: as before
    np.testing.assert_allclose(
        per_step_errors(_unsmoothed(model), x, "mse"), unweighted * weights**2, rtol=1e-4, atol=1e-10
    )


def _unsmoothed(model):
    other = copy.deepcopy(model)
    other.config = dataclasses.replace(model.config, score_smoothing=1)
    return other
