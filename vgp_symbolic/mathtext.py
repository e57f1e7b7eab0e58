"""Plain text in mathematical notation: ′, −, ·, powers and indices, one number style.

What a terminal shows of a derivation should read like the board, not like Python: the symbol
``w2_11`` is written w⁽²⁾₁₁ (layer up, units down, as in LaTeX's w^{(2)}_{11}), ``(ŷ - y)**2`` is
(ŷ − y)², ``relu'(z)`` is the Iverson bracket [z > 0].

>>> import sympy as sp
>>> z, y, yh, w = sp.symbols("z1_1 y ŷ w2_11", real=True)
>>> expr_text(2 * w * (yh - y)**2 * sp.Piecewise((1, z > 0), (sp.Rational(1, 100), True)))
'2·w⁽²⁾₁₁·(ŷ − y)²·([z⁽¹⁾₁ > 0] + (1/100)·[z⁽¹⁾₁ ≤ 0])'
>>> num_text(-2.0911e-8), num_text(Fraction(-29, 40)), num_text(Fraction(1, 3))
('−2.0911 × 10⁻⁸', '−0.725', '1/3 ≈ 0.333333')
"""
from __future__ import annotations

import math
import re
from fractions import Fraction

__all__ = ["expr_text", "long_sum", "names_text", "num_text", "sup", "sub"]

_SUP = str.maketrans("0123456789-+()k", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ᵏ")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sup(s) -> str:
    """Superscript digits: sup(-8) == '⁻⁸'."""
    return str(s).replace("−", "-").translate(_SUP)


def sub(s) -> str:
    """Subscript digits: sub(11) == '₁₁'."""
    return str(s).translate(_SUB)


# w1_11, w1_3_12 (two-digit indices), z2_1, o1_1, b1_1, δ2_1; then x_1, y_2, ŷ_2
# (a name may be followed by a power: o1_1², but not by another letter or digit; ² is a \w)
_END = r"(?![^\W⁰¹²³⁴⁵⁶⁷⁸⁹])"
_LAYERED = re.compile(r"(?<![\w⁽])([zowbδ])(\d+)_(\d+)(?:_(\d+))?" + _END)
_PLAIN = re.compile(r"(?<![\w])([xyŷ])_(\d+)" + _END)
_LAYER = re.compile(r"(?<![\w])([zoδW])(\d+)(?![\w_])")  # δ2, z2, W3 in the recurrence


def names_text(s: str, layered: bool = True) -> str:
    """Symbol names in a string as indices: ∂z2_1/∂o1_1 → ∂z⁽²⁾₁/∂o⁽¹⁾₁; σ'(z2) → σ′(z⁽²⁾).
    ``layered=False`` leaves z2_1, o3_1 as they are: in a recurrent network the number is a
    time step, not a layer (an LSTM's output gate o3_1 beside its cell c3_1).

    >>> names_text("∂z2_1/∂w1_3_12, x_1, δ2 = σ'(z2) ⊙ (W3 δ3)")
    '∂z⁽²⁾₁/∂w⁽¹⁾₃,₁₂, x₁, δ⁽²⁾ = σ′(z⁽²⁾) ⊙ (W⁽³⁾ δ⁽³⁾)'
    >>> names_text("ŷ₁ − ŷ_1², 1 − o1_1², x_1a")
    'ŷ₁ − ŷ₁², 1 − o⁽¹⁾₁², x_1a'
    """
    def indices(m):
        c, k, i, j = m.groups()
        idx = sub(i) if j is None else f"{sub(i)},{sub(j)}"
        return f"{c}{sup(f'({k})')}{idx}"
    if layered:
        s = _LAYERED.sub(indices, s)
    s = _PLAIN.sub(lambda m: m.group(1) + sub(m.group(2)), s)
    if layered:
        s = _LAYER.sub(lambda m: m.group(1) + sup(f"({m.group(2)})"), s)
    return s.replace("'", "′")


def _printer():
    from sympy.printing.str import StrPrinter

    class _MathText(StrPrinter):
        """SymPy's str() with positive terms first and piecewise terms as Iverson brackets."""

        def _as_ordered_terms(self, expr, order=None):
            terms = super()._as_ordered_terms(expr, order)
            return sorted(terms, key=lambda t: t.could_extract_minus_sign())

        def _print_Piecewise(self, expr):
            pieces = [(v, c) for v, c in expr.args]
            if len(pieces) == 2 and pieces[1][1] == True:  # noqa: E712 -- SymPy's true
                (a, cond), (b, _) = pieces
                parts = [(a, cond), (b, cond.negated)]
                out = [("" if v == 1 else self.parenthesize(v, 50) + "*") + f"[{self._print(c)}]"
                       for v, c in parts if v != 0]
                return out[0] if len(out) == 1 else "(" + " + ".join(out) + ")"
            return super()._print_Piecewise(expr)

        def _print_Add(self, expr, order=None):
            short = long_sum(expr, self._print, "⋯")
            return super()._print_Add(expr, order) if short is None else short

        def _print_Exp1(self, expr):
            return "e"

        def _print_ExpBase(self, expr):
            return f"e**({self._print(expr.args[0])})"

    return _MathText()


LONG_SUM = 16  # a sum of more terms prints its first three and its last


def long_sum(expr, print_term, dots: str) -> str | None:
    """A sum of more than :data:`LONG_SUM` terms as its first three terms, ``dots`` and its last,
    the terms in the order of their indices (None for a shorter sum: the printer's own way).

    A 200-wide layer's Σₖ w·δ: SymPy orders the terms by name (…₁₉, ₁,₁₀, ₁,₁₀₀, ₁,₁₀₁, …), and
    200 of them on a line read as nothing; the first three and the last tell the pattern.
    """
    if len(expr.args) <= LONG_SUM:
        return None
    terms = sorted(expr.args, key=_natural_order)
    minus = all(t.could_extract_minus_sign() for t in terms[3:-1])
    out = ""
    for t in terms[:3] + [None] + terms[-1:]:
        s = ("-" + dots if minus else dots) if t is None else print_term(t)
        out += (" - " + s[1:].lstrip()) if s.startswith("-") else (" + " + s)
    return out[3:] if out.startswith(" + ") else "-" + out[3:]


def _natural_order(term) -> tuple:
    """Order terms by their symbols' indices read as numbers: w2_19 (w⁽²⁾₁₉) before w2_1_10."""
    return tuple(sorted(_index_key(s.name) for s in term.free_symbols))


def _index_key(name: str) -> tuple:
    m = _LAYERED.fullmatch(name)
    if m is None:  # x_1, y_12, ŷ: letters, then numbers as numbers
        return (1,) + tuple(int(p) if i % 2 else p for i, p in enumerate(re.split(r"(\d+)", name)))
    c, k, i, j = m.groups()
    idx = (int(i), int(j)) if j else tuple(map(int, i)) if c == "w" else (int(i),)
    return (0, c, int(k), idx)


_POW = re.compile(r"\*\*(\(-?\d+\)|\d+)")


def expr_text(expr, layered: bool = True) -> str:
    """A SymPy expression in Unicode notation (see the module docstring). A sum of more than
    16 terms shows its first three and its last, its terms in the order of their indices:

    >>> import sympy as sp
    >>> expr_text(sum(sp.Symbol(f"w2_1_{k}") * sp.Symbol(f"δ2_{k}") for k in range(1, 201)))
    'w⁽²⁾₁,₁·δ⁽²⁾₁ + w⁽²⁾₁,₂·δ⁽²⁾₂ + w⁽²⁾₁,₃·δ⁽²⁾₃ + ⋯ + w⁽²⁾₁,₂₀₀·δ⁽²⁾₂₀₀'
    """
    s = _printer().doprint(expr)
    s = _POW.sub(lambda m: sup(m.group(1).strip("()")), s)
    s = s.replace("**", "^").replace("*", "·").replace("sqrt(", "√(")
    s = s.replace(" <= ", " ≤ ").replace(" >= ", " ≥ ").replace("-", "−")
    return names_text(s, layered)


def num_text(v, digits: int = 6, strip: bool = True) -> str:
    """A number in the one style every text output uses.

    Terminating decimals exactly (−0.725), other fractions as a/b ≈ decimal, everything else to
    ``digits`` significant figures, with × 10ⁿ outside 10⁻⁴ ≤ |v| < 10⁶ (trailing zeros kept
    with ``strip=False``, for columns). Works for float64, Fraction and mpmath numbers alike
    (1e-400 included).

    >>> num_text(0.15), num_text(3.14159265358979, 4), num_text(123456789.0), num_text(0)
    ('0.15', '3.142', '1.23457 × 10⁸', '0')
    >>> import mpmath
    >>> num_text(-mpmath.exp(-mpmath.mpf(10) ** 998))
    '−10^(−4.34294 × 10⁹⁹⁷)'
    """
    from .numbers import exact_decimal, huge_log10, to_mpf
    import mpmath
    if isinstance(v, Fraction):
        s = exact_decimal(v, max_len=digits + 8)
        if s is not None:
            return s.replace("-", "−")
        with mpmath.workdps(digits + 5):  # an mpf: no float64 overflow at 1e900
            approx = num_text(to_mpf(v), digits, strip)
        short = len(str(v)) <= 2 * digits + 3 and exact_decimal(v, 10 ** 6) is None
        return (f"{v} ≈ {approx}" if short else approx).replace("-", "−")
    x = to_mpf(v) if not isinstance(v, float) else v
    if x == 0:
        return "0"
    lg = huge_log10(x)
    if lg is not None:  # σ(10⁹⁹⁸)·(1 − σ(10⁹⁹⁸)): 10 to the power −4.34294 × 10⁹⁹⁷
        return f"{'−' if x < 0 else ''}10^({num_text(lg, digits, strip)})"
    if isinstance(x, float) and not math.isfinite(x):
        return {math.inf: "∞", -math.inf: "−∞"}.get(x, "NaN")
    s = mpmath.nstr(mpmath.mpf(x), digits, min_fixed=-4, max_fixed=6, strip_zeros=strip)
    mant, _, exp = s.partition("e")
    if strip and mant.endswith(".0"):
        mant = mant[:-2]
    out = mant if not exp else f"{mant} × 10{sup(int(exp))}"
    return out.replace("-", "−")
