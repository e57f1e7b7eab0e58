"""The contract between homework and grading: a question, its tolerance, its mistakes, the key file.

`vgp render` builds :class:`Question` records per student and writes them to ``key.csv`` with
:data:`KEY_COLUMNS`; `vgp grade` reads them back (or rebuilds them) and judges answers by the same
:class:`Tolerance`. One definition here, imported by both sides.

>>> Tolerance(rel=1e-3).describe(), Tolerance(abs=0).describe()
('within 0.1 %', 'exactly')
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Callable, Union

from .numbers import exact, fmt, magnitude, round_places, round_sig

__all__ = ["Number", "Tolerance", "DEFAULT_TOLERANCE", "HALF_UNIT", "SEPARATION", "exact",
           "Mistake", "Question", "KEY_COLUMNS", "OPTIONAL_KEY_COLUMNS",
           "mistakes_cell", "read_mistakes_cell"]

Number = Union[Fraction, float]

# key.csv: one row per (student, question); written by homework.build, read by grade.key.
# ``class_seed``, ``depends_on`` (question ids, space-separated) and ``mistakes`` (the catalogue,
# see :func:`mistakes_cell`) let `vgp grade --build` grade from the key without drawing every
# student's set again; older keys lack them.
KEY_COLUMNS = ("student_id", "question", "answer", "exact", "rel_tol", "abs_tol", "sig_figs",
               "points", "class_seed", "depends_on", "mistakes")
OPTIONAL_KEY_COLUMNS = ("class_seed", "depends_on", "mistakes")


# The sig-figs window is ±½ unit of the n-th significant figure of the true value: exactly the
# largest error of a correctly rounded answer, so every correctly rounded answer is in and no
# answer less accurate than one is. PrairieLearn widens it to 0.51 units to absorb binary float
# noise; here the comparison is exact (rationals, the true value taken as its exact decimal),
# so no such allowance is needed.
HALF_UNIT = Fraction(1, 2)
SEPARATION = Fraction(101, 100)   # draws keep mistakes this far beyond each other's windows


@dataclass(frozen=True)
class Tolerance:
    """How close an answer must be: the one acceptance rule of draws and grading alike.

    An answer ``a`` for the true value ``x`` is accepted when ``|a − x|`` is at most the
    :meth:`window` of ``x``: the largest of ``rel·|x|``, ``abs`` and ½ unit of the
    ``sig_figs``-th significant figure of x (x taken as its exact decimal: the float 2.485 is
    2.485). None given: 3 significant figures.

    >>> t = Tolerance(sig_figs=3)
    >>> [t.accepts(a, Fraction(24949999, 10 ** 7)) for a in ("2.495", "2.49", "2.50")]
    [True, True, False]
    >>> Tolerance(sig_figs=3).accepts("2.48", 2.485), Tolerance(sig_figs=3).accepts("2.49", 2.485)
    (True, True)
    """

    rel: float | None = None       # |a − x| ≤ rel·|x|
    abs: float | None = None       # |a − x| ≤ abs
    sig_figs: int | None = None    # |a − x| ≤ ½ unit of the sig_figs-th figure of x

    @property
    def given(self) -> "Tolerance":
        """This tolerance, or the default (3 significant figures) when it gives nothing."""
        if self.rel is None and self.abs is None and self.sig_figs is None:
            return DEFAULT_TOLERANCE
        return self

    def window(self, x) -> Fraction:
        """The largest accepted ``|a − x|`` for the true value ``x`` (exact).

        >>> Tolerance(rel=1e-3, abs=1e-5).window(Fraction(1, 4)), Tolerance(sig_figs=2).window(0.0123)
        (Fraction(1, 4000), Fraction(1, 2000))
        """
        t, x = self.given, exact(x)
        w = Fraction(0)
        if t.rel is not None:
            w = max(w, _dec(t.rel) * abs(x))
        if t.abs is not None:
            w = max(w, _dec(t.abs))
        if t.sig_figs is not None and x:
            k = magnitude(x) - int(t.sig_figs) + 1
            w = max(w, HALF_UNIT * (Fraction(10) ** k))
        return w

    def accepts(self, answer, value, margin=1) -> bool:
        """Is ``answer`` within ``margin`` windows of the true ``value``? (exact; floats and
        decimal text are taken as the decimals they show)"""
        a, x = exact(answer), exact(value)
        return abs(a - x) <= margin * self.window(x)

    def near(self, a, b, margin=SEPARATION) -> bool:
        """Could either value be taken for the other (windows widened by ``margin``)? Draws
        reject a draw where a catalogued mistake is near the answer or another mistake.

        >>> Tolerance(rel=1e-3).near(Fraction(1000), Fraction(1001)), Tolerance(rel=1e-3).near(1, 2)
        (True, False)
        """
        try:
            fa, fb = float(a), float(b)
        except OverflowError:
            fa = fb = None
        if fa is not None and math.isfinite(fa) and math.isfinite(fb):
            # floats settle the clear cases; a window has at most ~3 terms, each within 10⁻¹⁵
            big = max(abs(fa), abs(fb))
            t = self.given
            reach = max((t.rel or 0.0) * big, t.abs or 0.0,
                        10.0 ** (math.floor(math.log10(big)) - t.sig_figs + 2)
                        if t.sig_figs and big else 0.0) * float(margin)
            if abs(fa - fb) > reach * (1 + 1e-9) + 1e-300:
                return False
        return self.accepts(a, b, margin) or self.accepts(b, a, margin)

    def figures(self) -> int | None:
        """Significant figures that always meet ``rel`` or ``sig_figs`` (None for ``abs`` alone).

        >>> Tolerance(rel=1e-3).figures(), Tolerance(rel=1e-2).figures(), Tolerance(abs=1e-4).figures()
        (4, 3, None)
        """
        t = self.given
        if t.sig_figs is not None:
            return int(t.sig_figs)
        if t.rel is None or t.rel <= 0:
            return None
        # rounded to n figures, |a − x| ≤ ½·10^(1−n)·|x| at worst (a mantissa of 1)
        r, n = _dec(t.rel), 1
        while n < 17 and HALF_UNIT * Fraction(10) ** (1 - n) > r:
            n += 1
        return n

    def places(self) -> int | None:
        """Decimal places that always meet ``abs`` (None without a positive ``abs``).

        >>> Tolerance(abs=1e-4).places(), Tolerance(abs=5e-4).places(), Tolerance(abs=0).places()
        (4, 3, None)
        """
        t = self.given
        if t.abs is None or t.abs <= 0:
            return None
        a, d = _dec(t.abs), 0
        while d < 17 and HALF_UNIT * Fraction(1, 10 ** d) > a:
            d += 1
        return d

    def instruction(self) -> str:
        """The precision a student must give, in words: what the cover, the answer boxes and
        the feedback all say, so that they cannot disagree with the grading.

        >>> Tolerance(rel=1e-3).instruction(), Tolerance(abs=1e-4).instruction()
        ('give at least 4 significant figures', 'give at least 4 decimal places')
        >>> Tolerance(abs=0).instruction(), Tolerance(sig_figs=3).instruction()
        ('give the exact value (a fraction such as 1/3, or a terminating decimal)', 'give 3 significant figures')
        """
        t = self.given
        n, d = t.figures(), t.places()
        if t.sig_figs is not None and d is None:
            return f"give {n} significant figure{_s(n)}"
        parts = []
        if n is not None:
            parts.append(f"at least {n} significant figure{_s(n)}")
        if d is not None:
            parts.append(f"at least {d} decimal place{_s(d)}" if d else "a whole number")
        if not parts:
            return "give the exact value (a fraction such as 1/3, or a terminating decimal)"
        return "give " + " or ".join(parts)

    def example(self, x) -> str:
        """``x`` rounded as :meth:`instruction` asks, written with its trailing zeros.

        >>> Tolerance(abs=1e-4).example(Fraction(-108, 65)), Tolerance(rel=1e-3).example(0.1)
        ('-1.6615', '0.1000')
        """
        t, x = self.given, exact(x)
        d = t.places()
        if d is not None and t.figures() is None:
            return _decimal(round_places(x, d), d)
        n = t.figures()
        if n is None:
            return fmt(x)
        r = round_sig(x, n)
        return _decimal(r, max(n - 1 - magnitude(r), 0)) if r else "0"

    def describe(self) -> str:
        """Plain words, e.g. ``within 0.1 %`` or ``within ±0.00001`` (never ``1e-05``).

        >>> Tolerance(abs=1e-5).describe(), Tolerance(rel=2e-3).describe()
        ('within ±0.00001', 'within 0.2 %')
        """
        parts = []
        if self.rel is not None:
            parts.append(f"within {_pct(self.rel)} %")
        if self.abs is not None:
            parts.append("exactly" if self.abs == 0 else f"within ±{fmt(_dec(self.abs))}")
        if self.sig_figs is not None:
            parts.append(f"to {self.sig_figs} significant figures")
        return " or ".join(parts) or "exactly"


DEFAULT_TOLERANCE = Tolerance(sig_figs=3)


def _dec(v) -> Fraction:
    # a tolerance as written: 1e-3 is 1/1000, not the binary float 0.001000000000000000020816…
    return _dec_cached(v) if isinstance(v, float) else exact(v)


@lru_cache(maxsize=256)
def _dec_cached(v: float) -> Fraction:
    return exact(v)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _decimal(q: Fraction, places: int) -> str:
    """``q`` (a multiple of 10^-places) written with exactly ``places`` decimals."""
    m = abs(q.numerator * 10 ** places // q.denominator)
    digits = str(m).rjust(places + 1, "0")
    body = digits[:-places] + "." + digits[-places:] if places else digits
    return ("-" if q < 0 else "") + body


def _pct(rel: float) -> str:
    return f"{rel * 100:g}"


@dataclass(frozen=True)
class Mistake:
    """A catalogued wrong answer and the value it produces for one student's parameters.

    The same ``id`` may occur several times in one question (e.g. ``factor_left_out`` once per
    factor); ``label`` then says which one.
    """

    id: str
    label: str
    value: Number


@dataclass(frozen=True)
class Question:
    """One answer a student gives, with everything needed to grade it."""

    id: str                      # "q1a", "q1b", ...
    problem: str                 # problem type name, e.g. "chain_route"
    prompt: str                  # plain text
    answer: Number
    tolerance: Tolerance
    points: float
    depends_on: tuple[str, ...]
    mistakes: tuple[Mistake, ...]
    recompute: Callable[[dict], Number] | None = field(default=None, compare=False, repr=False)
    key: str = ""                # the problem type's name for this answer, e.g. "product"

    @property
    def exact(self) -> bool:
        return isinstance(self.answer, Fraction)


def mistakes_cell(mistakes) -> str:
    """A question's mistake catalogue as one key.csv cell (JSON; exact values as ``p/q``).

    >>> m = (Mistake("lr_forgotten", "η was left out", Fraction(5, 2)), Mistake("x", "y", 0.25))
    >>> read_mistakes_cell(mistakes_cell(m)) == m
    True
    """
    return json.dumps([[m.id, m.label, _value_text(m.value)] for m in mistakes],
                      ensure_ascii=False, separators=(",", ":"))


def read_mistakes_cell(text: str) -> tuple[Mistake, ...]:
    """The catalogue back from :func:`mistakes_cell`; ValueError when it is not one."""
    if not text.strip():
        return ()
    out = []
    try:
        for mid, label, v in json.loads(text):
            out.append(Mistake(str(mid), str(label), _read_value(v)))
    except (TypeError, AttributeError, ZeroDivisionError) as e:
        raise ValueError(f"not a mistake catalogue: {e}") from None
    return tuple(out)


def _read_value(v: str) -> Number:
    if not v.startswith("="):
        return float(v)
    num, _, den = v[1:].partition("/")
    # int() and one Fraction: several times faster than Fraction's own text parser
    return Fraction(int(num), int(den)) if den else Fraction(int(num))


def _value_text(v) -> str:
    # "=p/q" marks an exact value; a float is written as its repr (read back bit for bit)
    if isinstance(v, Fraction) or (isinstance(v, int) and not isinstance(v, bool)):
        return f"={Fraction(v)}"
    return repr(float(v))
