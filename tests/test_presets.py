"""Each Train preset's lesson is a measured fact on the real ECG5000 beats, with the preset's own seed."""

from __future__ import annotations

import dataclasses

import pytest

from anomaly_core import EcgData, EpochResult, Trainer, TrainingDiverged, build_model, make_split, roc_auc
from ui.presets import PRESETS, Preset
from ui.sharing.lessons import LESSONS_BY_KEY
from ui.train.controls import LEARNING_RATES


@dataclasses.dataclass
class Outcome:
    history: list[EpochResult]
    auc: float
    diverged: TrainingDiverged | None


def _train(preset: Preset, ecg: EcgData) -> Outcome:
    """Train a preset exactly as the Train page does (CPU, one thread), recording a divergence instead of raising."""
    settings = preset.settings
    split = make_split(ecg, settings.data)
    train_cfg = dataclasses.replace(settings.train, device="cpu")
    trainer = Trainer(build_model(settings.model, seed=train_cfg.seed), split, train_cfg)
    history: list[EpochResult] = []
    try:
        history.extend(trainer.fit())
    except TrainingDiverged as error:
        return Outcome(history, roc_auc(split.y_test, trainer.test_scores()), error)
    return Outcome(history, roc_auc(split.y_test, trainer.test_scores()), None)


@pytest.fixture(scope="module")
def outcomes(ecg: EcgData) -> dict[str, Outcome]:
    return {key: _train(preset, ecg) for key, preset in PRESETS.items()}


def test_every_preset_has_a_title_and_one_sentence_lesson() -> None:
    assert list(PRESETS) == ["good_default", "bottleneck_too_small", "overfit", "contaminated", "lr_too_high"]
    for preset in PRESETS.values():
        assert preset.title and preset.lesson.endswith(".") and preset.lesson.count(". ") == 0
        assert preset.settings.preset == preset.key


def test_presets_share_one_seed_so_they_compare_fairly() -> None:
    seeds = {(p.settings.train.seed, p.settings.data.seed) for p in PRESETS.values()}
    assert seeds == {(0, 0)}


def test_good_default_trains_a_strong_detector(outcomes: dict[str, Outcome]) -> None:
    good = outcomes["good_default"]
    assert good.diverged is None
    assert good.auc > 0.97
    assert good.history[-1].train_loss < good.history[0].train_loss / 3


def test_bottleneck_too_small_rebuilds_worse_and_ranks_worse(outcomes: dict[str, Outcome]) -> None:
    good, small = outcomes["good_default"], outcomes["bottleneck_too_small"]
    assert small.diverged is None
    assert small.history[-1].val_loss > 1.5 * good.history[-1].val_loss
    assert small.auc < good.auc


def test_overfit_ends_with_validation_loss_above_training_loss(outcomes: dict[str, Outcome]) -> None:
    overfit, good = outcomes["overfit"], outcomes["good_default"]
    assert overfit.diverged is None
    last = overfit.history[-1]
    assert last.val_loss > 1.5 * last.train_loss
    assert good.history[-1].val_loss < 1.5 * good.history[-1].train_loss  # the default does not show the gap


def test_contaminated_training_lowers_the_test_auc(outcomes: dict[str, Outcome]) -> None:
    assert outcomes["contaminated"].diverged is None
    assert outcomes["contaminated"].auc < outcomes["good_default"].auc - 0.1


def test_learning_rate_too_high_is_caught_as_divergence_and_says_so(outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes["lr_too_high"]
    assert outcome.diverged is not None
    message = str(outcome.diverged)
    assert "diverged" in message and "learning rate" in message.lower()
    assert outcome.auc < outcomes["good_default"].auc


def test_learning_rate_too_high_draws_a_falling_curve_before_it_diverges(outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes["lr_too_high"]
    assert len(outcome.history) >= 2  # the loss curve up to the divergence has something to show
    assert outcome.history[-1].val_loss < outcome.history[0].val_loss
    assert f"epoch {len(outcome.history) + 1}" in str(outcome.diverged)


def test_one_notch_lower_learning_rate_trains_well(ecg: EcgData) -> None:
    """The lesson's answer is reachable: the slider's next lower rate trains without diverging."""
    rates = sorted(LEARNING_RATES)
    preset = PRESETS["lr_too_high"]
    lower = rates[rates.index(preset.settings.train.learning_rate) - 1]
    settings = dataclasses.replace(preset.settings, train=dataclasses.replace(preset.settings.train, learning_rate=lower))
    outcome = _train(dataclasses.replace(preset, settings=settings), ecg)
    assert outcome.diverged is None and outcome.auc > 0.9


def test_learning_rate_lesson_link_and_preset_agree() -> None:
    lesson = LESSONS_BY_KEY["lr_too_high"]
    preset = PRESETS["lr_too_high"].settings
    assert dataclasses.replace(lesson.state.settings, preset=preset.preset) == preset
    assert str(f"{preset.train.learning_rate:g}") in lesson.question
    assert preset.train.learning_rate in LEARNING_RATES  # the link's rate is a slider position
