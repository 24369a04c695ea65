"""Pure helpers of the pages, tested without running the app: tables, picks, diagrams, projections, per-class recall."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from anomaly_core import Confusion, DataConfig, EcgData, ModelConfig, ThresholdSweep, make_split
from ui.compare.table import recall_by_class
from ui.data.explore import class_mean_std, class_table
from ui.data.split import composition_summary, composition_table
from ui.home.inference import summarize_test_set
from ui.home.intro import confusion_table, typical_beat

ROOT = Path(__file__).resolve().parents[1]


def test_per_class_recall_keeps_false_positives_at_5_percent() -> None:
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(200, int), np.ones(40, int)]
    classes = np.r_[np.ones(200, int), np.full(20, 2), np.full(20, 4)]
    scores = np.r_[rng.random(200), rng.random(20) + 0.9, rng.random(20) * 0.5]
    threshold = ThresholdSweep(y, scores).threshold_at_fpr()
    assert np.mean(scores[:200] > threshold) <= 0.05
    recalls = recall_by_class(scores, y, classes)
    assert recalls[2] > 0.9 and recalls[4] == 0.0 and np.isnan(recalls[3]) and np.isnan(recalls[5])


def test_sidebar_architecture_label_names_each_familys_own_layers() -> None:
    from ui.current_model import architecture_label

    assert architecture_label(ModelConfig()) == "dense 140 → 64 → 32 → 16 → 32 → 64 → 140"
    assert "8 ch → 16 ch → 32 ch → 32 ch (kernel 5, stride 2)" in architecture_label(ModelConfig(family="conv"))
    assert "chunks of 7 → 1×32 LSTM → 16" in architecture_label(ModelConfig(family="lstm"))


def test_composition_table_counts_every_split_beat(ecg: EcgData) -> None:
    split = make_split(ecg, DataConfig(test_size=500, abnormal_fraction=0.1, seed=3))
    table = composition_table(split)
    assert table["training"].sum() == len(split.x_train)
    assert table["validation"].sum() == len(split.x_val) and table["validation"].iloc[1:].sum() == 0
    assert table["test"].sum() == len(split.x_test) == 500
    assert "(10% abnormal)" in composition_summary(split)


def test_class_helpers_match_numpy(ecg: EcgData) -> None:
    mean, std = class_mean_std(ecg, 3)
    rows = ecg.signals[ecg.classes == 3]
    np.testing.assert_allclose(mean, rows.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(std, rows.std(axis=0), rtol=1e-6)
    assert list(class_table(ecg.classes)["share"]) == ["58.4%", "35.3%", "1.9%", "3.9%", "0.5%"]


def test_summary_and_confusion_table_report_the_counts() -> None:
    counts = Confusion(tp=30, fp=10, tn=50, fn=10)
    line = summarize_test_set(counts)
    assert "flags 40 of the 100" in line and "catches 30 of the 40 abnormal" in line and "recall 75.0%" in line
    assert "75.0% of the flagged" in line and "10 normal beats are false alarms" in line
    table = confusion_table(counts)
    assert table.loc["truly abnormal", "called anomaly"] == 30 and table.loc["truly normal", "called normal"] == 50


def test_typical_beat_is_the_median_of_its_group() -> None:
    scores = np.array([5.0, 1.0, 9.0, 3.0, 7.0])
    assert typical_beat(scores, np.array([True, True, False, True, False])) == 3
    with pytest.raises(ValueError):
        typical_beat(scores, np.zeros(5, dtype=bool))


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
    assert f"{count_parameters(build_model(cfg)):,} parameters" in figure["layout"]["title"]["text"]
    bottleneck = [trace for trace in figure["data"] if trace.get("marker", {}).get("color") == ANOMALY_COLOR]
    assert len(bottleneck) == 1 and len(bottleneck[0]["y"]) == 3  # three nodes, highlighted
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


def test_the_bottleneck_chart_shows_an_even_sample_of_a_large_test_set_with_its_classes_in_proportion() -> None:
    from ui.figures import thin
    from ui.train.charts import LATENT_POINTS

    assert np.array_equal(thin(LATENT_POINTS - 1, LATENT_POINTS), np.arange(LATENT_POINTS - 1))
    y_test = np.repeat([0, 1], [584, 416])  # ECG5000's default test set: 1,000 rows, 41.6 % abnormal, sorted by class
    rows = thin(len(y_test), LATENT_POINTS)
    assert len(rows) == LATENT_POINTS == len(np.unique(rows)) and rows[0] == 0 and rows[-1] == 999
    assert abs(y_test[rows].mean() - 0.416) < 0.01
