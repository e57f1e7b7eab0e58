"""One student's problem set: seeded draws, answers from the core, checked mistakes.

The seed comes from SHA-256 of the assignment id, the class seed and the student id (never
Python's ``hash()``, which is salted per process), so a re-render gives the same numbers and a
new ``--seed`` gives the whole class new ones. Each problem draws from its own stream, so
adding a problem to an assignment leaves the others' numbers unchanged.

A draw is kept only when every catalogued mistake is told apart from the answer, from the
other mistakes and from the answer's sign flip (which the grader detects generically) under the
question's tolerance; otherwise the next draw of the same stream is tried (deterministic).

>>> student_seed("hw1", 0, "s001") == student_seed("hw1", 0, "s001")
True
>>> student_seed("hw1", 0, "s001") != student_seed("hw1", 1, "s001")
True
"""
from __future__ import annotations

import hashlib
import random

from .draw import draw_params
from .model import (Assignment, HomeworkError, Mistake, ProblemRender, ProblemUse, Question,
                    Student, StudentSet)
from .types import TYPES, Reject

__all__ = ["student_seed", "student_set", "solve_problem", "draw_problem", "problem_rng",
           "recomputes_at", "MAX_DRAWS"]

MAX_DRAWS = 2000


def student_seed(assignment_id: str, class_seed: int, student_id: str) -> int:
    """A 64-bit seed from the assignment, the class seed and the student id."""
    digest = hashlib.sha256(f"{assignment_id}|{class_seed}|{student_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def problem_rng(seed: int, use: ProblemUse) -> random.Random:
    digest = hashlib.sha256(f"{seed}|{use.number}|{use.spec.name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def student_set(assignment: Assignment, student: Student, class_seed: int | None = None
                ) -> StudentSet:
    """Draw and solve every problem of ``assignment`` for ``student``.

    ``class_seed`` None uses the assignment's ``seed``. Raises :class:`HomeworkError` naming the
    student when no acceptable draw exists.

    >>> from pathlib import Path
    >>> from .assignment import load_assignment
    >>> a = load_assignment(Path(__file__).parents[1] / "problems" / "hw1.toml")
    >>> s = student_set(a, Student("s001", "Ada", 2))
    >>> q = s.question("q1b")
    >>> q.depends_on, q.recompute({"q1a": s.question("q1a").answer}) == q.answer
    (('q1a',), True)
    """
    cs = assignment.seed if class_seed is None else int(class_seed)
    seed = student_seed(assignment.id, cs, student.student_id)
    problems, questions = [], []
    for use in assignment.problems:
        pr = _solve_problem(use, problem_rng(seed, use), student, assignment)
        problems.append(pr)
        questions += pr.questions
    return StudentSet(student, seed, tuple(questions), tuple(problems), cs)


def solve_problem(assignment: Assignment, student: Student, number: int,
                  class_seed: int | None = None) -> ProblemRender:
    """Problem ``number`` (1-based) of ``student``'s set alone, exactly as :func:`student_set`
    draws it (each problem has its own stream): what grading needs to carry an error forward.

    >>> from pathlib import Path
    >>> from .assignment import load_assignment
    >>> a = load_assignment(Path(__file__).parents[1] / "problems" / "hw1.toml")
    >>> st = Student("s001", "Ada", 2)
    >>> solve_problem(a, st, 1).questions == student_set(a, st).problems[0].questions
    True
    """
    cs = assignment.seed if class_seed is None else int(class_seed)
    use = assignment.problems[number - 1]
    return _solve_problem(use, problem_rng(student_seed(assignment.id, cs, student.student_id),
                                            use), student, assignment)


def recomputes_at(assignment: Assignment, number: int, params: dict, qids) -> dict:
    """``question id → recompute`` (or None) for the questions ``qids`` of problem ``number``
    at the draw ``params`` that `vgp render` accepted and recorded (``draws.jsonl``): no draw
    loop, no mistakes, no template context -- the same functions :func:`student_set` gives.

    >>> from pathlib import Path
    >>> from .assignment import load_assignment
    >>> a = load_assignment(Path(__file__).parents[1] / "problems" / "hw1.toml")
    >>> s = student_set(a, Student("s001", "Ada", 2))
    >>> r = recomputes_at(a, 1, s.problems[0].params, ["q1b"])["q1b"]
    >>> r({"q1a": 0.01}) == s.question("q1b").recompute({"q1a": 0.01})
    True
    """
    use = assignment.problems[number - 1]
    impl = use.spec.impl or TYPES[use.spec.kind]
    by_id = {q.id: q for q in use.questions}
    by_key = {q.key: q for q in use.questions}
    answers = impl.answers_for(params, [by_id[i].key for i in qids])
    out = {}
    for i in qids:
        a = answers[by_id[i].key]
        ids = {by_key[k].id: k for k in a.depends_on if k in by_key}
        out[i] = _recompute(a, ids) if ids else None
    return out


def _solve_problem(use: ProblemUse, rng: random.Random, student: Student,
                   assignment: Assignment) -> ProblemRender:
    return draw_problem(use, rng, student, assignment)[0]


def draw_problem(use: ProblemUse, rng: random.Random, student: Student,
                 assignment: Assignment) -> tuple[ProblemRender, tuple[str, ...], str | None]:
    """One problem's accepted draw, the reasons of the draws rejected before it (in order; a
    clash names its question id first, ``"q1a: ..."``) and, for fixed parameters, the first
    clash whose mistakes were dropped instead (`vgp check` reports both)."""
    impl = use.spec.impl or TYPES[use.spec.kind]
    fixed = all(s.kind == "fixed" or (s.kind == "choices" and len(s.choices) == 1)
                for s in use.params.values())
    rejected = []
    for _ in range(1 if fixed else MAX_DRAWS):
        params = draw_params(use.params, rng)
        try:
            solved = impl.solve(params)
        except Reject as e:
            rejected.append(str(e))
            continue
        qs, clash = _questions(use, solved, drop_clashes=fixed)
        if clash and not fixed:
            rejected.append(clash)
            continue
        return (ProblemRender(use.number, use.spec.kind, use.spec.title, use.spec.template,
                              params, solved.full_context(), tuple(qs)), tuple(rejected), clash)
    last = rejected[-1] if rejected else "no draw"
    how = "its fixed parameters" if fixed else f"{MAX_DRAWS} draws"
    where = f"{assignment.path}, line {use.line}" if use.line else str(assignment.path)
    raise HomeworkError(f"{where}: problem {use.number} ({use.spec.name}) has no "
                        f"acceptable parameters for student {student.student_id!r} after {how} "
                        f"(last reason: {last}); widen the parameter ranges (in "
                        f"{use.spec.path.name} or the assignment's params)")


def _questions(use: ProblemUse, solved, drop_clashes: bool):
    by_key = {q.key: q for q in use.questions}
    out, first = [], None
    for info in use.questions:
        a = solved.answers[info.key]
        deps = tuple(by_key[k].id for k in a.depends_on if k in by_key)
        recompute = _recompute(a, {by_key[k].id: k for k in a.depends_on if k in by_key}) \
            if deps else None
        mistakes = tuple(a.mistakes)
        clash = _clash(info.tolerance, a.value, mistakes)
        if clash and drop_clashes:
            mistakes = _drop_clashing(info.tolerance, a.value, mistakes)
            first = first or f"{info.id}: {clash}"
        elif clash:
            return None, f"{info.id}: {clash}"
        out.append(Question(info.id, use.spec.name, info.prompt, a.value, info.tolerance,
                            info.points, deps, mistakes, recompute, info.key))
    return out, first


def _recompute(answer, id_to_key: dict):
    """The problem type's recompute takes answer keys; the grader passes question ids."""
    def recompute(values: dict):
        return answer.recompute({id_to_key[q]: v for q, v in values.items() if q in id_to_key})
    return recompute


def _close(tol, a, b) -> bool:
    return tol.near(a, b) or tol.near(b, a)


def _clash(tol, answer, mistakes: tuple[Mistake, ...]) -> str | None:
    """Why two values cannot be told apart under ``tol``, or None."""
    named = [("the answer", answer)]
    if answer != 0:
        named.append(("the answer's sign flip", -answer))
    named += [(f"mistake {m.id} ({m.label})", m.value) for m in mistakes]
    for i in range(len(named)):
        for j in range(i + 1, len(named)):
            if i == 0 and j == 1 and answer != 0:
                continue
            if _close(tol, named[i][1], named[j][1]):
                return f"{named[j][0]} gives {named[j][1]}, too close to {named[i][0]}"
    return None


def _drop_clashing(tol, answer, mistakes):
    """With fixed parameters nothing can be redrawn: keep only the mistakes told apart."""
    kept = []
    for m in mistakes:
        others = [answer] + ([-answer] if answer != 0 else []) + [k.value for k in kept]
        if not any(_close(tol, o, m.value) for o in others):
            kept.append(m)
    return tuple(kept)
