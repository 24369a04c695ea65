"""The Train page under AppTest: compose, train, step, continue, reset, presets, classroom modes and every bad input."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from ui.current_model import ACTIVE_MODEL_KEY, TRAINED_MODELS_KEY
from ui.settings import SETTINGS_KEY

ROOT = Path(__file__).resolve().parents[1]


def open_train_page(**widgets: object) -> AppTest:
    """The app on its Train page, with number inputs set by key (e.g. w_epochs=3)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/train.py").run()
    for key, value in widgets.items():
        at.number_input(key=key).set_value(value)
    if widgets:
        at.run()
    assert not at.exception
    return at


def texts(elements) -> str:
    return " ".join(str(element.value) for element in elements)


def chart_keys(at: AppTest) -> set[str]:
    """The keys of the plotly charts on the page (they render as UnknownElement under AppTest)."""
    return {chart.proto.id.rsplit("-", 1)[-1] for chart in at.get("plotly_chart")}


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception
    return at


def test_page_opens_with_default_settings_and_diagram() -> None:
    at = open_train_page()
    assert at.title[0].value == "Train an autoencoder"
    assert at.number_input(key="w_layer_count").value == 2
    assert at.number_input(key="w_units_0").value == 64
    assert not at.error
    assert chart_keys(at) == {"network_diagram"}
    assert at.session_state[SETTINGS_KEY].model.encoder_hidden == (64, 32)


def test_train_with_chosen_widgets_gives_a_scored_current_model() -> None:
    at = open_train_page(w_epochs=4, w_layer_count=1, w_units_0=48, w_latent=6)
    click(at, "train_button")
    model = at.session_state[ACTIVE_MODEL_KEY]
    assert model.epochs == 4 and model.config.encoder_hidden == (48,) and model.config.latent_size == 6
    assert model.summary.auc > 0.8
    cards = {metric.label: metric.value for metric in at.metric}
    assert cards["Test AUC"] == f"{model.summary.auc:.3f}"
    assert {"Average precision", "Best-F1 threshold", "Precision there", "Recall there", "Epochs per second", "Device"} <= set(
        cards
    )
    run = at.session_state["train_run"]
    assert [r.epoch for r in run.history] == [1, 2, 3, 4]
    assert all(r.test_scores is not None and len(r.test_scores) == len(run.split.x_test) for r in run.history)  # replay data
    assert run.history[-1].train_loss < run.history[0].train_loss
    assert at.session_state[TRAINED_MODELS_KEY] == [model]
    assert at.slider(key=f"replay_epoch_{run.name}_4").value == 4
    assert chart_keys(at) == {"network_diagram", "final_loss", "final_latent", "replay_hist", "replay_roc"}
    assert "trained 4 epochs" in texts(at.success)


def test_replay_slider_shows_an_earlier_epoch() -> None:
    at = open_train_page(w_epochs=3)
    click(at, "train_button")
    run = at.session_state["train_run"]
    slider = at.slider(key=f"replay_epoch_{run.name}_3")
    assert slider.value == 3
    slider.set_value(1).run()
    assert not at.exception and at.slider(key=f"replay_epoch_{run.name}_3").value == 1


def test_step_continue_and_reset_follow_the_transport() -> None:
    at = open_train_page(w_epochs=2)
    click(at, "step_button")
    assert at.session_state["train_run"].epochs == 1 and at.session_state[ACTIVE_MODEL_KEY].epochs == 1
    click(at, "step_button")
    assert at.session_state["train_run"].epochs == 2
    click(at, "continue_button")
    run = at.session_state["train_run"]
    assert run.epochs == 4 and [r.epoch for r in run.history] == [1, 2, 3, 4]
    assert len(at.session_state[TRAINED_MODELS_KEY]) == 1  # one Compare entry per run, kept up to date
    first_loss = run.history[0].train_loss
    click(at, "reset_button")
    assert at.session_state["train_run"].epochs == 0 and at.session_state["train_run"].history == []
    assert at.session_state[ACTIVE_MODEL_KEY].epochs == 4  # the trained model stays current
    click(at, "step_button")
    assert at.session_state["train_run"].history[0].train_loss == pytest.approx(first_loss)  # same seed, same weights


def test_changing_the_architecture_marks_the_model_out_of_date_and_keeps_it() -> None:
    at = open_train_page(w_epochs=2)
    click(at, "train_button")
    trained = at.session_state[ACTIVE_MODEL_KEY]
    at.number_input(key="w_latent").set_value(3).run()
    assert "configuration has changed" in texts(at.warning)
    assert at.session_state[ACTIVE_MODEL_KEY] is trained
    click(at, "continue_button")
    assert at.session_state[ACTIVE_MODEL_KEY].config.latent_size == trained.config.latent_size  # Continue: same model
    click(at, "train_button")
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
    click(at, "train_button")
    good = at.session_state[ACTIVE_MODEL_KEY]
    click(at, "preset_lr_too_high")
    click(at, "train_button")
    message = texts(at.error)
    kept = at.session_state[ACTIVE_MODEL_KEY]
    assert "diverged in epoch 3" in message and "learning rate" in message.lower() and kept.name in message
    assert kept is not good and kept.epochs == 2  # the loss curve up to the divergence is the run's own


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


def test_out_of_memory_during_training_is_reported_and_the_model_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_train_page(w_epochs=2)
    click(at, "train_button")
    good = at.session_state[ACTIVE_MODEL_KEY]

    def out_of_memory(self) -> None:
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr("anomaly_core.train.Trainer._run_epoch", out_of_memory)
    click(at, "train_button")
    assert "ran out of memory" in texts(at.error) and "smaller batch size" in texts(at.error)
    assert at.session_state[ACTIVE_MODEL_KEY] is good


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the fallback on machines without CUDA")
def test_cuda_requested_without_a_gpu_falls_back_to_cpu_with_a_notice() -> None:
    at = open_train_page(w_epochs=1)
    at.selectbox(key="w_device").set_value("cuda").run()
    assert "CUDA was requested" in texts(at.warning)
    click(at, "train_button")
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
    click(at, "train_button")
    assert at.session_state[ACTIVE_MODEL_KEY].epochs == 1


# AppTest swaps one process-wide mock Runtime in and out around each run, so when two runs overlap the one that ends
# second finds it gone in its post-script cleanup; the scripts themselves (and this test's assertions) are unaffected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_two_sessions_train_different_models_in_parallel() -> None:
    sessions = {"small": open_train_page(w_epochs=3, w_latent=2), "wide": open_train_page(w_epochs=2, w_units_0=96)}
    failures: list[BaseException] = []

    def train(at: AppTest) -> None:
        try:
            at.button(key="train_button").click().run()
        except Exception as error:  # surfaced below; a thread swallows it otherwise
            failures.append(error)

    threads = [threading.Thread(target=train, args=(at,)) for at in sessions.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    small, wide = (sessions[name].session_state[ACTIVE_MODEL_KEY] for name in ("small", "wide"))
    assert (small.epochs, small.config.latent_size, small.config.encoder_hidden) == (3, 2, (64, 32))
    assert (wide.epochs, wide.config.latent_size, wide.config.encoder_hidden) == (2, 16, (96, 32))
    assert small.model is not wide.model
    assert len(sessions["small"].session_state[TRAINED_MODELS_KEY]) == 1


def test_live_frames_draw_progress_and_every_chart_while_training(monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.train.run
    import ui.train.view

    frames: list[tuple[int, int]] = []
    draw_live = ui.train.view.draw_live

    def counting_draw_live(run, slots, frame: int) -> None:
        frames.append((run.epochs, frame))
        draw_live(run, slots, frame)

    monkeypatch.setattr(ui.train.run, "REDRAW_SECONDS", 0.0)  # redraw after every epoch
    monkeypatch.setattr(ui.train.view, "draw_live", counting_draw_live)
    at = open_train_page(w_epochs=4, w_latent=2)
    click(at, "train_button")
    assert frames == [(1, 1), (2, 2), (3, 3), (4, 4)]  # each epoch was stored before its frame was drawn
    assert at.session_state[ACTIVE_MODEL_KEY].epochs == 4


def test_network_diagram_follows_the_config_and_counts_parameters() -> None:
    from anomaly_core import ModelConfig, build_model, count_parameters
    from ui.figures import ANOMALY_COLOR
    from ui.train.network_diagram import diagram_columns, network_figure

    cfg = ModelConfig(encoder_hidden=(100, 40, 20), latent_size=3)
    assert diagram_columns(cfg) == [
        ("input", 140), ("encoder", 100), ("encoder", 40), ("encoder", 20), ("bottleneck", 3),
        ("decoder", 20), ("decoder", 40), ("decoder", 100), ("output", 140),
    ]  # fmt: skip
    figure = network_figure(cfg, count_parameters(build_model(cfg)))
    assert f"{count_parameters(build_model(cfg)):,} parameters" in figure.layout.title.text
    bottleneck = [trace for trace in figure.data if trace.marker.color == ANOMALY_COLOR]
    assert len(bottleneck) == 1 and len(bottleneck[0].y) == 3  # three nodes, highlighted
    assert [c for c in diagram_columns(ModelConfig(family="conv", conv_channels=(8, 16))) if c[0] == "encoder"] == [
        ("encoder", 8),
        ("encoder", 16),
    ]


def test_latent_projection_keeps_small_codes_and_reduces_wide_ones() -> None:
    import numpy as np

    from ui.train.charts import progress_text, project_latent

    rng = np.random.default_rng(0)
    codes = rng.normal(size=(200, 2))
    assert np.array_equal(project_latent(codes)[0], codes)
    wide = np.c_[10 * rng.normal(size=(200, 1)), 0.1 * rng.normal(size=(200, 7))]
    points, description = project_latent(wide)
    assert points.shape == (200, 2) and description.startswith("PCA of 8 units")
    assert abs(np.corrcoef(points[:, 0], wide[:, 0])[0, 1]) > 0.99  # the first direction is the wide one
    assert progress_text(10, 40, 0.5) == "Epoch 10/40 · about 15 s left"
    assert progress_text(0, 40, None) == "Epoch 0/40"


@pytest.mark.parametrize("family", ["vae", "conv", "lstm"])
def test_other_families_train_through_the_page(family: str) -> None:
    at = open_train_page(w_epochs=1)
    at.selectbox(key="w_family").set_value(family).run()
    click(at, "train_button")
    model = at.session_state[ACTIVE_MODEL_KEY]
    assert model.config.family == family and model.epochs == 1
    assert {"network_diagram", "final_loss", "final_latent", "replay_hist", "replay_roc"} <= chart_keys(at)
    assert "Test AUC" in [metric.label for metric in at.metric]


def test_a_burst_interrupted_by_a_rerun_resumes_and_one_interrupted_by_stop_keeps_its_model() -> None:
    at = open_train_page(w_epochs=2)
    click(at, "step_button")
    run = at.session_state["train_run"]
    run.status = "training"  # as left by a script run that Streamlit interrupted mid-burst
    at.session_state["train_target_epoch"] = 3
    at.session_state["training"] = True
    at.run()
    assert not at.exception and run.epochs == 3 and run.status == "finished"  # the rerun went on training
    assert at.session_state[ACTIVE_MODEL_KEY].epochs == 3
    run.status = "training"
    at.session_state["training"] = False  # what the Stop button's callback does
    at.run()
    assert not at.exception and run.status == "stopped" and run.epochs == 3
    assert "stopped at epoch 3" in texts(at.info)
    assert at.session_state[TRAINED_MODELS_KEY][-1].epochs == 3


def test_score_smoothing_slider_sets_how_the_trained_model_scores() -> None:
    at = open_train_page(w_epochs=2)
    assert at.select_slider(key="w_score_smoothing").value == 5
    at.select_slider(key="w_score_smoothing").set_value(1).run()
    click(at, "train_button")
    model = at.session_state[ACTIVE_MODEL_KEY]
    assert model.config.score_smoothing == 1 and at.session_state[SETTINGS_KEY].model.score_smoothing == 1
