"""Threshold metrics equal scikit-learn's on real model scores, and threshold strategies behave."""

import numpy as np
import pytest
from sklearn import metrics as sklearn_metrics
from sklearn.metrics import average_precision_score, confusion_matrix, f1_score, roc_auc_score

from anomaly_core import (
    THRESHOLD_STRATEGIES,
    ThresholdSweep,
    average_precision,
    flag_anomalies,
    roc_auc,
    suggested_threshold,
    summarize_scores,
    threshold_best_f1,
    threshold_mean_std,
    threshold_percentile,
    threshold_youden,
    verdict,
)
from anomaly_core.metrics import precision_recall_curve, roc_curve


@pytest.fixture(scope="module")
def scored(trained_default):
    return trained_default.split.y_test, trained_default.trainer.test_scores()


def test_auc_and_ap_equal_scikit_learn(scored) -> None:
    y, s = scored
    assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-9)
    assert average_precision(y, s) == pytest.approx(average_precision_score(y, s), abs=1e-9)


def test_ties_are_handled_like_scikit_learn() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    s = rng.integers(0, 8, 500).astype(float) + y  # many tied scores
    assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-9)
    assert average_precision(y, s) == pytest.approx(average_precision_score(y, s), abs=1e-9)


def test_confusion_at_many_thresholds_equals_scikit_learn(scored) -> None:
    y, s = scored
    sweep = ThresholdSweep(y, s)
    for threshold in np.quantile(s, [0.0, 0.1, 0.4, 0.5, 0.62, 0.9, 1.0]):
        predicted = (s >= threshold).astype(int)
        tn, fp, fn, tp = confusion_matrix(y, predicted, labels=[0, 1]).ravel()
        got = sweep.at(threshold)
        assert (got.tp, got.fp, got.tn, got.fn) == (tp, fp, tn, fn)
        assert got.f1 == pytest.approx(f1_score(y, predicted, zero_division=0), abs=1e-9)


def test_extreme_thresholds_give_sane_numbers(scored) -> None:
    y, s = scored
    sweep = ThresholdSweep(y, s)
    above = sweep.at(s.max() + 1)
    assert (above.tp, above.fp) == (0, 0) and above.precision == 0.0 and above.recall == 0.0 and above.fpr == 0.0
    below = sweep.at(s.min() - 1)
    assert below.recall == 1.0 and below.fpr == 1.0 and below.fnr == 0.0
    assert all(np.isfinite(v) for v in above.as_dict().values())


def test_best_f1_threshold_is_the_best_of_all_thresholds(scored) -> None:
    y, s = scored
    threshold = threshold_best_f1(y, s)
    best = f1_score(y, s >= threshold)
    assert all(f1_score(y, s >= t) <= best + 1e-12 for t in np.unique(s)[::7])
    assert ThresholdSweep(y, s).best_f1()[1] == pytest.approx(best, abs=1e-9)


def test_youden_threshold_maximises_tpr_minus_fpr(scored) -> None:
    y, s = scored
    fpr, tpr, thresholds = roc_curve(y, s)
    at = ThresholdSweep(y, s).at(threshold_youden(y, s))
    assert at.recall - at.fpr == pytest.approx(np.max(tpr - fpr), abs=1e-12)


def test_training_error_strategies(trained_default) -> None:
    train = trained_default.trainer.train_scores()
    assert threshold_mean_std(train, k=0) == pytest.approx(train.mean())
    assert threshold_mean_std(train, k=2) > threshold_mean_std(train, k=1)
    assert (train <= threshold_percentile(train, percentile=95)).mean() == pytest.approx(0.95, abs=0.01)
    with pytest.raises(ValueError, match="percentile"):
        threshold_percentile(train, percentile=120)


def test_pr_curve_ends_at_full_recall(scored) -> None:
    precision, recall, _ = precision_recall_curve(*scored)
    assert recall[-1] == 1.0 and np.all(np.diff(recall) >= 0)
    assert precision[-1] == pytest.approx(scored[0].mean())


def test_summary_of_the_default_model(scored) -> None:
    summary = summarize_scores(*scored)
    assert summary.auc >= 0.97 and summary.average_precision >= 0.9
    assert 0.9 <= summary.recall_at_best_f1 <= 1.0
    assert summary.recall_at_5pct_fpr >= 0.8


@pytest.mark.parametrize(
    ("y", "s", "message"),
    [
        ([0, 0, 0], [0.1, 0.2, 0.3], "both"),
        ([0, 1], [0.1], "same non-zero length"),
        ([], [], "same non-zero length"),
        ([0, 2], [0.1, 0.2], "only 0"),
        ([0, 1], [0.1, np.nan], "NaN"),
    ],
)
def test_degenerate_input_raises(y, s, message) -> None:
    with pytest.raises(ValueError, match=message):
        roc_auc(np.array(y), np.array(s))


def test_verdict_calls_a_beat_as_the_sweep_counts_it(scored) -> None:
    y, s = scored
    threshold = float(np.median(s))
    flagged = sum(verdict(score, threshold) == "Anomaly" for score in s)
    at = ThresholdSweep(y, s).at(threshold)
    assert flagged == at.tp + at.fp
    assert verdict(threshold, threshold) == "Anomaly" and verdict(np.nextafter(threshold, 0), threshold) == "Normal"


def test_threshold_at_fpr_is_the_lowest_that_keeps_the_false_positive_budget() -> None:
    rng = np.random.default_rng(3)
    y = np.r_[np.zeros(300, int), np.ones(60, int)]
    s = np.round(np.r_[rng.random(300), rng.random(60) + 0.6], 2)  # rounded: many ties
    sweep = ThresholdSweep(y, s)
    threshold = sweep.threshold_at_fpr(0.05)
    assert sweep.at(threshold).fpr <= 0.05 and np.mean(flag_anomalies(s[y == 0], threshold)) <= 0.05
    lower = s[s < threshold].max()
    assert sweep.at(lower).fpr > 0.05
    fpr, tpr, _ = sklearn_metrics.roc_curve(y, s)
    assert sweep.recall_at_fpr(0.05) == sweep.at(threshold).recall == pytest.approx(tpr[fpr <= 0.05].max())


def test_the_strategy_registry_names_its_functions_and_which_peek_at_test_labels(scored, trained_default) -> None:
    y, s = scored
    train = trained_default.trainer.train_scores()
    assert {name for name, strategy in THRESHOLD_STRATEGIES.items() if strategy.peeks_at_test_labels} == {"best_f1", "youden"}
    picks = {name: strategy.pick(train, y, s, k=2.0, percentile=90.0) for name, strategy in THRESHOLD_STRATEGIES.items()}
    assert picks == {
        "mean_std": threshold_mean_std(train, k=2.0),
        "percentile": threshold_percentile(train, percentile=90.0),
        "best_f1": threshold_best_f1(y, s),
        "youden": threshold_youden(y, s),
    }
    assert suggested_threshold(train) == threshold_mean_std(train, k=1.0)
