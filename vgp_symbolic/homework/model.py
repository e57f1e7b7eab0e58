"""The records `vgp render` produces and `vgp grade` consumes (see docs/homework-interface.md).

They are plain frozen dataclasses: a :class:`StudentSet` is everything one student's problem set
is made of -- the drawn parameters and its :class:`~vgp_symbolic.question.Question` records (each
answer, tolerance, points and catalogued mistakes) -- so that the PDF, the worked solution,
``key.csv`` and the grader all read the same numbers.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..question import Mistake, Number, Question, Tolerance


__all__ = ["HomeworkError", "Tolerance", "Mistake", "Question", "Student", "StudentSet",
           "QuestionInfo", "Assignment", "ProblemSpec", "ProblemUse", "ProblemRender", "Number"]



class HomeworkError(UserError):
    """Bad homework input; ``str()`` names the file and line (and the student when known)."""


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str
    line: int   # line of the roster CSV


@dataclass(frozen=True)
class ProblemRender:
    """What a problem's template receives, besides the questions: numbers and solution LaTeX."""

    number: int                  # 1-based position in the assignment
    type: str
    title: str
    template: str                # template file name (in the templates directory)
    params: dict                 # the drawn parameters (exact Fractions where possible)
    context: dict                # template variables computed by the problem type
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class StudentSet:
    student: Student
    seed: int
    questions: tuple[Question, ...]
    problems: tuple[ProblemRender, ...] = ()
    class_seed: int = 0

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


# -- assignment records ----------------------------------------------------------------------
@dataclass(frozen=True)
class ProblemSpec:
    """A problem type's TOML (``problems/<name>.toml``), validated."""

    name: str                    # file stem, e.g. "chain_route"
    path: Path
    kind: str                    # the implementation in problem_types, usually == name
    title: str
    template: str
    params: dict                 # name -> draw spec (see draw.py)
    answers: dict                # key -> {"prompt", "tolerance": Tolerance, "points"}
    impl: object = None          # the solver when the file defines it (type = "network")


@dataclass(frozen=True)
class QuestionInfo:
    """A question as the assignment defines it (the same for every student)."""

    id: str
    problem: str
    key: str
    prompt: str
    tolerance: Tolerance
    points: float
    number: int                  # problem number
    universal: bool = False      # the same answer for everyone by design (`vgp check` allows it)
    line: int | None = None      # the question's line in its problem file


@dataclass(frozen=True)
class ProblemUse:
    """One ``[[problems]]`` entry of an assignment."""

    number: int
    spec: ProblemSpec
    keys: tuple[str, ...]        # answers asked, in order
    params: dict                 # draw specs, with the assignment's overrides applied
    questions: tuple[QuestionInfo, ...]
    line: int | None = None


@dataclass(frozen=True)
class Assignment:
    path: Path
    id: str
    title: str
    seed: int
    problems: tuple[ProblemUse, ...]
    questions: tuple[QuestionInfo, ...]
    grading: dict
    course: str = ""
    instructions: str = ""
    templates: tuple[Path, ...] = ()   # searched in order: the assignment's, the library's
    document: str = "document.tex"
    date: "datetime.date | None" = None

    @property
    def total_points(self) -> float:
        return sum(q.points for q in self.questions)
