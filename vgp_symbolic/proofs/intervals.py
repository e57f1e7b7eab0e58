"""Certified numerics with mpmath's interval arithmetic (``mpmath.iv``).

Where a maximum has no closed form (swish) or the closed form contains erf (GELU), the value is
given with an *enclosure*: an interval [lo, hi] that provably contains it, because every
operation of ``mpmath.iv`` rounds outward. An interval compared with 0 answers True/False only
when the whole interval is on one side; that is what makes a sign-change bracket a proof of a
root (intermediate value theorem) and a bisection a proof of a sign on a whole interval.

>>> from fractions import Fraction
>>> e = enclose(lambda x: iv_erf(x), 1)         # erf(1), certified
>>> Fraction(84270079294, 10**11) < e.lo <= e.hi < Fraction(84270079295, 10**11)
True
>>> e.sig_digits(10)
'0.8427007929'
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from fractions import Fraction

import mpmath
from mpmath import iv
from mpmath.libmp import to_rational

from ..numbers import exact_decimal, sig_decimal  # noqa: F401  (exact_decimal re-exported)

__all__ = ["PREC", "ivprec", "Enclosure", "enclose", "iv_sigmoid", "iv_erf", "sign",
           "sign_change", "sign_scan", "exact_decimal"]

PREC = 200  # bits (~60 digits): ample for 10 certified digits after dependency losses


@contextlib.contextmanager
def ivprec(bits: int = PREC):
    """Set ``iv.prec`` for a block and restore it (iv has no workprec of its own)."""
    old = iv.prec
    iv.prec = bits
    try:
        yield
    finally:
        iv.prec = old


def _iv(x):
    """An interval for a number: exact for ints/Fractions, [a, b] for a pair."""
    if isinstance(x, tuple):
        return iv.mpf([_iv(x[0]).a, _iv(x[1]).b])
    if isinstance(x, Fraction):
        return iv.mpf(x.numerator) / x.denominator
    if isinstance(x, (int, str)) or isinstance(x, iv.mpf):
        return iv.mpf(x)
    raise TypeError(f"give interval bounds exactly (int, str, Fraction), not {type(x).__name__}")


@dataclass(frozen=True)
class Enclosure:
    """lo ≤ value ≤ hi, with exact rational endpoints."""

    lo: Fraction
    hi: Fraction

    @classmethod
    def of(cls, x) -> "Enclosure":
        lo, hi = x._mpi_
        return cls(Fraction(*to_rational(lo)), Fraction(*to_rational(hi)))

    @property
    def width(self) -> Fraction:
        return self.hi - self.lo

    @property
    def mid(self) -> Fraction:
        return (self.lo + self.hi) / 2

    def __contains__(self, x) -> bool:
        return self.lo <= Fraction(x) <= self.hi

    def sig_digits(self, n: int = 10) -> str | None:
        """The value to ``n`` significant digits, if both ends round alike (else None)."""
        a, b = sig_decimal(self.lo, n), sig_decimal(self.hi, n)
        return a if a == b else None

    def short(self, digits: int = 20) -> str:
        """``[lo, hi]`` to ``digits`` significant digits, rounded outward (still an enclosure).

        >>> Enclosure(Fraction(1, 3), Fraction(2, 3)).short(3)
        '[0.333, 0.667]'
        """
        return f"[{sig_decimal(self.lo, digits, 'down')}, {sig_decimal(self.hi, digits, 'up')}]"


def _mpf(q: Fraction):
    with mpmath.workprec(PREC):
        return mpmath.mpf(q.numerator) / q.denominator


def enclose(f, a, b=None) -> Enclosure:
    """Certified enclosure of f over [a, b] (or at the point a); f takes and returns iv.mpf."""
    with ivprec():
        x = _iv(a) if b is None else _iv((a, b))
        return Enclosure.of(f(x))


def iv_sigmoid(x):
    """σ(x) = 1/(1 + e^{−x}) in interval arithmetic (monotone: the enclosure is tight)."""
    return 1 / (1 + iv.exp(-x))


def iv_erf(x, terms: int = 60):
    """erf on an interval within [−2, 2], certified (mpmath.iv has no erf).

    erf x = (2/√π) Σ (−1)ᵏ x^{2k+1} / (k!(2k+1)); for |x| ≤ 2 and k ≥ 4 the terms shrink, so the
    alternating-series remainder after ``terms`` terms is at most the first omitted term.
    """
    lo, hi = x._mpi_
    if not (mpmath.mpf(lo) >= -2 and mpmath.mpf(hi) <= 2):
        raise ValueError("iv_erf is certified only on [-2, 2]")
    s = iv.mpf(0)
    x2 = x * x
    p = x  # x^{2k+1}
    fact = 1
    for k in range(terms):
        if k:
            fact *= k
            p = p * x2
        s += (-1) ** k * p / (fact * (2 * k + 1))
    fact *= terms
    bound = iv.mpf(2) ** (2 * terms + 1) / (fact * (2 * terms + 1))  # |x| ≤ 2
    s += iv.mpf([-bound.b, bound.b])
    return 2 / iv.sqrt(iv.pi) * s


def sign(x) -> int:
    """+1 or −1 when the whole interval is on one side of 0, else 0 (undecided)."""
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0


def sign_change(g, a, b) -> bool:
    """True when g(a) and g(b) have certified opposite signs: a root lies in (a, b)."""
    with ivprec():
        sa, sb = sign(g(_iv(a))), sign(g(_iv(b)))
    return sa * sb == -1


def sign_scan(g, a, b, min_width=Fraction(1, 1000)):
    """Bisect [a, b] until g has a certified sign on each piece (or the piece is tiny).

    Returns ``(positive, negative, undecided)``: lists of (lo, hi) Fraction pairs. Only the
    undecided pieces can contain a root of g.

    >>> pos, neg, und = sign_scan(lambda x: x * x - 2, 0, 2)
    >>> len(und) > 0 and all(lo < Fraction(1415, 1000) and hi > Fraction(1414, 1000) for lo, hi in und)
    True
    """
    pos, neg, und = [], [], []
    todo = [(Fraction(a), Fraction(b))]
    with ivprec():
        while todo:
            lo, hi = todo.pop()
            s = sign(g(_iv((lo, hi))))
            if s > 0:
                pos.append((lo, hi))
            elif s < 0:
                neg.append((lo, hi))
            elif hi - lo <= min_width:
                und.append((lo, hi))
            else:
                mid = (lo + hi) / 2
                todo += [(mid, hi), (lo, mid)]
    key = lambda p: p[0]  # noqa: E731
    return sorted(pos, key=key), sorted(neg, key=key), sorted(und, key=key)
