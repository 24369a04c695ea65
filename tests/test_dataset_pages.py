"""The pages follow the dataset chosen on the Data page (AppTest, real data, real training in the workers):
Train trains on it, Evaluate shows digits as images and the long signal over time, Draw offers a digit pad,
Compare runs the baselines on it, Sweep sweeps it, links carry it (never a CSV), and a model refuses another
dataset's page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core import DataConfig
from anomaly_core.baselines import BASELINE_LABELS
from anomaly_core.runs import RunSettings
from anomaly_core.runs.store import open_store
from anomaly_core.uploads import save_upload
from tests.test_csv_dataset import BAD_CSV, ecg_as_csv
from tests.test_sweep_page import set_builder, sweep_runs, wait_settled
from tests.test_train_page import chart_keys, open_app, train
from ui.current_model import ACTIVE_MODEL_KEY
from ui.data.charts import class_count_figure
from ui.data.picker import DIGIT_KEY, PICK_KEY, UPLOAD_KEY
from ui.dataset_figures import class_color
from ui.figures import ANOMALY_COLOR, NORMAL_COLOR
from ui.runs import FOLLOWED_RUN_KEY, TOKEN_KEY
from ui.settings import SETTINGS_KEY, LabSettings
from ui.sharing.codec import SharedState, decode_params, encode_params
from ui.sharing.settings_file import settings_from_json, settings_to_json

ROOT = Path(__file__).resolve().parents[1]


def texts(elements) -> str:
    return " ".join(str(element.value) for element in elements)


def choose(at: AppTest, dataset: str) -> AppTest:
    """Pick a dataset on the Data page."""
    at.switch_page("pages/data.py").run()
    at.selectbox(key=PICK_KEY).set_value(dataset).run()
    assert not at.exception
    return at


def trained_on(dataset: str, epochs: int = 30) -> AppTest:
    """The app with `dataset` chosen and a model trained on it in the workers."""
    at = choose(open_app("pages/data.py"), dataset)
    at.switch_page("pages/train.py").run()
    at.number_input(key="w_epochs").set_value(epochs).run()
    train(at)
    return at


@pytest.fixture(scope="module")
def digits_app() -> AppTest:
    return trained_on("digits")


@pytest.fixture(scope="module")
def series_app() -> AppTest:
    return trained_on("long_signal")


@pytest.mark.parametrize(("dataset", "length", "rows"), [("ecg200", 96, 200), ("ecgfivedays", 136, 884), ("digits", 64, 1797)])
def test_choosing_a_dataset_sets_the_input_length_and_shows_its_rows(dataset: str, length: int, rows: int) -> None:
    at = choose(open_app("pages/data.py"), dataset)
    settings = at.session_state[SETTINGS_KEY]
    assert settings.data.dataset == dataset and settings.model.input_length == length
    assert at.dataframe[0].value.iloc[:, 3].sum() == rows  # the class table counts every row
    assert f"{length} values" in texts(at.markdown)


def test_digits_show_as_a_grid_of_images_and_the_normal_digit_can_be_chosen() -> None:
    at = choose(open_app("pages/data.py"), "digits")
    assert "data_image_grid" in chart_keys(at)
    at.selectbox(key=DIGIT_KEY).set_value(3).run()
    assert at.session_state[SETTINGS_KEY].data.normal_class == 3
    table = at.dataframe[0].value
    assert list(table.loc[table["in this lab"] == "normal", "class"]) == [3]


def test_long_signal_shows_the_whole_series_with_its_spans() -> None:
    at = choose(open_app("pages/data.py"), "long_signal")
    assert "data_long_signal" in chart_keys(at)
    assert "10 injected anomalies (shaded)" in texts(at.caption)


def test_train_evaluate_draw_and_compare_follow_the_digits(digits_app: AppTest) -> None:
    at = digits_app
    model = at.session_state[ACTIVE_MODEL_KEY]
    assert model.config.input_length == 64 and model.split.config.dataset == "digits"
    run = open_store(RunSettings.from_env()).get_run(at.session_state[TOKEN_KEY], at.session_state[FOLLOWED_RUN_KEY])
    assert run.spec.data.dataset == "digits" and run.spec.model.input_length == 64
    at.switch_page("pages/evaluate.py").run(timeout=120)
    assert not at.exception
    assert {"eval_images_top", "eval_images_odd_normal", "eval_images_lookalike"} <= chart_keys(at)
    assert "The most anomalous test image is a Digit" in texts(at.caption)
    at.switch_page("pages/draw.py").run()
    assert not at.exception
    assert "draw a digit on it" in texts(at.info)
    at.switch_page("pages/compare.py").run(timeout=240)
    assert not at.exception
    board = at.dataframe[0].value
    assert set(BASELINE_LABELS.values()) <= set(board["model"])  # the four baselines, fitted on the digits
    assert board["ROC AUC"].min() > 0.7
    assert "Handwritten digits" in texts(at.caption)


def test_evaluate_shows_the_long_signal_over_time_with_event_metrics(series_app: AppTest) -> None:
    at = series_app
    at.switch_page("pages/evaluate.py").run(timeout=120)
    assert not at.exception
    assert "eval_series" in chart_keys(at)
    labels = {metric.label for metric in at.metric}
    assert {"Point precision", "Point recall", "Event precision", "Event recall"} <= labels
    assert "injected anomalies caught" in texts(at.caption)


def test_a_model_of_another_dataset_is_shown_on_its_own_data_with_a_warning(digits_app: AppTest) -> None:
    at = choose(digits_app, "ecg5000")
    at.switch_page("pages/evaluate.py").run(timeout=120)
    assert not at.exception
    assert "was trained on Handwritten digits" in texts(at.warning)
    choose(at, "digits")  # back, for the other tests sharing this app


def test_a_link_carries_the_dataset_and_its_options() -> None:
    at = open_app("pages/data.py", dataset="long_signal", signal_anomalies="spike,flat", signal_trend="1")
    data = at.session_state[SETTINGS_KEY].data
    assert (data.dataset, data.anomaly_kinds, data.signal_trend) == ("long_signal", ("spike", "flat"), True)
    assert at.session_state[SETTINGS_KEY].model.input_length == 64


def test_links_and_settings_files_round_trip_a_dataset_but_never_a_csv() -> None:
    digits = LabSettings(data=DataConfig(dataset="digits", normal_class=3))
    decoded, ignored = decode_params(encode_params(SharedState(settings=digits)))
    assert decoded.settings.data == digits.data and not ignored
    private = LabSettings(data=DataConfig(dataset="csv", csv_digest="a" * 64))
    params = encode_params(SharedState(settings=private))
    assert "dataset" not in params and not any("a" * 64 in value for value in params.values())
    _, ignored = decode_params({"dataset": "csv"})
    assert "never carries an uploaded CSV" in ignored[0]
    settings, _ = settings_from_json(settings_to_json(digits))
    assert settings.data == digits.data
    assert b"csv_digest" not in settings_to_json(private)


def csv_session(data: bytes) -> AppTest:
    """The app with `data` kept as this session's upload (as the Data page's uploader keeps it) and chosen."""
    at = open_app("pages/data.py")
    digest = save_upload(RunSettings.from_env().data_dir, at.session_state[TOKEN_KEY], data)
    at.session_state[SETTINGS_KEY] = LabSettings(data=DataConfig(dataset="csv", csv_digest=digest))
    at.run()
    assert not at.exception
    return at


def test_a_labelled_csv_trains_in_the_workers_and_is_evaluated(ecg) -> None:
    at = csv_session(ecg_as_csv(ecg, rows=800))
    assert at.selectbox(key=PICK_KEY).value == "csv"
    assert "Your 800 rows of 140 values" in texts(at.caption)
    at.switch_page("pages/train.py").run()
    at.number_input(key="w_epochs").set_value(15).run()
    train(at)
    model = at.session_state[ACTIVE_MODEL_KEY]
    assert model.split.config.dataset == "csv" and model.summary.auc > 0.85
    at.switch_page("pages/evaluate.py").run(timeout=120)
    assert not at.exception and not at.warning


def test_a_csv_without_labels_trains_and_scores_but_says_metrics_need_labels(ecg) -> None:
    rows = "\n".join(",".join(f"{v:.5g}" for v in row) for row in ecg.signals[ecg.classes == 1][:300]) + "\n"
    at = csv_session(rows.encode())
    at.switch_page("pages/train.py").run()
    at.number_input(key="w_epochs").set_value(5).run()
    train(at)
    model = at.session_state[ACTIVE_MODEL_KEY]
    assert model.epochs == 5 and model.test_scores.shape == (60,) and np.isfinite(model.test_scores).all()
    assert "need labels" in texts(at.info)
    for page in ("pages/evaluate.py", "pages/draw.py", "pages/compare.py"):
        at.switch_page(page).run(timeout=240)
        assert not at.exception, page
    assert "need labels" in texts(at.info)  # Compare's curves


@pytest.mark.parametrize("bad", ["empty", "ragged rows", "NaN cell", "binary junk", "labels without a normal class"])
def test_a_bad_upload_on_the_data_page_says_what_to_change_and_changes_nothing(bad: str) -> None:
    at = open_app("pages/data.py")
    at.selectbox(key=PICK_KEY).set_value("csv").run()
    assert "Upload a CSV to use it" in texts(at.info)
    data, words = BAD_CSV[bad]
    at.file_uploader(key=UPLOAD_KEY).upload("bad.csv", data).run()
    assert not at.exception
    assert "This CSV was not used" in at.error[0].value and words in at.error[0].value
    assert at.session_state[SETTINGS_KEY].data.dataset == "ecg5000"


def test_a_good_upload_on_the_data_page_is_kept_with_the_session_only(ecg) -> None:
    at = open_app("pages/data.py")
    at.selectbox(key=PICK_KEY).set_value("csv").run()
    at.file_uploader(key=UPLOAD_KEY).upload("mine.csv", ecg_as_csv(ecg, rows=500)).run()
    assert not at.exception
    assert "Using your CSV: 500 rows of 140 values" in at.success[0].value
    data = at.session_state[SETTINGS_KEY].data
    assert data.dataset == "csv" and at.session_state[SETTINGS_KEY].model.input_length == 140
    kept = RunSettings.from_env().data_dir / "uploads" / at.session_state[TOKEN_KEY] / f"{data.csv_digest}.csv"
    assert kept.is_file()
    params = encode_params(SharedState(settings=at.session_state[SETTINGS_KEY]))
    assert "dataset" not in params and data.csv_digest not in "".join(params.values())


@pytest.mark.parametrize("dataset", ["ecg200", "csv"])
def test_the_sweep_page_sweeps_the_chosen_dataset(dataset: str, ecg) -> None:
    """A sweep starts from the current settings: its runs train on the Data page's dataset (a CSV: the session's)."""
    at = choose(open_app("pages/data.py"), dataset) if dataset != "csv" else csv_session(ecg_as_csv(ecg, rows=600))
    length = 96 if dataset == "ecg200" else 140
    at.switch_page("pages/sweep.py").run()
    assert not at.exception
    set_builder(at, "latent_size", "2, 8")
    at.button(key="sweep_start").click().run()
    assert not at.exception and not at.error
    runs = wait_settled(at) and sweep_runs(at)
    assert [run.status for run in runs] == ["finished", "finished"], [run.message for run in runs]
    assert {run.spec.data.dataset for run in runs} == {dataset}
    assert {run.spec.model.input_length for run in runs} == {length}
    assert all(0.7 < run.metrics["auc"] <= 1 for run in runs)


def test_the_class_count_bars_take_the_classes_colours_on_every_dataset() -> None:
    """ECG200's labels sort -1 before 1: the normal class (1) still gets the normal colour, as in the browser."""
    counts = {-1: 67, 1: 133}
    colors = {c: class_color(c, list(counts), (1,)) for c in counts}
    bars = class_count_figure(counts, colors=colors)["data"][0]
    assert bars["marker"]["color"] == [ANOMALY_COLOR, NORMAL_COLOR]
