"""The long signal: seeded generation, injected spans of each kind, sliding windows, and point/event metrics."""

from __future__ import annotations

import numpy as np
import pytest

from anomaly_core import DataConfig, dataset_split, errors_over_time, make_long_signal, series_scores, spans_of
from anomaly_core.config import SIGNAL_ANOMALIES
from anomaly_core.long_signal import KIND_LABELS, SERIES_LENGTH, TRAIN_END, WINDOW, sliding_windows


def test_same_seed_same_series_and_another_seed_another() -> None:
    cfg = DataConfig(dataset="long_signal", seed=4)
    a, b = make_long_signal(cfg), make_long_signal(cfg)
    np.testing.assert_array_equal(a.values, b.values)
    assert a.spans == b.spans
    c = make_long_signal(DataConfig(dataset="long_signal", seed=5))
    assert a.spans != c.spans


def test_each_chosen_kind_is_injected_twice_in_the_test_part_apart_from_each_other() -> None:
    signal = make_long_signal(DataConfig(dataset="long_signal", seed=1))
    assert len(signal.values) == SERIES_LENGTH
    assert sorted(s.kind for s in signal.spans) == sorted(list(SIGNAL_ANOMALIES) * 2)
    ordered = sorted(signal.spans, key=lambda s: s.start)
    assert ordered[0].start >= TRAIN_END and ordered[-1].end <= SERIES_LENGTH
    assert all(later.start - earlier.end >= WINDOW // 2 for earlier, later in zip(ordered, ordered[1:]))


def test_injected_spans_change_the_signal_where_they_are() -> None:
    clean = make_long_signal(DataConfig(dataset="long_signal", seed=3, signal_anomalies="spike"))
    spike = clean.spans[0]
    outside = np.abs(clean.values[TRAIN_END : spike.start - 5])
    assert np.abs(clean.values[spike.start : spike.end]).min() > outside.max()  # a spike stands out of the sine
    flat = make_long_signal(DataConfig(dataset="long_signal", seed=3, signal_anomalies="flat"))
    for span in flat.spans:
        assert np.ptp(flat.values[span.start : span.end]) == 0.0


def test_trend_and_season_options_change_the_series() -> None:
    plain = make_long_signal(DataConfig(dataset="long_signal"))
    trend = make_long_signal(DataConfig(dataset="long_signal", signal_trend=True))
    season = make_long_signal(DataConfig(dataset="long_signal", signal_seasonality=True))
    assert trend.values[-200:].mean() - plain.values[-200:].mean() > 1.0  # the trend climbs 1.5 over the series
    assert not np.allclose(season.values, plain.values)


def test_windows_and_split_follow_the_time_rule() -> None:
    cfg = DataConfig(dataset="long_signal", seed=2)
    split, signal = dataset_split(cfg), make_long_signal(cfg)
    assert split.x_test.shape == (SERIES_LENGTH - TRAIN_END - WINDOW + 1, WINDOW)
    assert (split.classes_train == 0).all()
    first = signal.spans[0]
    window = first.start - TRAIN_END  # the test window starting at the span's first step
    assert split.classes_test[window] == KIND_LABELS[first.kind]
    windows = sliding_windows(signal.values, TRAIN_END, SERIES_LENGTH, 1)
    np.testing.assert_allclose(split.scaler.inverse(split.x_test), windows, rtol=1e-5, atol=1e-5)


def test_long_signal_options_that_do_not_apply_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="abnormal_fraction: the long signal trains on its anomaly-free first part"):
        dataset_split(DataConfig(dataset="long_signal", abnormal_fraction=0.2))
    with pytest.raises(ValueError, match="test_size: .* choose 'all'"):
        dataset_split(DataConfig(dataset="long_signal", test_size=100))


def test_errors_over_time_average_every_window_covering_a_step() -> None:
    n = 10
    step_errors = np.zeros((n, WINDOW))
    step_errors[3, 5] = float(WINDOW)  # window 3 sees an error at its step 5: time step 8 of the part
    over_time = errors_over_time(step_errors)
    assert over_time.shape == (n + WINDOW - 1,)
    assert np.flatnonzero(over_time).tolist() == [8]
    assert over_time[8] == pytest.approx(WINDOW / min(9, n))  # time step 8 is covered by windows 0 … 8


def test_event_level_metrics_on_a_hand_made_example() -> None:
    truth = np.zeros(30, int)
    truth[2:5] = 1  # event A: caught by one flagged step
    truth[10:15] = 1  # event B: missed
    truth[20:22] = 1  # event C: caught, and the flagged run spills over
    flagged = np.zeros(30, int)
    flagged[4] = 1
    flagged[21:24] = 1
    flagged[27:29] = 1  # a false event
    scores = series_scores(truth, flagged)
    assert (scores.caught_events, scores.true_events, scores.flagged_events) == (2, 3, 3)
    assert scores.event_recall == pytest.approx(2 / 3)
    assert scores.event_precision == pytest.approx(2 / 3)
    assert scores.point_recall == pytest.approx(2 / 10)  # steps 4 and 21 of ten true steps
    assert scores.point_precision == pytest.approx(2 / 6)
    assert spans_of(truth) == [(2, 5), (10, 15), (20, 22)]


def test_event_metrics_without_flags_or_anomalies_are_zero_not_errors() -> None:
    nothing = series_scores(np.zeros(5, int), np.zeros(5, int))
    assert (nothing.event_precision, nothing.event_recall, nothing.point_precision) == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="two series of one length"):
        series_scores(np.zeros(5), np.zeros(4))
