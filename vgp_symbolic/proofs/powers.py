"""Exact powers qⁿ of a per-layer factor q: the table, and the first depth below a threshold
(vanishing) or above a bound (exploding) -- by integer comparisons, never float logarithms.

>>> threshold_depth(Fraction(1, 4), Fraction(1, 10**6))      # (1/4)^10 ≈ 9.5e-7 < 1e-6 ≤ (1/4)^9
10
>>> power_table(Fraction(1, 10), 4)[-1].text                 # 0.1 × 0.1 × 0.1 × 0.1
'1/10000 = 0.0001'
>>> explosion_depth(Fraction(2), Fraction(10**6))            # 2^20 > 10^6 ≥ 2^19
20
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from ..errors import UserError
from ..numbers import exact, sig_decimal, sympy_fraction
from .intervals import Enclosure, exact_decimal

__all__ = ["PowerRow", "power_table", "threshold_depth", "explosion_depth", "sci", "q_text",
           "MAX_DEPTH"]

MAX_DEPTH = 10**6  # beyond this, exact powers get too large to be worth computing


def sci(q: Fraction, digits: int = 10) -> str:
    """Scientific notation, correctly rounded from the exact rational.

    >>> sci(Fraction(1, 1048576), 4), sci(Fraction(1, 10000), 3), sci(Fraction(0))
    ('9.537e-7', '1.00e-4', '0')
    """
    if q == 0:
        return "0"
    s = sig_decimal(q, digits)
    sign = "-" if s.startswith("-") else ""
    mant = s.lstrip("-")
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    if ip.strip("0"):
        e = len(ip) - 1
        d = (ip + fp)[: digits] if fp else ip[:digits]
    else:
        lead = len(fp) - len(fp.lstrip("0"))
        e = -(lead + 1)
        d = fp[lead:]
    d = d.ljust(digits, "0")[:digits]
    return f"{sign}{d[0]}" + (f".{d[1:]}" if len(d) > 1 else "") + f"e{e}"


def _short_decimal(q: Fraction, max_len: int = 24) -> str | None:
    return exact_decimal(q, max_len)


def _as_fraction(x) -> Fraction:
    # the two readers of numbers (no third guess with nsimplify): SymPy numbers as they are,
    # everything else as its shortest decimal
    return sympy_fraction(x) if isinstance(x, sp.Basic) else exact(x)


def _pow_less(f: Fraction, n: int, t: Fraction) -> bool:
    """fⁿ < t, by integer cross-multiplication (f, t ≥ 0)."""
    return f.numerator ** n * t.denominator < t.numerator * f.denominator ** n


def _first_n(f: Fraction, t: Fraction, below: bool) -> int:
    """Smallest n ≥ 1 with fⁿ < t (below) or fⁿ > t (not below); the caller ensures it exists."""
    def ok(n):
        return _pow_less(f, n, t) if below else _pow_less(1 / f, n, 1 / t)  # fⁿ > t ⟺ f⁻ⁿ < t⁻¹
    # float logs only *guess* n; the exact tests below decide it
    lf = math.log(f.numerator) - math.log(f.denominator)
    lt = math.log(t.numerator) - math.log(t.denominator)
    n = max(1, int(lt / lf) - 2)
    if n > MAX_DEPTH:
        raise UserError(f"the depth exceeds {MAX_DEPTH}; choose a factor further from 1")
    while not ok(n):
        n += 1
    while n > 1 and ok(n - 1):
        n -= 1
    return n


def threshold_depth(factor, threshold) -> int | None:
    """Smallest n ≥ 1 with |factor|ⁿ < threshold, exactly; None if it never happens.

    >>> threshold_depth(Fraction(1, 10), Fraction(1, 10000))   # 0.1⁴ = 1e-4 is not < 1e-4
    5
    >>> threshold_depth(1, Fraction(1, 2)) is None
    True
    """
    f, t = abs(_as_fraction(factor)), _as_fraction(threshold)
    if t <= 0:
        raise ValueError(f"the threshold must be positive, got {t}")
    if f < t:
        return 1
    if f >= 1:  # then fⁿ ≥ f ≥ t for every n
        return None
    return _first_n(f, t, below=True)


def explosion_depth(factor, bound) -> int | None:
    """Smallest n ≥ 1 with |factor|ⁿ > bound, exactly; None if it never happens (|factor| ≤ 1).

    >>> explosion_depth(Fraction(5, 4), 100), explosion_depth(Fraction(1, 2), 100)
    (21, None)
    """
    f, B = abs(_as_fraction(factor)), _as_fraction(bound)
    if B <= 0:
        raise ValueError(f"the bound must be positive, got {B}")
    if f > B:
        return 1
    if f <= 1:
        return None
    return _first_n(f, B, below=False)


def _enclosed_depth(fn, enc: Enclosure, t) -> int | None | tuple:
    """fn for a factor known only as an enclosure: certified when both ends agree."""
    a, b = fn(enc.lo, t), fn(enc.hi, t)
    return a if a == b else (a, b)


@dataclass(frozen=True)
class PowerRow:
    """factorⁿ: exact when the factor is rational, else a certified enclosure."""

    n: int
    exact: Fraction | None
    enclosure: Enclosure

    @property
    def float(self) -> float:
        return float(self.enclosure.mid)

    @property
    def sci(self) -> str:
        if self.exact is not None:
            return sci(self.exact, 10)
        a, b = sci(self.enclosure.lo, 10), sci(self.enclosure.hi, 10)
        return a if a == b else "≈" + sci(self.enclosure.mid, 10)

    @property
    def text(self) -> str:
        """1/10000 = 0.0001, or 1/1048576 = 0.00000095367431640625, or ≈ 3.1e-9."""
        if self.exact is None:
            lo, hi = self.enclosure.lo, self.enclosure.hi
            if Fraction(1, 10**4) <= lo and hi < 10**6:
                a, b = sig_decimal(lo, 10), sig_decimal(hi, 10)
                return "≈ " + (a if a == b else sig_decimal(self.enclosure.mid, 10))
            return "≈ " + self.sci
        q = self.exact
        if max(abs(q.numerator), q.denominator).bit_length() > 130:  # > 40 digits: too long to read
            return self.sci
        frac = str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"
        if len(frac) > 40:
            return self.sci
        dec = _short_decimal(q)
        if dec is None:
            return frac
        return frac if dec == frac else f"{frac} = {dec}"

    @property
    def approx(self) -> str:
        """4 significant digits in scientific notation, e.g. 9.537e-7."""
        return sci(self.enclosure.mid if self.exact is None else self.exact, 4)

    def to_json(self) -> dict:
        # "exact" is left out (None) past ~1000 digits: nobody reads it, and str() refuses at 4300
        big = self.exact is not None and max(abs(self.exact.numerator),
                                             self.exact.denominator).bit_length() > 3300
        return {"n": self.n, "exact": None if self.exact is None or big else str(self.exact),
                "text": self.text, "sci": self.sci, "float": self.float}


def power_table(factor, layers: int) -> list[PowerRow]:
    """factorⁿ for n = 1…layers; ``factor`` a rational (exact) or an :class:`Enclosure`.

    >>> [r.text for r in power_table(Fraction(1, 4), 2)]
    ['1/4 = 0.25', '1/16 = 0.0625']
    >>> power_table(Fraction(1, 4), 10)[-1].sci
    '9.536743164e-7'
    """
    if layers < 1:
        raise ValueError(f"the number of layers must be at least 1, got {layers}")
    if layers > 100_000:
        raise ValueError("at most 100000 rows")
    rows = []
    if isinstance(factor, Enclosure):  # not exact (even when degenerate: a Float's value)
        lo, hi = factor.lo, factor.hi
        plo, phi = Fraction(1), Fraction(1)
        for n in range(1, layers + 1):
            plo, phi = _trim(plo * lo, down=True), _trim(phi * hi, down=False)
            rows.append(PowerRow(n, None, Enclosure(plo, phi)))
        return rows
    f = abs(_as_fraction(factor))
    p = Fraction(1)
    for n in range(1, layers + 1):
        p *= f
        rows.append(PowerRow(n, p, Enclosure(p, p)))
    return rows


def _trim(q: Fraction, down: bool, bits: int = 256) -> Fraction:
    """Round a positive rational outward to ``bits`` bits (keeps enclosures small and valid)."""
    if q == 0:
        return q
    e = q.numerator.bit_length() - q.denominator.bit_length() - bits
    scale = Fraction(2) ** e
    m = q / scale
    m = math.floor(m) if down else math.ceil(m)
    return m * scale


def q_text(q: Fraction) -> str:
    """1/10 → 0.1, 1e-6 → 0.000001, 1/3 → 1/3, 10^-30 → 1e-30 (exact in every case)."""
    if q.denominator == 1 and abs(q) < 10**9:
        return str(q.numerator)
    dec = _short_decimal(q, 12)
    if dec is not None:
        return dec
    m = sci(q, 30)
    mant, e = m.split("e")
    mant = mant.rstrip("0").rstrip(".")
    if Fraction(mant) * Fraction(10) ** int(e) == q:
        return f"{mant}e{e}"
    return f"{q.numerator}/{q.denominator}"
