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

from ..backprop import fmt
from ..chain import rounding_note
from .compare import Criterion, Policy, judge, near_test, round_sig, to_fraction
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


def _show(x) -> str:
    """``backprop.fmt``'s format, with a fast path for the common cases."""
    if isinstance(x, float):
        return f"{x:.10g}"
    if isinstance(x, Fraction):
        # a terminating decimal: denominator 2^a·5^b, so x·10^max(a, b) is an integer
        d = x.denominator
        a = (d & -d).bit_length() - 1
        d >>= a
        b = 0
        while d % 5 == 0:
            d //= 5
            b += 1
        if d == 1:
            n = max(a, b)
            digits = str(abs(x.numerator) * 10 ** n // x.denominator).rjust(n + 1, "0")
            out = ("-" if x < 0 else "") + (digits[:-n] + "." + digits[-n:] if n else digits)
            if len(out) <= 24:
                return out
    try:
        return fmt(x)
    except Exception:          # noqa: BLE001 — a value fmt cannot show is no reason to stop
        return str(x)


def _finite(v) -> bool:
    if isinstance(v, float):
        return math.isfinite(v)
    return isinstance(v, (Fraction, int)) and not isinstance(v, bool)


def _ecf_target(question, given, dep_correct):
    """The answer right for the student's own earlier answers, or None."""
    deps = tuple(getattr(question, "depends_on", ()) or ())
    rec = getattr(question, "recompute", None)
    if not deps or rec is None or given is None:
        return None
    if all(dep_correct.get(d, True) for d in deps):
        return None                # nothing carried forward: the earlier parts were right
    try:
        v = rec({d: given[d] for d in deps})
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
    policy = policy or Policy()
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


def _rounding_message(answer: Parsed, c: Criterion, verdict: str) -> str:
    p = answer.sig_figs
    x = c.target
    # show a float target as the float it is (its exact binary expansion is 50 digits long)
    exact = _show(c.display)
    is_decimal = c.display is x and "/" not in exact
    said = answer.text or _show(answer.value)
    if verdict == "truncated":
        # chain.rounding_note speaks in decimals; use it where the numbers are plain decimals
        if answer.text and answer.decimals is not None and is_decimal:
            try:
                note = rounding_note(x, answer.text)
                if note and "truncated" in note and len(note) < 200:
                    return note
            except Exception:       # noqa: BLE001 — fall back to the message below
                pass
        return (f"{said} is {exact} truncated to {p} significant figures instead of rounded "
                f"(rounded it is {_show(round_sig(x, p))})")
    need = c.needed
    if is_decimal and _sig_digits(exact) <= need:
        hint = f"give the exact value {exact}"
    else:
        hint = f"give at least {need} (e.g. {_fixed_sig(x, need)})"
    return (f"{said} is {exact} rounded to {p} significant figure{'s' if p != 1 else ''}; "
            f"{hint}")


def _sig_digits(decimal: str) -> int:
    return len(decimal.replace("-", "").replace(".", "").lstrip("0")) or 1


def _fixed_sig(x: Fraction, n: int) -> str:
    """``x`` rounded to n significant figures, written with its trailing zeros (2.50)."""
    from .compare import magnitude
    r = round_sig(x, n)
    if r == 0:
        return "0"
    e = magnitude(r)
    places = max(n - 1 - e, 0)
    if -6 <= e <= 9:
        return f"{float(r):.{places}f}" if places <= 20 else fmt(r)
    return f"{float(r):.{n - 1}e}"
