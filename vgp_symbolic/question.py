"""The contract between homework and grading: a question, its tolerance, its mistakes, the key file.

`vgp render` builds :class:`Question` records per student and writes them to ``key.csv`` with
:data:`KEY_COLUMNS`; `vgp grade` reads them back (or rebuilds them) and judges answers by the same
:class:`Tolerance`. One definition here, imported by both sides.

>>> Tolerance(rel=1e-3).describe(), Tolerance(abs=0).describe()
('within 0.1 %', 'exactly')
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Union

__all__ = ["Number", "Tolerance", "Mistake", "Question", "KEY_COLUMNS"]

Number = Union[Fraction, float]

# key.csv: one row per (student, question); written by homework.build, read by grade.key.
KEY_COLUMNS = ("student_id", "question", "answer", "exact", "rel_tol", "abs_tol", "sig_figs",
               "points")


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
