"""The shipped ready model: small, tensors only, test AUC >= 0.98, reproduced by `make model`, trained at start if missing."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors import safe_open
from sklearn.metrics import roc_auc_score

from anomaly_core import DataConfig, ModelConfig, TrainConfig, anomaly_scores, load_model, make_split
from anomaly_core.__main__ import main
from anomaly_core.scalers import SCALER_TENSORS
from ui import current_model as state

ROOT = Path(__file__).resolve().parents[1]
CHECKPOINT = state.DEFAULT_MODEL_PATH
MAKE_MODEL = "-m anomaly_core train --seed 0 --quiet --out assets/default_model.safetensors"


def weights(path: Path) -> dict[str, torch.Tensor]:
    with safe_open(str(path), framework="pt") as tensors:
        return {name: tensors.get_tensor(name) for name in tensors.keys()}  # noqa: SIM118 (safe_open is not a dict)


def test_checkpoint_is_small_and_holds_weights_only() -> None:
    assert CHECKPOINT.is_file(), "run `make model` to create the default checkpoint"
    data = CHECKPOINT.read_bytes()
    assert len(data) <= 1024 * 1024
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_length])  # plain JSON header, then raw tensor bytes: nothing to unpickle
    assert set(header["__metadata__"]) == {"anomaly_lab"}
    saved = load_model(CHECKPOINT, expected_length=140)
    assert set(header) - {"__metadata__"} == set(saved.model.state_dict()) | set(SCALER_TENSORS)  # weights and scaler rows
    assert all(entry["dtype"] == "F32" for name, entry in header.items() if name != "__metadata__")


def test_checkpoint_records_the_make_model_command_configs() -> None:
    assert MAKE_MODEL in (ROOT / "Makefile").read_text()
    saved = load_model(CHECKPOINT, expected_length=140)
    assert saved.config == ModelConfig()
    assert saved.info.data == DataConfig(seed=0)
    assert saved.info.train == TrainConfig(seed=0)


def test_ready_model_test_auc_is_at_least_098(ecg) -> None:
    ready = state.default_model()
    assert ready.is_default and ready.epochs == TrainConfig().epochs
    saved = load_model(CHECKPOINT, expected_length=140)
    split = make_split(ecg, saved.info.data)
    scores = anomaly_scores(saved.model, split.x_test, saved.info.score_error)
    auc = roc_auc_score(split.y_test, scores)
    assert auc >= 0.98
    assert ready.summary.auc == pytest.approx(auc, abs=1e-9)
    np.testing.assert_allclose(ready.test_scores, scores, rtol=1e-6)


def test_missing_checkpoint_is_trained_at_first_start_and_matches_the_shipped_one(monkeypatch, tmp_path) -> None:
    missing = tmp_path / "assets" / "default_model.safetensors"
    monkeypatch.setattr(state, "DEFAULT_MODEL_PATH", missing)
    state.default_model.clear()
    try:
        trained = state.default_model()
        assert state.default_model() is trained  # cached: trained once per server
    finally:
        state.default_model.clear()
    assert missing.is_file()
    assert trained.summary.auc >= 0.98
    assert load_model(missing).info.threshold == pytest.approx(trained.threshold)  # so `score` accepts it as is
    csv = tmp_path / "beats.csv"
    np.savetxt(csv, trained.scaler.inverse(trained.split.x_test[:3]), delimiter=",")
    assert main(["score", "--model", str(missing), "--csv", str(csv)]) == 0
    shipped, regenerated = weights(CHECKPOINT), weights(missing)
    assert shipped.keys() == regenerated.keys()
    stale = [name for name in shipped if not torch.allclose(shipped[name], regenerated[name], atol=1e-3)]
    assert not stale, f"assets/default_model.safetensors no longer matches the trainer: run `make model` ({stale})"
