"""Types for the architectures that keep gradients alive: the residual identity path and the
LSTM's forget-gate product (exact rationals), and one step of backpropagation through time.

Residual: a block oₖ = oₖ₋₁ + f(wₖoₖ₋₁) on one unit has ∂oₖ/∂oₖ₋₁ = 1 + aₖ with aₖ = f′(zₖ)wₖ, so
n blocks pass ∏(1 + aₖ) where a plain chain passes ∏aₖ; and ∏(1 + aₖ) ≥ 1 − Σ|aₖ|
(`vgp prove residual`). LSTM: along the cell path ∂c_n/∂c₀ = f₁⋯f_n (`vgp prove lstm`), against a
vanilla tanh RNN's bound λⁿ.

>>> from fractions import Fraction as F
>>> s = ResidualPath().solve({"a1": F(1, 10), "a2": F(-1, 5), "a3": F(1, 4), "a4": F(1, 10)})
>>> s.answers["path"].value, s.answers["plain"].value, s.answers["bound"].value
(Fraction(121, 100), Fraction(-1, 2000), Fraction(7, 20))
>>> s = ForgetGate().solve({"f1": F(9, 10), "f2": F(4, 5), "f3": F(1), "f4": F(1, 2), "lam": F(1, 2)})
>>> s.answers["cell_path"].value, s.answers["rnn_bound"].value
(Fraction(9, 25), Fraction(1, 16))
"""
from __future__ import annotations

from fractions import Fraction
from math import prod

from ..model import Mistake
from .base import Answer, ProblemType, Reject, Solved

__all__ = ["ResidualPath", "ForgetGate", "BLOCKS", "distinct"]

BLOCKS = 4  # residual blocks, and time steps of the forget-gate product


def distinct(value, mistakes: list[Mistake], rel=Fraction(1, 1000)) -> list[Mistake]:
    """The mistakes a grader can tell from the answer (and from each other): a slip whose value
    lies within ``rel`` of the answer -- W and Wᵀ agree when W is symmetric -- is dropped.

    >>> [m.id for m in distinct(1.0, [Mistake("a", "", 1.0000001), Mistake("b", "", 2.0)])]
    ['b']
    """
    kept: list[Mistake] = []
    for m in mistakes:
        if all(abs(m.value - v) > rel * abs(value) for v in [value] + [k.value for k in kept]):
            kept.append(m)
    return kept


def _numbered(p: dict, letter: str) -> list[Fraction]:
    keys = sorted((k for k in p if k[:len(letter)] == letter and k[len(letter):].isdigit()),
                  key=lambda k: int(k[len(letter):]))
    return [Fraction(p[k]) for k in keys]


class ResidualPath(ProblemType):
    name = "residual_path"
    params = {f"a{k}": f"branch factor f′(z{k})w{k} of block {k}" for k in range(1, BLOCKS + 1)}
    answers = {"path": "∂oₙ/∂o₀ = ∏(1 + aₖ) through the residual blocks",
               "plain": "∂oₙ/∂o₀ = ∏aₖ for the same layers without skips",
               "bound": "the lower bound 1 − Σ|aₖ|"}

    def solve(self, p: dict) -> Solved:
        a = _numbered(p, "a")
        if len(a) < 2 or any(v == 0 for v in a):
            raise Reject("need at least two non-zero branch factors")
        if sum(abs(v) for v in a) >= 1:
            raise Reject("Σ|aₖ| must stay below 1 for the bound")
        path, plain = prod(1 + v for v in a), prod(a)
        bound = 1 - sum(abs(v) for v in a)
        answers = {
            "path": Answer(path, [
                Mistake("forgot_identity", "you left out the identity term: a residual block "
                        "passes 1 + aₖ, not aₖ (∂oₖ/∂oₖ₋₁ = I + diag(f′)Wᵀ)", plain),
                Mistake("summed_factors", "you added the block factors; the chain rule multiplies "
                        "them: ∏(1 + aₖ)", 1 + sum(a))]),
            "plain": Answer(plain, [
                Mistake("kept_identity", "without skips there is no identity term: the plain "
                        "chain passes ∏aₖ", path)]),
            "bound": Answer(bound, [
                Mistake("signed_sum", "the bound uses the norms |aₖ|, not the signed aₖ",
                        1 - sum(a)),
                Mistake("product_for_bound", "you gave ∏(1 − |aₖ|), the sharper middle term; "
                        "the question asks for 1 − Σ|aₖ|", prod(1 - abs(v) for v in a))]),
        }
        return Solved(answers, {"a": a, "n": len(a), "path": path, "plain": plain,
                                "bound": bound, "sum_abs": sum(abs(v) for v in a)})


class ForgetGate(ProblemType):
    name = "forget_gate"
    params = {**{f"f{k}": f"forget gate at step {k}" for k in range(1, BLOCKS + 1)},
              "lam": "‖W‖₂ of a vanilla tanh RNN to compare with"}
    answers = {"cell_path": "∂cₙ/∂c₀ = f₁⋯fₙ along the cell path",
               "rnn_bound": "the tanh RNN's bound (γλ₁)ⁿ with γ = 1"}

    def solve(self, p: dict) -> Solved:
        f = _numbered(p, "f")
        lam = Fraction(p["lam"])
        if len(f) < 2 or not all(0 < v <= 1 for v in f) or not 0 < lam < 1:
            raise Reject("need at least two forget gates in (0, 1] and 0 < λ < 1")
        n = len(f)
        cell = prod(f)
        mistakes = []
        wrong = prod(v * (1 - v) for v in f)
        if wrong != 0:  # a gate at exactly 1 makes σ′ = 0: that slip gives no telling value
            mistakes.append(Mistake("sigmoid_derivative", "you multiplied σ′ = f(1 − f) instead "
                                    "of the gates themselves: along the cell path "
                                    "∂cₜ/∂cₜ₋₁ = fₜ", wrong))
        for k, v in enumerate(f, 1):
            if v != 1:
                mistakes.append(Mistake("dropped_step", f"you dropped time step {k} (f{k} = {v})",
                                        cell / v))
        answers = {
            "cell_path": Answer(cell, distinct(cell, mistakes)),
            "rnn_bound": Answer(lam ** n, [
                Mistake("dropped_step", f"you used {n - 1} steps instead of {n}", lam ** (n - 1)),
                Mistake("sigmoid_gamma", "γ = sup|tanh′| = 1, not the sigmoid's 1/4",
                        (lam / 4) ** n)]),
        }
        return Solved(answers, {"f": f, "n": n, "lam": lam, "cell": cell, "bound": lam ** n})
