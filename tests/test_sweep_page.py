"""The Sweep page under AppTest: a 2×2×2 sweep trained by the worker processes (table, curve and heatmap, a row
made the current model), Stop keeping what finished, bad input, the ready-made sweeps and a reopened session."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core.runs import RunSettings
from anomaly_core.runs.store import open_store
from ui.current_model import ACTIVE_MODEL_KEY
from ui.runs import SESSION_PARAM, TOKEN_KEY
from ui.sweep.actions import SHOWN_KEY

ROOT = Path(__file__).resolve().parents[1]
SETTLE_SECONDS = 240


def open_sweep_page(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page("pages/sweep.py").run()
    assert not at.exception
    return at


def set_builder(at: AppTest, first: str, values: str, second: str = "", values_2: str = "", seeds: int = 1) -> AppTest:
    at.selectbox(key="sweep_param_0").set_value(first).run()
    at.text_input(key="sweep_values_0").set_value(values).run()
    at.selectbox(key="sweep_param_1").set_value(second).run()
    if second:
        at.text_input(key="sweep_values_1").set_value(values_2).run()
    at.slider(key="sweep_seeds").set_value(seeds).run()
    assert not at.exception
    return at


def sweep_runs(at: AppTest) -> list:
    store = open_store(RunSettings.from_env())
    return store.sweep_runs(at.session_state[TOKEN_KEY], at.session_state[SHOWN_KEY])


def wait_settled(at: AppTest) -> AppTest:
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        if not any(run.active for run in sweep_runs(at)):
            at.run()
            assert not at.exception
            return at
        time.sleep(0.2)
    raise AssertionError(f"the sweep did not finish within {SETTLE_SECONDS} s")


def chart_keys(at: AppTest) -> set[str]:
    return {chart.proto.id.rsplit("-", 1)[-1] for chart in at.get("plotly_chart")}


def texts(elements) -> str:
    return " ".join(str(element.value) for element in elements)


def test_a_2x2x2_sweep_gives_table_curve_heatmap_and_a_current_model() -> None:
    at = set_builder(open_sweep_page(), "latent_size", "2, 8", "epochs", "2, 3", seeds=2)
    assert "**8 runs** (2 × 2 values × 2 seeds)" in texts(at.markdown)
    at.button(key="sweep_start").click().run()
    assert not at.exception and not at.error
    runs = wait_settled(at) and sweep_runs(at)
    assert len(runs) == 8 and all(r.status == "finished" and "auc" in r.metrics for r in runs)
    assert {(r.spec.model.latent_size, r.spec.train.epochs, r.spec.train.seed) for r in runs} == {
        (latent, epochs, seed) for latent in (2, 8) for epochs in (2, 3) for seed in (0, 1)
    }
    assert at.subheader[0].value == "Results: 8 runs"
    assert {"done_curve", "done_heatmap"} <= chart_keys(at)
    table = at.dataframe[0].value
    assert len(table) == 8 and list(table.columns[:3]) == ["Bottleneck size", "Epochs", "seed"]
    at.radio(key="sweep_metric").set_value("best_f1").run()
    assert not at.exception
    picked = runs[5]
    at.selectbox(key="sweep_pick").set_value(picked.id).run()
    at.button(key="sweep_use").click().run()
    assert not at.exception
    model = at.session_state[ACTIVE_MODEL_KEY]
    assert model.run_id == picked.id and model.config.latent_size == picked.spec.model.latent_size
    assert abs(model.summary.auc - picked.metrics["auc"]) < 1e-6
    reopened = open_sweep_page(**{SESSION_PARAM: at.session_state[TOKEN_KEY]})
    assert reopened.subheader[0].value == "Results: 8 runs"  # a reload finds the sweep in the store


def test_stop_keeps_finished_runs_and_drops_waiting_ones() -> None:
    at = set_builder(open_sweep_page(), "latent_size", "2, 3, 4, 5, 6, 7, 8, 9", seeds=3)
    at.button(key="sweep_start").click().run()
    deadline = time.monotonic() + SETTLE_SECONDS
    while not any(r.status == "finished" for r in sweep_runs(at)) and time.monotonic() < deadline:
        time.sleep(0.2)
    at.run()
    at.button(key="sweep_stop").click().run()
    assert not at.exception
    runs = wait_settled(at) and sweep_runs(at)
    assert 0 < len(runs) < 24 and any(r.status == "finished" for r in runs)
    assert all(r.status in ("finished", "stopped") for r in runs)


def test_bad_values_explain_and_disable_start() -> None:
    at = set_builder(open_sweep_page(), "latent_size", "0, 4")
    assert "Bottleneck size = 0 cannot be used" in texts(at.error) and at.button(key="sweep_start").disabled
    at = set_builder(at, "latent_size", " , ")
    assert "give at least one value" in texts(at.error) and at.button(key="sweep_start").disabled
    at = set_builder(at, "latent_size", ", ".join(map(str, range(1, 51))), "dropout", "0, 0.1, 0.2, 0.3, 0.4", seeds=1)
    assert "at most 200" in texts(at.error)
    at = set_builder(at, "family", "dense, conv", "dropout", "0, 0.2")
    assert "Dropout has no effect on the conv family" in texts(at.error) and at.button(key="sweep_start").disabled


def test_a_sweep_above_the_servers_limit_per_session_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANOMALY_LAB_SWEEP_RUNS_PER_SESSION", "4")
    monkeypatch.setenv("ANOMALY_LAB_WORKERS", "1")  # this server's own pool: keep it small
    at = set_builder(open_sweep_page(), "latent_size", "2, 4, 8", seeds=2)
    assert "at most 4 sweep runs at a time" in texts(at.error) and at.button(key="sweep_start").disabled
    at = set_builder(at, "latent_size", "2, 4", seeds=2)
    assert not at.error and not at.button(key="sweep_start").disabled


def test_ready_made_contamination_sweep_fills_the_builder() -> None:
    at = open_sweep_page()
    at.button(key="sweep_ready_pick_contamination").click().run()
    assert at.selectbox(key="sweep_param_0").value == "abnormal_fraction"
    assert at.text_input(key="sweep_values_0").value == "0, 10, 30, 50" and at.slider(key="sweep_seeds").value == 3
    assert "**12 runs**" in texts(at.markdown)


def test_home_and_teacher_open_a_ready_made_sweep() -> None:
    for page, where in (("pages/home.py", "home"), ("pages/teacher.py", "teacher")):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        at.switch_page(page).run()
        at.button(key=f"ready_sweep_{where}_learning_rate").click().run()
        assert not at.exception
        at.switch_page("pages/sweep.py").run()  # AppTest does not follow the button's st.switch_page; a browser does
        assert at.selectbox(key="sweep_param_0").value == "learning_rate" and at.slider(key="sweep_seeds").value == 2
        assert "Too small a learning rate" in texts(at.info)
