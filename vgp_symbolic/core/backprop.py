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

from .._lazy import lazy_import
from ..errors import UserError
from .network import Network, Param, Values
from ..numbers import fmt, to_mpf

mpmath = lazy_import("mpmath")
np = lazy_import("numpy")

__all__ = ["Pass", "EvaluationError", "choose_mode", "forward_backward", "lost_to_float64",
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
        if p.kind == "b":
            return d
        if self.mode == "mp":  # at the pass's precision, not mpmath's default 15 digits
            with mpmath.workdps(self.dps):
                return self.o[p.layer - 1][p.i - 1] * d
        return self.o[p.layer - 1][p.i - 1] * d


def choose_mode(net: Network, values: Values, precision: int | None = None) -> str:
    """``mp`` when digits are asked for, ``exact`` when possible, else ``float``."""
    if precision:
        return "mp"
    if all(l.activation.piecewise_linear for l in net.layers) and values.all_exact():
        return "exact"
    return "float"


def _float(v) -> float:
    """float(v), or ±inf where v is beyond float64 (Fraction(10**999) raises otherwise)."""
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def _arr(xs, mode, conv=None):
    """A vector or matrix (list of rows) of spec numbers as an array of ``mode``."""
    if mode == "float":
        try:
            # n/d of two ints is one correctly rounded C division; Fraction.__float__ goes
            # through numbers.Rational and costs ten times more (2 s for 2M weights)
            return np.array([[_fast_float(v) for v in r] if isinstance(r, list)
                             else _fast_float(r) for r in xs], dtype=float)
        except OverflowError:  # a Fraction beyond float64: ±inf, and the pass goes to mpmath
            return np.array([[_float(v) for v in r] if isinstance(r, list) else _float(r)
                             for r in xs], dtype=float)
    conv = conv or (Fraction if mode == "exact" else to_mpf)
    rows = [[conv(v) for v in r] if isinstance(r, list) else conv(r) for r in xs]
    out = np.empty((len(rows), len(rows[0])) if rows and isinstance(rows[0], list)
                   else len(rows), dtype=object)
    out[...] = rows
    return out


def _fast_float(v) -> float:
    return v.numerator / v.denominator if type(v) is Fraction else float(v)


def _memo(f):
    # spec weights repeat (0.1, 0.25, …): convert each distinct number once
    seen = {}

    def conv(v):
        r = seen.get(v)
        if r is None:
            r = seen[v] = f(v)
        return r
    return conv


def _converted(net: Network, values: Values, mode: str, dps):
    """x, y and every layer's (W, b) as arrays of ``mode``: converted once per Values and mode."""
    key = (mode, dps)
    got = values._arrays.get(key)
    if got is None:
        conv = None if mode == "float" else _memo(Fraction if mode == "exact" else to_mpf)
        read = values._float_W if mode == "float" else {}  # made while reading the spec
        layers = [None] + [(read[k] if k in read else _arr(values.W[k], mode, conv),
                            _arr(values.bias(k, net.widths[k]), mode, conv))
                           for k in range(1, net.depth + 1)]
        got = values._arrays[key] = (_arr(values.x, mode, conv), _arr(values.y, mode, conv),
                                     layers)
    return got


def _activate(act, z, mode):
    if mode == "float":
        o = act.np_f(z)
        return o, act.np_df(z, o)
    if mode == "exact":
        return (np.array([act.exact_value(v) for v in z], dtype=object),
                np.array([act.exact_derivative(v) for v in z], dtype=object))
    return (np.array([to_mpf(act.mp_f(v)) for v in z], dtype=object),
            np.array([to_mpf(act.mp_df(v)) for v in z], dtype=object))


def _loss(net: Network, yhat, y, mode):
    """L and ∂L/∂ŷ (averaged over the m outputs) in the pass's number system."""
    loss, m = net.loss_fn, len(y)
    if loss.needs_probability:
        _check_probability(yhat, y, mode)
    if mode == "float":
        return float(np.sum(loss.np_value(yhat, y))) / m, loss.np_grad(yhat, y) / m
    # log is transcendental: in exact mode the loss value is a float, its gradient stays exact
    lib = mpmath if mode == "mp" else math
    L = sum(loss.value(a, b, lib) for a, b in zip(yhat, y)) / m
    return L, np.array([loss.grad(a, b) / m for a, b in zip(yhat, y)], dtype=object)


def _check_probability(yhat, y, mode):
    for a in yhat:
        if mode == "float" and a in (0.0, 1.0):
            raise _Saturated(f"binary cross-entropy needs 0 < ŷ < 1, but ŷ = {fmt(a)} "
                             "(the sigmoid saturated in float64; try --precision 30)")
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
                     precision: int | None = None, param: Param | None = None) -> Pass:
    """Run the forward pass and backpropagate δ through every layer.

    With ``mode=None`` the mode is chosen by :func:`choose_mode`, and a float64 pass that lost a
    number -- an overflow, or a zero or subnormal that is not a true zero (see
    :func:`lost_to_float64`; with ``param``, its gradient too) -- is recomputed in mpmath.
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
            return _finite(_run(net, values, mode, dps))
    try:
        p = _run(net, values, mode, None)
        lost = mode == "float" and lost_to_float64(net, p, param)
    except _Saturated:
        if not auto:
            raise
        lost = "values"
    if not lost:
        return p
    if lost == "delta":  # only δ went below float64: scale it by powers of 2, stay in float64
        return _scaled_backward(p)
    if not auto:
        raise EvaluationError("float64 cannot hold this pass (it overflows); leave the mode "
                              "to vgp or give --precision")
    # mpmath's exponent range is unbounded, so 30 digits resolve 1e-500 as well as 1e-5
    with mpmath.workdps(30):
        return _finite(_run(net, values, "mp", 30))


def _finite(p: Pass) -> Pass:
    """The mpmath pass, or a clear error where even it overflowed (e^(10^999) has no value)."""
    for name, arrays in (("o", p.o), ("δ", p.delta)):
        for k, a in enumerate(arrays):
            if a is not None and not all(mpmath.isfinite(v) for v in a):
                raise EvaluationError(f"the numbers are too large to evaluate: {name} of layer "
                                      f"{k} is infinite even in mpmath; check the spec's values")
    if not mpmath.isfinite(p.loss):
        raise EvaluationError("the numbers are too large to evaluate: the loss is infinite "
                              "even in mpmath; check the spec's values")
    return p


class _Saturated(EvaluationError):
    """float64 rounded a number to where the pass cannot go on (bce at ŷ = 0 or 1, overflow)."""


_TINY = 2.2250738585072014e-308  # np.finfo(float).tiny, without importing numpy


def lost_to_float64(net: Network, p: Pass, param: Param | None = None) -> str | None:
    """What float64 lost in the pass, as opposed to a true (structural) zero: ``"values"``
    (an overflow, or a value, f' or ∂L/∂ŷ that underflowed), ``"delta"`` (only δ or the
    gradient went below float64's range), or None.

    A smooth activation's f' and a loss's ∂L/∂ŷ ≠ 0 are never exactly 0, so a zero or subnormal
    one was lost; a zero δ is true only when every path to it passes through a true zero --
    a ReLU on its flat side, a zero weight, ŷ = y at a piecewise-linear output -- which is
    propagated down as a mask (one boolean matrix product per layer, like the pass itself).
    """
    o, d = np.concatenate(p.o[1:]), np.concatenate(p.delta[1:])  # whole passes: one op each
    if not (np.all(np.isfinite(o)) and np.all(np.isfinite(d)) and np.all(np.isfinite(p.dL_dyhat))):
        return "values"
    if np.any((np.abs(p.dL_dyhat) < _TINY) & (p.dL_dyhat != 0)):
        return "values"
    if not any(l.activation.piecewise_linear for l in net.layers):
        verdict = _lost_smooth(net, p, param, o, d)
        if verdict is not _MASK:
            return verdict
    return _lost_masked(net, p, param)


def _lost_masked(net: Network, p: Pass, param: Param | None) -> str | None:
    """:func:`lost_to_float64` layer by layer, with the mask of true zeros propagated down."""
    K = len(p.delta) - 1
    true0 = [None] * (K + 1)
    for k in range(K, 0, -1):
        act = net.activation(k)
        fp = p.fprime[k]
        if not act.piecewise_linear:
            if np.any(np.abs(fp) < _TINY):
                return "values"  # a smooth f' underflowed
            if np.any((np.abs(p.o[k]) < _TINY) & (p.z[k] != 0)):
                return "values"  # a smooth f(z) underflowed (softplus, sigmoid far left)
            flat = np.zeros(len(fp), dtype=bool)
        else:
            flat = fp == 0
        if k == K:
            # ŷ = y is a true zero where ŷ is exact-ish: a piecewise-linear output
            above = (p.dL_dyhat == 0) & act.piecewise_linear
        else:
            Wn = p.W[k + 1]
            above = np.all((Wn == 0) | true0[k + 1][None, :], axis=1)
        true0[k] = flat | above
        if np.any((np.abs(p.delta[k]) < _TINY) & ~true0[k]):
            return "delta"
    if param is not None:
        g = p.gradient(param)
        if abs(g) < _TINY and not (g == 0 and (true0[param.layer][param.j - 1] or (
                param.kind == "w" and p.o[param.layer - 1][param.i - 1] == 0))):
            return "delta"
    return None


_MASK = object()  # "only the mask of true zeros can decide"


def _lost_smooth(net: Network, p: Pass, param: Param | None, o, d):
    """:func:`lost_to_float64` for smooth activations from whole-pass arrays, not a loop of
    small ones per layer (10⁵ layers): the verdict, or ``_MASK`` when only the mask of true
    zeros (a zero weight's) can decide. A smooth f' is never a true zero, so the mask matters only
    for a tiny δ above every lost value."""
    fp, z = np.concatenate(p.fprime[1:]), np.concatenate(p.z[1:])
    layer = np.repeat(np.arange(1, len(p.delta)), net.widths[1:])
    lost_value = (np.abs(fp) < _TINY) | ((np.abs(o) < _TINY) & (z != 0))
    lost_delta = np.abs(d) < _TINY
    # the loop's order: layers from the output down, a layer's values before its δ
    kv = int(layer[lost_value].max()) if lost_value.any() else 0
    kd = int(layer[lost_delta].max()) if lost_delta.any() else 0
    if kv >= kd:
        if kv:
            return "values"
    elif not np.all(np.concatenate([w.ravel() for w in p.W[1:]])):
        return _MASK  # a zero weight may make that δ a true zero
    else:
        return "delta"
    if param is not None:  # no δ is tiny: the gradient is lost only if its input is tiny
        g = p.gradient(param)
        if abs(g) < _TINY and not (g == 0 and param.kind == "w"
                                   and p.o[param.layer - 1][param.i - 1] == 0):
            return "delta"
    return None


def _normalise(d, E: int):
    """d·2^E with max |d| in [½, 1): the scale kept apart, as an exponent, so δ never underflows."""
    m = float(np.max(np.abs(d))) if len(d) else 0.0
    if m == 0:
        return d, E
    e = math.frexp(m)[1]
    return np.ldexp(d, -e), E + e


def _scaled_backward(p: Pass) -> Pass:
    """δ again, in float64 scaled by a power of 2 per layer (a deep sigmoid stack's δ is ~1e-650,
    far below float64, while every z, o and f' is an ordinary float). δ is returned as mpmath
    numbers, d·2^E exactly: the pass costs what a float64 pass costs, not an mpmath one."""
    K = len(p.delta) - 1
    delta = [None] * (K + 1)
    with np.errstate(under="ignore"):
        d, E = _normalise(np.asarray(p.dL_dyhat, dtype=float), 0)
        d, E = _normalise(d * p.fprime[K], E)
        delta[K] = _unscale(d, E)
        for k in range(K - 1, 0, -1):
            d, E = _normalise(p.fprime[k] * (p.W[k + 1] @ d), E)
            delta[k] = _unscale(d, E)
    return Pass(p.mode, p.dps, p.z, p.o, p.fprime, p.W, p.dL_dyhat, p.loss, delta)


def _unscale(d, E: int):
    if -900 < E < 900 and (not len(d) or float(np.max(np.abs(d))) * 2.0 ** E > 1e-290):
        return np.ldexp(d, E)  # an ordinary float64 vector
    out = np.empty(len(d), dtype=object)
    out[:] = [mpmath.ldexp(mpmath.mpf(float(v)), E) for v in d]
    return out


def _run(net: Network, values: Values, mode: str, dps) -> Pass:
    K = net.depth
    x, y, layers = _converted(net, values, mode, dps)
    o, z, fp, W = [x], [None], [None], [None]
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        for k in range(1, K + 1):
            Wk, bk = layers[k]
            zk = Wk.T @ o[-1] + bk
            ok, fk = _activate(net.activation(k), zk, mode)
            W.append(Wk), z.append(zk), o.append(ok), fp.append(fk)
        if mode == "float" and not np.all(np.isfinite(np.concatenate(o[1:]))):
            raise _Saturated("the forward pass overflowed float64 (weights too large?)")
        L, dL = _loss(net, o[-1], y, mode)
        delta = [None] * (K + 1)
        delta[K] = dL * fp[K]
        for k in range(K - 1, 0, -1):
            delta[k] = fp[k] * (W[k + 1] @ delta[k + 1])
    return Pass(mode, dps, z, o, fp, W, dL, L, delta)


def layer_table(p: Pass) -> list[dict]:
    """Per layer k: ‖δᵏ‖₂, mean |f'(zᵏ)| and the spectral norm of ∂ŷ/∂oᵏ (Jacobian product).

    The Jacobian product is renormalised at each layer and its scale kept as a log10, so it
    stays meaningful far past float64's underflow. A few small array operations per layer and
    mpmath only where δ is beyond float64: 10⁵ layers take a fraction of a second.
    """
    rows = []
    K = len(p.W) - 1
    P, log_scale = np.eye(len(p.o[K])), 0.0
    for k in range(K, -1, -1):
        if k < K:
            # ∂ŷ/∂oᵏ = ∂ŷ/∂oᵏ⁺¹ · diag(f'(zᵏ⁺¹)) · (Wᵏ⁺¹)ᵀ
            P = P @ (_floats(p.fprime[k + 1])[:, None] * _floats(p.W[k + 1]).T)
        s = _norm2(P)
        if s > 0:
            log_scale += math.log10(s)
            P = P / s
        row = {"layer": k, "jacobian_norm_log10": log_scale if s > 0 else -math.inf}
        if k >= 1:
            row.update(delta_norm=_vector_norm(p.delta[k], p.dps),
                       mean_abs_fprime=_mean_abs(p.fprime[k]))
        rows.append(row)
    return rows


def _mean_abs(a) -> float:
    return abs(float(a[0])) if len(a) == 1 else float(np.mean(np.abs(_floats(a))))


def _floats(a):
    return a if a.dtype == float else np.array(a, dtype=float)


def _norm2(P) -> float:
    """The spectral norm (of a 1 × 1 product, its absolute value: no SVD per layer)."""
    if not P.size:
        return 0.0
    if P.shape == (1, 1):
        return abs(float(P[0, 0]))
    return float(np.linalg.norm(P, 2))


def _vector_norm(d, dps):
    """‖d‖₂: a float for a float64 vector, mpmath where d holds numbers beyond float64."""
    if d.dtype == float:
        return math.hypot(*d.tolist())
    if len(d) == 1 and isinstance(d[0], mpmath.mpf):
        # |δ| exactly as held, not √(δ²) in a precision context: 10⁵ width-1 layers took 1.5 s
        return mpmath.mp.make_mpf(mpmath.libmp.mpf_abs(d[0]._mpf_))
    with mpmath.workdps(dps or 20):
        return mpmath.sqrt(sum(to_mpf(v) ** 2 for v in d))
