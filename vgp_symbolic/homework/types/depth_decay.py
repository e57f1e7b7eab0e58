"""Type 4: depth decay -- the factor (1/4)ⁿ, and the depth at which it falls below a threshold.

Each sigmoid layer multiplies the backpropagated gradient by σ′(z) ≤ 1/4 (times a weight), so
through n layers the slope factor is at most (1/4)ⁿ. Seed 001 does the same with 0.1 per layer:
0.1⁴ = 0.0001. Products come from :func:`~vgp_symbolic.core.chain.factor_chain` (exact).

>>> from fractions import Fraction as F
>>> s = DepthDecay().solve({"n": F(5), "threshold": F(1, 1000), "c": F(1, 10), "m": F(4)})
>>> s.answers["decay"].value, s.answers["layers_below"].value, s.answers["chain_product"].value
(Fraction(1, 1024), Fraction(5, 1), Fraction(1, 10000))
"""
from __future__ import annotations

import math
from fractions import Fraction

from ...numbers import fmt
from ...core.chain import factor_chain
from ..model import Mistake
from .base import Answer, ProblemType, Reject, Solved, sigmoid, to_fraction

_MAX_DEPTH = 500


def layers_below(factor: Fraction, threshold: Fraction) -> int:
    """The smallest n with factorⁿ < threshold (exact; 0 < factor < 1).

    >>> layers_below(Fraction(1, 4), Fraction(1, 1000))
    5
    """
    n, v = 0, Fraction(1)
    while v >= threshold:
        n, v = n + 1, v * factor
        if n > _MAX_DEPTH:
            raise Reject("threshold too small")
    return n


def _count(wrong: int, right: int, what: str, value) -> Mistake:
    return Mistake("wrong_layer_count", f"you counted {wrong} layers instead of {right} "
                   f"({what})", value)


class DepthDecay(ProblemType):
    name = "depth_decay"
    params = {"n": "number of sigmoid layers", "threshold": "the threshold for the decay factor",
              "c": "a per-layer factor (seed 001: 0.1)", "m": "layers for the per-layer factor"}
    answers = {"decay": "(max σ′)ⁿ, the most the sigmoid slopes can pass through n layers",
               "layers_below": "the number of layers after which (1/4)ⁿ falls below the threshold",
               "chain_product": "the product of m equal per-layer factors c"}

    def solve(self, p: dict) -> Solved:
        n, m = int(p["n"]), int(p["m"])
        t, c = Fraction(p["threshold"]), Fraction(p["c"])
        if n != p["n"] or m != p["m"] or n < 2 or m < 2 or not 0 < t < 1 or not 0 < abs(c) < 1:
            raise Reject("n, m must be integers ≥ 2; 0 < threshold < 1; 0 < |c| < 1")
        sup = to_fraction(sigmoid().sup_abs)
        decay = factor_chain([sup] * n).product
        N = layers_below(sup, t)
        prod = factor_chain([c] * m).product
        answers = {
            "decay": Answer(decay, [_count(n - 1, n, "one factor σ′ per layer", sup ** (n - 1)),
                                    _count(n + 1, n, "one factor σ′ per layer", sup ** (n + 1))]),
            "layers_below": Answer(Fraction(N), [
                _count(N - 1, N, f"(1/4)^{N - 1} = {fmt(sup ** (N - 1))} is not yet below "
                       f"{fmt(t)}", Fraction(N - 1)),
                _count(N + 1, N, f"(1/4)^{N} = {fmt(sup ** N)} is already below {fmt(t)}",
                       Fraction(N + 1))]),
            "chain_product": Answer(prod, [_count(m - 1, m, "one factor per layer", c ** (m - 1)),
                                           _count(m + 1, m, "one factor per layer", c ** (m + 1))]),
        }
        ctx = {"n": n, "m": m, "t": t, "c": c, "sup": sup, "N": N, "decay": decay, "prod": prod,
               "log_ratio": math.log(1 / t) / math.log(1 / sup),
               "before": sup ** (N - 1), "after": sup ** N}
        return Solved(answers, ctx)
