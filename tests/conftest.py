"""Shared test helpers: random networks and values for every activation and loss."""
from __future__ import annotations

import importlib
import os
from fractions import Fraction

import pytest
from hypothesis import strategies as st

from vgp_symbolic.core.activations import ACTIVATIONS
from vgp_symbolic.core.network import Network, Values


def pytest_sessionstart(session):
    """In CI the PyTorch oracle must run: with VGP_REQUIRE_TORCH set, a torch that is missing --
    or installed but failing to import (a missing shared library) -- is an error, not 31
    silently skipped oracle tests (a local user without torch may still skip them)."""
    if not os.environ.get("VGP_REQUIRE_TORCH"):
        return
    try:
        importlib.import_module("torch")
    except ImportError as e:
        raise pytest.UsageError(f"VGP_REQUIRE_TORCH is set but torch cannot be imported ({e}): "
                                "pip install torch==2.13.0 (the CPU build)") from None


def make_values(net: Network, draw_float, y_draw=None) -> Values:
    """Values for ``net`` from a callable returning numbers (for hypothesis or random)."""
    w = net.widths
    W = {k: [[draw_float() for _ in range(w[k])] for _ in range(w[k - 1])]
         for k in range(1, net.depth + 1)}
    b = {k: [draw_float() for _ in range(w[k])] for k in range(1, net.depth + 1)}
    x = [draw_float() for _ in range(net.inputs)]
    y = [y_draw() if y_draw else draw_float() for _ in range(net.outputs)]
    return Values(x, y, W, b, Fraction(1, 10))


@st.composite
def networks(draw, activations=ACTIVATIONS, losses=("mse", "half_mse", "bce"), max_depth=3,
             max_width=3):
    """A random small network with random exact decimal values (hypothesis strategy)."""
    depth = draw(st.integers(1, max_depth))
    loss = draw(st.sampled_from(losses))
    layers = []
    for k in range(depth):
        last = k == depth - 1
        act = "sigmoid" if (last and loss == "bce") else draw(st.sampled_from(activations))
        layers.append((draw(st.integers(1, max_width)), act))
    net = Network.build(draw(st.integers(1, max_width)), layers, loss)
    num = st.integers(-150, 150).map(lambda n: Fraction(n, 100))
    y = st.sampled_from([Fraction(0), Fraction(1), Fraction(1, 4)]) if loss == "bce" else num
    vals = make_values(net, lambda: draw(num), lambda: draw(y))
    return net, vals


@pytest.fixture
def seed_net():
    from vgp_symbolic.examples import load_example
    net, vals, _ = load_example("net")
    return net, vals
