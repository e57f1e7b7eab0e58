"""Is an answer close enough? Tolerances, significant figures and partial credit.

The acceptance rule is :class:`vgp_symbolic.question.Tolerance`'s, the one the draws use too:
an answer ``a`` for the true value ``x`` is accepted when ``|a − x|`` is at most the window of
x — the largest of ``rel·|x|``, ``abs`` and, for ``sig_figs = n``, ½ unit of the n-th
significant figure of x. All comparisons are exact (rationals): a float target is taken as
its exact decimal (the float 2.485 is 2.485) and tolerances as written (``1e-3`` is 1/1000).

* The sig-figs window is centred on the true value, so a more accurate answer is never
  refused across a rounding boundary (true 2.4949999 at 3 figures: ``2.495`` is accepted, as
  ``2.49`` is).
* With ``sig_figs = n`` the answer must also be *written* with at least n significant figures
  unless it equals x exactly: "2.5" for 2.498 is "rounded too coarsely" (partial credit), while
  "0.002" for exactly 1/500 is simply correct. How many figures an expression is written with
  is :attr:`~.parse.Parsed.sig_figs`: the same for ``2.5``, ``(2.5)``, ``2.5*1``, ``5/2``.
* None given: :data:`DEFAULT_TOLERANCE` (3 significant figures).

>>> c = Criterion.of(Fraction(1249, 500), Tolerance(sig_figs=3))
>>> [judge(parse_answer(s), c) for s in ("2.498", "2.4980", "2.50", "1249/500", "2.5", "(2.5)",
...                                      "5/2", "2.49", "2.4")]
['match', 'match', 'match', 'match', 'coarse', 'coarse', 'coarse', 'truncated', 'truncated']
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple
from math import floor as _floor, log10 as _log10

from ..errors import UserError
from ..numbers import exact, magnitude, round_sig, scale_to_sig, trunc_sig
from ..question import DEFAULT_TOLERANCE, HALF_UNIT, Tolerance
from .parse import Parsed, parse_answer  # noqa: F401  (parse_answer: used in the doctests)

__all__ = ["Tolerance", "DEFAULT_TOLERANCE", "Criterion", "judge", "near", "near_test", "float_bounds",
           "not_slip", "to_fraction", "round_sig", "trunc_sig", "magnitude", "Policy",
           "PolicyError"]


_ZERO = Fraction(0)


to_fraction = exact   # the grader's name for numbers.exact


@lru_cache(maxsize=256)
def _tol_fraction(v) -> Fraction:
    # 1e-3 as written (1/1000), not as the binary float 0.001000000000000000020816...
    return exact(v)


def _fast_float(x) -> float:
    """float(x) for a float or Fraction (±inf when out of range), without ABC dispatch."""
    if type(x) is float:
        return x
    try:
        return x.numerator / x.denominator     # int / int is correctly rounded
    except OverflowError:
        return math.inf if x > 0 else -math.inf


class Criterion:
    """A target value with its tolerance, ready to judge many answers quickly.

    Verdicts are those of exact rational arithmetic. Floats only decide the cases that are
    clear by a wide margin — an answer a million times the float error inside the tolerance
    is accepted, one that far outside is rejected — so the exact work is done only near the
    edge, where it matters (see :func:`float_bounds`; a target of exactly 0 included).
    """

    __slots__ = ("_target", "_value", "sig_figs", "_float", "_rel", "_abs",
                 "_allowed", "_rounded", "_needed", "_tf", "_sure_in", "_sure_out")

    def __init__(self, target, rel: Fraction | None, abs_: Fraction | None,
                 sig_figs: int | None, relf: float | None = None, absf: float | None = None,
                 _entry=None):
        # ``target`` may be a float: its exact Fraction is made only when exact work is needed
        self._value = target
        self._target = target if type(target) is Fraction else None
        self._float = target if type(target) is float else None
        self.sig_figs = sig_figs
        self._rel, self._abs = rel, abs_
        self._allowed = self._rounded = self._needed = None
        tf = self._tf = _fast_float(target)
        if _entry is None:
            _entry = _tol_entry(None, rel, abs_, sig_figs, relf, absf)
        self._sure_in, self._sure_out = float_bounds(tf, tf == 0 and target == 0, _entry)

    @property
    def target(self) -> Fraction:
        """The target, exactly (a float as its exact decimal: the float 0.1 is 1/10)."""
        if self._target is None:
            self._target = exact(self._value)
        return self._target

    def __repr__(self):
        return (f"Criterion(target={self.target!r}, allowed={self.allowed!r}, "
                f"sig_figs={self.sig_figs!r})")

    @classmethod
    def of(cls, target, tol=None) -> "Criterion":
        """Build from a target (Fraction or float) and a tolerance (rel/abs/sig_figs).

        >>> c = Criterion.of(Fraction(1249, 500), Tolerance(rel=1e-3, sig_figs=3))
        >>> c.allowed, c.rounded
        (Fraction(1, 200), Fraction(5, 2))
        """
        if type(target) is not float and type(target) is not Fraction:
            target = to_fraction(target)
        elif type(target) is float and not math.isfinite(target):
            raise ValueError(f"not a finite number: {target!r}")
        e = _tol_cached(tol)
        return cls(target, e.rel, e.abs, e.sig_figs, e.relf, e.absf, e)

    @property
    def display(self):
        """The target as given (a float stays a float), for messages."""
        return self._value

    @property
    def allowed(self) -> Fraction:
        """The largest accepted |a − x|: the tolerance's window (see
        :meth:`vgp_symbolic.question.Tolerance.window`), exactly."""
        if self._allowed is None:
            x = self.target
            a = _ZERO
            if self._rel is not None:
                r = self._rel * abs(x)
                if r > a:
                    a = r
            if self._abs is not None and self._abs > a:
                a = self._abs
            if self.sig_figs is not None and x:
                h = HALF_UNIT * Fraction(10) ** (magnitude(x) - self.sig_figs + 1)
                if h > a:
                    a = h
            self._allowed = a
        return self._allowed

    @property
    def rounded(self) -> Fraction | None:
        """The target rounded to ``sig_figs`` (None without sig_figs)."""
        if self._rounded is None and self.sig_figs is not None:
            self._rounded = round_sig(self.target, self.sig_figs)
        return self._rounded

    def accepts_criterion(self, other: "Criterion") -> bool:
        """Does this tolerance accept the other criterion's target? (floats first)"""
        if self._sure_out is not None:
            d = abs(other._tf - self._tf)
            if d > self._sure_out:
                return False
            if self._sure_in is not None and d < self._sure_in:
                return True
        return self.accepts(other.target, other._tf)

    def accepts(self, a: Fraction, approx: float | None = None) -> bool:
        """The value test alone (no written-precision rule)."""
        if self._sure_out is not None:
            d = abs((_fast_float(a) if approx is None else approx) - self._tf)
            if d > self._sure_out:
                return False
            if self._sure_in is not None and d < self._sure_in:
                return True
        return a == self.target or abs(a - self.target) <= self.allowed

    @property
    def needed(self) -> int:
        """Significant figures an answer needs: ``sig_figs``, or the fewest whose rounding
        error (half a unit in the last place) always fits in the allowed error."""
        if self._needed is None:
            if self.sig_figs is not None:
                self._needed = self.sig_figs
            elif self.target.numerator == 0 or self.allowed.numerator == 0:
                self._needed = 17
            else:
                # half a unit in the n-th digit, 10^(mag − n + 1) / 2, must fit in the allowed
                # error A/B: 10^j·B ≤ 2A with j = mag − n + 1 (in integers)
                al = self.allowed
                a2, b = 2 * al.numerator, al.denominator
                j = magnitude(self.target)
                n = 1
                while n < 17 and (10 ** j * b > a2 if j >= 0 else b > a2 * 10 ** -j):
                    n += 1
                    j -= 1
                self._needed = n
        return self._needed


# Tolerances are few and long-lived (one per question of the assignment): their exact and
# float forms are cached by identity (the object is kept, so its id stays valid).
_TOL_CACHE: dict[int, "TolEntry"] = {}


class TolEntry(NamedTuple):
    """A tolerance prepared for judging many answers: exact and float forms, and what
    :func:`float_bounds` needs (it was a 9-tuple read by position)."""

    tol: object  # the Tolerance itself (the cache is keyed by its id)
    rel: Fraction | None
    abs: Fraction | None
    sig_figs: int | None
    relf: float  # rel as a float, 0.0 when missing
    absf: float  # abs as a float, 0.0 when missing
    sig_factor: float  # 10^(2 − sig_figs): the reach of n significant figures, relative
    zero_bounds: tuple  # (sure_in, sure_out) for a target of exactly 0


def _tol_cached(tol):
    hit = _TOL_CACHE.get(id(tol))
    if hit is not None and hit.tol is tol:
        return hit
    rel, ab, sf = _tol_parts(tol)
    entry = _tol_entry(tol, None if rel is None else _tol_fraction(rel),
                       None if ab is None else _tol_fraction(ab), sf,
                       float(rel) if rel is not None else 0.0,
                       float(ab) if ab is not None else 0.0)
    if len(_TOL_CACHE) > 4096:
        _TOL_CACHE.clear()
    _TOL_CACHE[id(tol)] = entry
    return entry


def _tol_entry(tol, rel, ab, sf, relf, absf) -> TolEntry:
    """The :class:`TolEntry` of a tolerance given exactly (floats made when not given)."""
    if relf is None:
        relf = _fast_float(rel) if rel is not None else 0.0
    if absf is None:
        absf = _fast_float(ab) if ab is not None else 0.0
    sfk = 10.0 * 10.0 ** (1 - sf) if sf is not None else 0.0
    # A target of exactly 0 has an exact float, so only the answer's float and abs's float are
    # off, each by a relative 2^-53: rel·0 adds nothing, sig_figs accepts only 0 itself, and
    # the answer is in when |a| < abs·(1 − 10⁻⁶), out when |a| > abs·(1 + 10⁻⁶) (or > 0 with
    # no abs).
    if ab is None or ab == 0:
        zero = (None, 0.0)
    elif 1e-290 < absf < 1e290:
        zero = (absf * (1 - 1e-6), absf * (1 + 1e-6))
    else:
        zero = (None, None)
    return TolEntry(tol, rel, ab, sf, relf, absf, sfk, zero)


def float_bounds(tf: float, zero: bool, e: TolEntry) -> tuple:
    """``(sure_in, sure_out)`` for a target with float ``tf`` under tolerance entry ``e``.

    An answer whose float is closer than ``sure_in`` to ``tf`` is certainly accepted, one
    farther than ``sure_out`` certainly not (a million times the float error to spare);
    ``None`` where floats decide nothing. ``zero``: the target is exactly 0.
    """
    at = abs(tf)
    if 1e-290 < at < 1e290:
        ok = e.relf * at
        if e.absf > ok:
            ok = e.absf
        # agreeing to n significant figures puts a within ten units of the n-th digit
        # (a generous bound that also covers 9.996 → 10.0)
        sf = e.sig_factor * at
        out = (ok if ok >= sf else sf) * (1 + 1e-6) + 1e-9 * at
        if ok > 1e-9 * at:
            return ok * (1 - 1e-6) - 1e-9 * at, out
        return None, out
    if zero:
        return e.zero_bounds
    return None, None


def _tol_parts(tol):
    """(rel, abs, sig_figs) of a tolerance, the defaults when it gives none."""
    rel = getattr(tol, "rel", None)
    ab = getattr(tol, "abs", None)
    sf = getattr(tol, "sig_figs", None)
    if rel is None and ab is None and sf is None:
        return DEFAULT_TOLERANCE.rel, DEFAULT_TOLERANCE.abs, DEFAULT_TOLERANCE.sig_figs
    return rel, ab, None if sf is None else int(sf)


def near(answer: Parsed, value, tol) -> bool:
    """Could ``answer`` match ``value`` or be a rounding slip of it? (a cheap float test)

    False only when it certainly cannot, so a candidate can be skipped without exact work.

    >>> near(parse_answer("2.49"), 2.498, None), near(parse_answer("7"), 2.498, None)
    (True, False)
    """
    return near_test(answer, tol)(value)


def near_test(answer: Parsed, tol):
    """:func:`near` for one answer and tolerance against many values (set up once).

    A value that is not a finite number (None, NaN) is never near.
    """
    relf, abf, sf = _tol_floats(tol)
    p = answer.sig_figs
    af = answer.approx
    # the largest distance that can still match: max(abs, |v|·m)
    m = max(relf, 10.0 ** (2 - sf) if sf is not None else 0.0,
            10.0 ** (2 - p) if p is not None and p >= 2 else 0.0) * (1 + 1e-6) + 1e-12
    floor = abf * (1 + 1e-6)
    if not math.isfinite(af):
        return _always

    def test(value) -> bool:
        t = type(value)
        if t is float:
            if value != value or value in (math.inf, -math.inf):
                return False
            vf = value
        elif t is Fraction or t is int:
            try:
                vf = value.numerator / value.denominator
            except OverflowError:
                return True
        else:
            try:
                vf = float(value)
            except (TypeError, ValueError, OverflowError):
                return False
            if not math.isfinite(vf):
                return False
        a = abs(vf)
        if not 1e-290 < a < 1e290:
            return True            # zero, subnormal, huge: leave it to the exact test
        return abs(af - vf) <= max(floor, a * m)
    return test


def _always(value) -> bool:
    return True


def _tol_floats(tol):
    """(rel, abs, sig_figs) as floats (0.0 for a missing rel/abs)."""
    t = _tol_cached(tol)
    return t.relf, t.absf, t.sig_figs


def judge(answer: Parsed, c: Criterion) -> str | None:
    """Compare a parsed answer with a criterion.

    Returns ``"match"`` (within tolerance and written precisely enough), ``"coarse"`` (it is
    the target correctly rounded, but to too few significant figures), ``"truncated"``
    (it is the target cut off instead of rounded) or ``None`` (neither).

    Rounding verdicts need at least two significant figures written: "2.4" for 2.498 is a
    truncation slip, "2" is simply wrong. They apply whatever the tolerance: under
    ``abs = 1e-5`` "2.49" for 2.498 is still recognised as truncated.

    >>> c = Criterion.of(Fraction(1, 500), Tolerance(sig_figs=3))
    >>> judge(parse_answer("0.002"), c), judge(parse_answer("2e-3"), c)
    ('match', 'match')
    """
    af, p = answer.approx, answer.sig_figs
    if c._sure_out is not None:
        # floats settle the clear cases (see Criterion); exact arithmetic the rest
        d = abs(af - c._tf)
        if c._sure_in is not None and d < c._sure_in:
            return _precision(answer, c)
        if d > c._sure_out:
            return _slip(answer, c, p, d)
    a = answer.value
    if a == c.target:
        return "match"
    if c.accepts(a, af):
        return _precision(answer, c)
    return _slip(answer, c, p, abs(af - c._tf) if c._sure_out is not None else None)


def _exact(answer: Parsed, c: Criterion) -> bool:
    return answer.value == c.target


def _precision(answer: Parsed, c: Criterion) -> str:
    """An accepted value: is it written with enough significant figures?"""
    p = answer.sig_figs
    if c.sig_figs is not None and p is not None and p < c.sig_figs and not _exact(answer, c):
        return "coarse"
    return "match"


def _slip(answer: Parsed, c: Criterion, p, d) -> str | None:
    """A value outside the tolerance: the target rounded too coarsely, or truncated?"""
    if p is None or p < 2 or c._tf == 0:
        return None
    if d is not None and not_slip(d, abs(c._tf), p):
        return None
    a, x = answer.value, c.target
    an, xn = a.numerator, x.numerator
    if xn == 0 or (an < 0) != (xn < 0):
        return None
    # in units of the p-th significant digit of x: |x| = num/den, |a| must be an integer m
    num, den, k = scale_to_sig(x, p)
    an, ad = abs(an), a.denominator
    if k >= 0:
        an, ad = an, ad * 10 ** k
    else:
        an = an * 10 ** -k
    if an % ad:
        return None
    m = an // ad
    if m == (2 * num + den) // (2 * den):          # x rounded (halves away from zero)
        return "coarse" if p < c.needed else None
    if m == num // den:                            # x truncated
        return "truncated"
    return None


def not_slip(d: float, at: float, p: int) -> bool:
    """Floats alone show that an answer at float distance ``d`` from a target with float
    magnitude ``at`` is not that target rounded or truncated to ``p`` ≥ 2 figures.

    Rounded or truncated to p figures, |a − x| is at most one unit of the p-th digit of x,
    10^(⌊log10 |x|⌋ − p + 1); the float ⌊log10⌋ is taken generously (+10⁻⁹: never too small).
    Only used when ``d`` > 10⁻⁹·|x|: then the float error of ``d`` is under 10⁻⁶ of it (closer
    than that, exact arithmetic decides).
    """
    if not 1e-290 < at < 1e290 or d <= 1e-9 * at:
        return False
    return d > 10.0 ** (_floor(_log10(at) + 1e-9) - p + 1) * (1 + 1e-6)


class PolicyError(UserError):
    """The assignment's [grading] table has a value grading cannot use."""


@dataclass(frozen=True)
class Policy:
    """Partial credit, as fractions of a question's points (the assignment's ``[grading]``).

    >>> p = Policy.from_grading({"mistake_credit": {"default": 0.5, "sign_flipped": 0.25}})
    >>> p.credit_for_mistake("sign_flipped"), p.credit_for_mistake("lr_forgotten")
    (0.25, 0.5)
    """

    mistake_credit: float = 0.5      # a catalogued mistake recognised (or the final sign flipped)
    ecf_credit: float = 1.0          # right, given the student's own earlier wrong answer
    rounding_credit: float = 0.5     # truncated instead of rounded / too few significant figures
    mistake_overrides: tuple[tuple[str, float], ...] = ()

    KEYS = ("mistake_credit", "ecf_credit", "rounding_credit")

    def credit_for_mistake(self, mistake_id: str) -> float:
        """The credit for one catalogued mistake (per-id override, else mistake_credit)."""
        for k, v in self.mistake_overrides:
            if k == mistake_id:
                return v
        return self.mistake_credit

    @classmethod
    def from_grading(cls, table) -> "Policy":
        """Read the credit keys of a ``[grading]`` table; other keys are left to others."""
        table = dict(table or {})
        kw = {}
        for key in cls.KEYS:
            if key not in table:
                continue
            v = table[key]
            if key == "mistake_credit" and isinstance(v, dict):
                over = []
                for mid, c in v.items():
                    c = _credit(c, f"[grading] mistake_credit.{mid}")
                    if mid == "default":
                        kw["mistake_credit"] = c
                    else:
                        over.append((str(mid), c))
                kw["mistake_overrides"] = tuple(over)
            else:
                kw[key] = _credit(v, f"[grading] {key}")
        return cls(**kw)


def _credit(v, where) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
        raise PolicyError(f"{where} = {v!r}: expected a number from 0 to 1 (a fraction of the "
                          "question's points)")
    return float(v)
