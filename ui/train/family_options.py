"""The Train composer's options of the VAE, 1-D conv and LSTM families (dense options: ui/train/composer.py)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from anomaly_core import ModelConfig
from anomaly_core.config import MAX_CHANNELS, MAX_CONV_LAYERS, MAX_KERNEL, MAX_LSTM_LAYERS, MAX_STRIDE, VAE_SCORES
from ui.train.widgets import setting_widget, with_value

VAE_BETAS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
FAMILY_HINTS = {
    "dense": "Fully connected layers squeeze the whole beat into the bottleneck; add denoising noise below for a denoising AE.",
    "vae": "The encoder gives a mean and a spread per code number; β weighs how strongly codes are pulled towards N(0, 1).",
    "conv": "Small filters slide along the beat; each layer shortens it by the stride.",
    "lstm": "An LSTM reads the beat a few steps at a time and another writes it back.",
}


def _channels_default(cfg: ModelConfig, index: int) -> int:
    """A layer's channels from the config; a layer added beyond it gets twice the previous layer's."""
    if index < len(cfg.conv_channels):
        return int(cfg.conv_channels[index])
    return min(MAX_CHANNELS, 2 * int(cfg.conv_channels[-1]))


def render_vae_options(cfg: ModelConfig) -> dict[str, Any]:
    """KL weight β and the anomaly score of a variational autoencoder."""
    left, right = st.columns(2)
    with left:
        options = with_value(VAE_BETAS, cfg.vae_beta)
        beta = setting_widget(st.select_slider, "KL weight β", "w_vae_beta", cfg.vae_beta, "layers", options=options)
    with right:
        score = setting_widget(
            st.selectbox,
            "Anomaly score",
            "w_vae_score",
            cfg.vae_score,
            "layers",
            options=list(VAE_SCORES),
            help="reconstruction: the error only; elbo: the error plus the weighted KL term (the negative ELBO).",
        )
    return {"vae_beta": float(beta), "vae_score": score}


def render_conv_options(cfg: ModelConfig) -> dict[str, Any]:
    """Convolution layers with their channels, kernel size and stride of a 1-D convolutional autoencoder."""
    columns = st.columns(3)
    with columns[0]:
        layers = setting_widget(
            st.number_input,
            "Conv layers",
            "w_conv_layers",
            len(cfg.conv_channels),
            "layers",
            min_value=1,
            max_value=MAX_CONV_LAYERS,
            help="The decoder mirrors the encoder with transposed convolutions.",
        )
    with columns[1]:
        kernel = setting_widget(
            st.slider, "Kernel size", "w_conv_kernel", cfg.conv_kernel, "layers", min_value=2, max_value=MAX_KERNEL
        )
    with columns[2]:
        stride = setting_widget(
            st.slider, "Stride", "w_conv_stride", cfg.conv_stride, "layers", min_value=1, max_value=MAX_STRIDE
        )
    channels = []
    for index, column in enumerate(st.columns(int(layers))):
        with column:
            value = _channels_default(cfg, index)
            label = f"Channels, conv {index + 1}"
            key = f"w_conv_channels_{index}"
            channels.append(setting_widget(st.number_input, label, key, value, "layers", min_value=1, max_value=MAX_CHANNELS))
    return {"conv_channels": tuple(int(c) for c in channels), "conv_kernel": int(kernel), "conv_stride": int(stride)}


def render_lstm_options(cfg: ModelConfig) -> dict[str, Any]:
    """Hidden size, layers and chunk length of an LSTM autoencoder."""
    columns = st.columns(3)
    chunks = [c for c in range(1, 21) if cfg.input_length % c == 0]
    with columns[0]:
        hidden = setting_widget(
            st.number_input, "LSTM units", "w_lstm_hidden", cfg.lstm_hidden, "layers", min_value=1, max_value=256
        )
    with columns[1]:
        layers = setting_widget(
            st.number_input, "LSTM layers", "w_lstm_layers", cfg.lstm_layers, "layers", min_value=1, max_value=MAX_LSTM_LAYERS
        )
    with columns[2]:
        chunk = setting_widget(
            st.selectbox,
            "Steps per LSTM step",
            "w_lstm_chunk",
            cfg.lstm_chunk,
            "layers",
            options=with_value(tuple(chunks), cfg.lstm_chunk),
            help="More steps at once: a shorter sequence, faster training.",
        )
    return {"lstm_hidden": int(hidden), "lstm_layers": int(layers), "lstm_chunk": int(chunk)}


def render_family_options(cfg: ModelConfig, family: str) -> dict[str, Any]:
    """A hint and the chosen family's own options, as ModelConfig fields (options other families cannot use are reset)."""
    st.caption(FAMILY_HINTS.get(family, ""))
    fields: dict[str, Any] = {"vae_score": "reconstruction"}
    if family == "vae":
        fields |= render_vae_options(cfg)
    elif family == "conv":
        fields |= render_conv_options(cfg) | {"batch_norm": False}
    elif family == "lstm":
        fields |= render_lstm_options(cfg) | {"batch_norm": False}
    return fields
