"""Loss functions: one record per loss, beside :mod:`~vgp_symbolic.core.activations`.

Each :class:`Loss` holds, for ONE output (the network averages over its m outputs):

* ``formula`` -- the words shown to people,
* ``expr(ŷ, y)`` / ``deriv(ŷ, y)`` -- the SymPy definition and ∂/∂ŷ in textbook form (the tests
  check ``deriv`` against ``diff(expr)``),
* ``value(ŷ, y, lib)`` / ``grad(ŷ, y)`` -- plain arithmetic, so the same code serves Fractions,
  mpmath numbers and numpy arrays (``lib`` is the number system's ``math``, ``numpy`` or
  ``mpmath``, for ``log`` and ``log1p``),
* ``np_value`` / ``np_grad`` and ``mp_value`` / ``mp_grad`` -- float64 and mpmath,
* ``logit_value(z, y)`` -- for bce only: the loss from the sigmoid's argument, log(1 + eᶻ) − y·z,
  which never takes log(0) where σ(z) rounds to 0 or 1 (the lab trains with it, and its
  derivative σ(z) − y is why a sigmoid output's δ needs no σ′).

>>> mse = get_loss("mse")
>>> from fractions import Fraction as F
>>> mse.grad(F(3, 4), F(1)), mse.value(F(3, 4), F(1))
(Fraction(-1, 2), Fraction(1, 16))
>>> from sympy import Symbol
>>> get_loss("bce").deriv(Symbol("ŷ"), Symbol("y"))
(-y + ŷ)/(ŷ*(1 - ŷ))
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from ..errors import UserError

__all__ = ["Loss", "LOSSES", "get_loss", "UnknownLoss", "VectorLoss", "VECTOR_LOSSES",
           "get_vector_loss"]


class UnknownLoss(UserError):
    """A loss name that is not in :data:`LOSSES`."""


def _mse_value(a, b, lib=None):
    return (a - b) ** 2


def _half_value(a, b, lib=None):
    return (a - b) ** 2 / 2


def _bce_value(a, b, lib=math):
    # y·log ŷ is 0 when y = 0 even where log ŷ is −∞ (and likewise for 1 − y), as in the limit;
    # log1p(−ŷ), not log(1 − ŷ), which is 0 for every ŷ below 1e-17
    return -((b * lib.log(a) if b else 0) + ((1 - b) * lib.log1p(-a) if b != 1 else 0))


@dataclass(frozen=True)
class Loss:
    """One loss function of one output ŷ against its target y."""

    name: str
    formula: str  # in words, averaged over the outputs
    value: Callable  # value(ŷ, y, lib) in the caller's number system
    grad: Callable  # ∂/∂ŷ, value(ŷ, y) in the caller's number system
    needs_probability: bool = False  # ŷ must lie in (0, 1), y in [0, 1]

    def expr(self, yhat, y):
        """The SymPy definition ℓ(ŷ, y)."""
        import sympy as sp
        return self.value(yhat, y) if self.name != "bce" else \
            -(y * sp.log(yhat) + (1 - y) * sp.log(1 - yhat))

    def deriv(self, yhat, y):
        """∂ℓ/∂ŷ in textbook form: 2(ŷ − y) kept unexpanded, (ŷ − y)/(ŷ(1 − ŷ)) for bce."""
        import sympy as sp
        if self.name == "mse":
            # unevaluated so that SymPy keeps 2(ŷ − y) instead of distributing it to 2ŷ − 2y
            return sp.Mul(2, yhat - y, evaluate=False)
        return self.grad(yhat, y)

    def np_value(self, yhat, y):
        """Float64 ℓ for arrays (log(0) is −inf, left to the caller to diagnose)."""
        import numpy as np
        with np.errstate(divide="ignore"):
            return np.array([self.value(a, b, np) for a, b in zip(yhat, y)], dtype=float)

    def np_grad(self, yhat, y):
        import numpy as np
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            return self.grad(np.asarray(yhat, dtype=float), np.asarray(y, dtype=float))

    def mp_value(self, yhat, y):
        import mpmath
        return self.value(yhat, y, mpmath)

    def mp_grad(self, yhat, y):
        return self.grad(yhat, y)

    def logit_value(self, z, y):
        """bce from the sigmoid's argument z: log(1 + eᶻ) − y·z (float64 arrays).

        >>> import numpy as np
        >>> float(get_loss("bce").logit_value(np.array([-800.0]), np.array([1.0]))[0])
        800.0
        """
        if self.name != "bce":
            raise ValueError(f"logit_value is defined for bce, not {self.name}")
        import numpy as np
        return np.logaddexp(0.0, z) - y * z


LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", "(ŷ − y)², averaged over outputs", _mse_value, lambda a, b: 2 * (a - b)),
    "half_mse": Loss("half_mse", "½(ŷ − y)², averaged over outputs", _half_value,
                     lambda a, b: a - b),
    "bce": Loss("bce", "−[y·log ŷ + (1 − y)·log(1 − ŷ)], averaged over outputs", _bce_value,
                lambda a, b: (a - b) / (a * (1 - a)), needs_probability=True),
}
_ALIASES = {"binary_crossentropy": "bce", "binary_cross_entropy": "bce",
            "squared_error": "mse", "sse": "mse"}


def get_loss(name) -> Loss:
    """The :class:`Loss` called ``name`` (aliases such as ``binary_crossentropy`` accepted).

    >>> get_loss("binary_crossentropy").name
    'bce'
    >>> get_loss("hinge")
    Traceback (most recent call last):
    ...
    vgp_symbolic.core.losses.UnknownLoss: unknown loss 'hinge'; choose one of mse, half_mse, bce
    """
    if isinstance(name, Loss):
        return name
    key = str(name).strip().lower()
    key = _ALIASES.get(key, key)
    if key not in LOSSES:
        raise UnknownLoss(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    return LOSSES[key]


# -- losses of the whole output vector -------------------------------------------------------
@dataclass(frozen=True)
class VectorLoss:
    """A loss of the whole output vector ŷ = softmax(z) against a target distribution y -- not a
    sum of per-output terms, so it is its own record. Only its pairing with the softmax output
    (``output``) makes ∂L/∂z simple: ∂L/∂zⱼ = sⱼ·Σy − yⱼ = sⱼ − yⱼ when Σy = 1.

    Every method takes sequences (lists, numpy arrays, mpmath numbers); ``lib`` is the number
    system's ``math``, ``numpy`` or ``mpmath``. Values from the logits use log-sum-exp, so a
    logit of 1000 (e¹⁰⁰⁰ overflows float64) gives the right loss.

    >>> ce = get_vector_loss("categorical_crossentropy")
    >>> ce.logit_value([1000.0, 0.0], [0.0, 1.0])
    1000.0
    >>> [round(v, 12) for v in ce.logit_grad([0.0, 0.0], [1.0, 0.0])]
    [-0.5, 0.5]
    """

    name: str
    formula: str
    output: str  # the output layer's activation it goes with

    def value(self, s, y, lib=math):
        """−Σ yⱼ log sⱼ from the probabilities (0·log 0 = 0, the limit)."""
        return -sum(b * lib.log(a) for a, b in zip(s, y) if b)

    def grad(self, s, y):
        """∂L/∂sⱼ = −yⱼ/sⱼ."""
        return [-b / a for a, b in zip(s, y)]

    def logit_value(self, z, y, lib=math):
        """L from the logits: log Σₖ e^(zₖ) · Σy − Σ yⱼzⱼ (log-sum-exp, stable)."""
        from .softmax import logsumexp
        return logsumexp(z, lib) * sum(y) - sum(b * v for v, b in zip(z, y))

    def logit_grad(self, z, y, lib=math):
        """∂L/∂zⱼ = sⱼ·Σy − yⱼ with s = softmax(z) (= sⱼ − yⱼ for a distribution y)."""
        from .softmax import softmax
        total = sum(y)
        return [a * total - b for a, b in zip(softmax(z, lib), y)]

    def expr(self, s, y):
        """The SymPy definition −Σ yⱼ log sⱼ in the given symbols."""
        import sympy as sp
        return -sp.Add(*[b * sp.log(a) for a, b in zip(s, y)])

    def target_problem(self, y) -> str | None:
        """Why ``y`` is not a target distribution (every yⱼ ≥ 0, Σ yⱼ = 1), or None.

        >>> from fractions import Fraction as F
        >>> get_vector_loss("cross_entropy").target_problem([F(1, 2), F(1, 4)])
        'the targets must sum to 1 (a distribution over the classes), got 3/4'
        """
        from fractions import Fraction
        if any(b < 0 for b in y):
            return f"every target must be ≥ 0, got {min(y)}"
        total = sum(y)
        if total != 1:
            shown = total if isinstance(total, Fraction) else repr(total)
            return f"the targets must sum to 1 (a distribution over the classes), got {shown}"
        return None


VECTOR_LOSSES: dict[str, VectorLoss] = {
    "cross_entropy": VectorLoss("cross_entropy", "−Σⱼ yⱼ·log ŷⱼ with ŷ = softmax(z)", "softmax"),
}
_VECTOR_ALIASES = {"ce": "cross_entropy", "categorical_crossentropy": "cross_entropy",
                   "categorical_cross_entropy": "cross_entropy", "cross-entropy": "cross_entropy",
                   "softmax_cross_entropy": "cross_entropy", "crossentropy": "cross_entropy"}


def get_vector_loss(name) -> VectorLoss | None:
    """The :class:`VectorLoss` called ``name`` (or an alias), or None for a per-output loss.

    >>> get_vector_loss("CE").name, get_vector_loss("mse")
    ('cross_entropy', None)
    """
    key = str(name).strip().lower()
    return VECTOR_LOSSES.get(_VECTOR_ALIASES.get(key, key))
