"""What every problem type provides, and the pieces several of them share.

A problem type turns drawn parameters into answers (computed by the derivation core, never
typed), the catalogued mistakes for those parameters, and the variables its template needs.

>>> from fractions import Fraction as F
>>> a = update_answer(F(5, 2), F(1), "product", F(1, 500))
>>> a.value, [m.id for m in a.mistakes]
(Fraction(1249, 500), ['sign_flipped', 'no_update'])
>>> a.recompute({"product": F(1, 100)})
Fraction(249, 100)
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Callable

from ...core.activations import get_activation
from ...numbers import fmt, sympy_fraction as to_fraction  # SymPy numbers read one way
from ..model import Mistake, Number

__all__ = ["Answer", "Solved", "ProblemType", "update_answer", "left_out", "as_number",
           "to_fraction", "Reject", "sigmoid"]


class Reject(Exception):
    """The drawn parameters do not make a good problem (draw again)."""


@dataclass
class Answer:
    """One answer of a problem type, before the assignment gives it an id and points."""

    value: Number
    mistakes: list[Mistake] = field(default_factory=list)
    depends_on: tuple[str, ...] = ()          # answer keys of the same problem
    recompute: Callable[[dict], Number] | None = None  # takes {key: value} of depends_on


@dataclass
class Solved:
    """Answers and template variables; ``later`` holds variables that are costly to compute
    (typeset derivations): they are computed only for the draw that is kept."""

    answers: dict[str, Answer]
    context: dict
    later: dict[str, Callable[[], object]] = field(default_factory=dict)

    def full_context(self) -> dict:
        return {**self.context, **{k: f() for k, f in self.later.items()}}


class ProblemType:
    """Base class: ``params`` and ``answers`` name what the TOML must/may give."""

    name: str = ""
    params: dict[str, str] = {}     # parameter -> description (all required)
    answers: dict[str, str] = {}    # answer key -> description

    def solve(self, p: dict) -> Solved:  # pragma: no cover - abstract
        """Answers and template context for parameters ``p``; raise :class:`Reject` to redraw."""
        raise NotImplementedError

    def answers_for(self, p: dict, keys) -> dict[str, Answer]:
        """The answers ``keys`` (at least) for parameters ``p`` that were drawn and accepted
        before (recorded by `vgp render`): what the grader recomputes error carried forward
        from. Types with a costly :meth:`solve` answer with less (no mistakes, no template
        context); the default solves whole, never computing the ``later`` context."""
        return self.solve(p).answers


def as_number(v) -> Number:
    """A Fraction stays exact; numpy/mpmath floats become Python floats (stable formatting)."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, int):
        return Fraction(v)
    f = float(v)
    if not math.isfinite(f):
        raise Reject(f"non-finite value {v!r}")
    return f


def update_answer(old: Number, lr: Number, grad_key: str, grad: Number,
                  what: str = "the weight") -> Answer:
    """w_new = w − η·g, with its catalogued mistakes and error carried forward from ``grad_key``.

    ``lr_forgotten`` only when η ≠ 1 (otherwise it is the right answer).
    """
    new = as_number(old - lr * grad)
    mistakes = [Mistake("sign_flipped", "you added η·∂L/∂w instead of subtracting it: the "
                        "update moves against the gradient, w ← w − η·∂L/∂w",
                        as_number(old + lr * grad))]
    if lr != 1:
        mistakes.append(Mistake("lr_forgotten", f"you left out the learning rate η = {fmt(lr)}: "
                                "w ← w − η·∂L/∂w", as_number(old - grad)))
    mistakes.append(Mistake("no_update", f"you gave {what} before the update", as_number(old)))

    def recompute(d):
        return as_number(old - lr * d[grad_key])
    return Answer(new, mistakes, (grad_key,), recompute)


def left_out(total: Number, factors: list[tuple[str, Number]]) -> list[Mistake]:
    """``factor_left_out`` once per factor: the product without it (skipped for 0 and ±1,
    which leave the product's magnitude unchanged and so cannot be told apart)."""
    out = []
    for name, v in factors:
        if v == 0 or abs(v) == 1:
            continue
        out.append(Mistake("factor_left_out", f"you left out the factor {name} = {_short(v)}",
                           as_number(total / v)))
    return out


def _short(v) -> str:
    return fmt(v, 6)


@lru_cache(maxsize=None)
def sigmoid():
    """The sigmoid record, one per process (it caches its compiled numeric functions)."""
    return get_activation("sigmoid")
