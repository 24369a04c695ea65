"""Compare page under AppTest on real ECG5000: baselines only, two trained models, sorting, split grouping, caching."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import ui.baseline_fits as baseline_fits
import ui.compare.rows as compare_data
from anomaly_core import DataConfig, ModelConfig, TrainConfig, Trainer, build_model, make_split
from anomaly_core.baselines import BASELINE_LABELS
from ui.compare.table import leaderboard_frame
from ui.current_model import TRAINED_MODELS_KEY, make_active_model

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "compare.py")


def _trained(split, cfg: ModelConfig, name: str, epochs: int):
    trainer = Trainer(build_model(cfg, seed=0), split, TrainConfig(epochs=epochs, device="cpu"))
    list(trainer.fit())
    return make_active_model(name, trainer.model, split, "mse", epochs=epochs, train_seconds=trainer.seconds)


@pytest.fixture(scope="module")
def two_models(default_split):
    return [
        _trained(default_split, ModelConfig(), "Dense, 3 epochs", 3),
        _trained(default_split, ModelConfig(family="conv"), "Conv, 2 epochs", 2),
    ]


@pytest.fixture(scope="module")
def other_split_model(ecg):
    split = make_split(ecg, DataConfig(train_size=300, test_size=200, seed=1))
    return _trained(split, ModelConfig(), "Small-split dense", 3)


def _run(models=None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    if models is not None:
        at.session_state[TRAINED_MODELS_KEY] = list(models)
    at.run()
    assert not at.exception, at.exception
    return at


def _board(at: AppTest):
    return at.dataframe[0].value


def test_only_baselines_and_the_ready_model_before_any_training() -> None:
    at = _run()
    board = _board(at)
    assert sorted(board["model"]) == sorted([*BASELINE_LABELS.values(), "Ready default model"])
    assert "ready default model" in at.info[0].value
    assert (board["ROC AUC"] > 0.9).all()
    assert list(board["ROC AUC"]) == sorted(board["ROC AUC"], reverse=True)  # best first by default
    assert np.isnan(board.loc[board["model"] == "Ready default model", "train s"]).all()  # not trained in this session
    per_class = at.dataframe[1].value
    assert len(per_class.columns) == 4 and all(c.startswith(("2:", "3:", "4:", "5:")) for c in per_class.columns)
    notes = " ".join(m.value for m in at.markdown)
    assert "One-Class SVM" in notes and "LSTM AE" in notes and "VAE" in notes


def test_two_trained_models_join_the_baselines(two_models) -> None:
    at = _run(two_models)
    board = _board(at)
    assert len(board) == 6 and not at.info
    for model in two_models:
        line = board[board["model"] == model.name].iloc[0]
        assert line["ROC AUC"] == pytest.approx(model.summary.auc)
        assert line["family"] == model.config.family
        assert line["parameters"] == sum(p.numel() for p in model.model.parameters())
    best = board.set_index("model")["best in"]
    assert "ROC AUC" in best[board.loc[board["ROC AUC"].idxmax(), "model"]]
    assert sum("AP" in marks.split(", ") for marks in best) == 1


@pytest.mark.parametrize(
    ("column", "order", "ascending"),
    [
        ("train s", "ascending", True),
        ("ROC AUC", "ascending", True),
        ("best F1", "descending", False),
        ("parameters", "best first", True),
    ],
)
def test_sorting_by_any_column(two_models, column, order, ascending) -> None:
    at = _run(two_models)
    at.selectbox(key="compare_sort").select(column).run()
    at.radio(key="compare_order").set_value(order).run()
    assert not at.exception
    values = list(_board(at)[column])
    assert values == sorted(values, reverse=not ascending)


def test_models_from_different_splits_are_never_mixed(two_models, other_split_model) -> None:
    at = _run([*two_models, other_split_model])
    assert "different data splits" in at.warning[0].value
    newest = _board(at)
    assert set(newest["model"]) == {other_split_model.name, *BASELINE_LABELS.values()}
    at.selectbox(key="compare_split").select_index(1).run()
    older = _board(at)
    assert set(older["model"]) == {m.name for m in two_models} | set(BASELINE_LABELS.values())
    lof_auc = {frame.set_index("model").loc["Local Outlier Factor", "ROC AUC"] for frame in (newest, older)}
    assert len(lof_auc) == 2  # each split has its own baselines


def test_baselines_are_fitted_once_per_split_and_not_when_a_model_is_added(monkeypatch, two_models) -> None:
    calls = []
    real = baseline_fits.fit_baselines_apart
    monkeypatch.setattr(baseline_fits, "fit_baselines_apart", lambda split, **kw: calls.append(split.config) or real(split, **kw))
    baseline_fits.baseline_fits.clear()
    at = _run(two_models[:1])
    at.session_state[TRAINED_MODELS_KEY] = list(two_models)
    at.run()
    assert len(_board(at)) == 6 and calls == [DataConfig()]


def test_leaderboard_refuses_an_unknown_sort_column(two_models) -> None:
    rows = [compare_data.model_row(m, m.name) for m in two_models]
    assert list(leaderboard_frame(rows, "model", True)["model"]) == sorted(m.name for m in two_models)
    with pytest.raises(ValueError, match="sort_by"):
        leaderboard_frame(rows, "speed")
