"""AnomalyDetector: scikit-learn conventions on real ECG5000, and scikit-learn's own estimator checks."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from anomaly_core import AnomalyDetector, roc_auc
from anomaly_core.engines import OnnxScorer

# What scikit-learn's checks ask that this detector cannot give, and why; every other check runs and passes.
EXPECTED_FAILED_CHECKS = {
    "check_methods_sample_order_invariance": (
        "float32 matrix products round differently when rows change place in a batch: scores then differ by "
        "about 2e-8, above the check's 1e-9 absolute tolerance (it fails for some rows, not always)"
    ),
}
TINY = {"epochs": 2, "encoder_hidden": (8,), "latent_size": 2, "score_smoothing": 1}


@parametrize_with_checks([AnomalyDetector(**TINY)], expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS)
def test_scikit_learn_estimator_checks(estimator, check) -> None:
    check(estimator)


@pytest.fixture(scope="module")
def normal_and_test(ecg) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    order = rng.permutation(len(ecg.signals))
    train, test = order[:4000], order[4000:]
    normal = train[ecg.classes[train] == 1]
    return ecg.signals[normal], ecg.signals[test], (ecg.classes[test] != 1).astype(int)


@pytest.fixture(scope="module")
def fitted(normal_and_test) -> AnomalyDetector:
    return AnomalyDetector(encoder_hidden=(32,), latent_size=8, epochs=10).fit(normal_and_test[0])


def test_fit_score_predict_on_ecg5000(fitted, normal_and_test) -> None:
    _, x_test, y_test = normal_and_test
    scores = fitted.score_samples(x_test)
    assert scores.shape == (len(x_test),) and roc_auc(y_test, scores) > 0.95  # higher = more anomalous
    flags = fitted.predict(x_test)
    assert set(np.unique(flags)) == {0, 1}
    np.testing.assert_array_equal(flags, (scores >= fitted.threshold_).astype(int))
    assert flags[y_test == 1].mean() > 0.8 and flags[y_test == 0].mean() < 0.3


def test_save_load_and_onnx_give_the_same_scores(fitted, normal_and_test, tmp_path) -> None:
    x_test = normal_and_test[1]
    loaded = AnomalyDetector.load(fitted.save(tmp_path / "detector.safetensors"))
    assert loaded.get_params() == fitted.get_params() and loaded.threshold_ == fitted.threshold_
    np.testing.assert_array_equal(loaded.score_samples(x_test), fitted.score_samples(x_test))
    onnx_scores = OnnxScorer(fitted.to_onnx(tmp_path / "detector.onnx"))(x_test)
    np.testing.assert_allclose(onnx_scores, fitted.score_samples(x_test), rtol=1e-5, atol=1e-5)
    assert (tmp_path / "detector.onnx").stat().st_size > 0


def test_clone_set_params_and_pipeline(normal_and_test) -> None:
    x_train, x_test, _ = normal_and_test
    detector = AnomalyDetector(**TINY)
    copy = clone(detector).set_params(epochs=3, threshold_k=2.0)
    assert copy.get_params()["epochs"] == 3 and detector.epochs == 2 and not hasattr(copy, "model_")
    pipeline = Pipeline([("clip", FunctionTransformer(np.clip, kw_args={"a_min": -8, "a_max": 8})), ("detect", copy)])
    pipeline.fit(x_train[:200])
    assert pipeline.predict(x_test[:10]).shape == (10,)
    np.testing.assert_array_equal(pipeline.score_samples(x_test[:10]), pipeline[-1].score_samples(x_test[:10]))


@pytest.mark.parametrize(
    ("settings", "x", "message"),
    [
        ({}, np.zeros(140), "Expected 2D array, got 1D array"),
        ({}, np.full((5, 140), np.nan), "NaN"),
        ({}, [["a"] * 140] * 3, "could not convert|dtype"),
        ({}, np.zeros((5, 1)), "minimum of 2 is required"),
        ({"family": "gru"}, None, "family: 'gru' is not one of"),
        ({"epochs": 0}, None, "epochs: must be a whole number 1 to 2000"),
        ({"score_smoothing": 4}, None, "score_smoothing: must be odd"),
    ],
)
def test_bad_input_and_settings_raise_value_errors_naming_the_problem(normal_and_test, settings, x, message) -> None:
    x = normal_and_test[0][:20] if x is None else x
    with pytest.raises(ValueError, match=message):
        AnomalyDetector(**{**TINY, **settings}).fit(x)


def test_scoring_another_length_is_refused(fitted) -> None:
    with pytest.raises(ValueError, match="X has 139 features, but AnomalyDetector is expecting 140"):
        fitted.score_samples(np.zeros((2, 139)))
