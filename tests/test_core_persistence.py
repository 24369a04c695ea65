"""Save → load gives identical scores; anything that is not exactly our file is refused, never executed."""

import numpy as np
import pytest
import torch

from anomaly_core import (
    DataConfig,
    ModelConfig,
    ModelFileError,
    ModelInfo,
    TrainConfig,
    anomaly_scores,
    build_model,
    load_model,
    model_from_bytes,
    model_to_bytes,
    save_model,
)
from tests.model_files import with_metadata, write_pickle_exploit


@pytest.fixture(scope="module")
def saved_bytes(trained_default) -> bytes:
    return model_to_bytes(trained_default.trainer.model, trained_default.split.scaler, ModelInfo(threshold=0.01))


def test_save_load_gives_identical_scores(tmp_path, trained_default) -> None:
    model, split = trained_default.trainer.model, trained_default.split
    path = save_model(tmp_path / "run", model, split.scaler, ModelInfo(auc=0.99))
    assert path.name == "model.safetensors" and path.stat().st_size < 1_000_000
    loaded = load_model(tmp_path / "run", expected_length=140)
    np.testing.assert_array_equal(anomaly_scores(loaded.model, split.x_test, "mse"), anomaly_scores(model, split.x_test, "mse"))
    assert loaded.config == model.config and loaded.scaler == split.scaler and loaded.info == ModelInfo(auc=0.99)


def test_an_unchanged_rewrite_still_loads(saved_bytes) -> None:
    assert model_from_bytes(with_metadata(saved_bytes, lambda header, meta: None)).info == ModelInfo(threshold=0.01)


def test_the_score_error_and_the_rest_of_the_info_survive_a_round_trip(trained_default) -> None:
    info = ModelInfo(score_error="mae", data=DataConfig(seed=3), train=TrainConfig(loss="mae"), epochs=7, threshold=0.2, auc=0.9)
    model, scaler = trained_default.trainer.model, trained_default.split.scaler
    assert model_from_bytes(model_to_bytes(model, scaler, info)).info == info


OLDER_DATA = DataConfig(scaling="global")


@pytest.mark.parametrize(
    ("old_info", "expected"),
    [
        (
            {"epochs": 4, "train": {"loss": "mae"}, "data": {"seed": 2}},
            ModelInfo(score_error="mae", epochs=4, data=DataConfig(seed=2, scaling="global")),
        ),
        ({"epochs": 4, "threshold": 0.5}, ModelInfo(epochs=4, threshold=0.5, data=OLDER_DATA)),  # no loss: trained with mse
        ({}, ModelInfo(data=OLDER_DATA)),  # files from before per-step scaling were scaled globally
    ],
)
def test_files_written_before_the_typed_info_read_as_they_were_meant(saved_bytes, old_info, expected) -> None:
    def as_an_older_version_wrote_it(header, meta) -> None:
        meta["info"] = old_info

    assert model_from_bytes(with_metadata(saved_bytes, as_an_older_version_wrote_it)).info == expected


def test_an_unknown_score_error_is_refused(saved_bytes) -> None:
    with pytest.raises(ModelFileError, match="score_error"):
        model_from_bytes(with_metadata(saved_bytes, lambda header, meta: meta["info"].update(score_error="huber")))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda header, meta: meta["config"].update(encoder_hidden=[32, 16]), "do not match"),
        (lambda header, meta: meta["config"].update(activation="rm -rf"), "activation"),
        (lambda header, meta: meta.update(format="pickle"), "unsupported"),
        (lambda header, meta: meta["config"].update(input_length=128), "do not match|128"),
    ],
)
def test_tampered_metadata_is_refused(saved_bytes, edit, message) -> None:
    with pytest.raises(ModelFileError, match=message):
        model_from_bytes(with_metadata(saved_bytes, edit))


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda data: b"",
        lambda data: data[:100],
        lambda data: b"\x80\x04\x95" + data[3:],  # a pickle opcode where the header length is
        lambda data: data[:8] + b"{not json" + data[17:],
        lambda data: data[: len(data) // 2],
    ],
)
def test_corrupted_files_are_refused(saved_bytes, corrupt) -> None:
    with pytest.raises(ModelFileError):
        model_from_bytes(corrupt(saved_bytes))


def test_a_pickle_file_is_refused_and_never_executed(tmp_path) -> None:
    path = tmp_path / "model.safetensors"
    marker = write_pickle_exploit(path)
    with pytest.raises(ModelFileError):
        load_model(path)
    assert not marker.exists()


def test_nan_weights_are_refused(trained_default) -> None:
    model = build_model(ModelConfig(), 0)
    with torch.no_grad():
        next(model.parameters()).fill_(float("nan"))
    with pytest.raises(ModelFileError, match="NaN"):
        model_from_bytes(model_to_bytes(model, trained_default.split.scaler))


def test_a_model_for_another_input_length_is_refused(trained_default) -> None:
    other = build_model(ModelConfig(input_length=128), 0)
    data = model_to_bytes(other, trained_default.split.scaler)
    with pytest.raises(ModelFileError, match="made for signals of 128 values, not 140"):
        model_from_bytes(data, expected_length=140)


def test_missing_file_is_reported(tmp_path) -> None:
    with pytest.raises(ModelFileError, match="no model file"):
        load_model(tmp_path / "nothing")
