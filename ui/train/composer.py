"""The model composer: a family selector above the dense layer editor, and the live network diagram."""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from anomaly_core import ModelConfig, build_model, count_parameters
from anomaly_core.config import ACTIVATIONS, FAMILIES, MAX_UNITS, OUTPUT_ACTIVATIONS
from ui.fast_chart import show_chart
from ui.train.family_options import render_family_options
from ui.train.limits import MAX_DROPOUT, MAX_ENCODER_LAYERS, MAX_INPUT_NOISE, SMOOTHING_WINDOWS
from ui.train.network_diagram import network_figure
from ui.train.widgets import setting_widget, with_value

DENSE_LAYER_FAMILIES = ("dense", "vae")  # conv and LSTM have their own layers instead of dense encoder layers


def render_family_selector(cfg: ModelConfig) -> str:
    """The model family (dense today; other families add their own options below it)."""
    return setting_widget(st.selectbox, "Model family", "w_family", cfg.family, "layers", options=list(FAMILIES))


def _units_default(cfg: ModelConfig, index: int) -> int:
    if index < len(cfg.encoder_hidden):
        return int(cfg.encoder_hidden[index])
    previous = cfg.encoder_hidden[-1] if cfg.encoder_hidden else 32
    return max(2, int(previous) // 2)


def render_latent(cfg: ModelConfig) -> tuple[dict[str, Any], list[str]]:
    """The bottleneck's size alone (conv and LSTM: their own layers are above); returns (ModelConfig fields, problems)."""
    latent = setting_widget(st.number_input, "Bottleneck (latent) units", "w_latent", cfg.latent_size, "layers", min_value=0)
    problems = [] if 1 <= latent <= MAX_UNITS else [f"The bottleneck has {latent} units: give it 1 to {MAX_UNITS}."]
    return {"latent_size": int(latent)}, problems


def render_dense_layers(cfg: ModelConfig) -> tuple[dict[str, Any], list[str]]:
    """Encoder layers (1-6) with their units, and the latent size; returns (ModelConfig fields, problems)."""
    count = setting_widget(
        st.number_input,
        "Encoder layers",
        "w_layer_count",
        len(cfg.encoder_hidden),
        "layers",
        min_value=0,
        max_value=MAX_ENCODER_LAYERS,
        help="The decoder mirrors the encoder.",
    )
    columns = st.columns(max(1, int(count)))
    units = []
    for index in range(int(count)):
        with columns[index]:
            label = f"Layer {index + 1}"
            units.append(
                setting_widget(st.number_input, label, f"w_units_{index}", _units_default(cfg, index), "layers", min_value=0)
            )
    latent = setting_widget(st.number_input, "Bottleneck (latent) units", "w_latent", cfg.latent_size, "layers", min_value=0)
    problems = []
    if not units:
        problems.append("The encoder has no layers: add at least one layer (1 to 6).")
    problems += [
        f"Layer {i + 1} has {u} units: give every layer 1 to {MAX_UNITS} units."
        for i, u in enumerate(units)
        if not 1 <= u <= MAX_UNITS
    ]
    if not 1 <= latent <= MAX_UNITS:
        problems.append(f"The bottleneck has {latent} units: give it 1 to {MAX_UNITS}.")
    encoder = tuple(int(u) for u in units)
    decoder = cfg.decoder_hidden if encoder == tuple(cfg.encoder_hidden) else None  # a new encoder gets a mirrored decoder
    fields = {"encoder_hidden": encoder, "latent_size": int(latent), "decoder_hidden": decoder}
    return fields, problems


def render_dense_options(cfg: ModelConfig) -> dict[str, Any]:
    """Activations, dropout and denoising noise of a dense autoencoder."""
    left, right = st.columns(2)
    with left:
        activation = setting_widget(st.selectbox, "Hidden activation", "w_activation", cfg.activation, options=list(ACTIVATIONS))
        dropout = setting_widget(
            st.slider, "Dropout", "w_dropout", float(cfg.dropout), min_value=0.0, max_value=MAX_DROPOUT, step=0.05
        )
    with right:
        output = setting_widget(
            st.selectbox, "Output activation", "w_output_activation", cfg.output_activation, options=list(OUTPUT_ACTIVATIONS)
        )
        noise = setting_widget(
            st.slider, "Denoising noise (std)", "w_input_noise", float(cfg.input_noise),
            min_value=0.0, max_value=MAX_INPUT_NOISE, step=0.01,
        )  # fmt: skip
    return {"activation": activation, "output_activation": output, "dropout": float(dropout), "input_noise": float(noise)}


def render_scoring_options(cfg: ModelConfig) -> dict[str, Any]:
    """How reconstruction differences become a score (any family): the smoothing window."""
    window = setting_widget(
        st.select_slider,
        "Score smoothing (time steps)",
        "w_score_smoothing",
        cfg.score_smoothing,
        options=with_value(SMOOTHING_WINDOWS, cfg.score_smoothing),
        help="Before scoring, the difference between a beat and its reconstruction is averaged over this many "
        "neighbouring time steps, so jitter that normal beats have too counts less than a wrong shape. "
        "1 scores every step as it is. Training is not affected.",
    )
    return {"score_smoothing": int(window)}


@st.cache_data(show_spinner=False, max_entries=64)
def parameter_count(cfg: ModelConfig) -> int:
    """Trainable parameters of the model a config builds."""
    return count_parameters(build_model(cfg))


def render_composer(cfg: ModelConfig) -> ModelConfig | None:
    """Draw the composer and its diagram; the edited config, or None after an st.error saying what to change."""
    family = render_family_selector(cfg)
    family_fields = render_family_options(cfg, family)
    fields, problems = render_dense_layers(cfg) if family in DENSE_LAYER_FAMILIES else render_latent(cfg)
    fields |= render_dense_options(cfg) | render_scoring_options(cfg) | family_fields
    for problem in problems:
        st.error(problem)
    if problems:
        return None
    try:
        edited = dataclasses.replace(cfg, family=family, **fields)
    except ValueError as error:
        st.error(f"Model settings: {error}")
        return None
    show_chart(network_figure(edited, parameter_count(edited)), key="network_diagram", config={"displayModeBar": False})
    return edited
