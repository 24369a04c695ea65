"""ONNX export: for every family, onnxruntime gives the torch scores (to 1e-5) on raw beats of any batch size."""

import dataclasses

import numpy as np
import onnx
import pytest

from anomaly_core import (
    SCALINGS,
    DataConfig,
    MinMaxScaler,
    ModelConfig,
    ModelFileError,
    TrainConfig,
    Trainer,
    build_model,
    make_split,
    model_from_bytes,
    model_to_bytes,
)
from anomaly_core.__main__ import main
from anomaly_core.engines import OnnxScorer, TorchScorer
from anomaly_core.export import ONNX_FORMAT, onnx_bytes
from anomaly_core.persistence import ModelInfo, SavedModel
from tests.model_files import with_metadata

# Small nets, each with another error kind, smoothing or scaler, so the graph covers every scoring path.
FAMILIES = {
    "dense": (ModelConfig(encoder_hidden=(32,), latent_size=8), "mse", "per_feature"),
    "dense, global scaler": (ModelConfig(encoder_hidden=(32,), latent_size=8), "mse", "global"),
    "denoising": (ModelConfig(encoder_hidden=(32,), latent_size=8, input_noise=0.05, score_smoothing=1), "mae", "per_feature"),
    "vae": (ModelConfig(family="vae", encoder_hidden=(32,), latent_size=8, vae_score="elbo"), "mse", "global"),
    "conv": (ModelConfig(family="conv", conv_channels=(4, 8), latent_size=8), "msle", "per_feature"),
    "lstm": (ModelConfig(family="lstm", lstm_hidden=8, latent_size=8, score_smoothing=3), "mse", "per_feature"),
}


def train_tiny(cfg: ModelConfig, loss: str, split) -> SavedModel:
    """Two epochs: enough for non-trivial weights; the test is about export, not quality."""
    trainer = Trainer(build_model(cfg, seed=0), split, TrainConfig(epochs=2, loss=loss, seed=0, device="cpu"))
    list(trainer.fit())
    info = ModelInfo(threshold=float(np.median(trainer.train_scores())), score_error=loss)
    return model_from_bytes(model_to_bytes(trainer.model, split.scaler, info))


@pytest.fixture(scope="module")
def exported(ecg) -> dict[str, tuple[SavedModel, bytes]]:
    splits = {scaling: make_split(ecg, DataConfig(train_size=300, test_size=200, scaling=scaling)) for scaling in SCALINGS}
    models = {name: train_tiny(cfg, loss, splits[scaling]) for name, (cfg, loss, scaling) in FAMILIES.items()}
    return {name: (saved, onnx_bytes(saved)) for name, saved in models.items()}


@pytest.mark.parametrize("family", list(FAMILIES))
@pytest.mark.parametrize("count", [1, 1000])
def test_onnxruntime_scores_equal_torch_scores(exported, ecg, family, count) -> None:
    saved, data = exported[family]
    beats = ecg.signals[-count:]  # raw beats in original units: the scaler is inside the graph
    torch_scores, onnx_scores = TorchScorer(saved)(beats), OnnxScorer(data)(beats)
    assert onnx_scores.shape == (count,)
    np.testing.assert_allclose(onnx_scores, torch_scores, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_the_graph_has_a_dynamic_batch_axis_and_says_how_it_scores(exported, ecg, family) -> None:
    saved, data = exported[family]
    graph = onnx.load_from_string(data).graph
    assert graph.input[0].type.tensor_type.shape.dim[0].dim_param  # symbolic, not a fixed number
    scorer = OnnxScorer(data)
    for count in (2, 7, 33):
        assert scorer(ecg.signals[:count]).shape == (count,)
    meta = scorer.metadata
    assert meta["format"] == ONNX_FORMAT and meta["family"] == saved.config.family
    assert meta["error_kind"] == FAMILIES[family][1] and float(meta["threshold"]) == saved.info.threshold
    assert meta["scaling"] == saved.scaler.kind == FAMILIES[family][2]


def test_the_graph_scales_each_step_with_its_own_range(exported, ecg) -> None:
    saved, data = exported["dense"]
    beats = ecg.signals[:20]
    as_global = dataclasses.replace(saved, scaler=MinMaxScaler(*saved.scaler.value_range))
    onnx_scores = OnnxScorer(data)(beats)
    np.testing.assert_allclose(onnx_scores, TorchScorer(saved)(beats), rtol=1e-5, atol=1e-5)
    assert not np.allclose(onnx_scores, TorchScorer(as_global)(beats), rtol=1e-2)


def test_cli_export_writes_a_file_that_scores_like_the_model(exported, ecg, tmp_path, capsys) -> None:
    saved, _ = exported["dense"]
    model_path, onnx_path = tmp_path / "m.safetensors", tmp_path / "out" / "m.onnx"
    model_path.write_bytes(model_to_bytes(saved.model, saved.scaler, saved.info))
    assert main(["export", "--model", str(model_path), "--onnx", str(onnx_path)]) == 0
    assert "wrote" in capsys.readouterr().out
    np.testing.assert_allclose(
        OnnxScorer(onnx_path.read_bytes())(ecg.signals[:50]), TorchScorer(saved)(ecg.signals[:50]), rtol=1e-5
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--model", "/no/such/model", "--onnx", "x.onnx"], "no model file"),
        (["export", "--model", "m.safetensors"], "required: --onnx"),
        (["export", "--model", "{model}", "--onnx", "x.txt"], "ending in .onnx"),
    ],
)
def test_cli_export_bad_input_gives_one_line_and_exit_code_2(exported, tmp_path, capsys, args, message) -> None:
    saved, _ = exported["dense"]
    model_path = tmp_path / "m.safetensors"
    model_path.write_bytes(model_to_bytes(saved.model, saved.scaler, saved.info))
    code = main([a.format(model=model_path) for a in args])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and message in err, err


def test_a_model_file_from_a_newer_format_is_refused_clearly(exported) -> None:
    saved, _ = exported["dense"]
    newer = with_metadata(model_to_bytes(saved.model, saved.scaler), lambda header, meta: meta.update(format="anomaly-lab/3"))
    with pytest.raises(
        ModelFileError, match=r"format anomaly-lab/3, newer than this Anomaly Lab reads \(anomaly-lab/2\); upgrade"
    ):
        model_from_bytes(newer)
