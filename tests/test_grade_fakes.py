"""Small stand-ins of the homework records (docs/homework-interface.md) for grading tests.

Not a test module itself (no tests here); the grading tests import it so they do not depend on
the homework package being finished.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction as F
from typing import Callable


@dataclass(frozen=True)
class Tolerance:
    rel: float | None = None
    abs: float | None = None
    sig_figs: int | None = None


@dataclass(frozen=True)
class Mistake:
    id: str
    label: str
    value: object


@dataclass(frozen=True)
class Question:
    id: str
    answer: object
    tolerance: Tolerance = Tolerance()
    points: float = 1.0
    depends_on: tuple = ()
    mistakes: tuple = ()
    recompute: Callable | None = None
    prompt: str = ""
    problem: str = "fake"


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str = ""
    line: int = 0


@dataclass(frozen=True)
class StudentSet:
    student: Student
    questions: tuple
    seed: int = 0


def questions_for(k: int):
    """Three questions for student number k: q1 a gradient product, q2 the update using it
    (ECF), q3 (1/4)^10. For k = 0: q1 = 0.2·0.5·0.2 = 0.02, q2 = 2.5 − 0.02 = 2.48."""
    lr = F(1)
    old = F(5, 2) + F(k, 10)
    f = (F(1, 5), F(1, 2), F(1, 5) + F(k, 100))
    g = f[0] * f[1] * f[2]
    q1 = Question("q1", g, Tolerance(sig_figs=3), 2.0, (), (
        Mistake("sigma_for_sigma_prime", "you used σ(z) where σ′(z) belongs", g * 4),
        Mistake("factor_left_out", "factor ∂L/∂o was left out", f[1] * f[2]),
    ), None, "∂L/∂w")
    q2 = Question("q2", old - lr * g, Tolerance(sig_figs=3), 2.0, ("q1",), (
        Mistake("sign_flipped", "the update went uphill: w + η·g", old + lr * g),
        Mistake("lr_forgotten", "η was left out", old - g / 2 if lr != 1 else old - 2 * g),
    ), lambda given, old=old, lr=lr: old - lr * given["q1"], "new w")
    q3 = Question("q3", F(1, 4) ** 10, Tolerance(rel=1e-3), 1.0, (), (
        Mistake("wrong_layer_count", "(1/4)^n with the wrong n", F(1, 4) ** 9),
    ), None, "(1/4)^10")
    return (q1, q2, q3)


def fake_class(n: int = 3):
    """``{student_id: StudentSet}`` for students s1..sn."""
    return {f"s{k}": StudentSet(Student(f"s{k}", f"Student {k}", k + 1), questions_for(k))
            for k in range(1, n + 1)}
