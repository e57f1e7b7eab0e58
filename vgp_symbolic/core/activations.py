"""Activation functions: one record per activation, shared by derive, proofs and the lab.

Each :class:`Activation` holds

* ``expr(z)`` -- the SymPy definition,
* ``deriv(z, o)`` -- f'(z) in textbook form, which may use ``o = f(z)``
  (σ' = o(1 − o), tanh' = 1 − o²), checked against ``diff(expr)`` by the tests,
* ``stable(z)`` -- f'(z) in a form that keeps its digits where the unit saturates
  (σ' = σ(z)σ(−z) = 1/(2 + 2 cosh z), tanh' = 1/cosh² z), used for every evaluation while the
  symbolic output keeps the textbook form,
* ``np_f(z)`` / ``np_df(z, o)`` -- numerically stable float64 versions (the lab trains with these),
* ``mp_f(z)`` / ``mp_df(z, o)`` -- mpmath versions generated from the SymPy definition and the
  stable derivative, once per activation (layers share one record),
* ``slopes`` -- ``(left, right)`` for piecewise-linear activations, so that networks built from
  them can be evaluated in exact rational arithmetic,
* ``sup_abs`` -- sup |f'| over the reals (its proof lives in :mod:`vgp_symbolic.proofs`).

Convention at a kink (z = 0): the left branch, as PyTorch does (relu'(0) = 0, leaky'(0) = slope).

>>> from vgp_symbolic.core.activations import get_activation
>>> from sympy import Symbol
>>> sig = get_activation("sigmoid")
>>> sig.deriv(Symbol("z"), Symbol("o"))
o*(1 - o)
>>> sig.sup_abs
1/4
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Callable

from .._lazy import lazy_import
from ..errors import UserError

mpmath = lazy_import("mpmath")
np = lazy_import("numpy")
sp = lazy_import("sympy")

_ERFC = []


def _np_erfc(x):
    """Vectorised erfc for GELU: scipy's when installed, else math.erfc element by element.

    Imported on first use: scipy.special alone costs ~0.3 s at every ``vgp`` start otherwise.
    """
    if not _ERFC:
        try:
            from scipy.special import erfc
        except ImportError:  # pragma: no cover - depends on the machine
            erfc = np.vectorize(math.erfc, otypes=[float])
        _ERFC.append(erfc)
    return _ERFC[0](x)

__all__ = ["Activation", "ACTIVATIONS", "get_activation", "UnknownActivation", "BadActivationParameter"]

# SELU's constants (Klambauer et al. 2017), to 32 digits; they have no closed form.
_SELU = {"SELU_LAMBDA": "1.0507009873554804934193349852946",
         "SELU_ALPHA": "1.6732632423543772848170429916717"}


def __getattr__(name):
    # SELU_LAMBDA and SELU_ALPHA are SymPy numbers: built on first use, not at import
    if name in _SELU:
        return sp.Float(_SELU[name], 32)
    raise AttributeError(name)


def _z():
    return sp.Symbol("z", real=True)


class BadActivationParameter(UserError):
    """An activation's parameter is out of range or given to the wrong activation."""


class UnknownActivation(UserError):
    """Raised for a name that is not in :data:`ACTIVATIONS`."""


def _np_sigmoid(z):
    # exp(-|z|) never overflows, so neither branch warns for |z| large
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _np_dsigmoid(z, o=None):
    # σ(z)σ(−z) = e/(1 + e)² with e = exp(−|z|): no 1 − σ(z), which is 0 in float64 for z > 37
    e = np.exp(-np.abs(z))
    return e / ((1.0 + e) * (1.0 + e))


def _np_dtanh(z, o=None):
    # 1/cosh²(z) = 4e/(1 + e)² with e = exp(−2|z|): 1 − tanh² is 0 in float64 for |z| > 19
    e = np.exp(-2.0 * np.abs(z))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


@dataclass(frozen=True)
class Activation:
    """One activation function with its derivative, numeric versions and bound.

    >>> relu = get_activation("relu")
    >>> relu.exact_value(Fraction(-3, 2)), relu.exact_derivative(Fraction(5))
    (Fraction(0, 1), Fraction(1, 1))
    """

    name: str
    symbol: str  # how the text output writes it, e.g. "σ"
    _expr: Callable[[sp.Expr], sp.Expr]
    _deriv: Callable[[sp.Expr, sp.Expr], sp.Expr]
    np_f: Callable
    np_df: Callable
    sup_abs: sp.Expr
    slopes: tuple[Fraction, Fraction] | None = None
    params: tuple[tuple[str, object], ...] = ()
    _stable: Callable[[sp.Expr], sp.Expr] | None = None
    _mp_stable_f: Callable | None = None  # mpmath f(z) where the definition cancels
    _mp_stable_df: Callable | None = None  # mpmath f'(z) where SymPy would rewrite the form
    _mp: dict = field(default_factory=dict, compare=False, repr=False)

    def expr(self, z: sp.Expr) -> sp.Expr:
        """The SymPy definition f(z)."""
        return self._expr(z)

    def deriv(self, z: sp.Expr, o: sp.Expr | None = None) -> sp.Expr:
        """f'(z) in textbook form; ``o`` stands for f(z) (substituted when omitted)."""
        return self._deriv(z, self._expr(z) if o is None else o)

    def stable(self, z: sp.Expr) -> sp.Expr:
        """f'(z) in z alone, in a form that does not cancel where the unit saturates.

        >>> from sympy import Symbol
        >>> get_activation("tanh").stable(Symbol("z"))
        cosh(z)**(-2)
        """
        return self._stable(z) if self._stable else self._deriv(z, self._expr(z))

    @property
    def piecewise_linear(self) -> bool:
        """True when f and f' map rationals to rationals (exact arithmetic possible)."""
        return self.slopes is not None

    @property
    def label(self) -> str:
        """Name with non-default parameters, e.g. ``leaky_relu(slope=1/5)``."""
        if not self.params:
            return self.name
        return f"{self.name}({', '.join(f'{k}={v}' for k, v in self.params)})"

    # -- exact rational arithmetic (piecewise-linear activations only) ----------------------
    def exact_value(self, z: Fraction) -> Fraction:
        left, right = self._need_slopes()
        return z * (right if z > 0 else left)

    def exact_derivative(self, z: Fraction) -> Fraction:
        left, right = self._need_slopes()
        return right if z > 0 else left

    def _need_slopes(self):
        if self.slopes is None:
            raise ValueError(f"{self.name} is not piecewise linear: no exact rational value")
        return self.slopes

    # -- mpmath (arbitrary precision), generated from the SymPy definitions ----------------
    def mp_f(self, z):
        if "f" not in self._mp:
            self._mp["f"] = self._mp_stable_f or sp.lambdify(_z(), self.expr(_z()), "mpmath")
        return self._mp["f"](z)

    def mp_df(self, z, o=None):
        """f'(z) in mpmath from the stable form (``o`` is accepted and not needed)."""
        if "df" not in self._mp:
            self._mp["df"] = self._mp_stable_df or sp.lambdify(_z(), self.stable(_z()), "mpmath")
        return self._mp["df"](z)


def _sigmoid() -> Activation:
    return Activation(
        "sigmoid", "σ",
        lambda z: 1 / (1 + sp.exp(-z)),
        lambda z, o: o * (1 - o),
        _np_sigmoid,
        _np_dsigmoid,
        sp.Rational(1, 4),
        _stable=lambda z: 1 / (2 + 2 * sp.cosh(z)),
    )


def _tanh() -> Activation:
    return Activation(
        "tanh", "tanh", sp.tanh, lambda z, o: 1 - o**2,
        np.tanh, _np_dtanh, sp.Integer(1), _stable=lambda z: 1 / sp.cosh(z) ** 2,
    )


def _piecewise_linear(name: str, symbol: str, left: Fraction, sup: sp.Expr,
                      params=()) -> Activation:
    a = sp.Rational(left.numerator, left.denominator)
    lf = float(left)
    return Activation(
        name, symbol,
        lambda z: sp.Piecewise((z, z > 0), (a * z, True)),
        lambda z, o: sp.Piecewise((1, z > 0), (a, True)),
        lambda z: np.where(z > 0, z, lf * z),
        lambda z, o: np.where(z > 0, 1.0, lf),
        sup, (left, Fraction(1)), tuple(params),
    )


def _elu(alpha: Fraction) -> Activation:
    a = sp.Rational(alpha.numerator, alpha.denominator)
    af = float(alpha)
    return Activation(
        "elu", "elu",
        lambda z: sp.Piecewise((z, z > 0), (a * (sp.exp(z) - 1), True)),
        lambda z, o: sp.Piecewise((1, z > 0), (a * sp.exp(z), True)),
        lambda z: np.where(z > 0, z, af * np.expm1(np.minimum(z, 0.0))),
        lambda z, o: np.where(z > 0, 1.0, af * np.exp(np.minimum(z, 0.0))),
        sp.Max(1, a), params=(() if alpha == 1 else (("alpha", alpha),)),
    )


def _selu() -> Activation:
    lam, alp = __getattr__("SELU_LAMBDA"), __getattr__("SELU_ALPHA")
    lf, af = float(lam), float(alp)
    return Activation(
        "selu", "selu",
        lambda z: lam * sp.Piecewise((z, z > 0), (alp * (sp.exp(z) - 1), True)),
        lambda z, o: lam * sp.Piecewise((1, z > 0), (alp * sp.exp(z), True)),
        lambda z: lf * np.where(z > 0, z, af * np.expm1(np.minimum(z, 0.0))),
        lambda z, o: lf * np.where(z > 0, 1.0, af * np.exp(np.minimum(z, 0.0))),
        lam * alp,  # sup is λα, the left limit at 0 (attained there by the left-branch convention)
    )


def _swish() -> Activation:
    # swish with β = 1 (also called SiLU): z·σ(z); f' = σ(z) + f(z)(1 − σ(z))
    def d(z, o):
        s = 1 / (1 + sp.exp(-z))
        return s + o * (1 - s)

    def np_d(z, o):
        # σ(z)(1 + z·σ(−z)): σ(−z) taken directly, not as 1 − σ(z)
        return _np_sigmoid(z) * (1.0 + z * _np_sigmoid(-z))

    return Activation(
        "swish", "swish", lambda z: z / (1 + sp.exp(-z)), d,
        lambda z: z * _np_sigmoid(z), np_d,
        # no closed form: the root of the critical-point equation, proved in proofs.py
        sp.Float("1.0998393201288669", 17),
        _stable=lambda z: (1 + z / (1 + sp.exp(z))) / (1 + sp.exp(-z)),
    )


def _gelu() -> Activation:
    # exact GELU: z·Φ(z) with Φ the standard normal CDF; f' = Φ(z) + z·φ(z)
    s2 = sp.sqrt(2)
    return Activation(
        "gelu", "gelu",
        lambda z: z * (1 + sp.erf(z / s2)) / 2,
        lambda z, o: (1 + sp.erf(z / s2)) / 2 + z * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi),
        # Φ(z) = erfc(−z/√2)/2: 1 + erf(z/√2) would cancel catastrophically for z ≪ 0
        lambda z: 0.5 * z * _np_erfc(-z / math.sqrt(2.0)),
        lambda z, o: 0.5 * _np_erfc(-z / math.sqrt(2.0))
        + z * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi),
        # attained at z = √2: Φ(√2) + √2·φ(√2) = (1 + erf(1))/2 + e^{-1}/√π
        (1 + sp.erf(1)) / 2 + sp.exp(-1) / sp.sqrt(sp.pi),
        # SymPy rewrites erfc(−x) as 2 − erfc(x), which cancels again: mpmath directly
        _mp_stable_df=lambda z: (mpmath.erfc(-z / mpmath.sqrt(2)) / 2
                                 + z * mpmath.exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)),
        # Φ(z) = erfc(−z/√2)/2 as in numpy: 1 + erf(z/√2) is 0 at any precision for z ≪ 0
        _mp_stable_f=lambda z: z * mpmath.erfc(-z / mpmath.sqrt(2)) / 2,
    )


def _softplus() -> Activation:
    return Activation(
        "softplus", "softplus",
        lambda z: sp.log(1 + sp.exp(z)),
        lambda z, o: 1 / (1 + sp.exp(-z)),
        lambda z: np.logaddexp(0.0, z),
        lambda z, o: _np_sigmoid(z),
        sp.Integer(1),  # approached as z → ∞, never attained
        # log1p(eᶻ): log(1 + eᶻ) is 0 at any precision once eᶻ is below it
        _mp_stable_f=lambda z: mpmath.log1p(mpmath.exp(z)),
    )


def _linear() -> Activation:
    return _piecewise_linear("linear", "id", Fraction(1), sp.Integer(1))


ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu",
               "swish", "gelu", "softplus", "linear")

_ALIASES = {"logistic": "sigmoid", "silu": "swish", "identity": "linear", "lrelu": "leaky_relu"}


def get_activation(name: str, slope=None, alpha=None) -> Activation:
    """Look up an activation by name; ``slope`` for leaky_relu (default 1/100), ``alpha`` for elu.

    >>> get_activation("leaky_relu", slope=Fraction(1, 5)).label
    'leaky_relu(slope=1/5)'
    >>> get_activation("softmax")
    Traceback (most recent call last):
    ...
    vgp_symbolic.core.activations.UnknownActivation: unknown activation 'softmax'; choose one of sigmoid, tanh, relu, leaky_relu, elu, selu, swish, gelu, softplus, linear
    """
    key = _ALIASES.get(str(name).strip().lower(), str(name).strip().lower())
    if key not in ACTIVATIONS:
        raise UnknownActivation(
            f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    if slope is not None and key != "leaky_relu":
        raise BadActivationParameter(f"'slope' applies to leaky_relu, not {key}")
    if alpha is not None and key != "elu":
        raise BadActivationParameter(f"'alpha' applies to elu, not {key}")
    if key == "leaky_relu":
        s = Fraction(1, 100) if slope is None else Fraction(slope)
        if not 0 <= s < 1:
            raise BadActivationParameter(f"leaky_relu slope must be in [0, 1), got {s}")
        return _make(key, s)
    if key == "elu":
        a = Fraction(1) if alpha is None else Fraction(alpha)
        if a <= 0:
            raise BadActivationParameter(f"elu alpha must be positive, got {a}")
        return _make(key, a)
    return _make(key, None)


@lru_cache(maxsize=None)
def _make(key: str, param: Fraction | None) -> Activation:
    # one record per (activation, parameter): every layer shares it, so the mpmath versions
    # are generated once per activation, not once per layer
    if key == "leaky_relu":
        return _piecewise_linear("leaky_relu", "lrelu", param, sp.Integer(1),
                                 () if param == Fraction(1, 100) else (("slope", param),))
    if key == "elu":
        return _elu(param)
    if key == "relu":
        return _piecewise_linear("relu", "relu", Fraction(0), sp.Integer(1))
    return {"sigmoid": _sigmoid, "tanh": _tanh, "selu": _selu, "swish": _swish,
            "gelu": _gelu, "softplus": _softplus, "linear": _linear}[key]()
