"""The one conversion of a question's tolerance into what an LMS can state: an interval.

vgp accepts an answer ``a`` for the true value ``x`` when ``|a − x|`` is at most the
tolerance's window (:meth:`vgp_symbolic.question.Tolerance.window`: the largest of ``rel·|x|``,
``abs`` and ½ unit of the ``sig_figs``-th figure of x). That is a closed interval centred on x,
``[x − m, x + m]``: Moodle's answer ± tolerance, Canvas's "exact answer with margin" and QTI
2.1's ``toleranceMode="absolute"`` each state it exactly. :func:`lms_window` computes it;
every export reads it.

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
>>> w.lo, w.hi, w.exponent
(Fraction(2493, 1000), Fraction(2503, 1000), 0)
>>> w = lms_window(F(32, 10**6), Tolerance(rel=1e-3))
>>> w.exponent, w.value, w.unit_text
(-6, Fraction(32, 1), 'in units of 10⁻⁶')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from ..errors import UserError
from ..numbers import exact_decimal, magnitude
from ..question import DEFAULT_TOLERANCE, Tolerance, exact

__all__ = ["Window", "WindowError", "lms_window", "unscale_text", "decimal_text",
           "CANVAS_ZERO", "MOODLE_WIDENING", "superscript"]

CANVAS_ZERO = Fraction(1, 10 ** 4)          # Canvas classic quizzes: |typed| < 1e-4 → 0
MOODLE_WIDENING = Fraction(1, 10 ** 14)     # Moodle: tolerance += 1e-14·max(1, |x|)


class WindowError(UserError):
    """A question whose acceptance window no LMS can state."""


@dataclass(frozen=True)
class Window:
    """``value ± margin``: what an answer must lie in, in units of ``10**exponent``."""

    value: Fraction          # the answer, in asked units
    margin: Fraction         # the largest accepted |a − value|, in asked units
    exponent: int = 0        # the LMS asks for the answer in units of 10**exponent
    tolerance: Tolerance = DEFAULT_TOLERANCE   # the question's, restated in asked units

    @property
    def lo(self) -> Fraction:
        return self.value - self.margin

    @property
    def hi(self) -> Fraction:
        return self.value + self.margin

    def contains(self, a: Fraction) -> bool:
        """Is ``a`` (in asked units) inside the window (ends included)?"""
        return abs(a - self.value) <= self.margin

    @property
    def unit_text(self) -> str:
        """``in units of 10⁻⁶`` (empty when unscaled): said in the prompt."""
        return f"in units of 10{superscript(self.exponent)}" if self.exponent else ""

    @property
    def instruction(self) -> str:
        """The precision to give, in the asked units (the tolerance's own words; an LMS's
        number field takes no fractions, so an exact answer is asked as a decimal)."""
        if self.margin == 0:
            return "give the exact value as a decimal"
        return self.tolerance.instruction()


def superscript(n: int) -> str:
    """``-6`` as ``⁻⁶``."""
    return str(n).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def lms_window(answer, tolerance) -> Window:
    """The acceptance window of ``answer`` under ``tolerance``, scaled for the LMS limits.

    ``tolerance`` None or empty means the grader's default (3 significant figures).
    """
    t = (tolerance or DEFAULT_TOLERANCE).given
    x = exact(answer)
    m = t.window(x)
    k = _exponent(x, m)
    s = Fraction(10) ** k
    scaled = t if not k or t.abs is None else Tolerance(
        t.rel, float(exact(t.abs) / s), t.sig_figs)
    w = Window(x / s, m / s, k, scaled)
    if m == 0 and exact_decimal(w.value, 40) is None:
        raise WindowError(f"the exact answer {x} has no finite decimal, and an LMS's number "
                          "field takes no fractions; give the question a tolerance")
    if 0 < w.margin < 1000 * MOODLE_WIDENING * max(1, abs(w.value)):
        raise WindowError(f"answer {decimal_text(x)} within ±{float(m):g}: the window is "
                          "narrower than an LMS's floating-point widening")
    return w


def _exponent(x: Fraction, m: Fraction) -> int:
    """0, or the multiple of 3 that brings the window's size into [1, 1000) when some value
    the window separates lies below Canvas's 10⁻⁴ (where Canvas types 0 and Moodle's
    widening starts to count)."""
    size = max(abs(x), m)
    if size == 0:
        return 0
    lo, hi = x - m, x + m
    tiny = size < CANVAS_ZERO or (0 < lo < CANVAS_ZERO) or (-CANVAS_ZERO < hi < 0)
    return 3 * (magnitude(size) // 3) if tiny else 0


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
