"""The scoring API answers as `python -m anomaly_core score` does, and every bad request gets a 4xx naming its problem."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from anomaly_core import DataConfig, ModelConfig, TrainConfig, Trainer, build_model, make_split, save_model
from anomaly_core.__main__ import main
from anomaly_core.persistence import ModelInfo, load_model
from anomaly_core.serve import create_app
from anomaly_core.serve_input import ServeLimits

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def model_path(ecg, tmp_path_factory) -> Path:
    split = make_split(ecg, DataConfig(train_size=300, test_size=200, seed=0))
    trainer = Trainer(
        build_model(ModelConfig(encoder_hidden=(32,), latent_size=8), seed=0), split, TrainConfig(epochs=3, device="cpu")
    )
    list(trainer.fit())
    info = ModelInfo(threshold=float(np.median(trainer.train_scores())), auc=0.9, epochs=3, data=DataConfig(train_size=300))
    return save_model(tmp_path_factory.mktemp("serve") / "model.safetensors", trainer.model, split.scaler, info)


@pytest.fixture(scope="module", params=["onnx", "torch"])
def client(request, model_path) -> TestClient:
    app = create_app(load_model(model_path), engine=request.param, limits=ServeLimits(max_body_bytes=200_000, max_beats=50))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def beats(ecg) -> np.ndarray:
    return ecg.signals[::125][:40]  # normal and abnormal beats


def cli_scores(tmp_path: Path, model_path: Path, beats: np.ndarray, capsys, *extra: str) -> tuple[np.ndarray, list[str]]:
    csv = tmp_path / "beats.csv"
    np.savetxt(csv, beats, delimiter=",", fmt="%.9g")
    assert main(["score", "--model", str(model_path), "--csv", str(csv), *extra]) == 0
    rows = [line.split(",") for line in capsys.readouterr().out.strip().splitlines()[1:]]
    return np.array([float(r[1]) for r in rows]), [r[2] for r in rows]


def assert_same_as_cli(answer: dict, scores: np.ndarray, verdicts: list[str]) -> None:
    np.testing.assert_allclose(answer["scores"], scores, rtol=1e-5)  # the CLI prints 6 significant digits
    assert answer["verdicts"] == verdicts and answer["anomalies"] == verdicts.count("anomaly")


def test_json_answers_equal_the_cli_score(client, model_path, beats, tmp_path, capsys) -> None:
    scores, verdicts = cli_scores(tmp_path, model_path, beats, capsys)
    assert 0 < verdicts.count("anomaly") < len(verdicts)
    answer = client.post("/score", json=beats.tolist())
    assert answer.status_code == 200, answer.text
    assert_same_as_cli(answer.json(), scores, verdicts)


def test_csv_upload_and_threshold_override_equal_the_cli_score(client, model_path, beats, tmp_path, capsys) -> None:
    scores, verdicts = cli_scores(tmp_path, model_path, beats, capsys, "--threshold", "0.004")
    csv = (tmp_path / "beats.csv").read_bytes()
    upload = client.post("/score", params={"threshold": 0.004}, files={"file": ("beats.csv", csv, "text/csv")})
    assert upload.status_code == 200, upload.text
    assert_same_as_cli(upload.json(), scores, verdicts)
    raw = client.post("/score", content=csv, headers={"content-type": "text/csv"}, params={"threshold": 0.004})
    in_body = client.post("/score", json={"beats": beats.tolist(), "threshold": 0.004})
    assert raw.json() == upload.json() == in_body.json()


def test_health_model_and_docs(client, model_path) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    model = client.get("/model").json()
    assert model["family"] == "dense" and model["input_length"] == 140 and model["metrics"] == {"auc": 0.9}
    assert model["threshold"] == load_model(model_path).info.threshold and model["training"]["data"]["train_size"] == 300
    assert client.get("/docs").status_code == 200
    assert "/score" in client.get("/openapi.json").json()["paths"]


ROW = [0.0] * 140
CSV = {"content-type": "text/csv"}
BAD_REQUESTS = {
    "empty body": ({"content": b"", "headers": {"content-type": "application/json"}}, 422, "body is empty"),
    "empty list": ({"json": []}, 422, "list of beats is empty"),
    "invalid json": ({"content": b"[[1, 2", "headers": {"content-type": "application/json"}}, 400, "not valid JSON"),
    "body too large": ({"json": [ROW] * 400}, 413, "limit is 200000 bytes"),
    "too many beats": ({"json": [[0] * 140] * 51}, 413, "51 beats in one request; the limit is 50"),
    "wrong length": ({"json": [ROW, [0.0] * 139]}, 422, "beat 2 has 139 values; each beat needs exactly 140"),
    "flat list": ({"json": ROW}, 422, "beat 1 is not a list of numbers"),
    "a string": ({"json": [[*ROW[:9], "abc", *ROW[10:]]]}, 422, "beat 1, value 10 is not a number: 'abc'"),
    "a boolean": ({"json": [[True, *ROW[1:]]]}, 422, "value 1 is not a number: True"),
    "a null": ({"json": [[*ROW[:-1], None]]}, 422, "value 140 is not a number: None"),
    "NaN": (
        {"content": b"[[NaN" + b", 0" * 139 + b"]]", "headers": {"content-type": "application/json"}},
        422,
        "NaN or infinite",
    ),
    "infinity": (
        {"content": b"[[1e999" + b", 0" * 139 + b"]]", "headers": {"content-type": "application/json"}},
        422,
        "NaN or infinite",
    ),
    "huge int": (
        {"content": b"[[" + b"9" * 400 + b", 0" * 139 + b"]]", "headers": {"content-type": "application/json"}},
        422,
        "too large",
    ),
    "unknown field": ({"json": {"beats": [ROW], "limit": 3}}, 422, "unknown field(s) limit"),
    "no beats field": ({"json": {"threshold": 1}}, 422, "'beats' is missing"),
    "bad threshold in body": ({"json": {"beats": [ROW], "threshold": "high"}}, 422, "threshold: must be a finite number"),
    "bad threshold in query": ({"json": [ROW], "params": {"threshold": "high"}}, 422, "threshold: "),
    "infinite threshold": ({"json": [ROW], "params": {"threshold": "inf"}}, 422, "threshold: must be a finite number"),
    "threshold twice": ({"json": {"beats": [ROW], "threshold": 1}, "params": {"threshold": 2}}, 422, "threshold given twice"),
    "csv wrong columns": (
        {"content": b"1,2,3\n", "headers": {"content-type": "text/csv"}},
        422,
        "CSV: each row needs 140 values",
    ),
    "csv text cell": (
        {"content": ("0," * 139 + "0\n" + "0," * 9 + "x," + "0," * 129 + "0\n").encode(), "headers": CSV},
        422,
        "row 2, column 10 is not a number: 'x'",
    ),
    "csv NaN": (
        {"content": ("nan," + "0," * 138 + "0\n").encode(), "headers": {"content-type": "text/csv"}},
        422,
        "NaN or infinite",
    ),
    "upload without file field": ({"files": {"other": ("a.csv", b"1,2", "text/csv")}}, 422, "form field 'file'"),
    "wrong content type": ({"content": b"hello", "headers": {"content-type": "text/plain"}}, 415, "'text/plain' is not accepted"),
}


@pytest.mark.parametrize("name", list(BAD_REQUESTS))
def test_every_bad_request_gets_a_4xx_naming_the_problem(client, name) -> None:
    request, status, message = BAD_REQUESTS[name]
    answer = client.post("/score", **request)
    assert answer.status_code == status and message in answer.json()["detail"], answer.text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_real_uvicorn_process_on_loopback_answers_like_the_cli(model_path, beats, tmp_path, capsys) -> None:
    scores, verdicts = cli_scores(tmp_path, model_path, beats, capsys)
    port = free_port()
    command = [sys.executable, "-m", "anomaly_core", "serve", "--model", str(model_path), "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        answer = httpx.post(f"{url}/score", content=json.dumps(beats.tolist()), headers={"content-type": "application/json"})
        assert answer.status_code == 200, answer.text
        assert_same_as_cli(answer.json(), scores, verdicts)
        assert httpx.post(f"{url}/score", json=[[1.0] * 3]).status_code == 422
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        server.stderr.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--model", "/no/such/model"], "no model file"),
        (["serve", "--model", "m", "--port", "70000"], "--port: choose 1 to 65535"),
        (["serve", "--model", "m", "--engine", "tf"], "invalid choice"),
    ],
)
def test_cli_serve_bad_input_gives_one_line_and_exit_code_2(capsys, args, message) -> None:
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and message in err, err
