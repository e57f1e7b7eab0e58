"""The problem types: one module per type, registered by name.

A problem TOML's ``[problem] type`` names one of :data:`TYPES`, or ``"network"``: a network
problem written in TOML alone (:mod:`.network`; ``problems/sigmoid_network.toml`` is one), whose
solver is built from its file.

>>> sorted(TYPES)  # doctest: +NORMALIZE_WHITESPACE
['activation_max', 'bptt_step', 'chain_route', 'depth_decay', 'exploding', 'forget_gate',
 'residual_path']
"""
from __future__ import annotations

from .activation_max import ActivationMax
from .bptt_step import BpttStep
from .base import Answer, ProblemType, Reject, Solved
from .chain_route import ChainRoute
from .depth_decay import DepthDecay
from .exploding import Exploding
from .gated_paths import ForgetGate, ResidualPath

__all__ = ["TYPES", "ProblemType", "Answer", "Solved", "Reject"]

TYPES: dict[str, ProblemType] = {t.name: t for t in (
    ChainRoute(), ActivationMax(), DepthDecay(), Exploding(), BpttStep(), ResidualPath(),
    ForgetGate())}
