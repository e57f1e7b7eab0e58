"""The one conversion of a question's tolerance into what an LMS can state: an interval.

vgp accepts an answer when ANY of its criteria holds (``rel``, ``abs``, ``sig_figs``; see
:mod:`vgp_symbolic.grade.compare`). Each criterion accepts an interval around the answer, so
their union is one interval ``[lo, hi]`` (an end may be open: agreeing to n significant figures
is a half-open rounding window). :func:`lms_window` computes it exactly; every export reads it.

LMS limits, handled here once for all targets:

* Canvas classic quizzes turn a typed value below 10⁻⁴ in magnitude into 0, and Moodle widens
  every tolerance by 10⁻¹⁴·max(1, |x|) (so answers below ~10⁻¹² are accepted as 0). Such an
  answer is asked *in units of 10ᵏ* (k a multiple of 3): the window is scaled into [1, 1000),
  the prompt says so, and import multiplies the response back (:func:`unscale_text`).
* A window narrower than the LMS's float widening cannot be stated: :class:`WindowError`.

What no LMS can state (vgp still does it when responses are imported and graded): the rule that
an answer must be *written* to n significant figures, partial credit for rounding slips, and
error carried forward.

>>> from fractions import Fraction as F
>>> from vgp_symbolic.question import Tolerance
>>> w = lms_window(F(1249, 500), Tolerance(sig_figs=3))
>>> w.lo, w.hi, w.lo_closed, w.hi_closed, w.exponent
(Fraction(499, 200), Fraction(501, 200), True, False, 0)
>>> w = lms_window(F(32, 10**6), Tolerance(rel=1e-3))
>>> w.exponent, w.value, w.unit_text
(-6, Fraction(32, 1), 'in units of 10⁻⁶')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from ..errors import UserError
from ..numbers import exact_decimal, magnitude, round_sig

__all__ = ["Window", "WindowError", "lms_window", "unscale_text", "decimal_text",
           "CANVAS_ZERO", "MOODLE_WIDENING", "superscript"]

CANVAS_ZERO = Fraction(1, 10 ** 4)          # Canvas classic quizzes: |typed| < 1e-4 → 0
MOODLE_WIDENING = Fraction(1, 10 ** 14)     # Moodle: tolerance += 1e-14·max(1, |x|)


class WindowError(UserError):
    """A question whose acceptance window no LMS can state."""


@dataclass(frozen=True)
class Window:
    """What an answer must lie in, in the units the LMS asks for (``10**exponent``)."""

    value: Fraction          # the answer, in asked units
    lo: Fraction
    hi: Fraction
    lo_closed: bool
    hi_closed: bool
    exponent: int = 0        # the LMS asks for the answer in units of 10**exponent

    def contains(self, a: Fraction) -> bool:
        """Is ``a`` (in asked units) inside the window?"""
        return ((self.lo < a or (self.lo_closed and a == self.lo))
                and (a < self.hi or (self.hi_closed and a == self.hi)))

    @property
    def below(self) -> Fraction:
        return self.value - self.lo

    @property
    def above(self) -> Fraction:
        return self.hi - self.value

    @property
    def margin(self) -> Fraction:
        """The widest ± margin around the value inside the window: for LMSs (Moodle, Canvas)
        that only know symmetric tolerances, so that they never accept what vgp rejects."""
        return min(self.below, self.above)

    @property
    def unit_text(self) -> str:
        """``in units of 10⁻⁶`` (empty when unscaled): said in the prompt."""
        return f"in units of 10{superscript(self.exponent)}" if self.exponent else ""

    def scale(self, x) -> Fraction:
        """A value (e.g. a catalogued mistake) in the asked units."""
        return Fraction(x) / Fraction(10) ** self.exponent


def superscript(n: int) -> str:
    """``-6`` as ``⁻⁶``."""
    return str(n).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _dec(v) -> Fraction:
    # a tolerance as written: 1e-3 is exactly 1/1000, not the binary float next to it
    return Fraction(repr(v)) if isinstance(v, float) else Fraction(v)


def _sig_window(x: Fraction, n: int):
    """``(lo, hi, lo_closed, hi_closed)``: the values that round to the same n figures as x
    (halves away from zero, as :func:`vgp_symbolic.numbers.round_sig`)."""
    if x == 0:
        return x, x, True, True
    r = abs(round_sig(x, n))
    up = Fraction(10) ** (magnitude(r) - n + 1) / 2
    # just below a power of ten the figures are a decade finer (9.995 → 10.0 at 3 figures)
    low = up / 10 if r == Fraction(10) ** magnitude(r) else up
    lo, hi = r - low, r + up
    if x > 0:
        return lo, hi, True, False
    return -hi, -lo, False, True


def lms_window(answer, tolerance) -> Window:
    """The acceptance window of ``answer`` under ``tolerance``, scaled for the LMS limits.

    ``tolerance`` None or empty means the grader's default (3 significant figures).
    """
    from ..grade.compare import DEFAULT_TOLERANCE, to_fraction
    x = to_fraction(answer)
    rel = getattr(tolerance, "rel", None)
    ab = getattr(tolerance, "abs", None)
    sf = getattr(tolerance, "sig_figs", None)
    if rel is None and ab is None and sf is None:
        rel, ab, sf = DEFAULT_TOLERANCE.rel, DEFAULT_TOLERANCE.abs, DEFAULT_TOLERANCE.sig_figs
    half = max(_dec(rel) * abs(x) if rel is not None else Fraction(0),
               _dec(ab) if ab is not None else Fraction(0))
    lo, hi, lc, hc = x - half, x + half, True, True
    if sf is not None:
        slo, shi, slc, shc = _sig_window(x, int(sf))
        if slo < lo or (slo == lo and slc):
            lo, lc = slo, slc
        if shi > hi or (shi == hi and shc):
            hi, hc = shi, shc
    k = _exponent(x, lo, hi)
    s = Fraction(10) ** k
    w = Window(x / s, lo / s, hi / s, lc, hc, k)
    if 0 < w.margin < 1000 * MOODLE_WIDENING * max(1, abs(w.value)):
        raise WindowError(f"answer {decimal_text(x)} within ±{float(w.margin * s):g}: the "
                          "window is narrower than an LMS's floating-point widening")
    return w


def _exponent(x: Fraction, lo: Fraction, hi: Fraction) -> int:
    """0, or the multiple of 3 that brings the window's size into [1, 1000) when some value
    the window separates lies below Canvas's 10⁻⁴ (where Canvas types 0 and Moodle's
    widening starts to count)."""
    size = max(abs(x), hi - x, x - lo)
    if size == 0:
        return 0
    tiny = size < CANVAS_ZERO or (0 < lo < CANVAS_ZERO) or (-CANVAS_ZERO < hi < 0)
    if not tiny:
        return 0
    return 3 * (magnitude(size) // 3)


def decimal_text(q, digits: int = 17) -> str:
    """A number as an LMS reads it: exact decimal when short, else ``digits`` significant.

    >>> decimal_text(Fraction(1, 8)), decimal_text(Fraction(10, 13)), decimal_text(Fraction(-3))
    ('0.125', '0.76923076923076927', '-3')
    """
    q = Fraction(q)
    s = exact_decimal(q, 24)
    if s is not None:
        return s
    return f"{float(q):.{digits}g}"


_PLAIN = re.compile(r"\s*([+-]?)(\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE]([+-]?\d+))?\s*")


def unscale_text(text: str, exponent: int) -> str:
    """A response typed in units of 10**exponent, as the plain answer (the figures kept, so the
    grader still sees how precisely it was written); other text is returned as it is.

    >>> unscale_text("6.4", -6), unscale_text("-1.5e2", -6), unscale_text("12", 0)
    ('6.4e-6', '-1.5e-4', '12')
    """
    if not exponent:
        return text
    m = _PLAIN.fullmatch(text)
    if not m:
        return text
    e = int(m.group(3) or 0) + exponent
    return f"{m.group(1)}{m.group(2)}e{e}"
