"""Shared fixtures: the real ECG5000 data, one default split and one trained default model per test session."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings

from anomaly_core import (
    DataConfig,
    EcgData,
    EcgSplit,
    ModelConfig,
    TrainConfig,
    Trainer,
    build_model,
    configure_threads,
    load_ecg5000,
    make_split,
)

pytest_plugins = ["tests.databases"]  # the SQLite / PostgreSQL run-store fixtures

# Runs trained during the tests go to a fresh store (servers started by tests inherit it), never the developer's.
os.environ["ANOMALY_LAB_DATA_DIR"] = tempfile.mkdtemp(prefix="anomaly-lab-test-runs-")
os.environ.setdefault("ANOMALY_LAB_WORKERS", "2")
# A Ray head started for the tests (.ci/run) is for the Ray tests only: every other test trains on the local pool.
RAY_TEST_ADDRESS = os.environ.pop("ANOMALY_LAB_RAY_ADDRESS", None)

configure_threads()  # once, as the app and the CLI do: one thread per training

# Property-based tests: 1,000 examples per test in CI (CI=true), reproducible there; fewer while developing.
_SLOW_MACHINE = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
settings.register_profile("ci", max_examples=1000, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_SLOW_MACHINE)  # fmt: skip
settings.register_profile("dev", max_examples=150, deadline=None, suppress_health_check=_SLOW_MACHINE)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")


@dataclass
class TrainedDefault:
    split: EcgSplit
    trainer: Trainer
    history: list


@pytest.fixture(scope="session")
def ecg() -> EcgData:
    return load_ecg5000()


@pytest.fixture(scope="session")
def default_split(ecg: EcgData) -> EcgSplit:
    return make_split(ecg, DataConfig(seed=0))


@pytest.fixture(scope="session")
def trained_default(default_split: EcgSplit) -> TrainedDefault:
    """The default configuration trained once with seed 0 (on the CPU, for reproducible numbers)."""
    trainer = Trainer(build_model(ModelConfig(), seed=0), default_split, TrainConfig(seed=0, device="cpu"))
    history = list(trainer.fit())
    return TrainedDefault(default_split, trainer, history)
