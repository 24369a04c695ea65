"""Crafted model files: the core loader, AnomalyDetector.load and the sidebar upload refuse each with a clear message.

After a refused upload the session keeps its previous model and every page still runs without an exception.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core import AnomalyDetector, ModelFileError, load_model, model_from_bytes
from tests.hostile_files import crafted_model_files, ui_only_files
from ui.current_model import ACTIVE_MODEL_KEY, default_model
from ui.model_file import model_file_bytes, model_from_upload
from ui.model_guard import BACK_KEY
from ui.sidebar import UPLOAD_KEY

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
VALID = (ROOT / "assets" / "default_model.safetensors").read_bytes()
CRAFTED = crafted_model_files(VALID)
UI_ONLY = ui_only_files(VALID)
ISSUE_CASES = ["header nested deeply", "metadata text nested deeply", "info a list", "info a string", "weights enormous (finite)"]


def test_the_corpus_is_what_the_issue_counts() -> None:
    assert len(CRAFTED) >= 40 and set(ISSUE_CASES) <= set(CRAFTED)
    assert model_from_bytes(VALID).config.input_length == 140  # the file they are all made from is valid


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_the_core_loader_refuses_each_crafted_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(ModelFileError) as refused:
        model_from_bytes(CRAFTED[name])
    assert len(str(refused.value)) > 15 and "Traceback" not in str(refused.value)
    path = tmp_path / "crafted.safetensors"
    path.write_bytes(CRAFTED[name])
    with pytest.raises(ModelFileError, match=str(refused.value)[:20].replace("(", r"\(")):
        load_model(path)
    with pytest.raises(ModelFileError):
        AnomalyDetector.load(path)


@pytest.mark.parametrize("name", sorted(CRAFTED | UI_ONLY))
def test_the_upload_refuses_each_crafted_file(name: str) -> None:
    with pytest.raises(ModelFileError):
        model_from_upload("x.safetensors", (CRAFTED | UI_ONLY)[name])


def test_messages_name_what_is_wrong() -> None:
    expected = {
        "header nested deeply": "nested more than",
        "info a list": "'info' must be a JSON object, not a list",
        "info a string": "not a string",
        "weights enormous (finite)": "scores overflow",
        "info.epochs text": "info.epochs must be a whole number",
        "scaler NaN": "finite numbers",
    }
    for name, words in expected.items():
        with pytest.raises(ModelFileError, match=words.replace("(", r"\(")):
            model_from_bytes(CRAFTED[name])


def test_scores_that_overflow_only_on_the_test_beats_are_refused_by_the_upload(monkeypatch) -> None:
    ready = default_model()

    def overflowing(model, x, kind):
        return np.full(len(x), np.inf, dtype=np.float32)

    monkeypatch.setattr("ui.current_model.anomaly_scores", overflowing)
    with pytest.raises(ModelFileError, match="cannot score|overflow"):
        model_from_upload("x.safetensors", model_file_bytes(ready))


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def _upload(at: AppTest, name: str, data: bytes) -> None:
    at.sidebar.file_uploader(key=UPLOAD_KEY).set_value((name, data, "application/octet-stream")).run()


def _refusals(at: AppTest) -> list[str]:
    return [e.value for e in at.sidebar.error if e.value.startswith("This file was refused: ")]


@pytest.mark.parametrize("name", sorted(CRAFTED | UI_ONLY))
def test_a_refused_upload_leaves_the_previous_model_current(name: str) -> None:
    at = _app()
    _upload(at, "mine.safetensors", VALID)
    assert at.session_state[ACTIVE_MODEL_KEY].name == "Uploaded: mine.safetensors"
    _upload(at, f"{name}.safetensors", (CRAFTED | UI_ONLY)[name])
    assert not at.exception, at.exception
    assert len(_refusals(at)) == 1 and "Upload a model downloaded from Anomaly Lab" in _refusals(at)[0]
    assert at.session_state[ACTIVE_MODEL_KEY].name == "Uploaded: mine.safetensors"


@pytest.mark.parametrize("name", ISSUE_CASES)
def test_after_a_refused_upload_every_page_keeps_working(name: str) -> None:
    at = _app()
    _upload(at, f"{name}.safetensors", CRAFTED[name])
    assert _refusals(at)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert at.title, f"{page} shows no title after a refused upload"
        assert ACTIVE_MODEL_KEY not in at.session_state or at.session_state[ACTIVE_MODEL_KEY] is None  # the ready model


def test_a_page_that_fails_on_the_sessions_model_offers_the_ready_model() -> None:
    broken = dataclasses.replace(default_model(), name="Broken", is_default=False, test_scores=np.array([np.nan]))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[ACTIVE_MODEL_KEY] = broken
    at.run()
    failing = []
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        failing += [page] if _has_back(at) else []
    assert failing, "some page must use the test scores"
    at.switch_page(failing[0]).run()
    assert any("could not use the current model, Broken" in e.value for e in at.error)
    at.button(key=BACK_KEY).click().run()
    assert at.session_state[ACTIVE_MODEL_KEY] is None and not at.exception and not _has_back(at)
    assert not any("could not use" in e.value for e in at.error)


def _has_back(at: AppTest) -> bool:
    return any(b.key == BACK_KEY for b in at.button)
