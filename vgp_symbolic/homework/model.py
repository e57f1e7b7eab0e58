"""The records `vgp render` produces and `vgp grade` consumes (see docs/homework-interface.md).

They are plain frozen dataclasses: a :class:`StudentSet` is everything one student's problem set
is made of -- the drawn parameters, each question's answer, tolerance, points and catalogued
mistakes -- so that the PDF, the worked solution, ``key.csv`` and the grader all read the same
numbers.

>>> Tolerance(rel=1e-3).describe(), Tolerance(abs=0).describe()
('within 0.1 %', 'exactly')
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable, Union


__all__ = ["HomeworkError", "Tolerance", "Mistake", "Question", "Student", "StudentSet",
           "QuestionInfo", "Assignment", "ProblemSpec", "ProblemUse", "ProblemRender", "Number"]

Number = Union[Fraction, float]


class HomeworkError(ValueError):
    """Bad homework input; ``str()`` names the file and line (and the student when known)."""


@dataclass(frozen=True)
class Tolerance:
    """How close an answer must be; a value is accepted when ANY given criterion holds."""

    rel: float | None = None       # |a − x| ≤ rel·|x|
    abs: float | None = None       # |a − x| ≤ abs
    sig_figs: int | None = None    # a agrees with x rounded to this many significant figures

    def near(self, answer: Number, value: Number, margin: float = 1.01) -> bool:
        """A fast float check with the tolerance widened by ``margin``: used to keep catalogued
        mistakes clearly apart (a draw is rejected when two values are even nearly accepted)."""
        a, v = float(answer), float(value)
        d = abs(v - a)
        if d == 0:
            return True
        if self.rel is not None and d <= margin * self.rel * abs(a):
            return True
        if self.abs is not None and d <= margin * self.abs:
            return True
        if self.sig_figs is not None and a != 0:
            # within half a unit of the last kept figure: may round to the same number
            unit = 10.0 ** (math.floor(math.log10(abs(a))) - self.sig_figs + 1)
            if d <= margin * unit / 2:
                return True
        return False

    def describe(self) -> str:
        """Plain words, e.g. ``within 0.1 %`` or ``within ±0.0001``."""
        parts = []
        if self.rel is not None:
            parts.append(f"within {_pct(self.rel)} %")
        if self.abs is not None:
            parts.append("exactly" if self.abs == 0 else f"within ±{self.abs:g}")
        if self.sig_figs is not None:
            parts.append(f"to {self.sig_figs} significant figures")
        return " or ".join(parts) or "exactly"


def _pct(rel: float) -> str:
    return f"{rel * 100:g}"


@dataclass(frozen=True)
class Mistake:
    """A catalogued wrong answer and the value it produces for one student's parameters.

    The same ``id`` may occur several times in one question (e.g. ``factor_left_out`` once per
    factor); ``label`` then says which one.
    """

    id: str
    label: str
    value: Number


@dataclass(frozen=True)
class Question:
    """One answer a student gives, with everything needed to grade it."""

    id: str                      # "q1a", "q1b", ...
    problem: str                 # problem type name, e.g. "chain_route"
    prompt: str                  # plain text
    answer: Number
    tolerance: Tolerance
    points: float
    depends_on: tuple[str, ...]
    mistakes: tuple[Mistake, ...]
    recompute: Callable[[dict], Number] | None = field(default=None, compare=False, repr=False)
    key: str = ""                # the problem type's name for this answer, e.g. "product"

    @property
    def exact(self) -> bool:
        return isinstance(self.answer, Fraction)


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
    templates: Path | None = None
    document: str = "document.tex"

    @property
    def total_points(self) -> float:
        return sum(q.points for q in self.questions)
