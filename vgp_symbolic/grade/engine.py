"""Grading a class: every student's answers against that student's own questions.

The questions come from the homework package (``student_set``), one set per student, so each
answer is compared with the value *that* student's parameters give. Parts are graded in
order, so a later part can use the student's own earlier answers (error carried forward).

>>> from fractions import Fraction as F
>>> from vgp_symbolic.homework.model import Student, StudentSet
>>> from vgp_symbolic.question import Question, Tolerance
>>> from .answers import read_answers_text
>>> q = Question("q1", "demo", "", F(1, 500), Tolerance(sig_figs=3), 2.0, (), ())
>>> sets = {"s1": StudentSet(Student("s1", "Ada", 2), 0, (q,))}
>>> sheet = read_answers_text("student_id,q1\\ns1,2e-3\\n", ["q1"], ["s1"])
>>> r = grade_sheet(sets, sheet)
>>> r.students[0].total, r.students[0].results["q1"].diagnosis.id
(2.0, 'correct')
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field

from .answers import Answer, AnswerSheet, Problem
from .compare import Policy
from .diagnose import CORRECT, Diagnosis, diagnose, blank, unreadable
from .parse import ParseError, parse_answer

__all__ = ["QuestionResult", "StudentResult", "ClassResult", "grade_sheet", "grade_student"]


@dataclass(slots=True)
class QuestionResult:
    """One question of one student: the answer as written, the verdict and the points."""

    question: str
    text: str | None             # None: no answer given
    line: int | None             # input line of the answer
    diagnosis: Diagnosis
    points: float
    max_points: float
    prompt: str = ""
    tolerance: object = None     # the question's Tolerance (for the precision instruction)
    answer: object = None        # the correct value (shown in the feedback, always)


@dataclass
class StudentResult:
    """One roster student: per-question results in question order, and input problems."""

    student_id: str
    name: str
    results: dict[str, QuestionResult]
    problems: list[Problem] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(r.points for r in self.results.values()), 6)

    @property
    def max_total(self) -> float:
        return round(sum(r.max_points for r in self.results.values()), 6)

    @property
    def submitted(self) -> bool:
        """True when at least one answer (possibly blank) came from the input."""
        return any(r.line is not None for r in self.results.values())

    @property
    def lines(self) -> list[int]:
        """Input lines graded into this row."""
        return sorted({r.line for r in self.results.values() if r.line is not None})


@dataclass
class ClassResult:
    """The whole class: roster students in order, plus rows that belong to no roster student."""

    question_ids: list[str]
    points: dict[str, float]
    students: list[StudentResult]
    sheet: AnswerSheet
    unattached: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    title: str = ""                  # the assignment's id, for the feedback and histogram

    @property
    def graded_answers(self) -> int:
        """Answers taken from the input and graded (blank cells of the wide layout included)."""
        return sum(1 for s in self.students for r in s.results.values() if r.line is not None)

    def line_outcomes(self) -> dict[int, str]:
        """Every non-blank input data line → ``"graded"`` or ``"invalid: <reason>"``.

        A wide row with one bad cell is both graded and reported; it counts as graded.
        """
        out: dict[int, str] = {}
        for p in self.sheet.problems:
            out.setdefault(p.line, f"invalid: {p.reason}")
        for s in self.students:
            for ln in s.lines:
                out[ln] = "graded"
        return out


def grade_student(student_set, answers: dict[str, Answer], policy: Policy | None = None,
                  decimal_comma: bool = False) -> StudentResult:
    """Grade one student's answers (``question id → Answer``) against their question set.

    >>> from fractions import Fraction as F
    >>> from vgp_symbolic.homework.model import Student, StudentSet
    >>> from vgp_symbolic.question import Question, Tolerance
    >>> q = Question("q1", "demo", "", F(1, 2), Tolerance(rel=1e-3), 1.0, (), ())
    >>> s = StudentSet(Student("s1", "", 2), 0, (q,))
    >>> grade_student(s, {"q1": Answer(2, "s1", "q1", "0.25^4")}).results["q1"].diagnosis.id
    'wrong'
    """
    if not policy:
        policy = Policy()
    st = student_set.student
    results: dict[str, QuestionResult] = {}
    # what a later part builds on: the student's own value when readable (for ECF); a Parsed
    # stands for its exact value, which is made only if error carried forward needs it
    given: dict[str, object] = {}
    ok: dict[str, bool] = {}
    get = answers.get
    for q in student_set.questions:
        qid = q.id
        a = get(qid)
        pts = float(q.points)
        text = line = None
        if a is not None:
            text, line = a.text, a.line
        if text is None or not text.strip():
            d = blank(q)
            given[qid] = q.answer
            ok[qid] = True
        else:
            try:
                parsed = parse_answer(text, decimal_comma)
            except ParseError as e:
                d = unreadable(q, str(e))
                given[qid] = q.answer
                ok[qid] = True
            else:
                d = diagnose(q, parsed, given, ok, policy)
                given[qid] = parsed
                ok[qid] = d is CORRECT or d.status == "correct"
        v = pts * d.credit
        # round(v, 6) leaves a multiple of 1/64 as it is (its decimals end by the 6th place)
        results[qid] = QuestionResult(qid, text, line, d,
                                      v if (v * 64.0).is_integer() else round(v, 6), pts,
                                      q.prompt, q.tolerance, q.answer)
    return StudentResult(st.student_id, st.name, results)


def grade_sheet(student_sets, sheet: AnswerSheet, policy: Policy | None = None,
                decimal_comma: bool = False, progress=None, jobs: int = 1) -> ClassResult:
    """Grade every roster student (``student_sets``: id → StudentSet, in roster order).

    ``progress`` is an optional callable invoked once per student (for a progress bar).
    ``jobs`` > 1 shares a large class between this process and ``jobs - 1`` forked ones (where
    the system forks): grading is pure-Python work.
    """
    policy = policy or Policy()
    with _gc_paused():
        if jobs > 1 and len(student_sets) >= 64 * jobs and _can_fork():
            return _grade_forked(student_sets, sheet, policy, decimal_comma, progress, jobs)
        return _grade_sheet(student_sets, sheet, policy, decimal_comma, progress)


def _can_fork() -> bool:
    import multiprocessing
    return "fork" in multiprocessing.get_all_start_methods()


_FORKED: tuple = ()      # what forked workers inherit: (student sets, answers by student, policy, …)


def _grade_slice(sids):
    """Grade ``sids`` in a forked process; the results go back as plain tuples, without what
    the parent has already (a Fraction unpickles slowly, from its text): see :func:`_unpack`."""
    sets, by_student, policy, decimal_comma = _FORKED
    with _gc_paused():
        out = []
        for sid in sids:
            r = grade_student(sets[sid], by_student.get(sid, {}), policy, decimal_comma)
            out.append((r.student_id, r.name, [
                (q.text, q.line, None if q.diagnosis is CORRECT else tuple(q.diagnosis),
                 q.points) for q in r.results.values()]))
        return out


def _unpack(packed, student_set) -> StudentResult:
    """A result of :func:`_grade_slice` back as the :class:`StudentResult` it was."""
    sid, name, rows = packed
    return StudentResult(sid, name, {
        q.id: QuestionResult(q.id, text, line, CORRECT if d is None else Diagnosis._make(d),
                             pts, float(q.points), q.prompt, q.tolerance, q.answer)
        for q, (text, line, d, pts) in zip(student_set.questions, rows)})


def _grade_forked(student_sets, sheet, policy, decimal_comma, progress, jobs):
    """:func:`_grade_sheet` with the students shared by ``jobs`` processes: this one grades the
    first share while ``jobs - 1`` forked ones grade the others (they inherit the sets: only
    their results are sent back)."""
    global _FORKED
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    by_student: dict[str, dict[str, Answer]] = {}
    for a in sheet.answers:
        by_student.setdefault(a.student_id, {})[a.question] = a
    sids = list(student_sets)
    size = -(-len(sids) // jobs)
    shares = [sids[i:i + size] for i in range(0, len(sids), size)]
    _FORKED = (student_sets, by_student, policy, decimal_comma)
    graded: dict[str, StudentResult] = {}
    gc.freeze()          # a collection in a child then never touches (copies) the inherited pages
    try:
        with ProcessPoolExecutor(len(shares) - 1,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            others = [pool.submit(_grade_slice, share) for share in shares[1:]]
            for sid in shares[0]:
                graded[sid] = grade_student(student_sets[sid], by_student.get(sid, {}), policy,
                                            decimal_comma)
                if progress is not None:
                    progress(1)
            for f in others:
                part = f.result()
                for packed in part:
                    graded[packed[0]] = _unpack(packed, student_sets[packed[0]])
                if progress is not None:
                    progress(len(part))
    finally:
        _FORKED = ()
        gc.unfreeze()
    return _assemble(student_sets, sheet, graded)


@contextmanager
def _gc_paused():
    """Grading allocates many small acyclic objects; the cycle collector re-scanning every
    result kept so far costs a fifth of the time, and finds nothing to collect."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _grade_sheet(student_sets, sheet, policy, decimal_comma, progress):
    by_student: dict[str, dict[str, Answer]] = {}
    for a in sheet.answers:
        mine = by_student.get(a.student_id)
        if mine is None:
            mine = by_student[a.student_id] = {}
        mine[a.question] = a
    graded = {}
    for sid, sset in student_sets.items():
        graded[sid] = grade_student(sset, by_student.get(sid, {}), policy, decimal_comma)
        if progress is not None:
            progress(1)
    return _assemble(student_sets, sheet, graded)


def _assemble(student_sets, sheet, graded) -> ClassResult:
    """The class result from every student's, with the input problems attached."""
    problems: dict[str, list[Problem]] = {}
    unattached = []
    for p in sheet.problems:
        if p.student_id is not None:
            problems.setdefault(p.student_id, []).append(p)
        else:
            unattached.append(p)
    students = []
    qids: list[str] = []
    points: dict[str, float] = {}
    for sid, sset in student_sets.items():
        r = graded[sid]
        r.problems = problems.get(sid, [])
        students.append(r)
        for q in sset.questions:
            if q.id not in points:
                qids.append(q.id)
                points[q.id] = float(q.points)
    return ClassResult(qids, points, students, sheet, unattached, list(sheet.warnings))
