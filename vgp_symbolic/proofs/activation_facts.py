"""What an activation proof establishes -- :class:`ActivationBound` -- and how it prints.

The numbers here are *results*: each is established by a step of ``proof`` (built in
:mod:`.activation_bounds`), and ``checked`` says which steps SymPy verified.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp

from ..numbers import sig_decimal, sympy_fraction
from .intervals import Enclosure, exact_decimal
from .steps import CheckedProof, Proof, _tex_text

__all__ = ["ActivationBound"]


@dataclass
class ActivationBound:
    """What the proof establishes about f′ (all numbers verified by the steps of ``proof``)."""

    activation: str  # label, e.g. "leaky_relu(slope=1/5)"
    symbol: str  # "σ"
    definition: str  # text of f(z)
    derivative: str  # text of f′(z), simplified textbook form
    derivative_latex: str
    derivative_expr: sp.Expr  # f′(z) in z
    sup: sp.Expr | None  # exact sup |f′|, None when there is no closed form
    sup_enclosure: Enclosure  # certified [lo, hi] ∋ sup |f′|
    sup_attained: bool
    argmax: str  # where sup |f′| is attained, or how it is approached
    argmax_enclosure: Enclosure | None  # for a single point
    inf: sp.Expr  # inf |f′|
    inf_attained: bool
    argmin: str
    argmin_enclosure: Enclosure | None
    range_text: str  # the set f′(ℝ)
    range_latex: str
    limits: dict  # {"-oo": value, "+oo": value} of f′
    registry_sup: sp.Expr  # what activations.py claims
    proof: Proof
    checked: CheckedProof | None = None
    notes: list = field(default_factory=list)
    argmax_expr: sp.Expr | None = None  # the exact point, when sup is attained at one point

    # -- derived facts --------------------------------------------------------------------
    @property
    def verified(self) -> bool:
        return self.checked is not None and self.checked.verified

    @property
    def sup_exact(self) -> bool:
        return self.sup is not None

    @property
    def sup_digits(self) -> str:
        """sup |f′| to 10 significant digits (certified: both enclosure ends round alike)."""
        return self.sup_enclosure.sig_digits(10) or sig_decimal(self.sup_enclosure.mid, 10)

    @property
    def sup_float(self) -> float:
        return float(self.sup_enclosure.mid)

    @property
    def sup_short(self) -> str:
        """1/4, 1.758099341, 1/2 + erf(1)/2 + e^(−1)/√π ≈ 1.128904145, 1.099839320."""
        if self.sup is None or self.sup.is_Float:
            return self.sup_digits
        if self.sup.is_Rational:
            return self.sup_text
        return f"{_pretty(self.sup)} ≈ {self.sup_digits}"

    @property
    def sup_text(self) -> str:
        """Exact where exact ("1/4"), else the 10 certified digits."""
        return _num_text(self.sup) if self.sup is not None else self.sup_digits

    @property
    def saturates_at(self) -> list[str]:
        """The ends (−∞/+∞) where f′ → 0."""
        return [k for k in ("-oo", "+oo") if self.limits[k] == 0]

    @property
    def saturates(self) -> bool:
        """f′ → 0 at both ends (sigmoid, tanh); one-sided cases are in :attr:`saturates_at`."""
        return len(self.saturates_at) == 2

    @property
    def registry_agrees(self) -> bool:
        """Does ``activations.py``'s ``sup_abs`` agree with the proven sup (to its own digits)?"""
        reg = self.registry_sup
        if self.sup is not None:
            return sp.simplify(self.sup - reg) == 0
        if isinstance(reg, sp.Float):
            digits = len(sp.Float(reg).__str__().replace("-", "").replace(".", "").lstrip("0"))
            want = sig_decimal(Fraction(str(reg)), digits)
            got = {sig_decimal(self.sup_enclosure.lo, digits), sig_decimal(self.sup_enclosure.hi, digits)}
            return want in got
        return Fraction(str(sp.nsimplify(reg))) in self.sup_enclosure

    def to_json(self) -> dict:
        enc = self.sup_enclosure
        return {
            "activation": self.activation,
            "definition": self.definition,
            "derivative": self.derivative,
            "derivative_latex": self.derivative_latex,
            "derivative_sympy": str(self.derivative_expr),
            "sup": self.sup_text,
            "sup_exact": self.sup_exact,
            "sup_float": self.sup_float,
            "sup_digits": self.sup_digits,
            "sup_enclosure": [sig_decimal(enc.lo, 25, "down"), sig_decimal(enc.hi, 25, "up")],
            "sup_attained": self.sup_attained,
            "argmax": (str(self.argmax_expr) if self.argmax_expr is not None
                       else self.argmax_enclosure.sig_digits(10) if self.argmax_enclosure
                       else self.argmax),
            "argmax_text": self.argmax,
            "argmax_float": float(self.argmax_enclosure.mid) if self.argmax_enclosure else None,
            "inf": _num_text(self.inf),
            "inf_float": float(self.inf),
            "inf_attained": self.inf_attained,
            "argmin": self.argmin,
            "argmin_float": float(self.argmin_enclosure.mid) if self.argmin_enclosure else None,
            "range": self.range_text,
            "limits": {k: _num_text(v) for k, v in self.limits.items()},
            "saturates": self.saturates,
            "saturates_at": self.saturates_at,
            "registry_sup": str(self.registry_sup),
            "registry_agrees": self.registry_agrees,
            "verified": self.verified,
            "steps": self.checked.steps_json() if self.checked else [],
        }

    def sup_line(self) -> str:
        """sup |f′| for people: exact value, its decimal, and the enclosure when not rational."""
        if self.sup is not None and self.sup.is_Rational:
            dec = exact_decimal(sympy_fraction(self.sup)) or sig_decimal(sympy_fraction(self.sup), 10)
            return self.sup_text + ("" if self.sup.q == 1 else f" = {dec}")
        if self.sup is not None and self.sup.is_Float:
            return f"{self.sup_text} (exact product of the registry's constants)"
        head = (f"{_pretty(self.sup)} ≈ {self.sup_digits}" if self.sup is not None
                else self.sup_digits)
        return f"{head}  (certified: in {self.sup_enclosure.short(22)})"

    def to_text(self) -> str:
        p = self.symbol + "′"
        lim = " and ".join(f"z → {'−∞' if k == '-oo' else '+∞'}" for k in self.saturates_at)
        if not lim:
            sat = f"none: {p} does not tend to 0 at either end"
        else:
            sat = f"{p} → 0 as {lim}" + (" (saturates at both ends)" if self.saturates
                                         else " (one side only)")
        rows = [
            ("derivative", f"{p}(z) = {self.derivative}"),
            ("range", f"{p}(z) ∈ {self.range_text}"),
            (f"sup |{p}|", self.sup_line()),
            ("", ("attained at " if self.sup_attained else "") + self.argmax),
            (f"inf |{p}|", f"{_num_text(self.inf)}, "
                           f"{'attained at ' if self.inf_attained else ''}{self.argmin}"),
            ("limits", f"{p} → {_num_text(self.limits['-oo'])} as z → −∞, "
                       f"{p} → {_num_text(self.limits['+oo'])} as z → +∞"),
            ("saturation", sat),
        ] + [("note", n) for n in self.notes]
        w = max(len(k) for k, _ in rows) + 2
        lines = [f"{self.activation}: {self.definition}"] + [f"  {k:<{w}}{v}" for k, v in rows]
        if not self.registry_agrees:
            lines.append(f"  {'WARNING':<{w}}activations.py claims sup |{p}| = {self.registry_sup}; "
                         f"the proven value is {self.sup_digits} (10 certified digits)")
        if self.checked:
            lines.append(self.checked.to_text())
        return "\n".join(lines)

    def to_latex(self) -> str:
        if self.sup is None:
            sup = rf"\approx {self.sup_digits}"
        elif self.sup.is_Rational:
            sup = "= " + sp.latex(self.sup)
        else:
            sup = f"= {_num_latex(self.sup)} \\approx {self.sup_digits}"
        where = ("attained at " if self.sup_attained else "") + self.argmax
        head = [f"\\subsection*{{{_tex_arg(self.activation)}}}",
                f"$f'(z) = {self.derivative_latex}$, \\quad $f'(\\mathbb{{R}}) = {self.range_latex}$,"
                f" \\quad $\\sup|f'| {sup}$ ({_tex_arg(where)}).", ""]
        return "\n".join(head) + (self.checked.to_latex() if self.checked else "")


# -- formatting ------------------------------------------------------------------------------

def _num_text(e) -> str:
    """1/4, 1, λα = 1.758…, 1/2 + erf(1)/2 + exp(-1)/sqrt(pi)."""
    e = sp.sympify(e, strict=True)
    if e.is_Float:
        return mpmath.nstr(mpmath.mpf(str(e)), 15)
    return str(e)


def _uni(e) -> str:
    """str() of a small expression with Greek letters and e^z: λ·α·e^z, not alpha*lambda*exp(z)."""
    return (str(e).replace("lambda", "λ").replace("alpha", "α").replace("exp(z)", "e^z")
            .replace("*", "·"))


def _pretty(e) -> str:
    """A one-line Unicode rendering of a closed form: 1/2 + erf(1)/2 + e^(−1)/√π."""
    if sp.simplify(e - (sp.Rational(1, 2) + sp.erf(1) / 2 + sp.exp(-1) / sp.sqrt(sp.pi))) == 0:
        return "1/2 + erf(1)/2 + e^(−1)/√π"
    return str(e)


def _num_latex(e) -> str:
    e = sp.sympify(e, strict=True)
    return mpmath.nstr(mpmath.mpf(str(e)), 15) if e.is_Float else sp.latex(e)


def _tex_arg(s: str) -> str:
    return _tex_text(s)


def _set_text(S) -> str:
    """(0, 1/4], {0, 1}, (0, 1) ∪ {…} from a SymPy set."""
    if isinstance(S, sp.Interval):
        return (("(" if S.left_open else "[") + f"{_num_text(S.start)}, {_num_text(S.end)}"
                + (")" if S.right_open else "]"))
    if isinstance(S, sp.FiniteSet):
        return "{" + ", ".join(_num_text(a) for a in sorted(S, key=_sort_key)) + "}"
    if isinstance(S, sp.Union):
        return " ∪ ".join(_set_text(a) for a in S.args)
    return str(S)


def _sort_key(e):
    return (0, float(e), "") if e.is_number else (1, 0.0, str(e))


def _point(e) -> Enclosure:
    q = sympy_fraction(e)
    return Enclosure(q, q)
