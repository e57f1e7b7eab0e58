"""Type 1: one route of the chain rule as a product of given factors, and the update.

Seed 004: ∂L/∂ŷ · ∂ŷ/∂o₁ · ∂o₁/∂w₁₁ = 0.20 × 0.5 × 0.02 = 0.002 and, at η = 1,
w ← 2.5 − 0.002 = 2.498 exactly (the seed's "≈ 2.49" is a truncation). The middle factor 0.5
exceeds max σ′ = 1/4, so it cannot be a bare σ′: it includes a weight |w| ≥ 0.5 / (1/4) = 2.

>>> from fractions import Fraction as F
>>> s = ChainRoute().solve({"dL": F(1, 5), "out": F(1, 2), "local": F(1, 50), "w": F(5, 2),
...                         "lr": F(1)})
>>> s.answers["product"].value, s.answers["new_weight"].value, s.answers["min_weight"].value
(Fraction(1, 500), Fraction(1249, 500), Fraction(2, 1))
"""
from __future__ import annotations

from fractions import Fraction

import sympy as sp

from ...numbers import fmt
from ...core.chain import SEED_EXAMPLE, factor_chain, rounding_note
from ...report import chain_latex
from ..latex import TeX
from ..model import Mistake
from .base import Answer, ProblemType, Reject, Solved, left_out, sigmoid, to_fraction, \
    update_answer

NAMES = ("∂L/∂ŷ", "∂ŷ/∂o₁", "∂o₁/∂w₁₁")


class ChainRoute(ProblemType):
    name = "chain_route"
    params = {"dL": "∂L/∂ŷ, the loss derivative at the output",
              "out": "∂ŷ/∂o₁ = σ′(z_out)·w⁽²⁾₁₁, output slope times the weight out of hidden unit 1",
              "local": "∂o₁/∂w₁₁ = σ′(z₁)·x₁, hidden slope times the input",
              "w": "the weight w₁₁ before the update",
              "lr": "the learning rate η"}
    answers = {"product": "∂L/∂w₁₁ along the route: the product of the three factors",
               "new_weight": "w₁₁ after one gradient-descent step",
               "min_weight": "the smallest |w⁽²⁾₁₁| consistent with the factor ∂ŷ/∂o₁"}

    def solve(self, p: dict) -> Solved:
        dL, out, local, w, lr = (Fraction(p[k]) for k in ("dL", "out", "local", "w", "lr"))
        sup = to_fraction(sigmoid().sup_abs)                  # max σ′ = 1/4 (proved in proofs)
        sigma0 = to_fraction(sigmoid().expr(sp.Integer(0)))   # σ(0) = 1/2
        if abs(out) <= sup:
            raise Reject("∂ŷ/∂o₁ must exceed max σ′ so that it visibly includes a weight")
        c = factor_chain([dL, out, local], old=w, lr=lr, names=NAMES)
        factors = list(zip(NAMES, c.factors))
        product = Answer(c.product, left_out(c.product, factors))
        new = update_answer(w, lr, "product", c.product, "w₁₁")
        assert new.value == c.new  # the same update the core computes (vgp derive --factors)
        min_w = Answer(abs(out) / sup, [
            Mistake("sigma_for_sigma_prime", f"you took max σ′ as σ(0) = {fmt(sigma0)}; σ′(z) = "
                    f"σ(z)(1 − σ(z)) is at most {fmt(sup)}", abs(out) / sigma0)])
        seed = factor_chain(SEED_EXAMPLE["factors"], SEED_EXAMPLE["old"], SEED_EXAMPLE["lr"])
        ctx = {"chain": c, "chain_tex": TeX(chain_latex(c)), "sup": sup, "sigma0": sigma0,
               "notes": c.notes, "truncation": _truncation(c.new),
               "seed_chain": seed, "seed_note": rounding_note(seed.new, SEED_EXAMPLE["seed_says"])}
        return Solved({"product": product, "new_weight": new, "min_weight": min_w}, ctx)


def _truncation(new: Fraction) -> str | None:
    """What truncating the new weight to two decimals would wrongly give (as seed 004 did)."""
    s = fmt(new)
    if "." not in s or len(s.split(".")[1]) <= 2:
        return None
    cut = s[: s.index(".") + 3]
    return rounding_note(new, cut)
