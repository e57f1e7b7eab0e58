"""Type 6: exploding gradients -- weights above 1 through n layers, and clipping to a norm.

With linear (or active ReLU) units each layer multiplies the backpropagated gradient δ by its
weight, so δ · wⁿ grows without bound when |w| > 1; clipping rescales the gradient vector 𝐠 to
norm c when it is longer: 𝐠 ← 𝐠 · c/‖𝐠‖ (one symbol per quantity: δ a scalar, 𝐠 a vector). The gradient vector is drawn as a multiple of a
Pythagorean triple, so its norm, the clipped vector and the update are exact rationals.

>>> from fractions import Fraction as F
>>> s = Exploding().solve({"g_out": F(1, 10), "w": F(2), "n": F(8), "triple": [F(3), F(4), F(5)],
...                        "scale": F(6), "clip": F(1), "w_old": F(1, 2), "lr": F(1, 10)})
>>> [s.answers[k].value for k in ("grad", "norm", "clipped", "update")]
[Fraction(128, 5), Fraction(30, 1), Fraction(3, 5), Fraction(11, 25)]
"""
from __future__ import annotations

from fractions import Fraction

import sympy as sp

from ...core.chain import factor_chain
from ..model import Mistake
from .base import Answer, ProblemType, Reject, Solved, update_answer


class Exploding(ProblemType):
    name = "exploding"
    params = {"g_out": "the gradient δ at the output", "w": "the weight of every layer (> 1)",
              "n": "the number of layers", "triple": "a Pythagorean triple (a, b, c)",
              "scale": "the gradient vector is scale·(a, b)", "clip": "the clipping norm",
              "w_old": "the first weight before the update", "lr": "the learning rate η"}
    answers = {"grad": "the gradient after n layers, δ·wⁿ", "norm": "the norm ‖𝐠‖ of the "
               "gradient vector", "clipped": "the first component after clipping to norm c",
               "update": "the first weight after a step with the clipped gradient"}

    def solve(self, p: dict) -> Solved:
        g_out, w, clip, scale = (Fraction(p[k]) for k in ("g_out", "w", "clip", "scale"))
        n = int(p["n"])
        if n != p["n"] or n < 2 or abs(w) <= 1 or clip <= 0:
            raise Reject("need n ≥ 2, |w| > 1 and a positive clipping norm")
        ta, tb, tc = (Fraction(v) for v in p["triple"])
        a, b = ta * scale, tb * scale
        # the norm through SymPy's exact square root: rational only for a true triple
        root = sp.sqrt(sp.Rational(a.numerator, a.denominator) ** 2
                       + sp.Rational(b.numerator, b.denominator) ** 2)
        if not root.is_Rational:
            raise Reject(f"({ta}, {tb}, {tc}) is not a Pythagorean triple")
        norm = Fraction(int(root.p), int(root.q))
        if norm <= clip:
            raise Reject("the gradient must be longer than the clipping norm")
        grad = factor_chain([g_out] + [w] * n).product
        clipped = a * clip / norm

        def reclip(d):
            N = Fraction(d["norm"]) if isinstance(d["norm"], Fraction) else d["norm"]
            return a * clip / N if N > clip else a

        answers = {
            "grad": Answer(grad, [
                Mistake("wrong_layer_count", f"you multiplied by w {n - 1} times instead of {n}",
                        g_out * w ** (n - 1)),
                Mistake("wrong_layer_count", f"you multiplied by w {n + 1} times instead of {n}",
                        g_out * w ** (n + 1))]),
            "norm": Answer(norm, [
                Mistake("wrong_norm", "you added |g₁| + |g₂| (the L1 norm); clipping uses the "
                        "Euclidean norm √(g₁² + g₂²)", abs(a) + abs(b)),
                Mistake("norm_squared", "you gave g₁² + g₂² without the square root",
                        a * a + b * b)]),
            "clipped": Answer(clipped, [
                Mistake("clip_not_applied", "you did not rescale: ‖𝐠‖ exceeds c, so 𝐠 ← 𝐠·c/‖𝐠‖",
                        a),
                Mistake("clipped_by_value", "you clipped each component to ±c (clipping by "
                        "value), not the vector to norm c",
                        min(abs(a), clip) * (1 if a > 0 else -1)),
                Mistake("clip_ratio_inverted", "you multiplied by ‖𝐠‖/c instead of c/‖𝐠‖",
                        a * norm / clip)], ("norm",), reclip),
            "update": update_answer(Fraction(p["w_old"]), Fraction(p["lr"]), "clipped", clipped,
                                    "the weight"),
        }
        ctx = {"n": n, "w": w, "g_out": g_out, "a": a, "b": b, "norm": norm, "clip": clip,
               "clipped_a": clipped, "clipped_b": b * clip / norm,
               "chain": factor_chain([g_out] + [w] * n), "w_power": factor_chain([w] * n).product,
               "sum_sq": a * a + b * b, "updated": answers["update"].value}
        return Solved(answers, ctx)
