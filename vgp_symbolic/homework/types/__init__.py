"""The problem types: one module per type, registered by name.

A problem TOML's ``[problem] type`` names one of :data:`TYPES`.

>>> sorted(TYPES)
['activation_max', 'chain_route', 'depth_decay', 'exploding', 'relu_network', 'sigmoid_network']
"""
from __future__ import annotations

from .activation_max import ActivationMax
from .base import Answer, ProblemType, Reject, Solved
from .chain_route import ChainRoute
from .depth_decay import DepthDecay
from .exploding import Exploding
from .networks import ReluNetwork, SigmoidNetwork

__all__ = ["TYPES", "ProblemType", "Answer", "Solved", "Reject"]

TYPES: dict[str, ProblemType] = {t.name: t for t in (
    ChainRoute(), SigmoidNetwork(), ActivationMax(), DepthDecay(), ReluNetwork(), Exploding())}
