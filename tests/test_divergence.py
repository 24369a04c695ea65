"""Divergence advice: computed from the rates tried on the same model, never a rate that diverged, never a range
holding one; the worker reads the session's earlier runs."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from anomaly_core import EcgData, TrainConfig, make_split
from anomaly_core.divergence import TriedRate, divergence_advice, nice_rate_below, suggested_rate
from anomaly_core.runs import RunSettings, RunSpec, SQLiteRunStore
from anomaly_core.runs.worker import train_run
from ui.presets import LR_TOO_HIGH

rates = st.floats(1e-6, 100)
tried_rates = st.lists(st.builds(TriedRate, rates, st.booleans()), max_size=8)


def _numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?:e-?\d+)?", text)]


@given(rates, tried_rates)
def test_the_suggestion_is_below_every_rate_that_diverged(rate: float, tried: list[TriedRate]) -> None:
    suggestion = suggested_rate(rate, tried)
    failed = [rate] + [t.learning_rate for t in tried if t.diverged]
    if suggestion is not None:
        assert suggestion < min(failed)
    advice = divergence_advice(rate, tried)
    assert f"{rate:g} is too high" in advice and " to " not in advice  # no range that could hold a failed rate
    if suggestion is not None:
        assert f"{suggestion:g}" in advice


@given(rates, tried_rates)
def test_a_rate_that_trained_below_the_failures_is_the_one_suggested(rate: float, tried: list[TriedRate]) -> None:
    lowest_bad = min([rate] + [t.learning_rate for t in tried if t.diverged])
    good = [t.learning_rate for t in tried if not t.diverged and t.learning_rate < lowest_bad]
    if good:
        assert suggested_rate(rate, tried) == max(good)


def test_the_issue_s_contradiction_is_gone() -> None:
    advice = divergence_advice(0.003)  # a 4x128 conv model diverged at the default rate
    assert "0.003 is too high" in advice and "try 0.0003 or lower" in advice and "0.01" not in advice
    assert nice_rate_below(0.01) == 0.001 and nice_rate_below(3.0) == 0.3 and nice_rate_below(0.03) == 0.003
    assert "use 0.001, which trained" in divergence_advice(0.1, [TriedRate(0.001, False), TriedRate(0.01, True)])
    assert "0.01 diverged too" in divergence_advice(0.1, [TriedRate(0.01, True)])
    assert "change the model or the optimizer" in divergence_advice(5e-5, [TriedRate(1e-4, True)])


def test_the_worker_advises_from_the_session_s_earlier_runs(tmp_path: Path, ecg: EcgData) -> None:
    store = SQLiteRunStore(RunSettings(data_dir=tmp_path, workers=1))
    token = store.create_session()
    model = LR_TOO_HIGH.model  # with SGD and momentum at 3 it diverges in epoch 3; at 1 it trains (the preset's lesson)
    data = dataclasses.replace(LR_TOO_HIGH.data, seed=0)  # the preset's own scaling: it is what makes 3 diverge
    split = make_split(ecg, data)

    def run(rate: float, optimizer: str = "sgd_momentum") -> str:
        spec = RunSpec(model, TrainConfig(epochs=3, learning_rate=rate, optimizer=optimizer, device="cpu", batch_size=1024),
                       data)  # fmt: skip
        created = store.create_run(token, f"lr {rate}", spec, 3)
        claimed = store.claim_next("host:1")
        assert claimed is not None and claimed.id == created.id
        train_run(store, claimed, lambda cfg: split)
        return store.get_run(token, created.id).message or ""

    assert run(1.0) == ""  # trains
    message = run(3.0)
    assert "diverged" in message and "use 1, which trained this model without diverging" in message
    assert "try" not in message
