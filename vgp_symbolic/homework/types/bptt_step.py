"""Type: one step of backpropagation through time in a two-unit tanh RNN over T = 2 steps.

hₜ = tanh(W hₜ₋₁ + U xₜ), loss L = ½Σᵢ(h₂,ᵢ − yᵢ)²·(2/2) (mean squared error over the two units),
so ∂L/∂h₂ = h₂ − y. The student backpropagates one step, ∂L/∂h₁ = Wᵀ(tanh′(z₂) ⊙ ∂L/∂h₂), and
sums the BPTT terms of ∂L/∂W₁₁ = δ₂,₁h₁,₁ + δ₁,₁h₀,₁. The numbers come from the derivation core's
graph (:mod:`vgp_symbolic.core.arch_derive`), the same as ``vgp derive`` prints for the spec.

>>> from fractions import Fraction as F
>>> p = dict(w11=F(1, 2), w12=F(-3, 10), w21=F(1, 5), w22=F(2, 5), u1=F(1), u2=F(-1, 2),
...          x1=F(1), x2=F(1, 2), h01=F(1, 2), h02=F(-1, 2), y1=F(1, 2), y2=F(-1, 2))
>>> s = BpttStep().solve(p)
>>> round(s.answers["dh1"].value, 6), round(s.answers["grad"].value, 6)
(0.094423, 0.10562)
>>> sorted({m.id for m in s.answers["grad"].mistakes})
['dropped_step', 'forgot_fprime', 'w_not_transposed']
"""
from __future__ import annotations

from fractions import Fraction

from ...core.arch_derive import derive_arch, evaluate_arch
from ...core.arch_spec import ArchSpec
from ...core.recurrent import RecurrentNet
from ..model import Mistake
from .base import Answer, ProblemType, Reject, Solved, as_number
from .gated_paths import distinct

__all__ = ["BpttStep"]

_KEYS = {"w11": "W_11", "w12": "W_12", "w21": "W_21", "w22": "W_22", "u1": "U_11",
         "u2": "U_21", "x1": "x1_1", "x2": "x2_1", "h01": "h0_1", "h02": "h0_2",
         "y1": "y_1", "y2": "y_2"}


class BpttStep(ProblemType):
    name = "bptt_step"
    params = {**{f"w{i}{j}": f"W[{i}][{j}]: unit {j} of hₜ₋₁ → unit {i}" for i in (1, 2) for j in (1, 2)},
              "u1": "U[1], input → unit 1", "u2": "U[2], input → unit 2",
              "x1": "input at step 1", "x2": "input at step 2",
              "h01": "h₀, unit 1", "h02": "h₀, unit 2", "y1": "target for h₂,₁", "y2": "target for h₂,₂"}
    answers = {"dh1": "∂L/∂h₁,₁, one step back through time",
               "grad": "∂L/∂W₁₁ summed over both time steps"}

    def solve(self, p: dict) -> Solved:
        spec = ArchSpec(RecurrentNet("rnn", 1, 2, 2))
        try:
            spec.numbers.update({name: Fraction(p[k]) for k, name in _KEYS.items()})
        except KeyError as e:
            raise Reject(f"missing parameter {e}") from None
        spec.numbers.update({"b_1": Fraction(0), "b_2": Fraction(0)})
        ev = evaluate_arch(derive_arch(spec, "W_11"), check=False)
        v = {s.name: float(x) for s, x in ev.values.items()}
        a = {s.name: float(x) for s, x in ev.adjoints.items()}
        W = [[float(p["w11"]), float(p["w12"])], [float(p["w21"]), float(p["w22"])]]
        fp2 = [1 - v["h2_1"] ** 2, 1 - v["h2_2"] ** 2]
        fp1 = 1 - v["h1_1"] ** 2
        g = [a["h2_1"], a["h2_2"]]  # ∂L/∂h₂ = h₂ − y
        d2 = [fp2[i] * g[i] for i in range(2)]
        dh1 = a["h1_1"]  # = Σᵢ W[i][1]·δ₂,ᵢ
        if abs(dh1) < 1e-4 or abs(d2[0]) < 1e-4:
            raise Reject("a gradient too small to grade")
        wrong_dir = W[0][0] * d2[0] + W[0][1] * d2[1]  # row 1 of W instead of column 1
        no_fp = W[0][0] * g[0] + W[1][0] * g[1]
        term2, term1 = d2[0] * v["h1_1"], a["z1_1"] * v["h0_1"]
        grad = float(ev.gradient)
        answers = {
            "dh1": Answer(as_number(dh1), distinct(dh1, [
                Mistake("w_not_transposed", "you multiplied by W instead of Wᵀ: ∂L/∂h₁,₁ = "
                        "Σᵢ W[i][1]·δ₂,ᵢ takes column 1 of W", as_number(wrong_dir)),
                Mistake("forgot_fprime", "you left out tanh′(z₂) = 1 − h₂²", as_number(no_fp))])),
            "grad": Answer(as_number(grad), distinct(grad, [
                Mistake("dropped_step", "you kept only the last step's term δ₂,₁h₁,₁; W is "
                        "used at both steps, so BPTT sums both", as_number(term2)),
                Mistake("dropped_step", "you kept only the first step's term δ₁,₁h₀,₁",
                        as_number(term1)),
                Mistake("w_not_transposed", "δ₁ went through W instead of Wᵀ",
                        as_number(term2 + fp1 * wrong_dir * v["h0_1"])),
                Mistake("forgot_fprime", "δ₁ = Wᵀδ₂ without tanh′(z₁)",
                        as_number(term2 + dh1 * v["h0_1"]))])),
        }
        ctx = {"v": v, "a": a, "W": W, "fp2": fp2, "fp1": fp1, "g": g, "d2": d2, "dh1": dh1,
               "term1": term1, "term2": term2, "grad": grad,
               "z": {k: v[k] for k in ("z1_1", "z1_2", "z2_1", "z2_2")}}
        return Solved(answers, ctx)
