"""Hostile CLI invocations: every one exits 2 with one line on stderr naming what to change, never a traceback.

Configs, crafted model files and output paths are checked before any training, so a bad path never loses a model.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from anomaly_core.__main__ import main
from tests.hostile_files import DEEP, crafted_model_files

ROOT = Path(__file__).resolve().parents[1]
VALID_MODEL = ROOT / "assets" / "default_model.safetensors"
CRAFTED = crafted_model_files(VALID_MODEL.read_bytes())
UNWRITABLE = Path("/proc/anomaly-lab-cannot-write-here")  # even root cannot create files in /proc

CONFIGS = {
    "nested deeply": '{"model": ' + "[" * DEEP + "]" * DEEP + "}",
    "nested a little too deep": "[" * 40 + "]" * 40,
    "too big": '{"model": {"family": "' + "d" * 70_000 + '"}}',
    "not UTF-8": b'{"model": {"family": "\xff"}}',
    "a list": "[1, 2]",
    "model a list": '{"model": [1]}',
    "huge integer": '{"train": {"epochs": ' + "9" * 5000 + "}}",
    "input_length unlike the data": '{"model": {"input_length": 100}}',
    "input_length at the limit": '{"model": {"input_length": 4096}}',
    "test_size 1": '{"data": {"test_size": 1}}',
    "seed text": '{"train": {"seed": "abc"}}',
    "data seed text": '{"data": {"seed": "abc"}}',
    "seed negative": '{"data": {"seed": -1}}',
    "seed float": '{"train": {"seed": 1e30}}',
    "dropout text": '{"model": {"dropout": "x"}}',
    "encoder_hidden a number": '{"model": {"encoder_hidden": 5}}',
    "encoder_hidden of text": '{"model": {"encoder_hidden": ["a"]}}',
    "batch_norm a number": '{"model": {"batch_norm": 3}}',
    "learning_rate NaN": '{"train": {"learning_rate": NaN}}',
    "epochs Infinity": '{"train": {"epochs": Infinity}}',
    "lstm_chunk not a divisor": '{"model": {"family": "lstm", "lstm_chunk": 3}}',
    "batch bigger than the data": '{"train": {"batch_size": 64}, "data": {"train_size": 5}}',
    "learning rate that diverges": '{"train": {"learning_rate": 100}}',
}
EXPECTED = {
    "nested deeply": "nested more than",
    "input_length unlike the data": "the rows of ECG5000 heartbeats have 140 values",
    "test_size 1": "both a normal and an abnormal",
    "seed text": "TrainConfig.seed: must be a number",
    "dropout text": "ModelConfig.dropout: must be a number",
    "learning rate that diverges": "Nothing was saved",
}


def fails_with_one_line(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run main() in this process; assert exit code 2 and exactly one non-empty line on stderr; return it."""
    code = main(list(args))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err and len(err) > 20, err
    return err


@pytest.fixture
def beats_csv(tmp_path: Path, ecg) -> Path:
    csv = tmp_path / "beats.csv"
    np.savetxt(csv, ecg.signals[:3], delimiter=",", fmt="%.6g")
    return csv


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_hostile_configs_exit_2_before_training(capsys, tmp_path: Path, name: str) -> None:
    config = tmp_path / "cfg.json"
    content = CONFIGS[name]
    config.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "m"
    err = fails_with_one_line(capsys, "train", "--config", str(config), "--out", str(out), "--epochs", "2", "--quiet")
    assert EXPECTED.get(name, "") in err
    assert not out.exists()


def test_divergence_advice_is_below_the_rate_that_diverged(capsys, tmp_path: Path) -> None:
    config = tmp_path / "cfg.json"
    config.write_text(CONFIGS["learning rate that diverges"])
    err = fails_with_one_line(capsys, "train", "--config", str(config), "--out", str(tmp_path / "m"), "--quiet")
    tried, suggested = (float(x) for x in re.search(r"rate (\S+) is too high.*try (\S+)", err).groups())
    assert tried == 100 and suggested < tried


def _blocker(tmp_path: Path) -> Path:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    return blocker


def train_outs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    blocker = _blocker(tmp_path)
    return {
        "existing file where a folder is needed": (blocker, "is a file"),
        "path under a file": (blocker / "model.safetensors", "is a file"),
        "folder under a file": (blocker / "sub" / "model", "is a file"),
        "unwritable place": (UNWRITABLE / "model", "cannot write in /proc"),
    }


@pytest.mark.parametrize("case", ["existing file where a folder is needed", "path under a file", "folder under a file",
                                  "unwritable place"])  # fmt: skip
def test_train_refuses_an_output_it_cannot_write_before_training(capsys, tmp_path: Path, case: str) -> None:
    out, words = train_outs(tmp_path)[case]
    err = fails_with_one_line(capsys, "train", "--out", str(out), "--epochs", "500")  # would take minutes if it trained
    assert "--out" in err and words in err
    assert capsys.readouterr().out == ""  # no epoch ran


def test_train_creates_missing_folders_and_says_so(capsys, tmp_path: Path) -> None:
    config = tmp_path / "cfg.json"
    config.write_text('{"model": {"encoder_hidden": [8], "latent_size": 4}, "data": {"train_size": 300}}')
    out = tmp_path / "new" / "deeper" / "model"
    assert main(["train", "--config", str(config), "--out", str(out), "--epochs", "1", "--quiet"]) == 0
    assert (out / "model.safetensors").is_file() and f"created folder {out}" in capsys.readouterr().out


def score_outs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    blocker = _blocker(tmp_path)
    return {
        "a directory": (tmp_path, "is a folder"),
        "under a file": (blocker / "scores.csv", "is a file"),
        "unwritable place": (UNWRITABLE / "scores.csv", "cannot write in"),
    }


@pytest.mark.parametrize("case", ["a directory", "under a file", "unwritable place"])
def test_score_refuses_an_output_it_cannot_write(capsys, tmp_path: Path, beats_csv: Path, case: str) -> None:
    out, words = score_outs(tmp_path)[case]
    err = fails_with_one_line(capsys, "score", "--model", str(VALID_MODEL), "--csv", str(beats_csv), "--out", str(out))
    assert words in err


def test_score_creates_a_missing_folder_and_says_so(capsys, tmp_path: Path, beats_csv: Path) -> None:
    out = tmp_path / "missing" / "scores.csv"
    assert main(["score", "--model", str(VALID_MODEL), "--csv", str(beats_csv), "--out", str(out)]) == 0
    assert out.is_file() and "created folder" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--csv", "{tmp}"), "cannot read"),
        (("--csv", "{tmp}/none.csv"), "cannot read"),
        (("--threshold", "nan"), "--threshold"),
        (("--threshold", "inf"), "--threshold"),
    ],
)
def test_score_refuses_bad_inputs(capsys, tmp_path: Path, beats_csv: Path, args, words: str) -> None:
    given = dict(zip(args[::2], (a.format(tmp=tmp_path) for a in args[1::2])))
    options = {"--model": str(VALID_MODEL), "--csv": str(beats_csv)} | given
    assert words in fails_with_one_line(capsys, "score", *[x for kv in options.items() for x in kv])


@pytest.mark.parametrize("name", sorted(CRAFTED))
@pytest.mark.parametrize("command", ["score", "export", "serve"])
def test_crafted_model_files_exit_2(capsys, monkeypatch, tmp_path: Path, beats_csv: Path, name: str, command: str) -> None:
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("a crafted model was served"))
    model = tmp_path / "crafted.safetensors"
    model.write_bytes(CRAFTED[name])
    extra = {"score": ["--csv", str(beats_csv)], "export": ["--onnx", str(tmp_path / "m.onnx")], "serve": ["--port", "0"]}
    if command == "serve":
        extra["serve"] = ["--port", str(_free_port())]
    fails_with_one_line(capsys, command, "--model", str(model), *extra[command])
    assert not (tmp_path / "m.onnx").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    ("onnx", "words"),
    [("{tmp}", "ending in .onnx"), ("{tmp}/dir.onnx", "is a folder"), ("{blocker}/m.onnx", "is a file"),
     (f"{UNWRITABLE}/m.onnx", "cannot write in")],
)  # fmt: skip
def test_export_refuses_an_output_it_cannot_write(capsys, tmp_path: Path, onnx: str, words: str) -> None:
    (tmp_path / "dir.onnx").mkdir()
    target = onnx.format(tmp=tmp_path, blocker=_blocker(tmp_path))
    assert words in fails_with_one_line(capsys, "export", "--model", str(VALID_MODEL), "--onnx", target)


def test_serve_refuses_a_port_in_use_and_an_unknown_host(capsys, monkeypatch) -> None:
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("served"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert "cannot listen" in fails_with_one_line(capsys, "serve", "--model", str(VALID_MODEL), "--port", port)
    host = "no-such-host.invalid"
    assert "cannot listen" in fails_with_one_line(capsys, "serve", "--model", str(VALID_MODEL), "--host", host)


REAL_PROCESS_FILES = {
    "crafted header": "header nested deeply",
    "info a list": "info a list",
    "enormous weights": "weights enormous (finite)",
}


@pytest.mark.parametrize("case", ["config nested deeply", "out under a file", *REAL_PROCESS_FILES])
def test_the_real_process_answers_in_one_line(tmp_path: Path, beats_csv: Path, case: str) -> None:
    config, model = tmp_path / "cfg.json", tmp_path / "x.safetensors"
    config.write_text(CONFIGS["nested deeply"])
    model.write_bytes(CRAFTED[REAL_PROCESS_FILES.get(case, "info a list")])
    args = {
        "config nested deeply": ["train", "--config", str(config), "--out", str(tmp_path / "m")],
        "out under a file": ["train", "--out", str(_blocker(tmp_path) / "m.safetensors")],
    }.get(case, ["score", "--model", str(model), "--csv", str(beats_csv)])
    result = subprocess.run([sys.executable, "-m", "anomaly_core", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: ") and result.stdout == ""



def test_the_default_batch_shrinks_to_a_tiny_training_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only 5 training beats: the default batch of 128 becomes 4 (said on stderr); a chosen batch is refused above."""
    config = tmp_path / "tiny.json"
    config.write_text('{"data": {"train_size": 5}, "train": {"epochs": 2}}')
    assert main(["train", "--config", str(config), "--quiet", "--out", str(tmp_path / "m")]) == 0
    assert "batch_size 128 → 4: the data has 5 training rows" in capsys.readouterr().err
