"""Type 4: depth decay -- the factor qⁿ through n sigmoid layers, and the depth where it falls
below a threshold.

Each sigmoid layer multiplies the backpropagated gradient by σ′(z)·w, and σ′ ≤ 1/4 (proved by
``vgp prove sigmoid``), so with weights of size |w| every layer passes at most q = |w|/4 and n
layers at most qⁿ. The first depth where qⁿ drops below a threshold is
:func:`vgp_symbolic.proofs.powers.threshold_depth` (exact integer comparisons, no logarithms).
Products come from :func:`~vgp_symbolic.core.chain.factor_chain` (exact).

>>> from fractions import Fraction as F
>>> s = DepthDecay().solve({"n": F(5), "threshold": F(1, 1000), "c": F(1, 10), "m": F(4)})
>>> s.answers["decay"].value, s.answers["layers_below"].value, s.answers["chain_product"].value
(Fraction(1, 1024), Fraction(5, 1), Fraction(1, 10000))
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

from ...core.chain import factor_chain
from ...numbers import fmt
from ...proofs.powers import threshold_depth
from ..model import Mistake
from .activation_max import certified_facts
from .base import Answer, ProblemType, Reject, Solved

_MAX_DEPTH = 500


def _count(wrong: int, right: int, what: str, value) -> Mistake:
    return Mistake("wrong_layer_count", f"you counted {wrong} layers instead of {right} "
                   f"({what})", value)


@lru_cache(maxsize=4096)
def _chain(factor: Fraction, n: int) -> Fraction:
    """The product of n equal factors, by the core's chain (a class repeats the same few)."""
    return factor_chain([factor] * n).product


def _sup_sigmoid() -> Fraction:
    """max σ′ = 1/4, as ``vgp prove sigmoid`` certifies it (the certified facts, cached on
    disk like the activation problem's: verifying the proof takes SymPy about a second)."""
    return certified_facts("sigmoid", None, None)[0]


class DepthDecay(ProblemType):
    name = "depth_decay"
    params = {"w": "the weights' size |w|", "n": "number of sigmoid layers", "threshold": "the threshold for the decay factor",
              "c": "a per-layer factor", "m": "layers for the per-layer factor"}
    answers = {"decay": "qⁿ with q = |w|·max σ′, the most n sigmoid layers can pass back",
               "layers_below": "the smallest number of layers n with qⁿ below the threshold",
               "chain_product": "the product of m equal per-layer factors c"}

    def solve(self, p: dict) -> Solved:
        n, m = int(p["n"]), int(p["m"])
        t, c = Fraction(p["threshold"]), Fraction(p["c"])
        w = abs(Fraction(p.get("w", 1)))     # the weights' size (1: the slopes alone)
        if n != p["n"] or m != p["m"] or n < 2 or m < 2 or not 0 < t < 1 or not 0 < abs(c) < 1:
            raise Reject("n, m must be integers ≥ 2; 0 < threshold < 1; 0 < |c| < 1")
        sup = _sup_sigmoid()
        q = w * sup
        if not 0 < q < 1:
            raise Reject("|w|·max σ′ must lie in (0, 1) for the factor to decay")
        decay = _chain(q, n)
        N = threshold_depth(q, t)
        if N is None or N > _MAX_DEPTH:
            raise Reject("the threshold is reached too late")
        prod = _chain(c, m)
        decay_mistakes = [_count(n - 1, n, "one factor per layer", q ** (n - 1)),
                          _count(n + 1, n, "one factor per layer", q ** (n + 1))]
        if w != 1:
            decay_mistakes.append(Mistake("weight_left_out", "you left out the weights: each "
                                          "layer passes σ′·w, at most |w|/4", sup ** n))
        answers = {
            "decay": Answer(decay, decay_mistakes),
            "layers_below": Answer(Fraction(N), [
                _count(N - 1, N, f"q^{N - 1} = {fmt(q ** (N - 1))} is not yet below {fmt(t)}",
                       Fraction(N - 1)),
                _count(N + 1, N, f"q^{N} = {fmt(q ** N)} is already below {fmt(t)}",
                       Fraction(N + 1))]),
            "chain_product": Answer(prod, [_count(m - 1, m, "one factor per layer", c ** (m - 1)),
                                           _count(m + 1, m, "one factor per layer", c ** (m + 1))]),
        }
        short = len(fmt(decay)) <= 14    # else 10 significant figures, marked ≈
        ctx = {"n": n, "m": m, "t": t, "c": c, "w": w, "sup": sup, "q": q, "N": N,
               "decay": decay if short else float(decay), "decay_exact": short, "prod": prod,
               "log_ratio": math.log(1 / t) / math.log(1 / q),
               # the check needs only to show which side of t each power is on
               "before": float(q ** (N - 1)), "after": float(q ** N)}
        return Solved(answers, ctx)
