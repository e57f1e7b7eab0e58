"""Type 3: the maximum of σ′ and where it is attained; the same for tanh.

The maximum is found, not quoted: SymPy differentiates f′, solves f″ = 0, evaluates f′ there,
and the result must equal the bound ``Activation.sup_abs`` the rest of the tool (and the proofs)
use. The worked solution typesets those same SymPy expressions, plus the completed square
σ′ = 1/4 − (σ − 1/2)² that proves the bound for every z.

>>> from fractions import Fraction as F
>>> s = ActivationMax().solve({"z0": F(1)})
>>> s.answers["sigmoid_max"].value, s.answers["tanh_max"].value, s.answers["sigmoid_argmax"].value
(Fraction(1, 4), Fraction(1, 1), Fraction(0, 1))
"""
from __future__ import annotations

from functools import lru_cache

import mpmath
import sympy as sp

from ...core.activations import get_activation
from ...numbers import to_mpf
from ..latex import TeX
from ..model import Mistake
from .base import Answer, ProblemType, Solved, as_number, to_fraction

_Z = sp.Symbol("z", real=True)


@lru_cache(maxsize=None)
def _activation(name: str):
    # one object per name: it caches its mpmath functions (lambdify is slow)
    return get_activation(name)


@lru_cache(maxsize=None)
def analyse(name: str) -> dict:
    """f, f′, f″ (SymPy), the critical point of f′ and the maximum there (checked)."""
    act = get_activation(name)
    f = act.expr(_Z)
    d1 = sp.diff(f, _Z)
    d2 = sp.factor(sp.simplify(sp.diff(d1, _Z)))
    crit = sp.solve(sp.Eq(d2, 0), _Z)
    if len(crit) != 1:
        raise RuntimeError(f"{name}: expected one critical point of f′, got {crit}")
    z_star = crit[0]
    top = sp.nsimplify(sp.simplify(d1.subs(_Z, z_star)))
    if sp.simplify(top - act.sup_abs) != 0:  # the same bound the proofs and derive use
        raise RuntimeError(f"{name}: max f′ = {top}, but sup_abs = {act.sup_abs}")
    o = sp.Symbol("o", real=True)           # stands for f(z) in the textbook form
    return {"f": f, "d1": d1, "d2": d2, "z_star": z_star, "max": top, "o": o,
            "textbook": act.deriv(_Z, o),   # σ(1 − σ), 1 − tanh²
            "f_at_star": sp.simplify(f.subs(_Z, z_star))}


def _tex(e, o=None, spelled: str = "") -> str:
    """SymPy's LaTeX printer; ``o`` (f(z) in textbook form) is spelled ``spelled``."""
    return TeX(sp.latex(e, symbol_names={o: spelled} if o is not None else {}))


@lru_cache(maxsize=None)
def _static_tex(name: str) -> dict:
    """The solution's formulas: the same for every student, so typeset once."""
    a = analyse(name)
    fz = r"\sigma(z)" if name == "sigmoid" else r"\tanh(z)"
    return {"f": _tex(a["f"]), "d1": _tex(a["d1"]), "d2": _tex(a["d2"]),
            "textbook": _tex(a["textbook"], a["o"], fz), "z_star": _tex(a["z_star"]),
            "max": _tex(a["max"]), "f_star": _tex(a["f_at_star"]),
            "textbook_at": _tex(a["textbook"], a["o"], fz.replace("(z)", "(z_0)"))}


@lru_cache(maxsize=None)
def _completed_square() -> TeX:
    """σ′ = σ(1 − σ) = 1/4 − (σ − 1/2)²: a completed square, so σ′ ≤ 1/4 for every z."""
    o = analyse("sigmoid")["o"]
    square = sp.Add(sp.Rational(1, 4), -(o - sp.Rational(1, 2)) ** 2, evaluate=False)
    if sp.expand(square - analyse("sigmoid")["textbook"]) != 0:
        raise RuntimeError("σ(1 − σ) ≠ 1/4 − (σ − 1/2)²")
    return _tex(square, o, r"\sigma(z)")


class ActivationMax(ProblemType):
    name = "activation_max"
    params = {"z0": "a point at which to evaluate σ′ and tanh′"}
    answers = {"sigmoid_max": "the maximum of σ′(z)", "sigmoid_argmax": "where σ′ is largest",
               "tanh_max": "the maximum of tanh′(z)", "tanh_argmax": "where tanh′ is largest",
               "sigmoid_prime_at": "σ′(z₀)", "tanh_prime_at": "tanh′(z₀)"}

    def solve(self, p: dict) -> Solved:
        z0 = p["z0"]
        out, ctx = {}, {"z0": z0}
        for name, short in (("sigmoid", "σ"), ("tanh", "tanh")):
            a = analyse(name)
            act = _activation(name)
            top = to_fraction(a["max"])
            f_star = to_fraction(a["f_at_star"])
            # mpmath versions generated from the same SymPy definitions (30 digits, then float)
            with mpmath.workdps(30):
                f_at = as_number(act.mp_f(to_mpf(z0)))
                at = as_number(act.mp_df(to_mpf(z0), act.mp_f(to_mpf(z0))))
            out[f"{name}_max"] = Answer(top, [Mistake(
                "sigma_for_sigma_prime", f"you gave {short}(0) = {f_star}, the value of {short} "
                f"itself, where the maximum of its derivative {short}′ belongs", f_star)])
            out[f"{name}_argmax"] = Answer(to_fraction(a["z_star"]), [])
            out[f"{name}_prime_at"] = Answer(at, [Mistake(
                "sigma_for_sigma_prime", f"you gave {short}(z₀) where {short}′(z₀) belongs",
                f_at)])
            ctx[name] = {**_static_tex(name), "prime_at": at, "f_at": f_at, "sup": top}
        ctx["sigmoid_square"] = _completed_square()
        return Solved(out, ctx)
