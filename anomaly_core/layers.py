"""Randomness a run owns: dropout that draws from a given generator, and weight initialisation from one.

Nothing here touches torch's process-wide generator, so runs in other threads cannot change a run's draws.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class SeededDropout(nn.Module):
    """Dropout whose masks come from `generator` (set by the trainer); no parameters, like nn.Dropout."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p
        self.generator: torch.Generator | None = None  # None: torch's global generator (training outside a Trainer)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, features) -> the same shape; in training mode a share `p` is zeroed, the rest scaled by 1 / (1 - p)."""
        if not self.training or self.p == 0:
            return x
        keep = torch.empty_like(x).bernoulli_(1.0 - self.p, generator=self.generator)
        return x * keep / (1.0 - self.p)


def _torch_default(weight: torch.Tensor, bias: torch.Tensor | None, generator: torch.Generator) -> None:
    """PyTorch's own default for linear and convolutional layers, drawn from `generator`."""
    nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)
    if bias is not None:
        fan_in, _ = nn.init._calculate_fan_in_and_fan_out(weight)
        bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        nn.init.uniform_(bias, -bound, bound, generator=generator)


def _torch_defaults(module: nn.Module, generator: torch.Generator) -> None:
    """What PyTorch draws when it builds `module` (nothing for layers without random weights)."""
    if isinstance(module, nn.Linear | nn.Conv1d | nn.ConvTranspose1d):
        _torch_default(module.weight, module.bias, generator)
    elif isinstance(module, nn.LSTM):
        bound = 1.0 / math.sqrt(module.hidden_size)
        for parameter in module.parameters():
            nn.init.uniform_(parameter, -bound, bound, generator=generator)


def _apply_scheme(module: nn.Linear, scheme: str, generator: torch.Generator) -> None:
    if scheme == "xavier":
        nn.init.xavier_uniform_(module.weight, generator=generator)
    else:
        nn.init.kaiming_uniform_(module.weight, nonlinearity="relu", generator=generator)
    nn.init.zeros_(module.bias)


def initialise(model: nn.Module, scheme: str, generator: torch.Generator) -> None:
    """Draw every weight of `model` from `generator`: PyTorch's defaults, then `scheme` over the dense layers.

    The draws come in the order PyTorch's own construction makes them, so a generator seeded with s gives
    exactly the weights `torch.manual_seed(s)` and building the model would (BatchNorm starts at ones and zeros).
    """
    modules = list(model.modules())
    for module in modules:
        _torch_defaults(module, generator)
    if scheme != "default":
        for module in modules:
            if isinstance(module, nn.Linear):
                _apply_scheme(module, scheme, generator)
