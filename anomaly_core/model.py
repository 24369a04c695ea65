"""Autoencoder modules built from a ModelConfig."""

from __future__ import annotations

import torch
from torch import nn

from .config import ModelConfig

_ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "linear": nn.Identity,
}


def _dense_stack(sizes: list[int], cfg: ModelConfig) -> list[nn.Module]:
    """Linear layers through `sizes`, each followed by [batch norm,] activation [, dropout]."""
    layers: list[nn.Module] = []
    for size_in, size_out in zip(sizes[:-1], sizes[1:]):
        layers.append(nn.Linear(size_in, size_out))
        if cfg.batch_norm:
            layers.append(nn.BatchNorm1d(size_out))
        layers.append(_ACTIVATIONS[cfg.activation]())
        if cfg.dropout > 0:
            layers.append(nn.Dropout(cfg.dropout))
    return layers


def _initialise(module: nn.Module, scheme: str) -> None:
    if isinstance(module, nn.Linear) and scheme != "default":
        if scheme == "xavier":
            nn.init.xavier_uniform_(module.weight)
        else:
            nn.init.kaiming_uniform_(module.weight, nonlinearity="relu")
        nn.init.zeros_(module.bias)


class DenseAutoencoder(nn.Module):
    """Fully connected encoder to a bottleneck and decoder back to the input length."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.config = cfg
        enc_sizes = [cfg.input_length, *cfg.encoder_hidden]
        self.encoder = nn.Sequential(*_dense_stack(enc_sizes, cfg), nn.Linear(enc_sizes[-1], cfg.latent_size))
        dec_sizes = [cfg.latent_size, *cfg.decoder_sizes]
        self.decoder = nn.Sequential(
            *_dense_stack(dec_sizes, cfg),
            nn.Linear(dec_sizes[-1], cfg.input_length),
            _ACTIVATIONS[cfg.output_activation](),
        )

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, length) -> (batch, latent)"""
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(batch, latent) -> (batch, length)"""
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, length) -> reconstruction (batch, length)"""
        return self.decode(self.encode(x))


def build_model(cfg: ModelConfig, seed: int = 0) -> DenseAutoencoder:
    """The same config and seed always give the same initial weights."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = DenseAutoencoder(cfg)
        model.apply(lambda m: _initialise(m, cfg.init))
    return model.eval()


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
