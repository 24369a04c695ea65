"""The README's onnxruntime and notebook examples run as written, and print what they promise."""

import re
from pathlib import Path

import numpy as np
import pytest

from anomaly_core.engines import TorchScorer
from anomaly_core.export import export_onnx
from anomaly_core.persistence import load_model

ROOT = Path(__file__).resolve().parents[1]


def python_block(starting: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    return next(block for block in blocks if block.startswith(starting))


@pytest.fixture
def beats_csv(ecg, tmp_path, monkeypatch) -> np.ndarray:
    monkeypatch.chdir(tmp_path)
    beats = ecg.signals[::500]
    np.savetxt("beats.csv", beats, delimiter=",", fmt="%.9g")
    return beats


def test_the_onnxruntime_example(beats_csv, capsys) -> None:
    code = python_block("import numpy as np\nimport onnxruntime")
    assert len(code.strip().splitlines()) <= 10
    saved = load_model(ROOT / "assets" / "default_model.safetensors")
    export_onnx(saved, "model.onnx")
    exec(code, {})
    lines = capsys.readouterr().out.split("\n")[:-1]
    expected = TorchScorer(saved)(beats_csv)
    assert len(lines) == len(beats_csv)
    np.testing.assert_allclose([float(line.split()[1]) for line in lines], expected, rtol=1e-5)
    assert [line.split()[2] for line in lines] == ["anomaly" if s >= saved.info.threshold else "normal" for s in expected]


def test_the_notebook_example(beats_csv, capsys) -> None:
    code = python_block("from anomaly_core import AnomalyDetector")
    assert len(code.strip().splitlines()) == 5
    exec(code.replace("epochs=20", "epochs=3"), {})  # the same lines, trained shorter
    assert capsys.readouterr().out.count("[") == 2
