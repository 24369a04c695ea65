"""Classical detectors from scikit-learn, fitted on the same training rows as the autoencoders.

Every score is oriented like the rest of the core: higher = more anomalous. scikit-learn is imported only when a
detector is made, so a process that just reads results (the app's server, see `baseline_job`) never loads it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .data import EcgSplit

if TYPE_CHECKING:
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import LocalOutlierFactor
    from sklearn.svm import OneClassSVM

BASELINES = ("lof", "isolation_forest", "pca", "ocsvm")
BASELINE_LABELS = {
    "lof": "Local Outlier Factor",
    "isolation_forest": "Isolation Forest",
    "pca": "PCA reconstruction error",
    "ocsvm": "One-Class SVM",
}


class PcaReconstruction:
    """Project onto the leading principal components and score by the mean squared reconstruction error."""

    def __init__(self, n_components: int = 16) -> None:
        from sklearn.decomposition import PCA

        self.pca = PCA(n_components=n_components, svd_solver="full")

    def fit(self, x: np.ndarray) -> PcaReconstruction:
        """Fit the components on training rows (n, length)."""
        self.pca.fit(x)
        return self

    def score(self, x: np.ndarray) -> np.ndarray:
        """Rows (n, length) -> mean squared reconstruction error (n,)."""
        restored = self.pca.inverse_transform(self.pca.transform(x))
        return np.mean((np.asarray(x, dtype=np.float64) - restored) ** 2, axis=1)


class _Negated:
    """A scikit-learn novelty detector whose `score_samples` (higher = more normal) is turned around."""

    def __init__(self, estimator: LocalOutlierFactor | IsolationForest | OneClassSVM) -> None:
        self.estimator = estimator

    def fit(self, x: np.ndarray) -> _Negated:
        self.estimator.fit(x)
        return self

    def score(self, x: np.ndarray) -> np.ndarray:
        """Rows (n, length) -> anomaly scores (n,), higher = more anomalous."""
        return -np.asarray(self.estimator.score_samples(x), dtype=np.float64)


Baseline = PcaReconstruction | _Negated


def make_baseline(name: str, *, seed: int = 0) -> Baseline:
    """An unfitted detector for one of BASELINES."""
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import LocalOutlierFactor
    from sklearn.svm import OneClassSVM

    match name:
        case "lof":
            return _Negated(LocalOutlierFactor(n_neighbors=20, novelty=True))
        case "isolation_forest":
            return _Negated(IsolationForest(n_estimators=200, random_state=seed))
        case "pca":
            return PcaReconstruction(n_components=16)
        case "ocsvm":
            return _Negated(OneClassSVM(kernel="rbf", gamma="scale", nu=0.05))
    raise ValueError(f"baseline: {name!r} is not one of {', '.join(BASELINES)}")


def stored_values(detector: Baseline) -> int:
    """How many numbers the fitted detector keeps (its counterpart of a parameter count)."""
    if isinstance(detector, PcaReconstruction):
        return int(detector.pca.components_.size + detector.pca.mean_.size)
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import LocalOutlierFactor

    estimator = detector.estimator
    if isinstance(estimator, LocalOutlierFactor):
        return int(estimator.n_samples_fit_ * estimator.n_features_in_)  # it keeps every training row
    if isinstance(estimator, IsolationForest):
        return int(sum(tree.tree_.node_count for tree in estimator.estimators_))
    return int(estimator.support_vectors_.size + estimator.dual_coef_.size)


@dataclass(frozen=True)
class BaselineResult:
    """One fitted baseline's test scores and timings on a split."""

    name: str
    label: str
    test_scores: np.ndarray
    fit_seconds: float
    score_seconds: float  # time to score the split's test beats
    stored_values: int


def run_baseline(name: str, split: EcgSplit, *, seed: int = 0) -> BaselineResult:
    """Fit one baseline on the split's training rows and score its test rows."""
    return fit_baseline(name, split.x_train, split.x_test, seed=seed)


def fit_baseline(name: str, x_train: np.ndarray, x_test: np.ndarray, *, seed: int = 0) -> BaselineResult:
    """Fit one baseline on training rows (n, length) and score test rows (m, length)."""
    detector = make_baseline(name, seed=seed)
    started = time.perf_counter()
    detector.fit(x_train)
    fitted = time.perf_counter()
    scores = detector.score(x_test)
    return BaselineResult(
        name=name,
        label=BASELINE_LABELS[name],
        test_scores=scores,
        fit_seconds=fitted - started,
        score_seconds=time.perf_counter() - fitted,
        stored_values=stored_values(detector),
    )


def run_baselines(split: EcgSplit, *, seed: int = 0) -> list[BaselineResult]:
    """Every baseline fitted and scored on the same split, in BASELINES order."""
    return [run_baseline(name, split, seed=seed) for name in BASELINES]
