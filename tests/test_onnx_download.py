"""The sidebar's Model file menu offers the current model as ONNX, which scores raw beats as the app does."""

from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from anomaly_core.engines import OnnxScorer
from ui.current_model import default_model
from ui.model_file import model_onnx_bytes

ROOT = Path(__file__).resolve().parents[1]


def test_the_onnx_download_scores_like_the_app() -> None:
    ready = default_model()
    raw = ready.split.scaler.inverse(ready.split.x_test)
    scorer = OnnxScorer(model_onnx_bytes(ready))
    np.testing.assert_allclose(scorer(raw), ready.test_scores, rtol=1e-4, atol=1e-5)
    assert float(scorer.metadata["threshold"]) == ready.threshold


def test_the_sidebar_offers_both_downloads() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    labels = [button.label for button in at.sidebar.get("download_button")]
    assert labels == ["Download this model", "Download as ONNX"], labels
