"""Numbers for a :class:`~vgp_symbolic.core.derive.Derivation`: factor values, gradient, update, check.

The numbers come from one forward/backward pass (:mod:`vgp_symbolic.core.backprop`); each factor of the
symbolic chain is looked up there by its ``kind``, and the gradient is checked against an
independent central finite difference in mpmath with enough digits to resolve it (a first-layer
gradient through 200 sigmoid layers is ~1e-131, far below float64's finite-difference resolution).

>>> from vgp_symbolic.core.network import parse_spec
>>> from vgp_symbolic.core.derive import derive
>>> net, vals = parse_spec('''
... [network]
... inputs = 1
... layers = [{units = 1, activation = "relu"}, {units = 1, activation = "linear"}]
... loss = "half_mse"
... [values]
... x = 2.0
... y = 1.0
... W1 = [[0.5]]
... W2 = [[3.0]]
... lr = 0.1''')
>>> ev = evaluate(derive(net, "w1_11"), vals)
>>> ev.gradient, ev.update.new
(Fraction(12, 1), Fraction(-7, 10))
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from .._lazy import lazy_import
from .backprop import EvaluationError, Pass, forward_backward, layer_table
from .check import Check, check_gradient
from ..numbers import log10_abs, to_mpf
from .derive import Derivation, Factor, Kind
from .network import Values

mpmath = lazy_import("mpmath")

__all__ = ["Evaluation", "Update", "Check", "evaluate", "EvaluationError", "log10_abs"]


@dataclass(frozen=True)
class Update:
    """w ← w − η·∂L/∂w."""

    lr: object
    old: object
    new: object


@dataclass(frozen=True)
class Evaluation:
    derivation: Derivation
    values: Values
    run: Pass
    factor_values: tuple
    gradient: object  # the total over every route
    route_product: object | None  # product of the route's factors, when a route is shown
    update: Update | None
    check: Check | None

    @property
    def mode(self) -> str:
        return self.run.mode

    @property
    def exact(self) -> bool:
        return isinstance(self.gradient, Fraction)

    def layers(self) -> list[dict]:
        """Per-layer δ norms and Jacobian-product norms (see :func:`backprop.layer_table`)."""
        return layer_table(self.run)


def _factor_value(run: Pass, f: Factor):
    k, i, j = f.layer, f.i, f.j
    if f.kind is Kind.DL:
        return run.dL_dyhat[j - 1]
    if f.kind is Kind.FPRIME:
        return run.fprime[k][j - 1]
    if f.kind is Kind.WEIGHT:
        return run.W[k][i - 1][j - 1]
    if f.kind is Kind.LOCAL:
        return run.fprime[k][j - 1] * (run.o[k - 1][i - 1] if i is not None else 1)
    if f.kind is Kind.DELTA:
        return run.delta[k][j - 1]
    return run.o[k][i - 1] if i is not None else 1  # Kind.INPUT


def _product(values, mode: str):
    """The product of a route's factor values. In float64 the running product is kept as a
    mantissa and a power of 2 -- bit for bit the plain product wherever that stays in range --
    so a route through 10⁵ layers does not underflow to 0; beyond float64 it is an mpmath number.

    >>> _product([0.5, 1e-300, 1e-300], "float")
    mpf('5.0000000000000001e-601')
    >>> _product([Fraction(1, 2), Fraction(2, 3)], "exact")
    Fraction(1, 3)
    """
    if mode != "float":
        out = values[0]
        for v in values[1:]:
            out = out * v
        return out
    m, e = 1.0, 0
    for v in values:
        m, de = math.frexp(m * v)
        e += de
    if m == 0 or -1021 <= e <= 1024:
        return math.ldexp(m, e)
    return mpmath.ldexp(mpmath.mpf(m), e)


def evaluate(d: Derivation, values: Values, lr=None, precision: int | None = None,
             check: bool = True) -> Evaluation:
    """Evaluate the derivation at ``values``; ``lr`` overrides ``values.lr`` for the update.

    Exact (Fractions) for piecewise-linear networks with exact inputs, float64 otherwise,
    mpmath with ``precision`` digits when asked (or when float64 underflows).
    """
    run = forward_backward(d.net, values, precision=precision, param=d.param)
    with mpmath.workdps(run.dps or mpmath.mp.dps):  # products at the pass's precision
        return _evaluate(d, values, lr, run, check)


def _evaluate(d: Derivation, values: Values, lr, run: Pass, check: bool) -> Evaluation:
    fvals = tuple(_factor_value(run, f) for f in d.factors)
    grad = run.gradient(d.param)
    route_product = _product(fvals, run.mode) if d.route is not None else None
    lr = values.lr if lr is None else lr
    update = None
    old = values.get(d.param)
    if lr is not None and old is not None:
        if run.mode == "exact" and isinstance(lr, Fraction):
            new = old - lr * grad
        elif run.mode == "mp":
            new = to_mpf(old) - to_mpf(lr) * grad
        else:
            new = float(old) - float(lr) * float(grad)
        update = Update(lr, old, new)
    return Evaluation(d, values, run, fvals, grad, route_product, update,
                      check_gradient(d.net, values, d.param, run, grad) if check else None)
