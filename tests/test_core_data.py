"""ECG5000 loading, the seeded stratified split and the scaler, on the real data."""

import numpy as np
import pytest

from anomaly_core import DataConfig, make_split


def test_pools_both_files_into_5000_beats(ecg) -> None:
    assert ecg.signals.shape == (5000, 140)
    assert np.bincount(ecg.classes).tolist() == [0, 2919, 1767, 96, 194, 24]
    assert ecg.is_anomaly.sum() == 2081
    assert np.isfinite(ecg.signals).all()


def test_default_split_trains_on_normal_beats_and_tests_on_all_classes(default_split) -> None:
    split = default_split
    assert set(np.unique(split.classes_train)) == {1}
    assert split.x_train.shape[1] == split.x_val.shape[1] == split.x_test.shape[1] == 140
    assert len(split.x_test) == 1000
    assert set(np.unique(split.classes_test)) == {1, 2, 3, 4, 5}
    # stratified: the test pool keeps the data set's share of normal beats (2919 / 5000)
    assert abs((split.classes_test == 1).mean() - 0.5838) < 0.01
    assert len(split.x_val) == round(0.1 * len(split.x_train))


def test_split_sizes_and_contamination_follow_the_request(ecg) -> None:
    split = make_split(ecg, DataConfig(train_size=1000, test_size=200, abnormal_fraction=0.3, seed=3))
    assert len(split.x_train) == 1000
    assert (split.classes_train != 1).sum() == 300
    assert len(split.x_test) == 200
    assert (split.classes_test != 1).sum() == round(200 * 2081 / 5000)


def test_no_beat_is_in_two_parts_of_a_split(ecg) -> None:
    split = make_split(ecg, DataConfig(train_size=500, seed=1))
    rows = [split.scaler.inverse(part) for part in (split.x_train, split.x_val, split.x_test)]
    keys = [{row.round(3).tobytes() for row in part} for part in rows]
    assert not (keys[0] & keys[1]) and not (keys[0] & keys[2]) and not (keys[1] & keys[2])


def test_same_seed_same_split_other_seed_other_split(ecg) -> None:
    a, b, c = (make_split(ecg, DataConfig(train_size=500, seed=s)) for s in (7, 7, 8))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)


def test_global_scaler_is_fitted_on_training_rows_only(ecg) -> None:
    split = make_split(ecg, DataConfig(scaling="global"))
    raw_train = split.scaler.inverse(split.x_train)
    assert split.scaler.minimum == pytest.approx(float(raw_train.min()), abs=1e-5)
    assert split.scaler.maximum == pytest.approx(float(raw_train.max()), abs=1e-5)
    assert split.x_train.min() == pytest.approx(0.0, abs=1e-6) and split.x_train.max() == pytest.approx(1.0, abs=1e-6)
    # test beats were not used: they reach outside [0, 1], and the whole-data range differs from the fit
    assert split.x_test.min() < 0 or split.x_test.max() > 1
    assert (split.scaler.minimum, split.scaler.maximum) != (float(ecg.signals.min()), float(ecg.signals.max()))


def test_default_scaler_maps_each_time_step_of_the_training_rows_to_0_1(ecg, default_split) -> None:
    split = default_split
    assert split.config.scaling == "per_feature"
    raw_train = split.scaler.inverse(split.x_train)
    np.testing.assert_allclose(split.scaler.minimum, raw_train.min(axis=0), atol=1e-5)
    np.testing.assert_allclose(split.scaler.maximum, raw_train.max(axis=0), atol=1e-5)
    np.testing.assert_allclose(split.x_train.min(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(split.x_train.max(axis=0), 1.0, atol=1e-6)
    assert (split.x_test < 0).any() and (split.x_test > 1).any()  # test beats were not used for the fit
    assert not np.allclose(split.scaler.maximum, ecg.signals.max(axis=0))


@pytest.mark.parametrize("scaling", ["per_feature", "global"])
def test_scaler_inverts(ecg, scaling) -> None:
    split = make_split(ecg, DataConfig(train_size=300, scaling=scaling))
    beats = split.scaler.inverse(split.x_test[:5])
    np.testing.assert_allclose(split.scaler.transform(beats), split.x_test[:5], atol=1e-6)


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (dict(train_size=5000), "train_size"),
        (dict(test_size=5000), "test_size"),
        (dict(train_size=2500, abnormal_fraction=0.7), "abnormal_fraction"),
    ],
)
def test_impossible_requests_say_what_to_change(ecg, request_, field) -> None:
    with pytest.raises(ValueError, match=field):
        make_split(ecg, DataConfig(**request_))


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (dict(abnormal_fraction=1.5), "abnormal_fraction"),
        (dict(abnormal_fraction=-0.1), "abnormal_fraction"),
        (dict(train_size=0), "train_size"),
        (dict(test_size=-3), "test_size"),
    ],
)
def test_bad_data_configs_name_the_field(values, field) -> None:
    with pytest.raises(ValueError, match=field):
        DataConfig(**values)


def test_all_training_beats_with_contamination_keeps_the_fraction(ecg) -> None:
    split = make_split(ecg, DataConfig(abnormal_fraction=0.5))
    assert abs((split.classes_train != 1).mean() - 0.5) < 0.01
