"""Training, data and device settings of the Train page, validated into the session's LabSettings."""

from __future__ import annotations

import dataclasses

import streamlit as st

from anomaly_core import DataConfig, ModelConfig, TrainConfig, available_device, describe_devices, fit_model_to_length
from anomaly_core.config import DEVICES, LOSSES, OPTIMIZERS, REGULARIZERS, SCALINGS
from ui.datasets import dataset_of, ecg_split
from ui.settings import SETTINGS_KEY, LabSettings, get_settings
from ui.train.composer import render_composer
from ui.train.limits import MAX_ABNORMAL_PERCENT, MAX_EPOCHS, MAX_SEED
from ui.train.widgets import setting_widget, with_value

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = (64, 128, 256, 512, 1024)
REGULARIZATION_RATES = (0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1)
SCALING_LABELS = {"per_feature": "Min-max per time step", "global": "One min-max for all values"}
SCALING_HELP = (
    "Per time step: each of the 140 steps gets its own training range, so the network learns quiet steps as well as "
    "loud ones (the default: it beat LOF on all 5 splits measured). One min-max: the whole beat shares one range."
)


def render_training_options(cfg: TrainConfig) -> dict:
    """Epochs, batch size, learning rate, optimizer, regularizer, loss and seed; returns TrainConfig fields."""
    left, right = st.columns(2)
    with left:
        epochs = setting_widget(st.number_input, "Epochs", "w_epochs", cfg.epochs, min_value=1, max_value=MAX_EPOCHS)
        batch = setting_widget(
            st.select_slider, "Batch size", "w_batch_size", cfg.batch_size, options=with_value(BATCH_SIZES, cfg.batch_size)
        )
        rate = setting_widget(
            st.select_slider, "Learning rate", "w_learning_rate", cfg.learning_rate, "learning_rate",
            options=with_value(LEARNING_RATES, cfg.learning_rate), format_func=lambda v: f"{v:g}",
        )  # fmt: skip
        seed = setting_widget(st.number_input, "Seed", "w_seed", cfg.seed, "seed", min_value=0, max_value=MAX_SEED)
    with right:
        optimizer = setting_widget(st.selectbox, "Optimizer", "w_optimizer", cfg.optimizer, "optimizer", options=list(OPTIMIZERS))
        loss = setting_widget(st.selectbox, "Loss", "w_loss", cfg.loss, "loss", options=list(LOSSES))
        regularizer = setting_widget(
            st.selectbox, "Regularizer", "w_regularizer", cfg.regularizer, "regularizer", options=list(REGULARIZERS)
        )
        reg_rate = setting_widget(
            st.select_slider, "Regularization rate", "w_regularization_rate", cfg.regularization_rate, "regularizer",
            options=with_value(REGULARIZATION_RATES, cfg.regularization_rate), format_func=lambda v: f"{v:g}",
        )  # fmt: skip
    return {
        "epochs": int(epochs), "batch_size": int(batch), "learning_rate": float(rate), "seed": int(seed),
        "optimizer": optimizer, "loss": loss, "regularizer": regularizer, "regularization_rate": float(reg_rate),
    }  # fmt: skip


def render_data_options(cfg: DataConfig) -> dict:
    """Training size, test size (0 = all), the share of abnormal beats in training and scaling; returns DataConfig fields."""
    dataset = dataset_of(cfg)
    size = f"{dataset.input_length} values per {dataset.row_name}"
    st.caption(f"Dataset: **{dataset.title}**, {size} (choose it on the Data page).")
    left, right = st.columns(2)
    with left:
        train_size = setting_widget(
            st.number_input, "Training beats (0 = all)", "w_train_size", cfg.train_size or 0, "data_sizes", min_value=0
        )
        abnormal = setting_widget(
            st.slider, "Abnormal beats in training (%)", "w_abnormal_pct", round(cfg.abnormal_fraction * 100), "abnormal",
            min_value=0, max_value=MAX_ABNORMAL_PERCENT, step=5,
        )  # fmt: skip
    with right:
        test_size = setting_widget(
            st.number_input, "Test beats (0 = all)", "w_test_size", cfg.test_size or 0, "data_sizes", min_value=0
        )
        scaling = setting_widget(
            st.selectbox, "Scaling", "w_scaling", cfg.scaling, "scaling",
            options=list(SCALINGS), format_func=SCALING_LABELS.__getitem__, help=SCALING_HELP,
        )  # fmt: skip
    sizes = {"train_size": int(train_size) or None, "test_size": int(test_size) or None}
    return sizes | {"abnormal_fraction": abnormal / 100, "scaling": scaling}


def render_device_option(cfg: TrainConfig) -> str:
    """Where to train, with what this machine has and a notice when the choice is not available."""
    device = setting_widget(st.selectbox, "Device", "w_device", cfg.device, "device", options=list(DEVICES))
    st.caption(f"This server: {describe_devices()}")
    notice = available_device(device)[1]
    if notice:
        st.warning(notice)
    return device


def _validated(model: ModelConfig, train: dict, data: dict, base: LabSettings) -> LabSettings:
    """Build the configs and check the split and batch size; ValueError says what to change."""
    train_cfg = dataclasses.replace(base.train, **train)
    data_cfg = dataclasses.replace(base.data, **data, seed=train_cfg.seed)
    split = ecg_split(data_cfg)
    model = fit_model_to_length(model, split.x_test.shape[1])  # the input length always comes from the data
    if train_cfg.batch_size > len(split.x_train):
        raise ValueError(
            f"batch size {train_cfg.batch_size} is larger than the {len(split.x_train)} training beats: "
            f"choose a batch size of at most {len(split.x_train)} or more training beats"
        )
    same = (model, train_cfg, data_cfg) == (base.model, base.train, base.data)
    return LabSettings(model=model, train=train_cfg, data=data_cfg, preset=base.preset if same else None)


def render_settings_panel() -> LabSettings | None:
    """Draw every setting; store and return valid LabSettings, or None after an st.error (last good settings kept)."""
    base = get_settings()
    model_column, options_column = st.columns([1, 1], gap="large")
    with model_column:
        st.subheader("Model")
        model = render_composer(base.model)
    with options_column:
        train_tab, data_tab = st.tabs(["Training", "Data and device"])
        with train_tab:
            train = render_training_options(base.train)
        with data_tab:
            data = render_data_options(base.data)
            train["device"] = render_device_option(base.train)
    if model is None:
        return None
    try:
        settings = _validated(model, train, data, base)
    except ValueError as error:
        st.error(f"Please change the settings: {error}.")
        return None
    st.session_state[SETTINGS_KEY] = settings
    return settings
