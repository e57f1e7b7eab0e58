"""The independent check of a gradient: a central difference of the loss, never of backprop.

The difference uses only the forward pass (f, not f′; the loss, not its derivative), in the
cheapest number system that resolves it:

* ``exact`` -- a piecewise-linear network in rationals: with every unit kept on its branch the
  loss is a quadratic in w, so the central difference is the derivative, exactly;
* ``float64`` -- two step sizes h and h/2; accepted when their rounding noise (ε·|L|/h) and their
  truncation (how much they differ) both stay below 10⁻⁸ of the result;
* ``mpmath`` -- otherwise, with just enough digits that g·h stands above the rounding of L.

At a **kink** (a ReLU-family unit with z exactly 0 in a layer the weight reaches) the derivative
does not exist; backprop takes the left branch (relu′(0) = 0, as PyTorch does). The difference is
then taken with every such unit kept on the branch it is on, and the check says so.

Differences are compared with a relative tolerance and an absolute floor, the difference's own
resolution: an exact 0 against a difference of 3e-32 at 50 digits agrees.

>>> from fractions import Fraction as F
>>> from vgp_symbolic.core.network import Network, Values
>>> from vgp_symbolic.core.backprop import forward_backward
>>> net = Network.build(1, [(1, "relu"), (1, "linear")], "half_mse")
>>> vals = Values([F(1)], [F(1)], {1: [[F(0)]], 2: [[F(2)]]})
>>> p = net.parse_param("w1_11")
>>> c = check_gradient(net, vals, p, forward_backward(net, vals))
>>> c.agrees, c.kinks
(True, ('z1_1',))
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from .._lazy import lazy_import
from ..numbers import to_mpf
from .backprop import Pass, _converted, _float, _normalise
from .network import Network, Param, Values

mpmath = lazy_import("mpmath")
np = lazy_import("numpy")

__all__ = ["Check", "check_gradient", "finite_difference"]

_EPS, _TINY = 2.220446049250313e-16, 2.2250738585072014e-308  # float64 eps and tiny
_MAX_DIGITS = 20000  # beyond this a difference of the loss costs more than it is worth
# digits × weights above the parameter: beyond ~1 s of mpmath, the tangent is used instead
_MP_BUDGET = 2_000_000


@dataclass(frozen=True)
class Check:
    """An independent value of the gradient and how well it agrees."""

    method: str
    value: object
    relative_error: float | None
    agrees: bool | None  # None: no difference can resolve this gradient (the method says why)
    kinks: tuple[str, ...] = ()  # units at z = 0 (a kink) that the weight reaches


def _branches(net: Network, run: Pass) -> list:
    """Per layer: for a piecewise-linear activation, which units are on the right branch (z > 0)."""
    return [None] + [np.array([v > 0 for v in run.z[k]], dtype=bool)
                     if net.activation(k).piecewise_linear else None
                     for k in range(1, net.depth + 1)]


def _kinks(net: Network, run: Pass, p: Param) -> tuple[str, ...]:
    out = []
    for k in range(p.layer, net.depth + 1):
        if net.activation(k).piecewise_linear and net.activation(k).slopes[0] != 1:
            for j, v in enumerate(run.z[k], 1):
                if v == 0 and (k > p.layer or j == p.j):
                    out.append(f"z{k}_{j}")
    return tuple(out)


def _forward(net: Network, values: Values, p: Param, w, mode: str, dps, branches, below):
    """L at parameter value w, from the layer below p (``below``, unchanged by w) upward."""
    x, y, layers = _converted(net, values, mode, dps)
    o = below
    for k in range(p.layer, net.depth + 1):
        Wk, bk = layers[k]
        if k == p.layer:
            Wk, bk = Wk.copy(), bk.copy()
            if p.kind == "w":
                Wk[p.i - 1, p.j - 1] = w
            else:
                bk[p.j - 1] = w
        z = Wk.T @ o + bk
        act = net.activation(k)
        if branches[k] is None:
            o = _value(act, z, mode)
        else:  # each unit kept on the branch it is on at the point itself
            left, right = act.slopes
            if mode == "float":
                left, right = float(left), float(right)
            elif mode == "mp":
                left, right = to_mpf(left), to_mpf(right)
            o = z * np.where(branches[k], right, left)
    loss, m = net.loss_fn, len(y)
    lib = {"float": np, "mp": mpmath, "exact": math}[mode]
    if mode == "exact" and loss.needs_probability:  # pragma: no cover - bce needs a sigmoid
        raise ValueError("bce has no exact value")
    return sum(loss.value(a, b, lib) for a, b in zip(o, y)) / m


def _value(act, z, mode):
    if mode == "float":
        return act.np_f(z)
    if mode == "exact":
        return np.array([act.exact_value(v) for v in z], dtype=object)
    return np.array([to_mpf(act.mp_f(v)) for v in z], dtype=object)


def _below(net: Network, values: Values, p: Param, mode: str, dps):
    """o^{k−1} for the parameter's layer k: the forward pass below it, computed once."""
    x, _, layers = _converted(net, values, mode, dps)
    o = x
    for k in range(1, p.layer):
        Wk, bk = layers[k]
        o = _value(net.activation(k), Wk.T @ o + bk, mode)
    return o


def finite_difference(net: Network, values: Values, p: Param, h=None, mode: str = "float",
                      dps: int = 50, branches=None):
    """Central difference (L(w + h) − L(w − h)) / 2h of the loss alone.

    >>> from vgp_symbolic.core.network import Network, random_values
    >>> from vgp_symbolic.core.backprop import forward_backward
    >>> net = Network.build(2, [(3, "tanh"), (1, "sigmoid")], "bce")
    >>> v = random_values(net, seed=3)
    >>> w = net.parse_param("w1_21")
    >>> abs(finite_difference(net, v, w) - float(forward_backward(net, v).gradient(w))) < 1e-8
    True
    """
    branches = branches or [None] * (net.depth + 1)
    w0 = values.get(p) or 0
    if mode == "float":
        w0 = _float(w0)
        h = h or 1e-6 * max(1.0, abs(w0))
        below = _below(net, values, p, "float", None)
        with np.errstate(all="ignore"):
            lp = _forward(net, values, p, w0 + h, "float", None, branches, below)
            lm = _forward(net, values, p, w0 - h, "float", None, branches, below)
        return float((lp - lm) / (2 * h))
    if mode == "exact":
        h = Fraction(h or 1)
        below = _below(net, values, p, "exact", None)
        lp = _forward(net, values, p, w0 + h, "exact", None, branches, below)
        lm = _forward(net, values, p, w0 - h, "exact", None, branches, below)
        return (lp - lm) / (2 * h)
    with mpmath.workdps(dps):
        w0 = to_mpf(w0)
        h = mpmath.mpf(h) if h else mpmath.mpf(10) ** (-(dps // 4)) * max(1, abs(w0))
        below = _below(net, values, p, "mp", dps)
        lp = _forward(net, values, p, w0 + h, "mp", dps, branches, below)
        lm = _forward(net, values, p, w0 - h, "mp", dps, branches, below)
        return (lp - lm) / (2 * h)


def _float_check(net, values, p, run, grad, branches):
    """The float64 difference, or None when float64 cannot resolve it."""
    w = _float(values.get(p) or 0)
    if not math.isfinite(w) or not math.isfinite(_float(run.loss)):
        return None
    h = 1e-4 * max(1.0, abs(w))
    fd1 = finite_difference(net, values, p, h, "float", branches=branches)
    fd2 = finite_difference(net, values, p, h / 2, "float", branches=branches)
    if not (math.isfinite(fd1) and math.isfinite(fd2)):
        return None
    est = (4 * fd2 - fd1) / 3  # Richardson: the h² term cancels
    # rounding of L (and of L = 0, where float64's smallest number is the step) and truncation
    noise = (8 * _EPS * abs(_float(run.loss)) + _TINY) / h + abs(fd2 - fd1)
    if noise <= 1e-8 * abs(est) or (est == 0 and grad == 0):
        return est, noise  # resolved, or 0 against 0 to float64's resolution
    return None


def check_gradient(net: Network, values: Values, p: Param, run: Pass, grad=None) -> Check:
    """Check ``grad`` (by default the pass's own) against a central difference of the loss."""
    grad = run.gradient(p) if grad is None else grad
    branches = _branches(net, run)
    kinks = _kinks(net, run, p)
    where = (f"; kink at {', '.join(kinks)} = 0: the left branch (relu′(0) = 0, as PyTorch), "
             "each unit kept on its branch" if kinks else "")
    if run.mode == "exact":
        fd = finite_difference(net, values, p, 1, "exact", branches=branches)
        rel = 0.0 if fd == grad else 1.0
        return Check("central difference in exact rationals" + where, fd, rel, fd == grad, kinks)
    # float64 backprop carries ~1e-16 relative error per operation, growing with depth
    tol = 1e-12 * max(10, net.depth) if run.mode == "float" else 10.0 ** (5 - run.dps)
    got = _float_check(net, values, p, run, grad, branches)
    if got is not None:
        fd, noise = got
        method = "central difference in float64 (h and h/2, Richardson)"
        tol = max(tol, 1e-7)
    else:
        L = run.loss
        with mpmath.workdps(20):  # mpmath: the exponent of 1e-(10^998) is beyond a float
            gap = 0 if grad == 0 or L == 0 else max(0, mpmath.log10(abs(to_mpf(L)))
                                                    - mpmath.log10(abs(to_mpf(grad))))
        weights = sum(net.widths[k - 1] * net.widths[k] for k in range(p.layer, net.depth + 1))
        if gap > _MAX_DIGITS or _digits(gap, run) * weights > _MP_BUDGET:
            # a difference of the loss would cost too much (or no digits can resolve it)
            fd = _tangent(net, p, run)
            return _compare(grad, fd, tol, 0, "forward-mode tangent, float64 scaled by powers of "
                            "2 (a difference of the loss would need "
                            + (f"{_digits(gap, run)}" if gap <= _MAX_DIGITS else
                               f"more than {_MAX_DIGITS}")
                            + " digits here; f′ is checked against f by the tests)" + where, kinks)
        dps = _digits(gap, run)
        w = values.get(p) or 0
        with mpmath.workdps(dps):
            # truncation ∝ h² = 1e-50: far below any tolerance
            h = mpmath.mpf("1e-25") * max(1, abs(to_mpf(w)))
            fd = finite_difference(net, values, p, h, "mp", dps, branches)
            noise = mpmath.mpf(10) ** (3 - dps) * abs(to_mpf(L)) / h
        method = f"central difference in mpmath ({dps} digits)"
    return _compare(grad, fd, tol, noise, method + where, kinks)


def _digits(gap, run: Pass):
    """Digits for a difference of the loss that resolves a gradient ``gap`` decades below L."""
    return 60 + int(mpmath.ceil(gap)) + (run.dps or 0) // 2


def _compare(grad, fd, tol, noise, method, kinks) -> Check:
    with mpmath.workdps(60):
        g, f = to_mpf(grad), to_mpf(fd)
        diff, scale = abs(g - f), max(abs(g), abs(f))
        rel = float(diff / scale) if scale else 0.0
        agrees = bool(diff <= tol * scale + to_mpf(noise))
    return Check(method, fd, rel, agrees, kinks)


def _tangent(net: Network, p: Param, run: Pass):
    """∂L/∂w accumulated forward, from the parameter up to the loss: żᵐ⁺¹ = Wᵐ⁺¹ᵀ (f′(zᵐ) ⊙ żᵐ).

    The opposite order to backprop's, on the same forward values; in float64 the tangent is
    renormalised every layer and its scale kept as a power of 2, so it never underflows.
    """
    k, K = p.layer, net.depth
    mp = run.mode == "mp"
    t = np.zeros(net.widths[k], dtype=object if mp else float)
    t[p.j - 1] = run.o[k - 1][p.i - 1] if p.kind == "w" else 1
    E = 0
    for m in range(k, K):
        t = run.W[m + 1].T @ (run.fprime[m] * t)
        if not mp:
            t, E = _normalise(t, E)
    with np.errstate(under="ignore"):
        g = sum(run.dL_dyhat[j] * run.fprime[K][j] * t[j] for j in range(net.widths[K]))
    return g if mp else mpmath.ldexp(mpmath.mpf(float(g)), E)
