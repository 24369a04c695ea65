"""Data page under AppTest on the real ECG5000 beats: classes and counts, the browser, bands, scaling, the split."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core import CLASS_NAMES, DataConfig, EcgData, make_split
from ui.data.explore import BANDS_KEY, BEAT_KEY, CLASS_KEY, OVERLAY_KEY, beats_of_class
from ui.data.split import scaling_sentence
from ui.presets import PRESETS
from ui.settings import SETTINGS_KEY, LabSettings

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTED_COUNTS = {1: 2919, 2: 1767, 3: 96, 4: 194, 5: 24}


@pytest.fixture
def data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def captions(at: AppTest) -> list[str]:
    return [caption.value for caption in at.caption]


def scaling_caption(at: AppTest) -> str:
    return next(text for text in captions(at) if text.startswith("Scaling maps"))


def test_class_table_names_and_counts_every_class(data_page: AppTest, ecg: EcgData) -> None:
    table = data_page.dataframe[0].value
    assert dict(zip(table["class"], table["beats"])) == DOCUMENTED_COUNTS
    names = dict(zip(table["class"], table["name (short name in charts)"]))
    assert all(names[label].startswith(CLASS_NAMES[label]) for label in CLASS_NAMES)
    assert list(table["in this lab"]) == ["normal", "abnormal", "abnormal", "abnormal", "abnormal"]
    assert table["beats"].sum() == len(ecg.classes) == 5000
    assert any("140 samples" in md.value for md in data_page.markdown)


def test_page_runs_inside_the_app(ecg: EcgData) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert at.dataframe[0].value["beats"].sum() == 5000


@pytest.mark.parametrize("label", sorted(CLASS_NAMES))
def test_browser_walks_every_class_to_its_last_beat(data_page: AppTest, ecg: EcgData, label: int) -> None:
    data_page.selectbox(key=CLASS_KEY).set_value(label).run()
    slider = data_page.slider(key=BEAT_KEY)
    assert (slider.min, slider.max) == (1, DOCUMENTED_COUNTS[label])
    slider.set_value(DOCUMENTED_COUNTS[label]).run()
    assert not data_page.exception
    last_row = beats_of_class(ecg, label)[-1]
    raw = ecg.signals[last_row]
    assert f"raw {raw.min():.2f} … {raw.max():.2f}" in scaling_caption(data_page)


def test_changing_class_restarts_at_its_first_beat(data_page: AppTest) -> None:
    data_page.selectbox(key=CLASS_KEY).set_value(1).run()
    data_page.slider(key=BEAT_KEY).set_value(2000).run()
    data_page.selectbox(key=CLASS_KEY).set_value(5).run()
    assert not data_page.exception
    assert data_page.slider(key=BEAT_KEY).value == 1


def test_overlay_toggle_and_bands_selection(data_page: AppTest) -> None:
    data_page.toggle(key=OVERLAY_KEY).set_value(False).run()
    assert not data_page.exception
    data_page.multiselect(key=BANDS_KEY).set_value([1, 2, 3, 4, 5]).run()
    assert not data_page.exception and not data_page.info
    data_page.multiselect(key=BANDS_KEY).set_value([]).run()
    assert "Choose at least one class" in data_page.info[0].value


def test_scaled_values_come_from_the_training_scaler(data_page: AppTest, ecg: EcgData) -> None:
    scaler = make_split(ecg, DataConfig()).scaler
    row = beats_of_class(ecg, 2)[0]  # the browser starts at class 2, beat 1
    scaled = scaler.transform(ecg.signals[row])
    caption = scaling_caption(data_page)
    assert "each time step's lowest training value to 0 and its highest to 1" in caption
    assert f"the lows run from {scaler.minimum.min():.2f} to {scaler.minimum.max():.2f}" in caption
    assert f"the highs from {scaler.maximum.min():.2f} to {scaler.maximum.max():.2f}" in caption
    assert f"scaled {scaled.min():.3f} … {scaled.max():.3f}" in caption


def test_a_global_scaler_is_described_by_its_one_range(ecg: EcgData) -> None:
    scaler = make_split(ecg, DataConfig(scaling="global")).scaler
    sentence = scaling_sentence(scaler)
    assert f"lowest value {scaler.minimum:.2f} to 0 and highest {scaler.maximum:.2f} to 1" in sentence


def test_composition_follows_the_train_page_settings(data_page: AppTest) -> None:
    default = data_page.dataframe[1].value
    assert default.loc["1 · Normal", "training"] > 2000
    assert default["training"].iloc[1:].sum() == 0  # the default trains on normal beats only
    data_page.session_state[SETTINGS_KEY] = PRESETS["contaminated"].settings
    data_page.run()
    assert not data_page.exception
    table = data_page.dataframe[1].value
    share = table["training"].iloc[1:].sum() / table["training"].sum()
    assert share == pytest.approx(0.3, abs=0.01)
    assert any("Contaminated training" in text for text in captions(data_page))
    assert any("(30% abnormal)" in md.value for md in data_page.markdown)


def test_settings_that_cannot_be_split_get_a_warning(data_page: AppTest) -> None:
    data_page.session_state[SETTINGS_KEY] = LabSettings(data=DataConfig(train_size=4000))
    data_page.run()
    assert not data_page.exception
    assert "cannot be split" in data_page.warning[0].value and "choose at most" in data_page.warning[0].value
    assert "Scaling maps" in scaling_caption(data_page)  # the rest of the page still works
