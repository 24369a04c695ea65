"""The command line trains, saves and scores; bad input gives one line on stderr and exit code 2."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from anomaly_core import anomaly_scores, load_model
from anomaly_core.__main__ import main

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the real command in a new process."""
    return subprocess.run([sys.executable, "-m", "anomaly_core", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def fails_with_one_line(capsys, *args: str) -> str:
    """Run main() in this process; assert exit code 2 and exactly one line on stderr; return it."""
    code = main(list(args))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "model"
    config = out.parent / "cfg.json"
    config.write_text(json.dumps({"model": {"encoder_hidden": [32], "latent_size": 8}, "train": {"epochs": 15}}))
    result = cli("train", "--config", str(config), "--out", str(out), "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("epoch ") == 15
    assert "test AUC" in result.stdout.splitlines()[-1]
    return out


@pytest.fixture(scope="module")
def mae_model_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli_mae") / "model"
    config = out.parent / "cfg.json"
    config.write_text(json.dumps({"model": {"encoder_hidden": [32], "latent_size": 8}, "train": {"epochs": 2, "loss": "mae"}}))
    assert main(["train", "--config", str(config), "--out", str(out), "--quiet"]) == 0
    return out


def test_score_uses_the_error_the_model_was_trained_with(tmp_path, mae_model_dir, ecg) -> None:
    csv = tmp_path / "beats.csv"
    np.savetxt(csv, ecg.signals[:20], delimiter=",", fmt="%.9g")
    result = cli("score", "--model", str(mae_model_dir), "--csv", str(csv))
    assert result.returncode == 0, result.stderr
    printed = np.array([float(line.split(",")[1]) for line in result.stdout.strip().splitlines()[1:]])
    saved = load_model(mae_model_dir)
    assert saved.info.score_error == "mae"
    scaled = saved.scaler.transform(np.loadtxt(csv, delimiter=","))
    np.testing.assert_allclose(printed, anomaly_scores(saved.model, scaled, "mae"), rtol=1e-5)
    assert not np.allclose(printed, anomaly_scores(saved.model, scaled, "mse"), rtol=1e-2)


def test_train_saves_a_model_with_its_summary(trained_dir) -> None:
    saved = load_model(trained_dir)
    assert saved.config.encoder_hidden == (32,) and saved.info.epochs == 15
    assert saved.info.auc > 0.95 and saved.info.threshold > 0


def test_score_prints_scores_and_verdicts(tmp_path, trained_dir, ecg) -> None:
    beats = np.c_[ecg.classes[:30], ecg.signals[:30]]
    csv = tmp_path / "beats.csv"
    np.savetxt(csv, beats, delimiter=",", fmt="%g")
    result = cli("score", "--model", str(trained_dir), "--csv", str(csv))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "row,score,verdict,class" and len(lines) == 31
    verdicts = [line.split(",")[2] for line in lines[1:]]
    classes = [int(line.split(",")[3]) for line in lines[1:]]
    agree = sum((v == "anomaly") == (c != 1) for v, c in zip(verdicts, classes))
    assert agree >= 25


def test_score_writes_a_file(tmp_path, trained_dir, ecg) -> None:
    csv, out = tmp_path / "beats.csv", tmp_path / "scores.csv"
    np.savetxt(csv, ecg.signals[:5], delimiter=",")
    result = cli("score", "--model", str(trained_dir), "--csv", str(csv), "--out", str(out), "--threshold", "0.5")
    assert result.returncode == 0 and "5 beats scored, 0 anomalies" in result.stdout
    assert out.read_text().splitlines()[0] == "row,score,verdict"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "required: command"),
        (("fly",), "invalid choice"),
        (("train", "--epochs", "abc"), "invalid int value"),
        (("train", "--epochs", "0", "--out", "/tmp/never"), "epochs"),
        (("train", "--config", "/no/such/file.json"), "cannot read"),
        (("score", "--model", "/no/such/model", "--csv", "x.csv"), "no model file"),
        (("score", "--csv", "x.csv"), "required: --model"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, args, message) -> None:
    assert message in fails_with_one_line(capsys, *args)


def test_the_real_process_exits_2_on_bad_arguments() -> None:
    result = cli("train", "--epochs", "abc")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"model": {"latent_size": 0}}', "latent_size"),
        ('{"model": {"encoder_hidden": [16, 0]}}', "encoder_hidden"),
        ('{"train": {"learning_rate": "fast"}}', "TrainConfig"),
        ('{"train": {"wings": 2}}', "unknown field"),
        ('{"extra": {}}', "only the keys"),
        ('{"data": {"train_size": 99999}}', "train_size"),
    ],
)
def test_bad_config_files_exit_2_with_one_line(capsys, tmp_path, content, message) -> None:
    config = tmp_path / "cfg.json"
    config.write_text(content)
    assert message in fails_with_one_line(capsys, "train", "--config", str(config), "--out", str(tmp_path / "m"), "--epochs", "1")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("1,2,3\n4,5,6\n", "140 values"),
        ("label," + ",".join(["a"] * 140) + "\n1," + ",".join(["x"] * 140) + "\n", "not a number"),
        (",".join(["0.5"] * 139 + ["nan"]) + "\n", "NaN"),
        (",".join(["1e9"] * 140) + "\n", "beyond"),
    ],
)
def test_bad_csv_files_exit_2_with_one_line(capsys, tmp_path, trained_dir, content, message) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text(content)
    assert message in fails_with_one_line(capsys, "score", "--model", str(trained_dir), "--csv", str(csv))


def test_a_tampered_model_file_exits_2(capsys, tmp_path, trained_dir) -> None:
    bad = tmp_path / "model.safetensors"
    data = bytearray((trained_dir / "model.safetensors").read_bytes())
    data[20:40] = b"X" * 20
    bad.write_bytes(bytes(data))
    csv = tmp_path / "beats.csv"
    csv.write_text(",".join(["0.1"] * 140) + "\n")
    assert "model" in fails_with_one_line(capsys, "score", "--model", str(bad), "--csv", str(csv))
