"""The sidebar's model file: a downloaded model uploads again with identical scores; bad files are refused."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core import ModelFileError, anomaly_scores
from tests.model_files import write_pickle_exploit
from ui.current_model import default_model
from ui.model_file import model_file_bytes, model_from_upload

ROOT = Path(__file__).resolve().parents[1]


def test_download_then_upload_gives_the_same_model_and_scores() -> None:
    ready = default_model()
    again = model_from_upload("mine.safetensors", model_file_bytes(ready))
    assert again.name == "Uploaded: mine.safetensors" and again.epochs == ready.epochs
    np.testing.assert_array_equal(again.test_scores, ready.test_scores)
    assert again.split.config == ready.split.config


def test_a_pickle_upload_is_refused_and_not_executed(tmp_path) -> None:
    path = tmp_path / "evil.safetensors"
    marker = write_pickle_exploit(path)
    with pytest.raises(ModelFileError):
        model_from_upload("evil.safetensors", path.read_bytes())
    assert not marker.exists()


@pytest.mark.parametrize("data", [b"", b"hello", b"\x00" * 64])
def test_garbage_uploads_are_refused(data: bytes) -> None:
    with pytest.raises(ModelFileError):
        model_from_upload("x.safetensors", data)


def test_every_page_shows_the_model_card_and_a_download() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("test AUC" in t.value for t in at.sidebar.text)
    assert at.sidebar.get("download_button")


def test_the_card_follows_the_sessions_model() -> None:
    ready = default_model()
    uploaded = model_from_upload("other.safetensors", model_file_bytes(ready))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["active_model"] = uploaded  # (AppTest re-delivers the sidebar only on a first run)
    at.run()
    assert not at.exception
    assert any(m.value == "**Uploaded: other.safetensors**" for m in at.sidebar.markdown)
    assert np.allclose(anomaly_scores(uploaded.model, ready.split.x_test[:3]), ready.test_scores[:3])
