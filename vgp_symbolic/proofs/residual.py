"""Why a residual chain does not vanish: ‖∏(I + Jₖ)‖₂ ≥ 1 − Σ‖Jₖ‖₂ when Σ‖Jₖ‖₂ < 1, checked.

The proof shows more: ‖∏(I + Jₖ)v‖ ≥ ∏(1 − ‖Jₖ‖)‖v‖ for *every* v, so no direction of the
gradient is lost through the identity path; the plain chain ∏Jₖ has only the upper bound ∏‖Jₖ‖.

>>> residual_proof().verify().count   # (verified, checked); the operator norm's definition apart
(10, 10)
"""
from __future__ import annotations

from fractions import Fraction

import sympy as sp

from . import checks as C
from .matrix_checks import (fprime, matrices_identical, operator_norm_definition,
                            submultiplicativity)
from .steps import Proof, Step

__all__ = ["residual_proof"]


def residual_proof(blocks: int = 10, branch_norm=Fraction(1, 20)) -> Proof:
    """The residual lower bound; the last step compares ``blocks`` blocks of branch norm
    ``branch_norm`` with the plain chain of the same Jacobians."""
    f = sp.Function("f")
    o = sp.Matrix(2, 1, sp.symbols("o1 o2", real=True))
    W = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"w{i + 1}{j + 1}", real=True))  # W[i][j]: i → j
    bb = sp.Matrix(2, 1, sp.symbols("b1 b2", real=True))
    z = W.T * o + bb
    nxt = o + z.applyfunc(f)
    J = sp.diag(*[fprime(f, z[i]) for i in range(2)]) * W.T
    u = sp.symbols("u1:4", real=True)
    w = sp.symbols("w_1:4", real=True)
    lagrange = (sum(a**2 for a in u) * sum(b**2 for b in w) - sum(a * b for a, b in zip(u, w))**2,
                sum((u[i] * w[j] - u[j] * w[i])**2 for i in range(3) for j in range(i + 1, 3)))
    nu, nw, ip = sp.symbols("N_u N_w p", nonnegative=True)
    a, S, P, t = sp.symbols("a S P t", nonnegative=True)
    e1, e2 = sp.symbols("e_1 e_2", nonnegative=True)
    n, q = blocks, Fraction(branch_norm)
    plain, lower = q ** n, 1 - n * q
    Q = sp.Rational(q.numerator, q.denominator)
    nJv, slack = sp.symbols("n_J s", nonnegative=True)  # ‖Jₖv‖ = ‖Jₖ‖₂‖v‖ − s
    steps = (
        operator_norm_definition(),
        Step("a residual block oᵏ = oᵏ⁻¹ + f((Wᵏ)ᵀoᵏ⁻¹ + bᵏ) has ∂oᵏ/∂oᵏ⁻¹ = I + Jₖ, "
             "Jₖ = diag(f′(zᵏ))(Wᵏ)ᵀ",
             r"\frac{\partial o^{(k)}}{\partial o^{(k-1)}} = I + J_k,\ J_k = "
             r"\operatorname{diag}\bigl(f'(z^{(k)})\bigr)W^{(k)\mathsf T}",
             matrices_identical(nxt.jacobian(o), sp.eye(2) + J),
             "sympy Jacobian of a 2-unit block with an undefined f"),
        Step("Lagrange's identity ‖u‖²‖w‖² − (u·w)² = Σ_{i<j}(uᵢwⱼ − uⱼwᵢ)² ≥ 0, hence "
             "Cauchy–Schwarz |u·w| ≤ ‖u‖‖w‖",
             r"\|u\|^2\|w\|^2-(u\cdot w)^2=\sum_{i<j}(u_iw_j-u_jw_i)^2\ge 0",
             C.all_of(C.identical(*lagrange), C.is_nonnegative(lagrange[1])),
             "expand, 3 coordinates; a sum of real squares"),
        Step("reverse triangle inequality: ‖u + w‖² − (‖u‖ − ‖w‖)² = 2(u·w + ‖u‖‖w‖) ≥ 0, so "
             "‖u + w‖ ≥ ‖u‖ − ‖w‖",
             r"\|u+w\| \ge \|u\| - \|w\|",
             C.all_of(C.identical((nu**2 + 2 * ip + nw**2) - (nu - nw)**2, 2 * (ip + nu * nw)),
                      C.identical(2 * (-nu * nw + slack + nu * nw), 2 * slack), C.is_nonnegative(2 * slack)),
             "expand ‖u + w‖² = ‖u‖² + 2u·w + ‖w‖²; u·w = −‖u‖‖w‖ + s with s ≥ 0 by step 3",
             premises=(3,)),
        Step("one block: ‖(I + Jₖ)v‖ ≥ ‖v‖ − ‖Jₖv‖ ≥ (1 − ‖Jₖ‖₂)‖v‖, since ‖Jₖv‖ = ‖Jₖ‖₂‖v‖ − s "
             "with s ≥ 0 (step 1): (‖v‖ − ‖Jₖv‖) − (1 − ‖Jₖ‖₂)‖v‖ = s ≥ 0",
             r"\|(I+J_k)v\| \ge (1-\|J_k\|_2)\,\|v\|",
             C.all_of(C.identical((t - (a * t - slack)) - (1 - a) * t, slack),
                      C.is_nonnegative(slack)),
             "step 4 with u = v, w = Jₖv; expand, the slack s of step 1 is ≥ 0", premises=(1, 4)),
        Step("by induction over the blocks (each ‖Jₖ‖₂ ≤ 1, so every factor 1 − ‖Jₖ‖₂ ≥ 0): "
             "‖∏(I + Jₖ)v‖ ≥ ∏(1 − ‖Jₖ‖₂)‖v‖",
             r"\Bigl\|\prod_k (I+J_k)\,v\Bigr\| \ge \prod_k(1-\|J_k\|_2)\,\|v\|",
             C.all_of(C.identical((1 - (1 - e1)) * (P * t + e2) - (1 - (1 - e1)) * P * t, e1 * e2),
                      C.is_nonnegative(e1 * e2)),
             "apply step 5 to v, (I + J₁)v, …; with 1 − a = e₁ ≥ 0 and X = P‖v‖ + e₂: "
             "(1 − a)X − (1 − a)P‖v‖ = e₁e₂ ≥ 0", premises=(5,),
             gives={"‖∏(I + Jₖ)v‖ ≥ ∏(1 − ‖Jₖ‖₂)‖v‖": True}),
        Step("Weierstrass: 0 ≤ aₖ ≤ 1 gives ∏(1 − aₖ) ≥ 1 − Σaₖ; induction step: P ≥ 1 − S ≥ … "
             "and (1 − a)(1 − S) − (1 − a − S) = aS ≥ 0",
             r"\prod_k (1-a_k) \ge 1-\sum_k a_k",
             C.all_of(C.identical((1 - a) * (1 - S) - (1 - a - S), a * S),
                      C.is_nonnegative(a * S)),
             "expand; a, S ≥ 0", gives={"∏(1 − aₖ) ≥ 1 − Σaₖ": True}),
        Step("hence ‖∏(I + Jₖ)‖₂ ≥ ‖∏(I + Jₖ)v‖/‖v‖ ≥ ∏(1 − ‖Jₖ‖₂) ≥ 1 − Σ‖Jₖ‖₂, which is > 0 when "
             "Σ‖Jₖ‖₂ < 1: the identity path cannot vanish, in any direction",
             r"\Bigl\|\prod_k(I+J_k)\Bigr\|_2 \ge 1-\sum_k\|J_k\|_2 > 0",
             C.follows({"‖∏(I + Jₖ)v‖ ≥ ∏(1 − ‖Jₖ‖₂)‖v‖": True, "∏(1 − aₖ) ≥ 1 − Σaₖ": True}),
             "chain the two inequalities; divide by ‖v‖ > 0; step 1's max over v is at least "
             "this v's ratio", premises=(1, 6, 7)),
        submultiplicativity(1),
        Step(f"the plain chain has only ‖∏Jₖ‖₂ ≤ ∏‖Jₖ‖₂ (step 9): with {n} blocks of ‖Jₖ‖₂ = {q} that is "
             f"≤ {float(plain):.2g}, while the residual chain keeps ≥ 1 − {n}·{q} = {lower}",
             rf"\|J\|^{{{n}}} = {sp.latex(Q**n)} \ \text{{vs}}\ 1 - {n}\cdot{sp.latex(Q)} = "
             rf"{sp.latex(1 - n * Q)}",
             C.holds(sp.Lt(Q**n * 10**6, 1 - n * Q)),
             "step 9 for the plain chain, step 8 for the residual one; exact rational comparison",
             premises=(8, 9)),
        Step("the bound is sharp: for Jₖ = −aₖ I (one unit), ∏(1 − aₖ) is attained exactly",
             r"\prod_k(1-a_k)\ \text{attained by}\ J_k=-a_kI",
             matrices_identical((sp.eye(2) - a * sp.eye(2)) * (sp.eye(2) - S * sp.eye(2)),
                                (1 - a) * (1 - S) * sp.eye(2)), "sympy matrix product"),
    )
    return Proof("the residual chain keeps its identity path",
                 "‖∏(I + Jₖ)‖₂ ≥ 1 − Σ‖Jₖ‖₂ when Σ‖Jₖ‖₂ < 1 (no vanishing through the skips)",
                 r"\Bigl\|\prod_k (I+J_k)\Bigr\|_2 \ge 1-\sum_k \|J_k\|_2", steps)
