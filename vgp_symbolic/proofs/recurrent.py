"""The recurrent bound of Pascanu, Mikolov and Bengio (2013), checked, with its table.

For hₜ = f(W hₜ₋₁ + U xₜ + b), with γ = sup|f′| and λ₁ = ‖W‖₂ (the largest singular value),

    ‖∂h_T/∂hₜ‖₂ ≤ (γλ₁)^(T−t),

so λ₁ < 1/γ is *sufficient* for the gradient from step t to vanish as T − t grows, and λ₁ > 1/γ is
*necessary* for it to explode (with λ₁ ≤ 1/γ the bound is at most 1 for every T − t).

>>> r = rnn_report("tanh", weight_norm="0.9", steps=30)
>>> r.verified, r.eta, r.below_depth       # 0.9^132 < 1e-6 ≤ 0.9^131
(True, Fraction(9, 10), 132)
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from ..errors import UserError
from ..proof_display import depth_table_latex, depth_table_text
from . import checks as C
from .activation_bounds import prove_activation
from .matrix_checks import (fprime, generic_cell, matrices_identical, operator_norm_definition,
                            submultiplicativity)
from .powers import PowerRow, explosion_depth, power_table, q_text, threshold_depth
from .steps import CheckedProof, Proof, Step

__all__ = ["rnn_bound_proof", "RnnReport", "rnn_report"]


def _as_fraction(v, what) -> Fraction:
    from ..core.network import to_number  # exact: "0.9" is 9/10
    return to_number(v, what)


def rnn_bound_proof(activation: str = "tanh") -> Proof:
    """The bound's proof, every step checked (generic f where the claim is about any f).

    >>> rnn_bound_proof("sigmoid").verify().count   # (verified, checked); 2 definitions apart
    (9, 9)
    """
    bound = prove_activation(activation)
    g = bound.sup
    step, W, f = generic_cell(2)
    h0 = sp.Matrix(2, 1, sp.symbols("h1 h2", real=True))
    x1, x2 = sp.symbols("x_1 x_2", real=True)
    h1 = step(h0, x1)
    h2 = step(h1, x2)
    z1 = W * h0 + sp.Matrix(2, 1, lambda i, j: sp.Symbol(f"U{i + 1}", real=True)) * x1 \
        + sp.Matrix(2, 1, lambda i, j: sp.Symbol(f"b{i + 1}", real=True))
    D1 = sp.diag(*[fprime(f, z1[i]) for i in range(2)])
    z2 = W * h1 + sp.Matrix(2, 1, lambda i, j: sp.Symbol(f"U{i + 1}", real=True)) * x2 \
        + sp.Matrix(2, 1, lambda i, j: sp.Symbol(f"b{i + 1}", real=True))
    D2 = sp.diag(*[fprime(f, z2[i]) for i in range(2)])
    A, a, d1, d2 = sp.symbols("A a d_1 d_2", nonnegative=True)
    m = sp.Symbol("m", nonnegative=True)
    ds, vs = sp.symbols("d1:4", real=True), sp.symbols("v1:4", real=True)
    es = sp.symbols("e1:4", nonnegative=True)
    eps, n = sp.Symbol("epsilon", positive=True), sp.Symbol("n", positive=True, integer=True)
    lam = sp.Symbol("lambda", positive=True)
    steps = (
        Step("hₜ = f(zₜ), zₜ = W hₜ₋₁ + U xₜ + b; γ = sup|f′|, λ₁ = ‖W‖₂ (step 2's operator "
             "norm, W's largest singular value)",
             r"h_t = f(W h_{t-1} + U x_t + b),\ \gamma = \sup|f'|,\ \lambda_1 = \|W\|_2",
             None, "notation", kind="definition"),
        operator_norm_definition(),
        Step("one step's Jacobian: ∂hₜ/∂hₜ₋₁ = diag(f′(zₜ)) W",
             r"\frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}\bigl(f'(z_t)\bigr)W",
             matrices_identical(h1.jacobian(h0), D1 * W),
             "sympy Jacobian of a 2-unit cell with an undefined f"),
        Step("chain rule through time: ∂h_T/∂hₜ = ∏_{s=T}^{t+1} diag(f′(zₛ)) W (later steps left)",
             r"\frac{\partial h_T}{\partial h_t} = \prod_{s=t+1}^{T}\operatorname{diag}"
             r"\bigl(f'(z_s)\bigr)W",
             matrices_identical(h2.jacobian(h0), D2 * W * D1 * W),
             "sympy: the Jacobian of two unrolled steps (T − t = 2, 2 units, undefined f) equals the "
             "product; each further step multiplies by step 3's factor", premises=(3,),
             gives={"∂h_T/∂hₜ = ∏ diag(f′(zₛ)) W": True}),
        Step("for D = diag(dᵢ) with |dᵢ| ≤ m: m²‖v‖² − ‖Dv‖² = ∑(m² − dᵢ²)vᵢ² ≥ 0, so ‖D‖₂ ≤ m",
             r"\|\operatorname{diag}(d)\|_2 \le \max_i |d_i|",
             C.all_of(C.identical(m**2 * sum(v**2 for v in vs) - sum((dd * v)**2 for dd, v in zip(ds, vs)),
                                  sum((m**2 - dd**2) * v**2 for dd, v in zip(ds, vs))),
                      C.is_nonnegative(sum(e * v**2 for e, v in zip(es, vs)))),
             "expand, 3 coordinates (every further one adds the same term); eᵢ = m² − dᵢ² ≥ 0 "
             "times squares; the max over v is step 2's", premises=(2,),
             gives={"‖diag(d)‖₂ ≤ max|dᵢ|": True}),
        Step(f"|f′(z)| ≤ γ = {bound.sup_text} for every z ({bound.activation}), so "
             "‖diag(f′(zₛ))‖₂ ≤ γ",
             rf"\|\operatorname{{diag}}(f'(z_s))\|_2 \le \gamma = {sp.latex(g)}",
             lambda: (bound.verified, f"the proof of `vgp prove {bound.activation}` "
                      f"({bound.checked.count[0]}/{bound.checked.count[1]} steps verified)"),
             f"vgp prove {bound.activation}", premises=(5,), kind="inequality",
             gives={"‖diag(f′(zₛ))‖₂ ≤ γ": g}),
        submultiplicativity(2),
        Step("lemma: 0 ≤ aₖ ≤ cₖ implies ∏aₖ ≤ ∏cₖ ((A + d₁)(a + d₂) − Aa = Ad₂ + d₁a + d₁d₂ ≥ 0)",
             r"0\le a_k\le c_k \;\Rightarrow\; \prod a_k \le \prod c_k",
             C.all_of(C.identical((A + d1) * (a + d2) - A * a, A * d2 + d1 * a + d1 * d2),
                      C.is_nonnegative(A * d2 + d1 * a + d1 * d2)),
             "expand; sum of products of non-negative symbols",
             gives={"0 ≤ aₖ ≤ cₖ ⇒ ∏aₖ ≤ ∏cₖ": True}),
        Step("hence ‖∂h_T/∂hₜ‖₂ ≤ ∏ ‖diag(f′(zₛ))‖₂‖W‖₂ ≤ (γλ₁)^(T−t)",
             r"\Bigl\|\frac{\partial h_T}{\partial h_t}\Bigr\|_2 \le (\gamma\lambda_1)^{T-t}",
             C.follows({"∂h_T/∂hₜ = ∏ diag(f′(zₛ)) W": True, "‖diag(f′(zₛ))‖₂ ≤ γ": g,
                        "‖AB‖₂ ≤ ‖A‖₂‖B‖₂": True, "0 ≤ aₖ ≤ cₖ ⇒ ∏aₖ ≤ ∏cₖ": True}),
             "bound each factor of the product, then multiply the bounds", premises=(4, 6, 7, 8),
             gives={"‖∂h_T/∂hₜ‖₂ ≤ (γλ₁)^(T−t)": True}),
        Step("vanishing, sufficient condition: λ₁ < 1/γ makes η = γλ₁ = 1/(1 + ε) with ε > 0, and "
             "(1 + ε)^(−n) → 0 as n = T − t → ∞",
             r"\lambda_1 < \tfrac{1}{\gamma} \Rightarrow (\gamma\lambda_1)^{T-t} \to 0",
             C.limit_is((1 + eps) ** (-n), n, sp.oo, 0), "sympy limit (and gruntz)",
             premises=(9,)),
        Step("exploding, necessary condition: if λ₁ ≤ 1/γ then 0 ≤ η ≤ 1 and ηⁿ ≤ 1ⁿ = 1 for every "
             "n, so ‖∂h_T/∂hₜ‖₂ ≤ 1 never grows; a growing gradient needs λ₁ > 1/γ. The bound is "
             "attained: for f = id and W = λI, ∂h_T/∂hₜ = λ^(T−t) I",
             r"\lambda_1 \le \tfrac{1}{\gamma} \Rightarrow \Bigl\|\frac{\partial h_T}{\partial h_t}"
             r"\Bigr\|_2 \le 1",
             C.follows({"0 ≤ aₖ ≤ cₖ ⇒ ∏aₖ ≤ ∏cₖ": True, "‖∂h_T/∂hₜ‖₂ ≤ (γλ₁)^(T−t)": True},
                       also=matrices_identical((lam * sp.eye(2)) ** 3, lam ** 3 * sp.eye(2))),
             "lemma of step 8 with cₖ = 1; sharpness: sympy matrix power", premises=(8, 9)),
    )
    return Proof(f"the recurrent bound (Pascanu, Mikolov, Bengio 2013) for {bound.activation}",
                 f"‖∂h_T/∂hₜ‖₂ ≤ (γλ₁)^(T−t) with γ = sup|f′| = {bound.sup_text}: λ₁ < 1/γ "
                 "suffices for vanishing, λ₁ > 1/γ is necessary for exploding",
                 r"\Bigl\|\frac{\partial h_T}{\partial h_t}\Bigr\|_2 \le (\gamma\lambda_1)^{T-t}",
                 steps)


@dataclass
class RnnReport:
    """The checked proof, η = γλ₁, the ηⁿ table (n = T − t) and the threshold steps."""

    checked: CheckedProof
    facts: CheckedProof
    gamma: Fraction
    weight_norm: Fraction
    eta: Fraction
    table: list[PowerRow]
    below: Fraction
    above: Fraction
    below_depth: int | None
    above_depth: int | None

    @property
    def verified(self) -> bool:
        return self.checked.verified and self.facts.verified

    @property
    def regime(self) -> str:
        return "vanishing" if self.eta < 1 else "exploding possible" if self.eta > 1 else "neutral"

    def _sentences(self) -> list[str]:
        out = []
        for d, t, rel, what in ((self.below_depth, self.below, "<", "falls below"),
                                (self.above_depth, self.above, ">", "exceeds")):
            if d is None:
                out.append(f"(γλ₁)^(T−t) never {what} {q_text(t)}")
            else:
                out.append(f"the bound {what} {q_text(t)} from T − t = {d} on "
                           f"(η^{d} {rel} {q_text(t)})")
        return out

    def to_text(self) -> str:
        lines = [self.checked.to_text(), "",
                 f"η = γλ₁ = {q_text(self.gamma)} · {q_text(self.weight_norm)} = {q_text(self.eta)} "
                 f"({self.regime}; 1/γ = {q_text(1 / self.gamma)})",
                 *depth_table_text(self, ("T − t", "bound ηᵀ⁻ᵗ"))]
        lines += [""] + self._sentences() + ["", self.facts.to_text()]
        return "\n".join(lines)

    def to_latex(self) -> str:
        return "\n".join([self.checked.to_latex(), "",
                          rf"$\eta = \gamma\lambda_1 = {sp.latex(sp.Rational(self.eta.numerator, self.eta.denominator))}$",
                          "", *depth_table_latex(self, ("T-t", r"\eta^{T-t}")), "",
                          self.facts.to_latex()])

    def to_json(self) -> dict:
        return {"theorem": "rnn", "statement": self.checked.proof.statement,
                "gamma": str(self.gamma), "weight_norm": str(self.weight_norm),
                "eta": str(self.eta), "regime": self.regime,
                "table": [r.to_json() for r in self.table],
                "below": {"threshold": str(self.below), "steps": self.below_depth},
                "above": {"bound": str(self.above), "steps": self.above_depth},
                "verified": self.verified,
                "steps": self.checked.steps_json() + self.facts.steps_json()}


def rnn_report(activation: str = "tanh", weight_norm="0.9", steps: int = 20,
               below=Fraction(1, 10**6), above=Fraction(10**6)) -> RnnReport:
    """Everything ``vgp prove rnn`` prints."""
    bound = prove_activation(activation)
    if bound.sup is None or not bound.sup.is_Rational:
        raise UserError(f"the rnn table needs a rational sup|f′|; {activation}'s is "
                         f"{bound.sup_text} (use sigmoid, tanh, relu, leaky_relu, elu or linear)")
    gamma = Fraction(int(bound.sup.p), int(bound.sup.q))
    lam = _as_fraction(weight_norm, "--weight-norm")
    if lam < 0:
        raise ValueError(f"--weight-norm must be ≥ 0, got {lam}")
    below, above = _as_fraction(below, "--below"), _as_fraction(above, "--above")
    if below <= 0 or above <= 0:
        raise ValueError("--below and --above must be positive")
    eta = gamma * lam
    table = power_table(eta, steps)
    bd = threshold_depth(eta, below) if eta > 0 else 1
    ad = explosion_depth(eta, above)
    facts = []
    if bd is not None:
        facts.append(Step(f"η^{bd} < {q_text(below)}" + ("" if bd == 1 else f" ≤ η^{bd - 1}"),
                          rf"\eta^{{{bd}}} < {sp.latex(sp.Rational(below.numerator, below.denominator))}",
                          lambda: (eta ** bd < below and (bd == 1 or eta ** (bd - 1) >= below),
                                   "exact rational comparison"), "exact rational comparison",
                          kind="inequality"))
    if ad is not None:
        facts.append(Step(f"η^{ad} > {q_text(above)}" + ("" if ad == 1 else f" ≥ η^{ad - 1}"),
                          rf"\eta^{{{ad}}} > {sp.latex(sp.Rational(above.numerator, above.denominator))}",
                          lambda: (eta ** ad > above and (ad == 1 or eta ** (ad - 1) <= above),
                                   "exact rational comparison"), "exact rational comparison",
                          kind="inequality"))
    return RnnReport(rnn_bound_proof(activation).verify(),
                     Proof("the threshold steps", "exact powers of η", r"\eta^n", tuple(facts)).verify(),
                     gamma, lam, eta, table, below, above, bd, ad)
