"""A small class of real homework records (question.Question, homework.model.StudentSet) for
grading tests that need known numbers rather than drawn ones.

Not a test module itself; the grading tests import it.
"""
from __future__ import annotations

from fractions import Fraction as F

from vgp_symbolic.homework.model import Student, StudentSet
from vgp_symbolic.question import Mistake, Tolerance
from vgp_symbolic.question import Question as _Question

__all__ = ["Question", "Mistake", "Tolerance", "Student", "StudentSet", "questions_for",
           "fake_class"]


def Question(id, answer, tolerance=Tolerance(), points=1.0, depends_on=(), mistakes=(),
             recompute=None, prompt="", problem="demo"):
    """A real :class:`vgp_symbolic.question.Question`, with the arguments tests mostly give."""
    return _Question(id, problem, prompt, answer, tolerance, points, tuple(depends_on),
                     tuple(mistakes), recompute)


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
    return {f"s{k}": StudentSet(Student(f"s{k}", f"Student {k}", k + 1), k, questions_for(k))
            for k in range(1, n + 1)}
