"""Autoencoder modules built from a ModelConfig: dense (and denoising), variational, 1-D convolutional and LSTM."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig
from .layers import SeededDropout, initialise

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
            layers.append(SeededDropout(cfg.dropout))
    return layers


def _dense_decoder(cfg: ModelConfig) -> nn.Sequential:
    """Latent code back to input_length values through the (mirrored) decoder sizes."""
    sizes = [cfg.latent_size, *cfg.decoder_sizes]
    return nn.Sequential(*_dense_stack(sizes, cfg), nn.Linear(sizes[-1], cfg.input_length), _ACTIVATIONS[cfg.output_activation]())


class Autoencoder(nn.Module):
    """What every family shares: its config, encode / decode, and the generator its random layers draw from."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.config = cfg
        self.generator: torch.Generator | None = None
        self.score_weights: torch.Tensor | None
        self.register_buffer("score_weights", None, persistent=False)  # set from the scaler: see scoring.attach_scaler

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, length) -> (batch, latent)"""
        raise NotImplementedError

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(batch, latent) -> (batch, length)"""
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, length) -> reconstruction (batch, length)"""
        return self.decode(self.encode(x))

    def use_generator(self, generator: torch.Generator | None) -> None:
        """Make dropout (and the VAE's sampling) draw from `generator`, the run's own, never the global one."""
        self.generator = generator
        for module in self.modules():
            if isinstance(module, SeededDropout):
                module.generator = generator

    def extra_loss(self) -> torch.Tensor | None:
        """A family's own training term for the last forward pass (the VAE's KL), or None."""
        return None

    def extra_score(self, x: torch.Tensor) -> torch.Tensor | None:
        """What a family adds to the reconstruction error of each beat (batch,), or None."""
        return None


class DenseAutoencoder(Autoencoder):
    """Fully connected encoder to a bottleneck and decoder back to the input length."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__(cfg)
        enc_sizes = [cfg.input_length, *cfg.encoder_hidden]
        self.encoder = nn.Sequential(*_dense_stack(enc_sizes, cfg), nn.Linear(enc_sizes[-1], cfg.latent_size))
        self.decoder = _dense_decoder(cfg)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, length) -> (batch, latent)"""
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(batch, latent) -> (batch, length)"""
        return self.decoder(z)

class VariationalAutoencoder(DenseAutoencoder):
    """Dense encoder to a mean and log-variance; samples the code while training, uses the mean otherwise."""

    def __init__(self, cfg: ModelConfig) -> None:
        Autoencoder.__init__(self, cfg)
        self.encoder = nn.Sequential(*_dense_stack([cfg.input_length, *cfg.encoder_hidden], cfg))
        self.mean = nn.Linear(cfg.encoder_hidden[-1], cfg.latent_size)
        self.log_var = nn.Linear(cfg.encoder_hidden[-1], cfg.latent_size)
        self.decoder = _dense_decoder(cfg)
        self.last_kl: torch.Tensor | None = None

    def posterior(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch, length) -> mean and log-variance, each (batch, latent)"""
        hidden = self.encoder(x)
        return self.mean(hidden), self.log_var(hidden).clamp(-10.0, 10.0)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, length) -> the posterior means (batch, latent)"""
        return self.posterior(x)[0]

    def kl_per_beat(self, mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
        """KL(q(z|x) || N(0, I)) of each beat (batch,), scaled by beta / length like the per-step error."""
        kl = 0.5 * (mean.square() + log_var.exp() - 1.0 - log_var).sum(dim=1)
        return self.config.vae_beta * kl / self.config.input_length

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, length) -> reconstruction (batch, length); in training mode the code is sampled."""
        mean, log_var = self.posterior(x)
        z = mean
        if self.training:
            noise = torch.randn(mean.shape, generator=self.generator, device=mean.device, dtype=mean.dtype)
            z = mean + noise * (0.5 * log_var).exp()  # reparameterisation
        self.last_kl = self.kl_per_beat(mean, log_var)
        return self.decode(z)

    def extra_loss(self) -> torch.Tensor | None:
        """The weighted KL term of the last forward pass, averaged over its batch."""
        return None if self.last_kl is None else self.last_kl.mean()

    def extra_score(self, x: torch.Tensor) -> torch.Tensor | None:
        """What the negative-ELBO score adds to the reconstruction error (batch,), or None."""
        return self.kl_per_beat(*self.posterior(x)) if self.config.vae_score == "elbo" else None


class ConvAutoencoder(Autoencoder):
    """Strided Conv1d stack to a dense code and the mirrored transposed stack back to input_length steps."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__(cfg)
        channels, lengths = [1, *cfg.conv_channels], cfg.conv_lengths
        k, s, p = cfg.conv_kernel, cfg.conv_stride, cfg.conv_kernel // 2
        act = _ACTIVATIONS[cfg.activation]
        down: list[nn.Module] = []
        for c_in, c_out in zip(channels[:-1], channels[1:]):
            down += [nn.Conv1d(c_in, c_out, k, stride=s, padding=p), act()]
        self.encoder = nn.Sequential(*down, nn.Flatten(), nn.Linear(channels[-1] * lengths[-1], cfg.latent_size))
        self.expand = nn.Sequential(nn.Linear(cfg.latent_size, channels[-1] * lengths[-1]), act())
        up: list[nn.Module] = []
        for i in range(len(cfg.conv_channels), 0, -1):
            extra = (lengths[i - 1] + 2 * p - k) % s  # output_padding that restores the encoder's length exactly
            up.append(nn.ConvTranspose1d(channels[i], channels[i - 1], k, stride=s, padding=p, output_padding=extra))
            up.append(act() if i > 1 else nn.Identity())
        self.decoder = nn.Sequential(*up)
        self.output = _ACTIVATIONS[cfg.output_activation]()

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, length) -> (batch, latent)"""
        return self.encoder(x.unsqueeze(1))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(batch, latent) -> (batch, length), cropped or padded at the end to exactly input_length."""
        cfg = self.config
        h = self.expand(z).view(z.shape[0], cfg.conv_channels[-1], cfg.conv_lengths[-1])  # (batch, channels, steps)
        return self.output(_fit_length(self.decoder(h).squeeze(1), cfg.input_length))

def _fit_length(y: torch.Tensor, length: int) -> torch.Tensor:
    """(batch, steps) -> (batch, length): crop the end, or repeat the last step."""
    if y.shape[1] >= length:
        return y[:, :length]
    return F.pad(y.unsqueeze(1), (0, length - y.shape[1]), mode="replicate").squeeze(1)


class LstmAutoencoder(Autoencoder):
    """Sequence to sequence: an LSTM reads chunks of steps into a code; another, started from the code, writes them back."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__(cfg)
        chunk, hidden, layers = cfg.lstm_chunk, cfg.lstm_hidden, cfg.lstm_layers
        self.reader = nn.LSTM(chunk, hidden, num_layers=layers, batch_first=True)
        self.to_code = nn.Linear(hidden, cfg.latent_size)
        self.start = nn.Linear(cfg.latent_size, hidden * layers)  # the writer's initial hidden state
        self.writer = nn.LSTM(cfg.latent_size + 1, hidden, num_layers=layers, batch_first=True)
        self.to_chunk = nn.Linear(hidden, chunk)
        self.output = _ACTIVATIONS[cfg.output_activation]()

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, length) -> (batch, latent): the reader's last hidden state, projected"""
        chunks = x.view(x.shape[0], -1, self.config.lstm_chunk)  # (batch, steps / chunk, chunk)
        _, (hidden, _) = self.reader(chunks)
        return self.to_code(hidden[-1])

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(batch, latent) -> (batch, length): the code and a 0..1 clock are fed at every chunk"""
        cfg, batch = self.config, z.shape[0]
        steps = cfg.input_length // cfg.lstm_chunk
        clock = torch.linspace(0.0, 1.0, steps, device=z.device).expand(batch, steps).unsqueeze(2)  # (batch, steps, 1)
        inputs = torch.cat([z.unsqueeze(1).expand(-1, steps, -1), clock], dim=2)  # (batch, steps, latent + 1)
        h0 = torch.tanh(self.start(z)).view(batch, cfg.lstm_layers, cfg.lstm_hidden).transpose(0, 1).contiguous()
        out, _ = self.writer(inputs, (h0, torch.zeros_like(h0)))  # (batch, steps, hidden)
        return self.output(self.to_chunk(out).reshape(batch, -1))


_FAMILIES: dict[str, type[Autoencoder]] = {
    "dense": DenseAutoencoder,
    "vae": VariationalAutoencoder,
    "conv": ConvAutoencoder,
    "lstm": LstmAutoencoder,
}


def build_model(cfg: ModelConfig, seed: int = 0) -> Autoencoder:
    """The same config and seed always give the same initial weights, for every family, whatever else runs.

    The weights are drawn from a generator of this call alone, never torch's process-wide one.
    """
    model = _FAMILIES[cfg.family](cfg)
    initialise(model, cfg.init, torch.Generator().manual_seed(seed))
    return model.eval()


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
