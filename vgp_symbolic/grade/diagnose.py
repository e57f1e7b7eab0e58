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
>>> from vgp_symbolic.question import Mistake, Question, Tolerance
>>> q = Question("q1", "demo", "", F(1249, 500), Tolerance(sig_figs=3), 2.0, (),
...              (Mistake("lr_forgotten", "η was left out", F(5, 2)),))
>>> d = diagnose(q, parse_answer("2.49"))
>>> d.id, d.credit
('truncated', 0.5)
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

from ..numbers import fmt, round_places, round_sig
from ..question import DEFAULT_TOLERANCE
from .compare import Criterion, Policy, judge, near_test, to_fraction
from .parse import Parsed, parse_answer  # noqa: F401  (parse_answer: used in the doctests)

__all__ = ["Diagnosis", "diagnose", "blank", "unreadable"]


class Diagnosis(NamedTuple):
    """The verdict on one answer (a named tuple: immutable and cheap to make).

    ``status`` is one of correct, ecf, mistake, rounding, wrong, unreadable, blank; ``id`` is ``"correct"``, ``"ecf"``, a catalogued
    mistake id, ``"truncated"``, ``"too_few_sig_figs"``, ``"final_sign_flipped"``,
    ``"wrong"``, ``"unreadable"`` or ``"no_answer"``; ``credit`` is the fraction of the
    question's points; ``message`` is one or two sentences for the student, never the correct
    value itself (the feedback always shows that on its own line).
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
    return Diagnosis("blank", "no_answer", 0.0, "", _show(question.answer))


def unreadable(question, reason: str) -> Diagnosis:
    """An answer the parser could not read: 0 points, the parser's reason attached."""
    return Diagnosis("unreadable", "unreadable", 0.0,
                     f"unreadable answer ({reason}); write a number such as 0.002, 2e-3 or 1/500",
                     _show(question.answer))


def _show(x) -> str:
    """A value for the student: :func:`vgp_symbolic.numbers.fmt`, or its text if fmt cannot."""
    try:
        return fmt(x)
    except (OverflowError, ValueError, TypeError):
        return str(x)


def _finite(v) -> bool:
    if isinstance(v, float):
        return math.isfinite(v)
    return isinstance(v, (Fraction, int)) and not isinstance(v, bool)


def _ecf_target(question, given, dep_correct):
    """The answer right for the student's own earlier answers, or None (a :class:`Parsed`
    in ``given`` stands for its exact value)."""
    deps = question.depends_on
    rec = question.recompute
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
    >>> from vgp_symbolic.question import Question, Tolerance
    >>> q2 = Question("q2", "demo", "", F(1249, 500), Tolerance(sig_figs=3), 1.0, ("q1",), (),
    ...               recompute=lambda g: F(5, 2) - g["q1"])
    >>> diagnose(q2, parse_answer("2.2"), {"q1": F(3, 10)}, {"q1": False}).id
    'ecf'
    """
    return _diagnose(question, answer, given, dep_correct, policy or _DEFAULT_POLICY, criterion)


_DEFAULT_POLICY = Policy()


def _diagnose(question, answer, given, dep_correct, policy, criterion):
    """:func:`diagnose` (floats decide only where Criterion allows)."""
    x = question.answer
    tol = question.tolerance
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
                   lambda: f"right for your own earlier answer to {deps} (error carried "
                           "forward)")
        for m in question.mistakes:
            v = m.value
            if not near(v) or not _finite(v):
                continue           # (far from the answer: cannot match, skip the exact work)
            c = Criterion.of(v, tol)
            if crit.accepts_criterion(c) or (ecf_c is not None and c.target == ecf_c.target):
                continue           # within tolerance of a right answer: indistinguishable
            yield ("mistake", m.id, policy.credit_for_mistake(m.id), c,
                   lambda m=m, v=v: f"{m.label} — that gives {_show(v)}")
        if crit._tf != 0 and near(-crit.display):
            yield ("mistake", "final_sign_flipped", policy.mistake_credit,
                   Criterion.of(-crit.display, tol),
                   lambda: "right size, wrong sign")

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
        note = _rounding_message(answer, c, v, tol, "the answer" if status == "rounding"
                                 else "that value")
        if status == "rounding":
            return Diagnosis("rounding", kind, policy.rounding_credit, note, expected())
        return Diagnosis(status, cid, credit * policy.rounding_credit,
                         f"{message()}; also {note}", expected(), kind)
    return Diagnosis("wrong", "wrong", 0.0,
                     "not the expected value and not one of the recognised mistakes",
                     expected())


def _rounding_message(answer: Parsed, c: Criterion, verdict: str, tolerance,
                      what: str = "the answer") -> str:
    """What went wrong with the rounding, in the words the instruction uses (no value the
    feedback shows elsewhere is repeated)."""
    p = answer.sig_figs
    x = c.target
    said = f'"{answer.text}"' if answer.text else "your value"
    if verdict == "truncated":
        if answer.text and answer.decimals is not None:
            places = answer.decimals
            how = f"{places} decimal{'s' if places != 1 else ''}"
            rounded = round_places(x, places)
        else:
            how = f"{p} significant figure{'s' if p != 1 else ''}"
            rounded = round_sig(x, p)
        return (f"{said} is {what} truncated to {how} instead of rounded (rounded: "
                f"{_fixed(rounded, answer)})")
    t = (tolerance or DEFAULT_TOLERANCE).given
    return (f"{said} is {what} rounded to {p} significant figure{'s' if p != 1 else ''}, "
            f"too few: {t.instruction()}")


def _fixed(r: Fraction, answer: Parsed) -> str:
    """``r`` written with as many decimals as the student wrote (2.50, not 2.5)."""
    if answer.decimals:
        return f"{float(r):.{answer.decimals}f}"
    return _show(r)
