"""Evaluate page under AppTest: the numbers on screen equal the core's at every threshold the learner can reach."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core import (
    DataConfig,
    ModelConfig,
    ThresholdSweep,
    TrainConfig,
    Trainer,
    anomaly_scores,
    build_model,
    make_split,
    threshold_best_f1,
    threshold_mean_std,
    threshold_percentile,
    threshold_youden,
)
from ui.chosen_threshold import CHOICE_KEY
from ui.current_model import ACTIVE_MODEL_KEY, make_active_model
from ui.evaluate import controls as evaluate_controls
from ui.evaluate.charts import outcome_histogram, threshold_metrics_figure
from ui.evaluate.controls import CACHE_KEY, LOG_KEY, LOG_SLIDER_KEY, SLIDER_KEY
from ui.evaluate.evaluation import OUTCOMES, build_evaluation, outcomes, sample_table
from ui.sharing.codec import THRESHOLD_KEY as SHARED_STRATEGY_KEY

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "evaluate.py")


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception
    return app


def shown_model(at: AppTest):
    """The ActiveModel the page evaluates."""
    return at.session_state[CACHE_KEY][0]


def core_sweep(at: AppTest) -> ThresholdSweep:
    """A fresh sweep of the shown model's test scores, independent of the page's cache."""
    model = shown_model(at)
    return ThresholdSweep(model.split.y_test, model.test_scores)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def assert_screen_matches_core(at: AppTest, threshold: float) -> None:
    expected = core_sweep(at).at(threshold)
    assert metric(at, "Precision") == f"{expected.precision:.3f}"
    assert metric(at, "Recall (TPR)") == f"{expected.recall:.3f}"
    assert metric(at, "F1") == f"{expected.f1:.3f}"
    assert metric(at, "FPR") == f"{expected.fpr:.3f}"
    assert metric(at, "TNR") == f"{expected.tnr:.3f}"


def test_page_says_the_default_model_is_shown(at: AppTest) -> None:
    assert "Ready default model" in at.info[0].value
    assert shown_model(at).is_default
    assert [m.label for m in at.metric] == ["Accuracy", "Precision", "Recall (TPR)", "TNR", "F1", "FPR", "FNR"]
    assert at.session_state[CHOICE_KEY].value == pytest.approx(shown_model(at).threshold)


@pytest.mark.parametrize("fraction", [0.02, 0.05, 0.1, 0.3, 0.7])
def test_slider_moves_precision_and_recall_like_the_core(at: AppTest, fraction: float) -> None:
    slider = at.slider(key=SLIDER_KEY)
    value = slider.min + fraction * (slider.max - slider.min)
    at.slider(key=SLIDER_KEY).set_value(value).run()
    assert not at.exception
    assert at.session_state[CHOICE_KEY].value == value
    assert_screen_matches_core(at, value)
    flagged = int((shown_model(at).test_scores >= value).sum())
    assert any(f"{flagged} of {len(shown_model(at).test_scores)} test beats" in c.value for c in at.caption)


def chart_specs(at: AppTest) -> dict[str, dict]:
    """The page's plotly specs by chart key."""
    return {chart.proto.id.rsplit("-", 1)[-1]: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}


@pytest.mark.parametrize("fraction", [0.05, 0.3])
def test_slider_moves_every_charts_threshold_marker(at: AppTest, fraction: float) -> None:
    slider = at.slider(key=SLIDER_KEY)
    value = slider.min + fraction * (slider.max - slider.min)
    at.slider(key=SLIDER_KEY).set_value(value).run()
    expected, specs = core_sweep(at).at(value), chart_specs(at)
    assert specs["eval_histogram_linear"]["layout"]["shapes"][0]["x0"] == pytest.approx(value)
    assert specs["eval_threshold_curves_linear"]["layout"]["shapes"][0]["x0"] == pytest.approx(value)
    roc_point, pr_point = specs["eval_roc"]["data"][-1], specs["eval_pr"]["data"][-1]
    assert (roc_point["x"], roc_point["y"]) == ([pytest.approx(expected.fpr)], [pytest.approx(expected.recall)])
    assert (pr_point["x"], pr_point["y"]) == ([pytest.approx(expected.recall)], [pytest.approx(expected.precision)])
    assert specs["eval_confusion"]["data"][0]["z"] == [[expected.tn, expected.fp], [expected.fn, expected.tp]]


def test_sample_table_outcomes_follow_the_rule_at_any_threshold(at: AppTest) -> None:
    evaluation = at.session_state[CACHE_KEY][1]
    ranked_scores = evaluation.scores[evaluation.order]
    for threshold in (0.0, *np.quantile(ranked_scores, [0.1, 0.5, 0.9]), ranked_scores[7], ranked_scores.max() * 2):
        table = sample_table(evaluation, float(threshold))
        expected = outcomes(evaluation.y_true[evaluation.order], ranked_scores, float(threshold))
        assert table.column("outcome").to_pylist() == list(expected)
        assert table.column("score").to_pylist() == list(ranked_scores)
        for shown in OUTCOMES:
            rows = sample_table(evaluation, float(threshold), shown)
            assert set(rows.column("outcome").to_pylist()) <= {shown} and rows.num_rows == int((expected == shown).sum())


def test_slider_moves_neither_call_the_model_nor_sort(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"forward": 0, "sweep": 0, "build": 0}
    model = shown_model(at).model
    original_forward, original_sweep_init = model.forward, ThresholdSweep.__init__

    def counting_forward(*args, **kwargs):
        calls["forward"] += 1
        return original_forward(*args, **kwargs)

    def counting_sweep_init(self, *args, **kwargs) -> None:
        calls["sweep"] += 1
        original_sweep_init(self, *args, **kwargs)

    def counting_build(*args, **kwargs):
        calls["build"] += 1
        return build_evaluation(*args, **kwargs)

    monkeypatch.setattr(model, "forward", counting_forward)
    monkeypatch.setattr(ThresholdSweep, "__init__", counting_sweep_init)
    monkeypatch.setattr(evaluate_controls, "build_evaluation", counting_build)
    slider = at.slider(key=SLIDER_KEY)
    for fraction in (0.1, 0.2, 0.4):
        at.slider(key=SLIDER_KEY).set_value(slider.min + fraction * (slider.max - slider.min)).run()
    at.button(key="eval_btn_youden").click().run()
    assert not at.exception
    assert calls == {"forward": 0, "sweep": 0, "build": 0}


def test_extreme_thresholds_show_sane_numbers(at: AppTest) -> None:
    slider = at.slider(key=SLIDER_KEY)
    scores = shown_model(at).test_scores
    assert slider.min < scores.min() and slider.max > scores.max()
    at.slider(key=SLIDER_KEY).set_value(slider.max).run()
    assert [metric(at, label) for label in ("Precision", "Recall (TPR)", "F1", "TNR")] == ["0.000", "0.000", "0.000", "1.000"]
    assert "nothing is flagged" in at.warning[0].value
    at.slider(key=SLIDER_KEY).set_value(slider.min).run()
    assert metric(at, "Recall (TPR)") == "1.000" and metric(at, "FPR") == "1.000"
    assert "Every beat" in at.warning[0].value
    for element in [*at.metric, *at.caption]:
        assert "nan" not in str(element.value).lower() and "inf" not in str(element.value).lower()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        at.toggle(key=LOG_KEY).set_value(True).run()  # from threshold 0 to the log scale
    assert at.slider(key=LOG_SLIDER_KEY).value == at.slider(key=LOG_SLIDER_KEY).min
    assert metric(at, "Recall (TPR)") == "1.000"
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert not at.exception


def test_strategy_buttons_set_the_expected_thresholds(at: AppTest) -> None:
    model = shown_model(at)
    y, scores = model.split.y_test, model.test_scores
    at.number_input(key="eval_k").set_value(2.0).run()
    at.number_input(key="eval_percentile").set_value(90.0).run()
    expected = {
        "eval_btn_mean_std": threshold_mean_std(model.train_scores, k=2.0),
        "eval_btn_percentile": threshold_percentile(model.train_scores, percentile=90.0),
        "eval_btn_best_f1": threshold_best_f1(y, scores),
        "eval_btn_youden": threshold_youden(y, scores),
    }
    for button, threshold in expected.items():
        at.button(key=button).click().run()
        assert at.slider(key=SLIDER_KEY).value == pytest.approx(threshold, rel=1e-12)
        assert at.session_state[CHOICE_KEY].value == pytest.approx(threshold, rel=1e-12)
        assert_screen_matches_core(at, threshold)
    best = core_sweep(at).best_f1()[1]  # the last button pressed was Youden's; best F1 beats or ties it
    assert float(metric(at, "F1")) <= round(best, 3)


def test_best_f1_button_zeroes_the_deltas(at: AppTest) -> None:
    at.button(key="eval_btn_best_f1").click().run()
    assert [m.delta for m in at.metric] == ["0.000"] * 7


def test_log_scale_slider_keeps_the_threshold_and_matches_the_core(at: AppTest) -> None:
    at.button(key="eval_btn_best_f1").click().run()
    best = at.session_state[CHOICE_KEY].value
    at.toggle(key=LOG_KEY).set_value(True).run()
    assert at.slider(key=LOG_SLIDER_KEY).value == pytest.approx(math.log10(best))
    assert at.session_state[CHOICE_KEY].value == best  # switching scales does not move the threshold
    at.slider(key=LOG_SLIDER_KEY).set_value(-3.2).run()
    assert at.session_state[CHOICE_KEY].value == pytest.approx(10**-3.2)
    assert_screen_matches_core(at, 10**-3.2)
    at.button(key="eval_btn_youden").click().run()  # a strategy in log mode moves the log slider
    youden = threshold_youden(shown_model(at).split.y_test, shown_model(at).test_scores)
    assert at.slider(key=LOG_SLIDER_KEY).value == pytest.approx(math.log10(youden))
    assert_screen_matches_core(at, youden)


def test_per_class_recall_and_sample_inspector(at: AppTest) -> None:
    at.button(key="eval_btn_best_f1").click().run()
    threshold = at.session_state[CHOICE_KEY].value
    model = shown_model(at)
    per_class = at.dataframe[0].value
    for row in per_class.itertuples():
        in_class = model.test_scores[model.split.classes_test == row[1]]
        assert row.beats == in_class.size and row.caught == int((in_class >= threshold).sum())
    table = at.dataframe[1].value
    assert list(table["score"]) == sorted(model.test_scores, reverse=True)
    at.selectbox(key="eval_shown_outcome").set_value("FN").run()
    missed = at.dataframe[1].value
    assert len(missed) == core_sweep(at).at(threshold).fn and set(missed["outcome"]) == {"FN"}
    assert (missed["score"] < threshold).all() and (missed["label"] == "abnormal").all()


def test_a_trained_model_on_a_small_test_set_replaces_the_default(at: AppTest, ecg) -> None:
    split = make_split(ecg, DataConfig(seed=0, test_size=60))  # too small to hold every rare class
    trainer = Trainer(build_model(ModelConfig(), seed=1), split, TrainConfig(epochs=2, seed=1, device="cpu"))
    for _ in trainer.fit():
        pass
    trained = make_active_model("my 2-epoch model", trainer.model, split, "mse", epochs=2)
    at.session_state[ACTIVE_MODEL_KEY] = trained
    at.run()
    assert not at.exception
    assert "my 2-epoch model" in at.success[0].value
    evaluated, evaluation = at.session_state[CACHE_KEY]
    assert evaluated is trained and len(evaluation.scores) == len(split.y_test)  # its own, not the ready model's
    assert at.session_state[CHOICE_KEY].value == pytest.approx(trained.threshold)  # a new model starts at its own threshold
    assert_screen_matches_core(at, trained.threshold)
    present = sorted(set(split.classes_test) - {1})
    assert list(at.dataframe[0].value["class"]) == present
    absent = sorted({2, 3, 4, 5} - set(present))
    assert absent, "the 60-beat test set was expected to miss a rare class"
    assert any(f"class {', '.join(map(str, absent))} in this split" in c.value for c in at.caption)


def test_outcomes_and_figures_at_extreme_thresholds() -> None:
    y = np.array([0, 0, 1, 1])
    scores = np.array([0.1, 0.4, 0.35, 0.8])
    assert list(outcomes(y, scores, 0.35)) == ["TN", "FP", "TP", "TP"]
    assert list(outcomes(y, scores, 0.9)) == ["TN", "TN", "FN", "FN"]
    sweep = ThresholdSweep(y, scores)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for threshold in (0.0, 1e-9, 0.35, 5.0):
            for log_x in (False, True):
                outcome_histogram(scores, y, threshold, log_x=log_x)
                threshold_metrics_figure(sweep.curves()["threshold"], sweep.curves(), threshold, log_x=log_x)
            assert all(math.isfinite(v) for v in sweep.at(threshold).as_dict().values())


def test_histogram_hatches_exactly_the_false_alarms_and_missed_beats(trained_default) -> None:
    split = trained_default.split
    scores = anomaly_scores(trained_default.trainer.model, split.x_test, "mse")
    sweep = ThresholdSweep(split.y_test, scores)
    thresholds = (0.0, float(scores.min()), float(np.median(scores)), sweep.best_f1()[0], float(scores.max()), 1.0)
    for threshold in thresholds:
        confusion = sweep.at(threshold)
        for log_x in (False, True):
            bars = {
                trace["name"]: int(sum(trace["y"]))
                for trace in outcome_histogram(scores, split.y_test, threshold, log_x=log_x)["data"]
            }
            assert bars == {
                "normal": confusion.tn,
                "false alarms (FP)": confusion.fp,
                "abnormal": confusion.tp,
                "missed (FN)": confusion.fn,
            }


def test_the_threshold_starts_at_the_strategy_a_shared_link_chose() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[SHARED_STRATEGY_KEY] = "youden"  # what a lesson or shared link sets
    at.run()
    model = shown_model(at)
    youden = threshold_youden(model.split.y_test, model.test_scores)
    assert at.session_state[CHOICE_KEY].value == pytest.approx(youden, rel=1e-12)
    assert_screen_matches_core(at, youden)
    assert any("Youden's J, the starting strategy" in c.value for c in at.caption)
    at.slider(key=SLIDER_KEY).set_value(at.slider(key=SLIDER_KEY).max / 2).run()  # moving by hand keeps the hand's value
    assert at.session_state[CHOICE_KEY].value == at.slider(key=SLIDER_KEY).max / 2
    at.session_state[SHARED_STRATEGY_KEY] = "percentile"  # a new link applies its strategy
    at.run()
    expected = threshold_percentile(model.train_scores, percentile=95.0)
    assert at.session_state[CHOICE_KEY].value == pytest.approx(expected, rel=1e-12)
    assert at.slider(key=SLIDER_KEY).value == pytest.approx(expected, rel=1e-12)


def test_two_sessions_on_the_ready_model_share_one_evaluation(at: AppTest) -> None:
    other = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not other.exception
    first, second = at.session_state[CACHE_KEY], other.session_state[CACHE_KEY]
    assert first[0] is second[0] and first[1] is second[1]  # the same ready model: one evaluation for the server
    assert metric(at, "Precision") == metric(other, "Precision")
