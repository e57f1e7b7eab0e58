"""Numeric forward and backward pass through a :class:`~vgp_symbolic.core.network.Network`.

Three number systems, chosen by :func:`choose_mode`:

* ``exact`` -- :class:`fractions.Fraction`, when every input is exact and every activation is
  piecewise linear (relu, leaky_relu, linear): the gradient is then a rational number;
* ``float`` -- numpy float64, layer by layer in bulk (δᵏ = f'(zᵏ) ⊙ Wᵏ⁺¹ δᵏ⁺¹);
* ``mp`` -- mpmath with a chosen number of digits; used when asked for, and automatically when the
  float64 gradient underflows (a first-layer gradient through 400 sigmoid layers is ~1e-260).

The cost is one matrix-vector product per layer each way, so time grows linearly with depth.

>>> from fractions import Fraction as F
>>> from vgp_symbolic.core.network import Network, Values
>>> net = Network.build(1, [(1, "relu"), (1, "linear")], "half_mse")
>>> vals = Values([F(2)], [F(1)], {1: [[F(3)]], 2: [[F(1, 2)]]})
>>> p = forward_backward(net, vals)
>>> p.mode, p.gradient(net.parse_param("w1_11"))
('exact', Fraction(2, 1))
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np

from ..errors import UserError
from .network import Network, Param, Values
from ..numbers import fmt, to_mpf

__all__ = ["Pass", "EvaluationError", "choose_mode", "forward_backward", "finite_difference",
           "layer_table"]


class EvaluationError(UserError):
    """The numbers given cannot be evaluated (e.g. BCE with ŷ outside (0, 1))."""


@dataclass
class Pass:
    """Everything one forward and backward pass computes; index 0 of ``o`` is the input."""

    mode: str
    dps: int | None
    z: list  # z[k], k = 1..K (z[0] is None)
    o: list  # o[k], k = 0..K
    fprime: list  # f'(z[k])
    W: list  # W[k] as arrays, k = 1..K
    dL_dyhat: np.ndarray
    loss: object
    delta: list  # delta[k] = ∂L/∂z^k

    def gradient(self, p: Param):
        """∂L/∂p from the backpropagated δ (o^{k-1}_i · δ^k_j, or δ^k_j for a bias)."""
        d = self.delta[p.layer][p.j - 1]
        return d if p.kind == "b" else self.o[p.layer - 1][p.i - 1] * d


def choose_mode(net: Network, values: Values, precision: int | None = None) -> str:
    """``mp`` when digits are asked for, ``exact`` when possible, else ``float``."""
    if precision:
        return "mp"
    if values.all_exact() and all(l.activation.piecewise_linear for l in net.layers):
        return "exact"
    return "float"


def _arr(xs, mode):
    if mode == "float":
        return np.array([float(v) for v in xs], dtype=float)
    conv = Fraction if mode == "exact" else to_mpf
    return np.array([conv(v) for v in xs], dtype=object)


def _mat(rows, mode):
    return np.array([_arr(r, mode) for r in rows], dtype=float if mode == "float" else object)


def _activate(act, z, mode):
    if mode == "float":
        o = act.np_f(z)
        return o, act.np_df(z, o)
    if mode == "exact":
        return (np.array([act.exact_value(v) for v in z], dtype=object),
                np.array([act.exact_derivative(v) for v in z], dtype=object))
    o = np.array([to_mpf(act.mp_f(v)) for v in z], dtype=object)
    return o, np.array([to_mpf(act.mp_df(v, w)) for v, w in zip(z, o)], dtype=object)


def _loss(net: Network, yhat, y, mode):
    """L and ∂L/∂ŷ (averaged over the m outputs) in the pass's number system."""
    loss, m = net.loss_fn, len(y)
    if loss.needs_probability:
        _check_probability(yhat, y, mode)
    if mode == "float":
        return float(np.sum(loss.np_value(yhat, y))) / m, loss.np_grad(yhat, y) / m
    # log is transcendental: in exact mode the loss value is a float, its gradient stays exact
    log = mpmath.log if mode == "mp" else math.log
    L = sum(loss.value(a, b, log) for a, b in zip(yhat, y)) / m
    return L, np.array([loss.grad(a, b) / m for a, b in zip(yhat, y)], dtype=object)


def _check_probability(yhat, y, mode):
    for a in yhat:
        if not 0 < a < 1:
            raise EvaluationError(
                f"binary cross-entropy needs 0 < ŷ < 1, but ŷ = {fmt(a)}"
                + (" (the sigmoid saturated in float64; try --precision 30)"
                   if mode == "float" and a in (0.0, 1.0) else
                   "; use a sigmoid output layer"))
    for b in y:
        if not 0 <= b <= 1:
            raise EvaluationError(f"binary cross-entropy needs 0 ≤ y ≤ 1, got y = {fmt(b)}")


def forward_backward(net: Network, values: Values, mode: str | None = None,
                     precision: int | None = None) -> Pass:
    """Run the forward pass and backpropagate δ through every layer.

    With ``mode=None`` the mode is chosen by :func:`choose_mode`, and a float64 result that
    underflows (a zero or subnormal δ somewhere) is recomputed with 30 + digits of mpmath.
    """
    if not values.complete(net):
        missing = [n for n, ok in (("x", values.x is not None), ("y", values.y is not None))
                   if not ok] + [f"W{k}" for k in range(1, net.depth + 1) if k not in values.W]
        raise EvaluationError(f"cannot evaluate: no values for {', '.join(missing)}")
    auto = mode is None
    mode = mode or choose_mode(net, values, precision)
    dps = (precision or 30) if mode == "mp" else None
    if mode == "mp":
        with mpmath.workdps(dps):
            return _run(net, values, mode, dps)
    p = _run(net, values, mode, None)
    if auto and mode == "float" and _underflowed(p):
        # mpmath's exponent range is unbounded, so 30 digits resolve 1e-500 as well as 1e-5
        with mpmath.workdps(30):
            return _run(net, values, "mp", 30)
    return p


def _underflowed(p: Pass) -> bool:
    """A δ that is zero or subnormal while its f' is not: lost to float64, not a real zero."""
    if not np.any(p.delta[-1] != 0):
        return False  # ŷ = y exactly: every gradient is truly zero
    tiny = np.finfo(float).tiny
    return any(np.any((np.abs(p.delta[k]) < tiny) & (p.fprime[k] != 0))
               for k in range(1, len(p.delta)))


def _run(net: Network, values: Values, mode: str, dps) -> Pass:
    K = net.depth
    o, z, fp, W = [_arr(values.x, mode)], [None], [None], [None]
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for k in range(1, K + 1):
            Wk = _mat(values.W[k], mode)
            zk = Wk.T @ o[-1] + _arr(values.bias(k, net.widths[k]), mode)
            ok, fk = _activate(net.activation(k), zk, mode)
            W.append(Wk), z.append(zk), o.append(ok), fp.append(fk)
        if mode == "float" and not all(np.all(np.isfinite(a)) for a in o[1:]):
            raise EvaluationError("the forward pass overflowed float64 (weights too large?)")
        y = _arr(values.y, mode)
        L, dL = _loss(net, o[-1], y, mode)
        delta = [None] * (K + 1)
        delta[K] = dL * fp[K]
        for k in range(K - 1, 0, -1):
            delta[k] = fp[k] * (W[k + 1] @ delta[k + 1])
    return Pass(mode, dps, z, o, fp, W, dL, L, delta)


def finite_difference(net: Network, values: Values, p: Param, h=None, mode: str = "float",
                      dps: int = 50):
    """Central difference (L(w + h) − L(w − h)) / 2h; ``mode='mp'`` resolves tiny gradients.

    >>> from vgp_symbolic.core.network import random_values
    >>> net = Network.build(2, [(3, "tanh"), (1, "sigmoid")], "bce")
    >>> v = random_values(net, seed=3)
    >>> w = net.parse_param("w1_21")
    >>> abs(finite_difference(net, v, w) - float(forward_backward(net, v).gradient(w))) < 1e-8
    True
    """
    w0 = values.get(p) or 0
    if mode == "float":
        h = h or 1e-6 * max(1.0, abs(float(w0)))
        lp = forward_backward(net, values.with_param(p, float(w0) + h), "float").loss
        lm = forward_backward(net, values.with_param(p, float(w0) - h), "float").loss
        return float((lp - lm) / (2 * h))
    with mpmath.workdps(dps):
        w0 = to_mpf(w0)
        h = mpmath.mpf(h) if h else mpmath.mpf(10) ** (-(dps // 4)) * max(1, abs(w0))
        lp = _run(net, values.with_param(p, w0 + h), "mp", dps).loss
        lm = _run(net, values.with_param(p, w0 - h), "mp", dps).loss
        return (lp - lm) / (2 * h)


def layer_table(p: Pass) -> list[dict]:
    """Per layer k: ‖δᵏ‖₂, mean |f'(zᵏ)| and the spectral norm of ∂ŷ/∂oᵏ (Jacobian product).

    The Jacobian product is renormalised at each layer and its scale kept as a log10, so it
    stays meaningful far past float64's underflow.
    """
    rows = []
    K = len(p.W) - 1
    P, log_scale = None, 0.0
    for k in range(K, -1, -1):
        if k < K:
            # ∂oᵏ⁺¹/∂oᵏ = diag(f'(zᵏ⁺¹)) · (Wᵏ⁺¹)ᵀ
            J = np.array(p.fprime[k + 1], dtype=float)[:, None] * np.array(p.W[k + 1], dtype=float).T
            P = J if P is None else P @ J
        else:
            P = np.eye(len(p.o[K]))
        s = float(np.linalg.norm(P, 2)) if P.size else 0.0
        if s > 0:
            log_scale += math.log10(s)
            P = P / s
        jac = log_scale if s > 0 else -math.inf
        row = {"layer": k, "jacobian_norm_log10": jac}
        if k >= 1:
            d = p.delta[k]
            with mpmath.workdps(p.dps or 20):
                dn = mpmath.sqrt(sum(to_mpf(v) ** 2 for v in d))
            row.update(delta_norm=dn, mean_abs_fprime=float(np.mean(np.abs(
                np.array(p.fprime[k], dtype=float)))))
        rows.append(row)
    return rows
