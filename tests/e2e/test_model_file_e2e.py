"""The sidebar's model download gives a file that loads back as the same model."""

from pathlib import Path

import numpy as np
import pytest

from anomaly_core import anomaly_scores, load_model
from tests.e2e.conftest import assert_healthy, open_page
from ui.current_model import default_model

pytestmark = pytest.mark.e2e


def test_downloading_the_model_gives_a_loadable_weights_file(page, tmp_path: Path) -> None:
    open_page(page, "")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Model file", exact=True).click()
    with page.expect_download() as download:
        sidebar.get_by_role("button", name="Download this model").click()
    path = tmp_path / "model.safetensors"
    download.value.save_as(path)
    saved = load_model(path, expected_length=140)
    ready = default_model()
    np.testing.assert_allclose(anomaly_scores(saved.model, ready.split.x_test, "mse"), ready.test_scores, rtol=1e-6)
    assert_healthy(page)
