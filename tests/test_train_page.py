"""The Train page under AppTest: compose, train (in the worker processes), step, continue, reset, stop, presets,
classroom modes, every bad input, and a session reopened from its address."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from anomaly_core import anomaly_scores
from anomaly_core.runs import EpochRecord, RunRecord, RunSettings
from anomaly_core.runs.store import open_store
from ui.current_model import ACTIVE_MODEL_KEY
from ui.runs import FOLLOWED_RUN_KEY, SESSION_PARAM, TOKEN_KEY
from ui.settings import SETTINGS_KEY

ROOT = Path(__file__).resolve().parents[1]
SETTLE_SECONDS = 120


def open_app(page: str = "pages/train.py", **query: str) -> AppTest:
    """The app (optionally opened at an address with query parameters) on one of its pages."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def open_train_page(**widgets: object) -> AppTest:
    """The app on its Train page, with number inputs set by key (e.g. w_epochs=3)."""
    at = open_app()
    for key, value in widgets.items():
        at.number_input(key=key).set_value(value)
    if widgets:
        at.run()
    assert not at.exception
    return at


def stored_run(at: AppTest) -> RunRecord | None:
    """The run the page follows, read straight from the store (as another process would)."""
    run_id = at.session_state[FOLLOWED_RUN_KEY] if FOLLOWED_RUN_KEY in at.session_state else None  # noqa: SIM401
    if run_id is None:
        return None
    return open_store(RunSettings.from_env()).get_run(at.session_state[TOKEN_KEY], run_id)


def stored_epochs(at: AppTest) -> list[EpochRecord]:
    run = stored_run(at)
    assert run is not None
    return open_store(RunSettings.from_env()).epochs(run.id)


def wait_settled(at: AppTest) -> AppTest:
    """Rerun the page (as its live fragment does) until the followed run has left the queue and the workers."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        run = stored_run(at)
        if run is None or not run.active:
            at.run()
            assert not at.exception
            return at
        time.sleep(0.1)
    raise AssertionError(f"the run did not finish within {SETTLE_SECONDS} s: {stored_run(at)}")


def texts(elements) -> str:
    return " ".join(str(element.value) for element in elements)


def chart_keys(at: AppTest) -> set[str]:
    """The keys of the plotly charts on the page (they render as UnknownElement under AppTest)."""
    return {chart.proto.id.rsplit("-", 1)[-1] for chart in at.get("plotly_chart")}


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception
    return at


def train(at: AppTest, key: str = "train_button") -> AppTest:
    """Click a transport button and wait for the workers to finish the run."""
    return wait_settled(click(at, key))


def test_page_opens_with_default_settings_and_diagram() -> None:
    at = open_train_page()
    assert at.title[0].value == "Train an autoencoder"
    assert at.number_input(key="w_layer_count").value == 2
    assert at.number_input(key="w_units_0").value == 64
    assert not at.error
    assert chart_keys(at) == {"network_diagram"}
    assert at.session_state[SETTINGS_KEY].model.encoder_hidden == (64, 32)


def test_a_model_trained_with_mae_is_scored_with_mae() -> None:
    at = open_train_page(w_epochs=2, w_layer_count=1, w_units_0=32, w_latent=8)
    at.selectbox(key="w_loss").set_value("mae").run()
    train(at)
    model = at.session_state[ACTIVE_MODEL_KEY]
    assert model.loss == "mae" and model.run_id is not None
    np.testing.assert_allclose(model.test_scores, anomaly_scores(model.model, model.split.x_test, "mae"), rtol=1e-6)
    assert not np.allclose(model.test_scores, anomaly_scores(model.model, model.split.x_test, "mse"))


def test_train_with_chosen_widgets_gives_a_scored_current_model() -> None:
    at = open_train_page(w_epochs=4, w_layer_count=1, w_units_0=48, w_latent=6)
    train(at)
    model = at.session_state[ACTIVE_MODEL_KEY]
    assert model.epochs == 4 and model.config.encoder_hidden == (48,) and model.config.latent_size == 6
    assert model.summary.auc > 0.8
    cards = {metric.label: metric.value for metric in at.metric}
    assert cards["Test AUC"] == f"{model.summary.auc:.3f}"
    assert {"Average precision", "Best-F1 threshold", "Precision there", "Recall there", "Epochs per second", "Device"} <= set(
        cards
    )
    run, history = stored_run(at), stored_epochs(at)
    assert run is not None and run.status == "finished" and model.run_id == run.id
    assert [r.epoch for r in history] == [1, 2, 3, 4]
    assert all(r.test_scores is not None and len(r.test_scores) == len(model.split.x_test) for r in history)  # replay data
    assert history[-1].test_scores == pytest.approx(model.test_scores, rel=1e-6)  # the stored epoch is the current model
    assert history[-1].train_loss < history[0].train_loss
    assert at.slider(key=f"replay_epoch_{run.id}_4").value == 4
    assert "Run 1 (custom settings) · dense · 4 ep · AUC" in texts(at.sidebar.markdown)
    assert chart_keys(at) == {"network_diagram", "final_loss", "final_latent", "replay_hist", "replay_roc"}
    assert "trained 4 epochs" in texts(at.success)


def test_replay_slider_shows_an_earlier_epoch() -> None:
    at = open_train_page(w_epochs=3)
    train(at)
    run = stored_run(at)
    slider = at.slider(key=f"replay_epoch_{run.id}_3")
    assert slider.value == 3
    slider.set_value(1).run()
    assert not at.exception and at.slider(key=f"replay_epoch_{run.id}_3").value == 1


def test_step_continue_and_reset_follow_the_transport() -> None:
    at = open_train_page(w_epochs=2)
    train(at, "step_button")
    assert stored_run(at).epochs == 1 and at.session_state[ACTIVE_MODEL_KEY].epochs == 1
    train(at, "step_button")
    assert stored_run(at).epochs == 2
    train(at, "continue_button")
    run, history = stored_run(at), stored_epochs(at)
    assert run.epochs == 4 and [r.epoch for r in history] == [1, 2, 3, 4]
    assert at.session_state[ACTIVE_MODEL_KEY].epochs == 4 and at.session_state[ACTIVE_MODEL_KEY].run_id == run.id
    first_loss = history[0].train_loss
    click(at, "reset_button")
    assert stored_run(at) is None and "press **Train**" in texts(at.info)
    assert at.session_state[ACTIVE_MODEL_KEY].epochs == 4  # the trained model stays current
    train(at, "step_button")
    assert stored_run(at).id != run.id and stored_epochs(at)[0].train_loss == first_loss  # same seed, same weights


def test_changing_the_architecture_marks_the_model_out_of_date_and_keeps_it() -> None:
    at = open_train_page(w_epochs=2)
    train(at)
    trained = at.session_state[ACTIVE_MODEL_KEY]
    at.number_input(key="w_latent").set_value(3).run()
    assert "configuration has changed" in texts(at.warning)
    assert at.session_state[ACTIVE_MODEL_KEY] is trained
    train(at, "continue_button")
    assert at.session_state[ACTIVE_MODEL_KEY].config.latent_size == trained.config.latent_size  # Continue: same model
    assert at.session_state[ACTIVE_MODEL_KEY].epochs == 4
    train(at)
    assert at.session_state[ACTIVE_MODEL_KEY].config.latent_size == 3


def test_preset_buttons_fill_the_widgets_and_show_the_lesson() -> None:
    at = open_train_page()
    click(at, "preset_bottleneck_too_small")
    assert at.number_input(key="w_latent").value == 1
    assert "Bottleneck too small" in texts(at.info)
    click(at, "preset_contaminated")
    assert at.slider(key="w_abnormal_pct").value == 30
    assert at.session_state[SETTINGS_KEY].data.abnormal_fraction == pytest.approx(0.3)


def test_learning_rate_too_high_shows_divergence_and_keeps_the_epochs_before_it() -> None:
    at = open_train_page(w_epochs=2)
    train(at)
    good = at.session_state[ACTIVE_MODEL_KEY]
    click(at, "preset_lr_too_high")
    train(at)
    message = texts(at.error)
    assert "diverged in epoch 3" in message and "learning rate" in message.lower() and good.name in message
    assert at.session_state[ACTIVE_MODEL_KEY] is good  # a diverged run never replaces the current model
    assert stored_run(at).status == "diverged" and [r.epoch for r in stored_epochs(at)] == [1, 2]
    assert "final_loss" in chart_keys(at)  # the loss curve up to the divergence is drawn


@pytest.mark.parametrize(
    ("widgets", "expected"),
    [
        ({"w_layer_count": 0}, "no layers"),
        ({"w_units_1": 0}, "Layer 2 has 0 units"),
        ({"w_train_size": 99_999}, "training pool has"),
        ({"w_test_size": 99_999}, "test pool"),
        ({"w_train_size": 100}, "batch size 128 is larger than the 100 training beats"),
    ],
)
def test_bad_settings_say_what_to_change_and_keep_the_last_good_settings(widgets: dict, expected: str) -> None:
    at = open_train_page()
    good = at.session_state[SETTINGS_KEY]
    for key, value in widgets.items():
        at.number_input(key=key).set_value(value)
    at.run()
    assert not at.exception
    assert expected in texts(at.error)
    assert at.session_state[SETTINGS_KEY] == good
    assert at.button(key="train_button").disabled


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the fallback on machines without CUDA")
def test_cuda_requested_without_a_gpu_falls_back_to_cpu_with_a_notice() -> None:
    at = open_train_page(w_epochs=1)
    at.selectbox(key="w_device").set_value("cuda").run()
    assert "CUDA was requested" in texts(at.warning)
    train(at)
    assert "CUDA was requested" in texts(at.warning)
    assert {m.label: m.value for m in at.metric}["Device"] == "cpu"


def test_classroom_hidden_and_locked_groups() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["classroom"] = {"learning_rate": "hidden", "optimizer": "locked", "layers": "locked"}
    at.run()
    at.switch_page("pages/train.py").run()
    assert not at.exception
    assert "w_learning_rate" not in [s.key for s in at.select_slider]
    assert at.selectbox(key="w_optimizer").disabled and at.number_input(key="w_units_0").disabled
    assert not at.selectbox(key="w_loss").disabled
    at.number_input(key="w_epochs").set_value(1).run()
    train(at)
    assert at.session_state[ACTIVE_MODEL_KEY].epochs == 1


def test_two_sessions_train_different_models_at_the_same_time() -> None:
    sessions = {"small": open_train_page(w_epochs=3, w_latent=2), "wide": open_train_page(w_epochs=2, w_units_0=96)}
    for at in sessions.values():
        click(at, "train_button")  # both queued before either waits: the workers train them side by side
    for at in sessions.values():
        wait_settled(at)
    small, wide = (sessions[name].session_state[ACTIVE_MODEL_KEY] for name in ("small", "wide"))
    assert (small.epochs, small.config.latent_size, small.config.encoder_hidden) == (3, 2, (64, 32))
    assert (wide.epochs, wide.config.latent_size, wide.config.encoder_hidden) == (2, 16, (96, 32))
    assert small.run_id != wide.run_id
    assert "Run 1 (custom settings)" in texts(sessions["small"].sidebar.markdown)
    assert "96" not in texts(sessions["small"].sidebar.markdown)  # a session lists only its own runs


def wait_training(at: AppTest, epochs: int = 1) -> RunRecord:
    """Wait until the followed run is training and has at least `epochs` epochs stored."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        run = stored_run(at)
        if run is not None and run.status == "training" and run.epochs >= epochs:
            return run
        time.sleep(0.05)
    raise AssertionError(f"the run did not start training: {stored_run(at)}")


def test_live_progress_and_charts_while_training_then_stop_keeps_the_model() -> None:
    at = open_train_page(w_epochs=2000, w_latent=2)
    click(at, "train_button")
    wait_training(at, epochs=3)
    at.run()  # what the live fragment does every quarter second
    assert "Epoch" in texts(at.get("progress")) or any("Epoch" in str(p.proto) for p in at.get("progress"))
    assert {"live_loss", "live_latent", "live_hist", "live_roc"} <= chart_keys(at)
    assert "leave this page" in texts(at.caption)
    assert at.number_input(key="w_epochs").disabled  # settings are locked while the run trains
    click(at, "stop_button")
    wait_settled(at)
    run = stored_run(at)
    assert run.status == "stopped" and 3 <= run.epochs < 2000
    assert f"stopped at epoch {run.epochs}" in texts(at.info)
    assert at.session_state[ACTIVE_MODEL_KEY].epochs == run.epochs and at.session_state[ACTIVE_MODEL_KEY].run_id == run.id


def progress_text(at: AppTest) -> str:
    return " ".join(str(p.proto.text) for p in at.get("progress"))


def test_queued_runs_show_their_place_and_start_by_themselves(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The one worker busy: the next run says so, the one behind it counts the runs ahead; both train once the
    worker is free. (A store and pool of its own: other tests' servers share the default store's queue.)"""
    monkeypatch.setenv("ANOMALY_LAB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ANOMALY_LAB_WORKERS", "1")
    blocker = open_train_page(w_epochs=2000, w_latent=2)
    click(blocker, "train_button")
    wait_training(blocker)
    first, second = open_train_page(w_epochs=2), open_train_page(w_epochs=2)
    click(first, "train_button")
    click(second, "train_button")
    assert "Queued: next in line" in progress_text(first.run())
    assert "Queued: 1 run ahead of you" in progress_text(second.run())
    click(blocker, "stop_button")
    for at in (first, second):
        wait_settled(at)
        assert stored_run(at).status == "finished" and at.session_state[ACTIVE_MODEL_KEY].epochs == 2


def test_leaving_the_page_mid_run_does_not_stop_it() -> None:
    at = open_train_page(w_epochs=300)
    click(at, "train_button")
    first = wait_training(at).epochs
    at.switch_page("pages/evaluate.py").run()
    assert not at.exception
    time.sleep(1.0)  # the learner reads the Evaluate page meanwhile
    at.switch_page("pages/train.py").run()
    run = stored_run(at)
    assert run.epochs > first  # it went on training while the Train page was closed
    wait_settled(at)
    assert at.session_state[ACTIVE_MODEL_KEY].epochs == 300  # and became the current model when it finished


def test_a_reopened_session_has_its_model_lesson_and_controls_back() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["classroom"] = {"learning_rate": "hidden", "optimizer": "locked"}
    at.run()
    at.switch_page("pages/train.py").run()
    at.number_input(key="w_epochs").set_value(2).run()
    train(at)
    trained = at.session_state[ACTIVE_MODEL_KEY]
    token = at.query_params[SESSION_PARAM]
    assert token == at.session_state[TOKEN_KEY]
    again = open_app(**{SESSION_PARAM: token})  # a reload: a new script session with the same address
    model = again.session_state[ACTIVE_MODEL_KEY]
    assert model.run_id == trained.run_id and model.summary.auc == trained.summary.auc
    assert model.test_scores == pytest.approx(trained.test_scores)
    assert again.session_state["classroom"] == {"learning_rate": "hidden", "optimizer": "locked"}
    assert "w_learning_rate" not in [s.key for s in again.select_slider] and again.selectbox(key="w_optimizer").disabled
    assert again.session_state[SETTINGS_KEY].train.epochs == 2
    assert "trained 2 epochs" in texts(again.success)


def test_an_unknown_or_tampered_session_starts_afresh_and_sees_no_runs() -> None:
    owner = open_train_page(w_epochs=1)
    train(owner)
    token = owner.session_state[TOKEN_KEY]
    for tampered in (token[:-1] + ("A" if token[-1] != "A" else "B"), "../../etc/passwd", "x" * 500):
        at = open_app(**{SESSION_PARAM: tampered})
        assert "session in this address was not found" in texts(at.warning)
        assert at.session_state[TOKEN_KEY] != token and ACTIVE_MODEL_KEY not in at.session_state
        assert "My runs (0)" in str([e.label for e in at.sidebar.expander])


@pytest.mark.parametrize("family", ["vae", "conv", "lstm"])
def test_other_families_train_through_the_page(family: str) -> None:
    at = open_train_page(w_epochs=1)
    at.selectbox(key="w_family").set_value(family).run()
    train(at)
    model = at.session_state[ACTIVE_MODEL_KEY]
    assert model.config.family == family and model.epochs == 1
    assert {"network_diagram", "final_loss", "final_latent", "replay_hist", "replay_roc"} <= chart_keys(at)
    assert "Test AUC" in [metric.label for metric in at.metric]


def test_score_smoothing_slider_sets_how_the_trained_model_scores() -> None:
    at = open_train_page(w_epochs=2)
    assert at.select_slider(key="w_score_smoothing").value == 5
    at.select_slider(key="w_score_smoothing").set_value(1).run()
    train(at)
    model = at.session_state[ACTIVE_MODEL_KEY]
    assert model.config.score_smoothing == 1 and at.session_state[SETTINGS_KEY].model.score_smoothing == 1


def test_the_live_view_waits_for_a_run_only_in_its_last_poll_interval(tmp_path: Path) -> None:
    import dataclasses

    from anomaly_core import DataConfig, ModelConfig, TrainConfig
    from anomaly_core.runs import RunSpec
    from ui.train.live import LIVE_SECONDS, RunCharts, _ends_before_next_poll

    store = open_store(RunSettings(data_dir=tmp_path, workers=1))
    spec = RunSpec(ModelConfig(), TrainConfig(), DataConfig())
    run = dataclasses.replace(store.create_run(store.create_session(), "r", spec, 40), status="training")

    def at(epoch: int, seconds_per_epoch: float) -> RunCharts:
        epochs = [EpochRecord(e, 10, 0.1, 0.1, e * seconds_per_epoch, 0.0) for e in range(1, epoch + 1)]
        return RunCharts(dataclasses.replace(run, epochs=epoch), epochs)

    pace = LIVE_SECONDS / 4  # a quarter of a poll's interval per epoch
    assert _ends_before_next_poll(at(37, pace))  # three epochs left: 0.75 of an interval
    assert not _ends_before_next_poll(at(35, pace))  # five left: more than an interval, the next poll comes first
    assert not _ends_before_next_poll(at(0, pace))  # no pace before the first epoch


def test_a_run_that_ends_while_the_page_reruns_still_becomes_the_current_model(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    import ui.session_memory

    at = open_train_page(w_epochs=3)
    at.button(key="train_button").click().run()
    deadline = time.monotonic() + SETTLE_SECONDS
    while (run := stored_run(at)) is not None and run.active and time.monotonic() < deadline:
        time.sleep(0.1)
    assert run is not None and run.status == "finished"
    real, calls = ui.session_memory.session_run, []

    def still_training_at_first(run_id: str | None) -> RunRecord | None:  # the run ends just after the rerun's start
        calls.append(run_id)
        stored = real(run_id)
        return dataclasses.replace(stored, status="training") if stored is not None and len(calls) == 1 else stored

    monkeypatch.setattr(ui.session_memory, "session_run", still_training_at_first)
    at.run()
    assert not at.exception and len(calls) >= 2  # the Train page saw it ended and reran once more
    assert at.session_state[ACTIVE_MODEL_KEY].run_id == run.id  # so the sidebar's current model is the run's
