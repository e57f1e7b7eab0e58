"""Which step went wrong: match a wrong answer against what each mistake would have produced.

The homework package catalogues, per student, the value each typical mistake produces with
that student's parameters (σ for σ′, a chain factor left out, the update's sign flipped, η
forgotten, one route instead of the sum, the wrong layer count in (1/4)ⁿ). The grader adds
the mistakes that need no problem knowledge — truncated instead of rounded, too few
significant figures, the final sign flipped — and error carried forward: a later part that is
right for the student's own earlier (wrong) answers, recomputed with ``Question.recompute``.

Candidates are tried in a fixed order, first on an exact match within tolerance, then on a
rounding slip of the same candidate (so a σ-for-σ′ answer that was also truncated is
recognised as both)::

    correct  >  error carried forward  >  catalogued mistakes (catalogue order)  >  final sign flipped

>>> from fractions import Fraction as F
>>> from types import SimpleNamespace as Obj
>>> q = Obj(id="q1", answer=F(1249, 500), tolerance=None, points=2.0, depends_on=(),
...        recompute=None, mistakes=(Obj(id="lr_forgotten", label="η was left out", value=F(5, 2)),))
>>> d = diagnose(q, parse_answer("2.49"))
>>> d.id, d.credit
('truncated', 0.5)
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

from ..numbers import fmt
from ..core.chain import rounding_note  # noqa: F401  (what _truncation_note reproduces; doctests)
from .compare import (_TOL_CACHE, Criterion, Policy, _tol_cached, float_bounds, judge, near_test,
                      magnitude, not_slip, round_sig, to_fraction)
from .parse import Parsed, parse_answer  # noqa: F401  (parse_answer: used in the doctests)

__all__ = ["Diagnosis", "diagnose", "blank", "unreadable", "STATUSES"]

# status -> what the gradebook and statistics call it
STATUSES = ("correct", "ecf", "mistake", "rounding", "wrong", "unreadable", "blank")


class Diagnosis(NamedTuple):
    """The verdict on one answer (a named tuple: immutable and cheap to make).

    ``status`` is one of :data:`STATUSES`; ``id`` is ``"correct"``, ``"ecf"``, a catalogued
    mistake id, ``"truncated"``, ``"too_few_sig_figs"``, ``"final_sign_flipped"``,
    ``"wrong"``, ``"unreadable"`` or ``"no_answer"``; ``credit`` is the fraction of the
    question's points; ``message`` is one or two sentences for the student.
    """

    status: str
    id: str
    credit: float
    message: str
    expected: str = ""        # the correct value, formatted (empty for blank answers)
    rounding: str = ""        # "truncated" / "too_few_sig_figs" when combined with another id


CORRECT = Diagnosis("correct", "correct", 1.0, "correct")


def blank(question) -> Diagnosis:
    """No answer given."""
    return Diagnosis("blank", "no_answer", 0.0, "no answer", _show(question.answer))


def unreadable(question, reason: str) -> Diagnosis:
    """An answer the parser could not read: 0 points, the parser's reason attached."""
    return Diagnosis("unreadable", "unreadable", 0.0,
                     f"unreadable answer ({reason}); write a number such as 0.002, 2e-3 or 1/500",
                     _show(question.answer))


# a terminating decimal's denominator is 2^a·5^b; the commonest are powers of ten
_POW5 = {5 ** i: i for i in range(400)}
_POW10 = {10 ** i: i for i in range(400)}


def _show(x) -> str:
    """``backprop.fmt``'s format, with a fast path for the common cases."""
    if isinstance(x, float):
        return f"{x:.10g}"
    if isinstance(x, Fraction):
        # a terminating decimal: x·10^n is an integer for n = max(a, b)
        num, d = x.numerator, x.denominator
        if d == 1:
            out = str(num)
        else:
            n = _POW10.get(d)
            if n is None:
                a = (d & -d).bit_length() - 1
                b = _POW5.get(d >> a)
                if b is None:
                    return _ratio(x)
                n = a if a > b else b
                num = num * 10 ** n // d          # exact: d divides 10^n
            if num < 0:
                digits = str(-num).rjust(n + 1, "0")
                out = "-" + digits[:-n] + "." + digits[-n:]
            else:
                digits = str(num).rjust(n + 1, "0")
                out = digits[:-n] + "." + digits[-n:]
        if len(out) <= 24:
            return out
        return _ratio(x)
    return _fmt(x)


def _ratio(x: Fraction) -> str:
    """What ``fmt`` writes for a Fraction that is no short terminating decimal."""
    try:
        return f"{x.numerator}/{x.denominator} ≈ {x.numerator / x.denominator:.10g}"
    except OverflowError:      # fmt's float(x) fails alike; _show then writes str(x)
        return str(x)


def _fmt(x) -> str:
    try:
        return fmt(x)
    except Exception:          # noqa: BLE001 — a value fmt cannot show is no reason to stop
        return str(x)


def _finite(v) -> bool:
    if isinstance(v, float):
        return math.isfinite(v)
    return isinstance(v, (Fraction, int)) and not isinstance(v, bool)


def _ecf_target(question, given, dep_correct):
    """The answer right for the student's own earlier answers, or None (a :class:`Parsed`
    in ``given`` stands for its exact value)."""
    deps = getattr(question, "depends_on", ()) or ()
    if type(deps) is not tuple:
        deps = tuple(deps)
    rec = getattr(question, "recompute", None)
    if not deps or rec is None or given is None:
        return None
    for d in deps:
        if not dep_correct.get(d, True):
            break
    else:
        return None                # nothing carried forward: the earlier parts were right
    try:
        args = {}
        for d in deps:
            v = given[d]
            args[d] = v.value if type(v) is Parsed else v
        v = rec(args)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return v if _finite(v) else None
        return to_fraction(v)
    except Exception:          # noqa: BLE001 — a student's odd value must not stop grading
        return None


def diagnose(question, answer: Parsed, given=None, dep_correct=None,
             policy: Policy | None = None, criterion: Criterion | None = None) -> Diagnosis:
    """Grade one parsed answer against ``question`` (the homework ``Question`` shape).

    ``given`` maps each earlier question id in ``question.depends_on`` to the value the
    student used for it (their own answer when readable, else the correct one), and
    ``dep_correct`` says whether each was graded correct; together they enable error
    carried forward. ``criterion`` may be passed in precomputed for speed.

    >>> from fractions import Fraction as F
    >>> from types import SimpleNamespace as Obj
    >>> q2 = Obj(id="q2", answer=F(1249, 500), tolerance=None, points=1.0, depends_on=("q1",),
    ...         recompute=lambda g: F(5, 2) - g["q1"], mistakes=())
    >>> diagnose(q2, parse_answer("2.2"), {"q1": F(3, 10)}, {"q1": False}).id
    'ecf'
    """
    if not policy:
        policy = _DEFAULT_POLICY
    if criterion is None:
        d = _diagnose_fast(question, answer, given, dep_correct, policy)
        if d is not None:
            return d
    return _diagnose(question, answer, given, dep_correct, policy, criterion)


_DEFAULT_POLICY = Policy()
_UNSURE = "unsure"              # floats cannot tell; exact work would be needed
_OUT = "out"                    # certainly outside the tolerance; a rounding slip not ruled out
_tuple = tuple.__new__          # Diagnosis(...) without the named tuple's Python-level __new__


def _float_of(v):
    """``(float, is exactly zero)`` of a finite float or Fraction target; None for anything
    else (left to the exact path)."""
    t = type(v)
    if t is float:
        if v - v != 0.0:          # inf, nan
            return None
        return v, v == 0.0
    if t is Fraction:
        n = v.numerator
        try:
            return n / v.denominator, n == 0
        except OverflowError:
            return None
    return None


def _judge_float(answer, af, p, v, vf, zero, e, neg=False):
    """``judge(answer, Criterion.of(v, tol))`` where floats (or one cheap exact equality)
    settle it: ``"match"`` or None; :data:`_OUT` when it is certainly not a match but might
    be a rounding slip; :data:`_UNSURE` when only exact work can tell. ``neg``: the target
    is −v."""
    sure_in, sure_out = float_bounds(vf, zero, e)
    if sure_out is None:
        return _UNSURE
    d = abs(af - vf)
    if sure_in is not None and d < sure_in:
        sf = e[3]
        return "match" if sf is None or p is None or p >= sf else _UNSURE
    if d > sure_out:
        # what _slip rules out with floats alone
        return None if p is None or p < 2 or vf == 0 or not_slip(d, abs(vf), p) else _OUT
    if d == 0 and type(v) is Fraction and answer.value == (-v if neg else v):
        return "match"           # judge: a == target is a match, whatever the tolerance
    return _UNSURE


def _diagnose_fast(question, answer, given, dep_correct, policy):
    """:func:`diagnose` with the float shortcuts of :class:`Criterion` applied to every
    candidate, in the same order and with the same verdicts and messages.

    The answer against the target is settled by floats where they are certain, else by the
    exact :func:`judge`. Candidates (error carried forward, catalogued mistakes, the flipped
    sign) are settled by floats; None (then :func:`_diagnose` decides everything exactly)
    when one of them would need exact work or could be a rounding slip that matters.
    """
    x = question.answer
    tx = type(x)
    if tx is Fraction:
        xn = x.numerator
        try:
            tf = xn / x.denominator
        except OverflowError:
            return None
        zero = xn == 0
    elif tx is float:
        tf = x
        if tf - tf != 0.0:
            return None          # not finite: Criterion.of says why
        zero = tf == 0.0
    else:
        return None
    tol = getattr(question, "tolerance", None)
    e = _TOL_CACHE.get(id(tol))
    if e is None or e[0] is not tol:
        e = _tol_cached(tol)
    af, p = answer.approx, answer.sig_figs
    # float_bounds(tf, zero, e), inlined: the hot path
    at = abs(tf)
    if 1e-290 < at < 1e290:
        ok_ = e[4] * at
        if e[5] > ok_:
            ok_ = e[5]
        sfw = e[6] * at
        sure_out = (ok_ if ok_ >= sfw else sfw) * (1 + 1e-6) + 1e-9 * at
        sure_in = ok_ * (1 - 1e-6) - 1e-9 * at if ok_ > 1e-9 * at else None
    elif zero:
        sure_in, sure_out = e[7]
        if sure_out is None:
            return None
    else:
        return None
    sf = e[3]
    d = abs(af - tf)
    crit = first = None
    if sure_in is not None and d < sure_in:
        if sf is None or p is None or p >= sf:
            return CORRECT
        crit = Criterion.of(x, tol)          # accepted: enough figures written? (exactly)
    elif d > sure_out:
        # not the target rounded or truncated to p figures? (first the cheap bound of
        # not_slip: a unit of the p-th digit is at most |x|·10^(1 − p))
        if not (p is None or p < 2 or zero or (d > 1e-9 * at and d > at * 10.0 ** (1 - p)
                                               * (1 + 1e-6)) or not_slip(d, at, p)):
            crit = Criterion.of(x, tol)      # perhaps the answer rounded or truncated
    elif d == 0 and tx is Fraction and answer.value == x:
        return CORRECT                       # judge: a == target is a match
    else:
        crit = Criterion.of(x, tol)          # near the edge of the tolerance
    if crit is not None:
        first = judge(answer, crit)
        if first == "match":
            return CORRECT
    if af - af != 0.0:
        return None              # a huge answer: near() leaves every candidate to exact work
    # near_test, inlined: the largest distance that can still match is max(abs, |v|·m)
    m = e[8]
    if p is not None and p >= 2 and 10.0 ** (2 - p) > m:
        m = 10.0 ** (2 - p)
    m = m * (1 + 1e-6) + 1e-12
    floor = e[5] * (1 + 1e-6)

    ecf = None
    if getattr(question, "depends_on", None):
        ecf = _ecf_target(question, given, dep_correct or {})
    ecf_f = None
    if ecf is not None:
        if type(ecf) is int:
            ecf = Fraction(ecf)
        t = _float_of(ecf)
        if t is None:
            return None
        ecf_f, ecf_zero = t
        a = abs(ecf_f)
        if not 1e-290 < a < 1e290 and not ecf_zero:
            return None              # near() leaves these to the exact test
        if ecf_zero or abs(af - ecf_f) <= max(floor, a * m):
            r = _judge_float(answer, af, p, ecf, ecf_f, ecf_zero, e)
            if r == "match":
                deps = ", ".join(question.depends_on)
                shown = _show(x)
                return _tuple(Diagnosis, (
                    "ecf", "ecf", policy.ecf_credit,
                    f"correct for your own earlier answer to {deps} (error carried forward; "
                    f"with the right {deps} it is {shown})", shown, ""))
            if r is _UNSURE or (r is _OUT and first is None):
                return None
    for mk in getattr(question, "mistakes", ()) or ():
        v = getattr(mk, "value", None)
        if v is None:
            continue                 # near() is False for it
        tv = type(v)
        if tv is Fraction:
            vn = v.numerator
            try:
                vf = vn / v.denominator
            except OverflowError:
                return None
            vzero = vn == 0
        elif tv is float:
            vf = v
            if vf - vf != 0.0:
                continue             # nan or inf: never near
            vzero = vf == 0.0
        else:
            return None
        a = abs(vf)
        if not 1e-290 < a < 1e290:
            if not vzero:
                return None          # near() leaves these to the exact test
        else:
            lim = a * m
            if abs(af - vf) > (lim if lim > floor else floor):
                continue             # far from the answer: cannot match
        # crit.accepts_criterion(c): within tolerance of the right answer → skipped
        dv = abs(vf - tf)
        if sure_in is not None and dv < sure_in:
            continue
        if dv <= sure_out:
            return None
        if ecf_f is not None and vf == ecf_f and to_fraction(v) == to_fraction(ecf):
            continue                 # the same as the error-carried-forward answer
        r = _judge_float(answer, af, p, v, vf, vzero, e)
        if r == "match":
            shown = _show(x)
            return _tuple(Diagnosis, (
                "mistake", mk.id,
                (policy.mistake_credit if type(policy) is Policy and not policy.mistake_overrides
                 else policy.credit_for_mistake(mk.id)),
                f"{mk.label} — that gives {_show(v)}; the answer is {shown}", shown, ""))
        if r is _UNSURE or (r is _OUT and first is None):
            return None
    if tf != 0 and abs(af + tf) <= max(floor, at * m):          # near(-x)
        r = _judge_float(answer, af, p, x, -tf, zero, e, True)
        if r == "match":
            shown = _show(x)
            return _tuple(Diagnosis, ("mistake", "final_sign_flipped", policy.mistake_credit,
                                      f"right size, wrong sign: the answer is {shown}", shown,
                                      ""))
        if r is _UNSURE or (r is _OUT and first is None):
            return None
    shown = _show(x)
    if first is not None:
        # a rounding slip of the right answer, and no candidate matches
        return _tuple(Diagnosis, ("rounding",
                                  "truncated" if first == "truncated" else "too_few_sig_figs",
                                  policy.rounding_credit,
                                  _rounding_message(answer, crit, first, shown), shown, ""))
    return _tuple(Diagnosis, ("wrong", "wrong", 0.0,
                              f"not the expected value and not one of the recognised mistakes; "
                              f"the answer is {shown}", shown, ""))


def _diagnose(question, answer, given, dep_correct, policy, criterion):
    """The exact path of :func:`diagnose` (every case; floats only where Criterion allows)."""
    x = question.answer
    tol = getattr(question, "tolerance", None)
    crit = criterion or Criterion.of(x, tol)
    first = judge(answer, crit)
    if first == "match":
        return CORRECT

    def candidates():
        # (status, id, credit, criterion, message maker), built lazily: most answers stop
        # early, and only the chosen candidate's message is ever formatted
        near = near_test(answer, tol)
        ecf = _ecf_target(question, given, dep_correct or {})
        ecf_c = None if ecf is None else Criterion.of(ecf, tol)
        if ecf is not None and near(ecf):
            deps = ", ".join(question.depends_on)
            yield ("ecf", "ecf", policy.ecf_credit, ecf_c,
                   lambda: f"correct for your own earlier answer to {deps} (error carried "
                           f"forward; with the right {deps} it is {expected()})")
        for m in getattr(question, "mistakes", ()) or ():
            v = getattr(m, "value", None)
            if not near(v) or not _finite(v):
                continue           # (far from the answer: cannot match, skip the exact work)
            c = Criterion.of(v, tol)
            if crit.accepts_criterion(c) or (ecf_c is not None and c.target == ecf_c.target):
                continue           # within tolerance of a right answer: indistinguishable
            yield ("mistake", m.id, policy.credit_for_mistake(m.id), c,
                   lambda m=m, v=v: f"{m.label} — that gives {_show(v)}; the answer is "
                                    f"{expected()}")
        if crit._tf != 0 and near(-crit.display):
            yield ("mistake", "final_sign_flipped", policy.mistake_credit,
                   Criterion.of(-crit.display, tol),
                   lambda: f"right size, wrong sign: the answer is {expected()}")

    shown = []

    def expected():
        if not shown:
            shown.append(_show(x))
        return shown[0]

    # An exact match with any candidate wins; failing that, the first rounding slip.
    slip = (("rounding", "", 1.0, crit, None), first) if first else None
    for cand in candidates():
        v = judge(answer, cand[3])
        if v == "match":
            return Diagnosis(cand[0], cand[1], cand[2], cand[4](), expected())
        if v and slip is None:
            slip = (cand, v)
    if slip is not None:
        (status, cid, credit, c, message), v = slip
        kind = "truncated" if v == "truncated" else "too_few_sig_figs"
        note = _rounding_message(answer, c, v)
        if status == "rounding":
            return Diagnosis("rounding", kind, policy.rounding_credit, note, expected())
        return Diagnosis(status, cid, credit * policy.rounding_credit,
                         f"{message()}; also {note}", expected(), kind)
    return Diagnosis("wrong", "wrong", 0.0,
                     f"not the expected value and not one of the recognised mistakes; "
                     f"the answer is {expected()}", expected())


def _rounding_message(answer: Parsed, c: Criterion, verdict: str, exact: str | None = None) -> str:
    p = answer.sig_figs
    x = c.target
    # show a float target as the float it is (its exact binary expansion is 50 digits long)
    if exact is None:
        exact = _show(c.display)
    is_decimal = c.display is x and "/" not in exact
    said = answer.text or _show(answer.value)
    if verdict == "truncated":
        # chain.rounding_note speaks in decimals; use it where the numbers are plain decimals
        if answer.text and answer.decimals is not None and is_decimal:
            note = _truncation_note(x, answer, exact)
            if note is not None and len(note) < 200:
                return note
        return (f"{said} is {exact} truncated to {p} significant figures instead of rounded "
                f"(rounded it is {_show(round_sig(x, p))})")
    need = c.needed
    if is_decimal and _sig_digits(exact) <= need:
        hint = f"give the exact value {exact}"
    else:
        hint = f"give at least {need} (e.g. {_fixed_sig(x, need)})"
    return (f"{said} is {exact} rounded to {p} significant figure{'s' if p != 1 else ''}; "
            f"{hint}")


def _truncation_note(x: Fraction, answer: Parsed, exact: str) -> str | None:
    """``chain.rounding_note(x, answer.text)`` when the word "truncated" is in that note, else
    None: the same words, in integer arithmetic (``exact`` is ``x`` formatted as the note
    formats it).

    >>> from fractions import Fraction as F
    >>> _truncation_note(F(1249, 500), parse_answer("2.49"), "2.498") == rounding_note(
    ...     F(1249, 500), "2.49")
    True
    """
    claimed, places = answer.text, answer.decimals
    scale = 10 ** places
    a = answer.value
    an = a.numerator * scale                   # a·10^places, over a.denominator
    ad = a.denominator
    n, d = x.numerator * scale, x.denominator  # x·10^places = n/d
    if a.numerator * x.denominator == x.numerator * ad:
        return None                            # a == x
    floor, rem = divmod(n, d)
    # halves away from zero, as numbers.round_places; int(): toward zero
    if 2 * rem < d or (2 * rem == d and n < 0):
        rounded = floor
    else:
        rounded = floor + 1
    truncated = floor if n >= 0 or rem == 0 else floor + 1
    if an == rounded * ad:
        return None                            # "... is it rounded ...": not used
    if an != truncated * ad:
        return f'the exact value is {exact}; "{claimed}" is neither it rounded nor truncated'
    try:
        shown = f"{rounded / scale:.{places}f}"    # float(Fraction(rounded, scale))
    except OverflowError:
        return None
    return (f'the exact value is {exact}; "{claimed}" is {exact} truncated to {places} '
            f"decimals (rounded it is {shown})")


def _sig_digits(decimal: str) -> int:
    return len(decimal.replace("-", "").replace(".", "").lstrip("0")) or 1


def _fixed_sig(x: Fraction, n: int) -> str:
    """``x`` rounded to n significant figures, written with its trailing zeros (2.50)."""
    r = round_sig(x, n)
    if r.numerator == 0:
        return "0"
    e = magnitude(r)
    places = max(n - 1 - e, 0)
    if -6 <= e <= 9:
        return f"{float(r):.{places}f}" if places <= 20 else fmt(r)
    return f"{float(r):.{n - 1}e}"
