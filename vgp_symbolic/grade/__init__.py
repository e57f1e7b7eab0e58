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
import os
from fractions import Fraction  # noqa: F401  (doctest namespace)
from pathlib import Path

from ..errors import UserError
from .answers import Answer, AnswerSheet, AnswersError, Problem, read_answers, read_answers_text
from ..question import Question
from .compare import DEFAULT_TOLERANCE, Criterion, Policy, PolicyError, Tolerance, judge, to_fraction
from .diagnose import Diagnosis, diagnose
from .engine import ClassResult, QuestionResult, StudentResult, grade_sheet, grade_student
from .gradebook import (class_stats, feedback_text, format_stats, gradebook_rows, rejected_rows,
                        write_feedback, write_gradebook, write_histogram, write_outputs)
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
    "format_stats", "write_histogram", "write_outputs", "rejected_rows",
    "GradeError", "load_class", "grade_class", "sets_from_key",
]


class GradeError(UserError):
    """The inputs cannot be graded at all (missing file, bad assignment or roster, ...)."""


def load_class(assignment_path, roster_path, class_seed=None, key_path=None, progress=None,
               build=None):
    """Load the assignment and roster and every student's question set.

    Returns ``(assignment, {student_id: StudentSet}, warnings)``. With ``build`` (the ``--out``
    folder of `vgp render`) its manifest must match the assignment and ``class_seed``, and the
    sets are read from its key.csv — answers, tolerances, points and mistake catalogue — instead
    of being drawn again; error carried forward rebuilds a problem from the draw recorded in its
    draws.jsonl (or, for a build without one, draws the problem again) when it first needs it. With
    ``key_path`` alone the key's answers, tolerances and points are authoritative over the
    recomputed sets (their catalogue is kept only where the answers agree).
    """
    from ..homework import HomeworkError, load_assignment, load_roster
    try:
        assignment = load_assignment(assignment_path)
        roster = load_roster(roster_path)
    except HomeworkError as e:
        raise GradeError(str(e)) from None
    warnings: list[str] = []
    key = draws = None
    if build is not None:
        from ..homework.manifest import check_manifest, read_draws, read_manifest
        m = read_manifest(build)
        warnings += check_manifest(m, assignment, class_seed, build)
        draws = read_draws(build, m, len(assignment.problems))
        class_seed = m.class_seed
        key_path = Path(build) / "key.csv"
    if key_path is not None:
        try:
            key = read_key(key_path)
        except KeyFileError as e:
            raise GradeError(str(e)) from None
        _check_key_seed(key, assignment, class_seed, key_path)
    try:
        if key is not None and build is not None:
            sets, kw = sets_from_key(assignment, roster, key, class_seed, key_path, progress,
                                     draws)
        else:
            sets, kw = _drawn_sets(assignment, roster, class_seed, key, key_path, progress)
    except HomeworkError as e:
        raise GradeError(str(e)) from None
    return assignment, sets, warnings + kw


def _check_key_seed(key, assignment, class_seed, key_path):
    seeds = {e.class_seed for e in key.values() if e.class_seed is not None}
    want = assignment.seed if class_seed is None else int(class_seed)
    if seeds and seeds != {want}:
        raise GradeError(f"{key_path}: the key was rendered with class seed "
                         f"{', '.join(map(str, sorted(seeds)))}, not {want}; grade with "
                         f"--seed {min(seeds)} (or with --build, which reads it)")


def _drawn_sets(assignment, roster, class_seed, key, key_path, progress):
    from ..homework import student_set
    sets = {}
    for st in roster:
        sets[st.student_id] = student_set(assignment, st, class_seed)
        if progress is not None:
            progress(1)
    if key is None:
        return sets, []
    return _apply_key(sets, key, key_path)


def sets_from_key(assignment, roster, key, class_seed, key_path, progress=None, draws=None):
    """Every roster student's set from a build's key (no drawing); see :func:`load_class`.
    ``draws`` (:func:`~vgp_symbolic.homework.manifest.read_draws`) are the recorded draws."""
    from ..homework import student_set
    from ..homework.model import StudentSet
    infos = assignment.questions
    sets, drawn = {}, 0
    for st in roster:
        entries = [key.get((st.student_id, q.id)) for q in infos]
        if any(e is None or e.mistakes is None or e.depends_on is None for e in entries):
            sets[st.student_id] = student_set(assignment, st, class_seed)   # not in the key
            drawn += 1
        else:
            lazy = _LazySet(assignment, st, class_seed, (draws or {}).get(st.student_id),
                            {i.id for i, e in zip(infos, entries) if e.depends_on})
            qs = tuple(Question(i.id, i.problem, i.prompt, e.answer, e.tolerance, e.points,
                                e.depends_on, e.mistakes,
                                lazy.recompute(i.id, i.number) if e.depends_on else None, i.key)
                       for i, e in zip(infos, entries))
            sets[st.student_id] = StudentSet(st, 0, qs, (), class_seed)
        if progress is not None:
            progress(1)
    warnings = []
    if drawn:
        warnings.append(f"{key_path}: {drawn} student(s) of the roster are not in the key (or "
                        "it has no mistake catalogue); their sets were drawn again")
    return sets, warnings


class _LazySet:
    """A student's problems, each rebuilt only when error carried forward first needs it:
    from the draw `vgp render` recorded (``draw``: each problem's encoded parameters), or
    else drawn again (a build without a draws record)."""

    def __init__(self, assignment, student, class_seed, draw=None, dependent=()):
        self._args, self._problems = (assignment, student, class_seed), {}
        self._draw, self._dependent = draw, dependent

    def recompute(self, qid, number):
        def recompute(values):
            fns = self._problems.get(number)
            if fns is None:
                fns = self._problems[number] = self._rebuild(number)
            return fns[qid](values)
        return recompute

    def _rebuild(self, number) -> dict:
        a, st, cs = self._args
        if self._draw is not None:
            from ..homework.manifest import decode_params
            from ..homework.sets import recomputes_at
            qids = [q.id for q in a.problems[number - 1].questions if q.id in self._dependent]
            return recomputes_at(a, number, decode_params(self._draw[number - 1]), qids)
        from ..homework.sets import solve_problem
        return {q.id: q.recompute for q in solve_problem(a, st, number, cs).questions}


def _apply_key(sets, key, key_path):
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
            qs.append(dataclasses.replace(
                q, answer=k.answer, tolerance=k.tolerance, points=k.points,
                **({} if same else {"mistakes": (), "recompute": None})))
        out[sid] = dataclasses.replace(s, questions=tuple(qs))
    warnings = []
    if missing:
        warnings.append(f"{key_path}: {missing} student/question pair(s) not in the key; "
                        "graded against the recomputed answers")
    if differ:
        warnings.append(f"{key_path}: {differ} key answer(s) differ from the answers recomputed "
                        "from the seeds (an edited assignment?); the key is used and only "
                        "generic diagnoses are made for those")
    extra = {k[0] for k in key} - set(sets)
    if extra:
        warnings.append(f"{key_path}: {len(extra)} student(s) in the key are not on the roster")
    return out, warnings


def grade_class(assignment_path, roster_path, answers_path, *, class_seed=None, key_path=None,
                build=None, decimal_comma=False, progress=None, jobs=None) -> ClassResult:
    """Grade an answers CSV end to end (no files written; see :func:`write_outputs`).

    ``progress(stage, total)`` may return a per-student callback (a progress bar); ``jobs``
    processes grade (default: the number of cores). Raises
    :class:`GradeError` when nothing can be graded; problems with single rows are reported
    in the result instead.
    """
    tick = progress("preparing question sets", None) if progress else None
    assignment, sets, warnings = load_class(assignment_path, roster_path, class_seed, key_path,
                                            tick, build)
    try:
        policy = Policy.from_grading(assignment.grading or {})
    except PolicyError as e:
        raise GradeError(f"{assignment_path}: {e}") from None
    qids = [q.id for q in assignment.questions]
    try:
        sheet = read_answers(answers_path, qids, list(sets), decimal_comma)
    except AnswersError as e:
        raise GradeError(str(e)) from None
    tick = progress("grading", len(sets)) if progress else None
    result = grade_sheet(sets, sheet, policy, decimal_comma, tick,
                         jobs if jobs is not None else (os.cpu_count() or 1))
    result.warnings[:0] = warnings
    result.title = assignment.id
    commas = sum(1 for s in result.students for r in s.results.values()
                 if r.diagnosis.status == "unreadable" and r.text and "," in r.text)
    if commas and not decimal_comma:
        # the hint for the instructor goes to the terminal, never into a student's feedback
        result.warnings.append(f"{commas} unreadable answer(s) contain ','; if the class writes "
                               "2,498 for 2.498, grade with --decimal-comma")
    if result.graded_answers == 0:
        raise GradeError(f"{answers_path}: nothing could be graded ({len(sheet.data_lines)} data "
                         f"line(s), {len({p.line for p in sheet.problems})} not graded); no files "
                         "were written")
    return result
