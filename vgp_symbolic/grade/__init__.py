"""Grading a class's numeric answers, each against that student's own parameters.

Pieces, one concept each:

* :mod:`.parse` — reading a student's answer with a small whitelist parser (never Python's own);
* :mod:`.compare` — tolerances, significant figures and the partial-credit policy;
* :mod:`.diagnose` — which step went wrong (catalogued mistakes, rounding, error carried forward);
* :mod:`.answers` — the answers CSV (long or wide), every row accounted for;
* :mod:`.key` — ``key.csv`` from ``vgp render`` as the authoritative answers;
* :mod:`.engine` — grading every student in order;
* :mod:`.gradebook` — gradebook CSV, feedback files, statistics and histogram.

>>> parse("(1/4)^10")
Fraction(1, 1048576)
"""
from __future__ import annotations

import dataclasses
from fractions import Fraction  # noqa: F401  (doctest namespace)
from types import SimpleNamespace

from ..errors import UserError
from .answers import Answer, AnswerSheet, AnswersError, Problem, read_answers, read_answers_text
from .compare import DEFAULT_TOLERANCE, Criterion, Policy, PolicyError, Tolerance, judge
from .diagnose import Diagnosis, diagnose
from .engine import ClassResult, QuestionResult, StudentResult, grade_sheet, grade_student
from .gradebook import (class_stats, feedback_text, format_stats, gradebook_rows,
                        write_feedback, write_gradebook, write_histogram)
from .key import KeyFileError, read_key
from .parse import ParseError, Parsed, parse, parse_answer

__all__ = [
    "parse", "parse_answer", "Parsed", "ParseError",
    "Tolerance", "DEFAULT_TOLERANCE", "Criterion", "Policy", "PolicyError", "judge",
    "Diagnosis", "diagnose",
    "Answer", "AnswerSheet", "AnswersError", "Problem", "read_answers", "read_answers_text",
    "read_key", "KeyFileError",
    "ClassResult", "StudentResult", "QuestionResult", "grade_sheet", "grade_student",
    "gradebook_rows", "write_gradebook", "write_feedback", "feedback_text", "class_stats",
    "format_stats", "write_histogram",
    "GradeError", "load_class", "grade_class",
]


class GradeError(UserError):
    """The inputs cannot be graded at all (missing file, bad assignment or roster, ...)."""


def load_class(assignment_path, roster_path, class_seed=None, key_path=None, progress=None):
    """Load the assignment and roster and build every student's question set.

    Returns ``(assignment, {student_id: StudentSet}, warnings)``. With ``key_path`` the key's
    answers, tolerances and points are authoritative; the recomputed mistake catalogue is kept
    only where the recomputed answer agrees with the key (else only generic diagnoses apply).
    """
    from ..homework import HomeworkError, load_assignment, load_roster, student_set
    try:
        assignment = load_assignment(assignment_path)
        roster = load_roster(roster_path)
    except HomeworkError as e:
        raise GradeError(str(e)) from None
    sets, warnings = {}, []
    for st in roster:
        try:
            sets[st.student_id] = student_set(assignment, st, class_seed)
        except HomeworkError as e:
            raise GradeError(str(e)) from None
        if progress is not None:
            progress(1)
    if key_path is not None:
        try:
            key = read_key(key_path)
        except KeyFileError as e:
            raise GradeError(str(e)) from None
        sets, kw = _apply_key(sets, key, key_path)
        warnings += kw
    return assignment, sets, warnings


def _replace(q, **kw):
    if dataclasses.is_dataclass(q):
        return dataclasses.replace(q, **kw)
    return SimpleNamespace(**{**vars(q), **kw})


def _apply_key(sets, key, key_path):
    from .compare import to_fraction
    out, missing, differ = {}, 0, 0
    for sid, s in sets.items():
        qs = []
        for q in s.questions:
            k = key.get((sid, q.id))
            if k is None:
                missing += 1
                qs.append(q)
                continue
            same = to_fraction(k.answer) == to_fraction(q.answer)
            if not same:
                differ += 1
            qs.append(_replace(q, answer=k.answer, tolerance=k.tolerance, points=k.points,
                               **({} if same else {"mistakes": (), "recompute": None})))
        out[sid] = _replace(s, questions=tuple(qs))
    warnings = []
    if missing:
        warnings.append(f"{key_path}: {missing} student/question pair(s) not in the key; "
                        "graded against the recomputed answers")
    if differ:
        warnings.append(f"{key_path}: {differ} key answer(s) differ from the answers recomputed "
                        "from the seeds (another class seed or an edited assignment?); the key "
                        "is used and only generic diagnoses are made for those")
    extra = {k[0] for k in key} - set(sets)
    if extra:
        warnings.append(f"{key_path}: {len(extra)} student(s) in the key are not on the roster")
    return out, warnings


def grade_class(assignment_path, roster_path, answers_path, *, class_seed=None, key_path=None,
                decimal_comma=False, progress=None) -> ClassResult:
    """Grade an answers CSV end to end (no files written); see :mod:`vgp_symbolic.cli.grade`.

    Raises :class:`GradeError` when nothing can be graded; problems with single rows are
    reported in the result instead.
    """
    assignment, sets, warnings = load_class(assignment_path, roster_path, class_seed, key_path)
    try:
        policy = Policy.from_grading(getattr(assignment, "grading", {}) or {})
    except PolicyError as e:
        raise GradeError(f"{assignment_path}: {e}") from None
    qids = [q.id for q in next(iter(sets.values())).questions] if sets else []
    try:
        sheet = read_answers(answers_path, qids, list(sets), decimal_comma)
    except AnswersError as e:
        raise GradeError(str(e)) from None
    result = grade_sheet(sets, sheet, policy, decimal_comma, progress)
    result.warnings[:0] = warnings
    return result
