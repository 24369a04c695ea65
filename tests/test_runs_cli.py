"""`python -m anomaly_core runs list|show|export` reads the app's run store; an exported run scores like the app."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from anomaly_core import DataConfig, EcgSplit, ModelConfig, TrainConfig, load_model
from anomaly_core.__main__ import main
from anomaly_core.runs import RunSettings, RunSpec, SQLiteRunStore
from anomaly_core.runs.checkpoint import model_from_checkpoint
from anomaly_core.runs.records import RUN_ID_PATTERN, TOKEN_PATTERN, new_identifier
from anomaly_core.runs.worker import train_run
from anomaly_core.scoring import anomaly_scores


@pytest.fixture
def trained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, default_split: EcgSplit) -> tuple[SQLiteRunStore, str]:
    monkeypatch.setenv("ANOMALY_LAB_DATA_DIR", str(tmp_path / "store"))
    store = SQLiteRunStore(RunSettings.from_env())
    token = store.create_session()
    spec = RunSpec(ModelConfig(), TrainConfig(epochs=3, loss="mae", device="cpu"), DataConfig(seed=0))
    run = store.create_run(token, "My MAE run", spec, 3)
    claimed = store.claim_next("host:1")
    assert claimed is not None
    train_run(store, claimed, lambda cfg: default_split)
    return store, run.id


def test_list_and_show_print_the_runs(trained, capsys) -> None:
    store, run_id = trained
    assert main(["runs", "list"]) == 0
    listing = capsys.readouterr().out
    assert run_id in listing and "finished" in listing and "My MAE run" in listing
    assert main(["runs", "show", run_id]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["epochs"] == 3 and shown["settings"]["train"]["loss"] == "mae" and shown["metrics"]["auc"] > 0.5


def test_an_exported_run_is_a_model_file_that_scores_like_the_run(trained, tmp_path: Path, default_split: EcgSplit) -> None:
    store, run_id = trained
    out = tmp_path / "exported.safetensors"
    assert main(["runs", "export", run_id, "--out", str(out)]) == 0
    saved = load_model(out)
    assert saved.info.score_error == "mae" and saved.info.epochs == 3 and saved.info.threshold is not None
    run = next(r for r in store.all_runs() if r.id == run_id)
    checkpoint = store.checkpoint(run_id)
    assert checkpoint is not None
    expected = anomaly_scores(model_from_checkpoint(run.spec, checkpoint, default_split.scaler), default_split.x_test, "mae")
    np.testing.assert_allclose(anomaly_scores(saved.model, default_split.x_test, saved.info.score_error), expected, rtol=1e-6)


def test_an_unknown_run_is_one_line_and_exit_code_2(trained, capsys) -> None:
    assert main(["runs", "show", "no-such-run"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no run 'no-such-run'" in error


def test_ids_never_look_like_command_line_options() -> None:
    """`runs show ID` and `runs list --session TOKEN` take ids as arguments: one starting with "-" would be an option."""
    ids = [new_identifier(9) for _ in range(3000)] + [new_identifier(24) for _ in range(500)]
    assert len(set(ids)) == len(ids)
    assert not [text for text in ids if text.startswith("-")]
    assert all(RUN_ID_PATTERN.fullmatch(text) for text in ids[:3000]) and all(TOKEN_PATTERN.fullmatch(t) for t in ids[3000:])
