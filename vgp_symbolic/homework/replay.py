"""A forward/backward pass replayed with some numbers replaced: mistakes and error carried forward.

The derivation core computes every answer (:func:`~vgp_symbolic.core.backprop.forward_backward`).
Two things need the same pass with a few numbers changed:

* a catalogued mistake is the pass with one ingredient wrong -- σ(z) where σ′(z) belongs at a
  layer, a slope left out, the loss derivative's factor 2 dropped, another layer's activation;
* error carried forward recomputes a later answer from a student's own earlier ones -- their z, o,
  ŷ, ∂L/∂ŷ, f′ or δ substituted for the true value of that unit.

:class:`Over` says what to replace; :func:`replay` recomputes from the core's pass, scalar by
scalar, in the pass's number system (exact Fractions stay exact). Without replacements it gives
the core's numbers back (the tests check that).

>>> from fractions import Fraction as F
>>> from vgp_symbolic.core.network import Network, Values
>>> from vgp_symbolic.core.backprop import forward_backward
>>> net = Network.build(1, [(1, "relu"), (1, "linear")], "mse")
>>> vals = Values([F(2)], [F(1)], {1: [[F(3)]], 2: [[F(1, 2)]]})
>>> run = forward_backward(net, vals)
>>> s = replay(net, vals, run, Over(dL_scale=F(1, 2)))
>>> s.grad(net.parse_param("w1_11")), run.gradient(net.parse_param("w1_11"))
(Fraction(2, 1), Fraction(4, 1))
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath

__all__ = ["Over", "State", "replay", "f_of", "fprime_of", "norm"]


@dataclass
class Over:
    """What to replace. Keys (m, j) are 1-based layer and unit."""

    z: dict = field(default_factory=dict)
    o: dict = field(default_factory=dict)          # (K, j) is ŷ_j
    fprime: dict = field(default_factory=dict)     # (m, j) -> value
    slope: dict = field(default_factory=dict)      # m -> fn(act, z, o) giving the "f′" used
    dL: dict = field(default_factory=dict)         # j -> ∂L/∂ŷ_j
    dL_scale: object = 1
    delta: dict = field(default_factory=dict)      # (m, j) -> δ


@dataclass
class State:
    """z, o, f′, δ per layer (lists, index 0 unused for z/f′/δ; o[0] is x) and ∂L/∂ŷ."""

    z: list
    o: list
    fp: list
    W: list
    dL: list
    delta: list
    y: list

    def grad(self, p):
        """∂L/∂p: oᵏ⁻¹_i·δᵏ_j, or δᵏ_j for a bias."""
        d = self.delta[p.layer][p.j - 1]
        return d if p.kind == "b" else self.o[p.layer - 1][p.i - 1] * d


def _num(v, exact: bool):
    if exact and isinstance(v, (Fraction, int)):
        return Fraction(v)
    return float(v) if not isinstance(v, mpmath.mpf) else v


def f_of(act, z):
    """f(z), exact when the activation is piecewise linear and z is rational."""
    if act.piecewise_linear and isinstance(z, Fraction):
        return act.exact_value(z)
    if isinstance(z, mpmath.mpf):
        return act.mp_f(z)
    import numpy as np
    return float(act.np_f(np.array([float(z)]))[0])


def fprime_of(act, z, o=None):
    """f′(z) in textbook form (σ′ from o = σ(z)), exact where possible."""
    if act.piecewise_linear and isinstance(z, Fraction):
        return act.exact_derivative(z)
    o = f_of(act, z) if o is None else o
    if isinstance(z, mpmath.mpf):
        return act.mp_df(z, o)
    import numpy as np
    return float(act.np_df(np.array([float(z)]), np.array([float(o)]))[0])


def replay(net, values, run, over: Over | None = None) -> State:
    """The pass ``run`` of ``net`` at ``values`` with the replacements of ``over``."""
    over = over or Over()
    exact = run.mode == "exact"
    K = net.depth
    W = [None] + [[[_num(v, exact) for v in row] for row in run.W[k]] for k in range(1, K + 1)]
    moved = bool(over.z or over.o)      # the forward pass changes: recompute it
    o = [[_num(v, exact) for v in run.o[0]]]
    z, fp = [None], [None]
    for k in range(1, K + 1):
        act, b = net.activation(k), values.bias(k, net.widths[k])
        zk, ok, fk = [], [], []
        for j in range(1, net.widths[k] + 1):
            if moved:
                zj = over.z.get((k, j), sum(W[k][i][j - 1] * o[k - 1][i]
                                            for i in range(net.widths[k - 1]))
                                + _num(b[j - 1], exact))
                oj = over.o.get((k, j), f_of(act, zj))
                fj = fprime_of(act, zj, oj)
            else:
                zj, oj = _num(run.z[k][j - 1], exact), _num(run.o[k][j - 1], exact)
                fj = _num(run.fprime[k][j - 1], exact)
            if k in over.slope:
                fj = over.slope[k](act, zj, oj)
            zk.append(zj), ok.append(oj), fk.append(over.fprime.get((k, j), fj))
        z.append(zk), o.append(ok), fp.append(fk)
    y = [_num(v, exact) for v in values.y[:net.outputs]]
    if moved:
        dL = [net.loss_fn.grad(a, t) / net.outputs for a, t in zip(o[K], y)]
    else:
        dL = [_num(v, exact) for v in run.dL_dyhat]
    dL = [over.dL.get(j, v) * over.dL_scale for j, v in enumerate(dL, 1)]
    delta = [None] * (K + 1)
    delta[K] = [over.delta.get((K, j), dL[j - 1] * fp[K][j - 1])
                for j in range(1, net.outputs + 1)]
    for k in range(K - 1, 0, -1):
        delta[k] = [over.delta.get((k, j), fp[k][j - 1] * sum(
            W[k + 1][j - 1][l] * delta[k + 1][l] for l in range(net.widths[k + 1])))
            for j in range(1, net.widths[k] + 1)]
    return State(z, o, fp, W, dL, delta, y)


def norm(values) -> object:
    """The Euclidean norm, exact when the sum of squares is a rational square.

    >>> norm([Fraction(3), Fraction(-4)]), round(norm([1.0, 1.0]), 6)
    (Fraction(5, 1), 1.414214)
    """
    s = sum(v * v for v in values)
    if isinstance(s, Fraction) and s >= 0:
        n, d = math.isqrt(s.numerator), math.isqrt(s.denominator)
        if n * n == s.numerator and d * d == s.denominator:
            return Fraction(n, d)
    if isinstance(s, mpmath.mpf):
        return mpmath.sqrt(s)
    return math.sqrt(float(s))
