"""The LSTM's cell path: ∂c_T/∂cₜ = ∏ diag(fₛ) exactly (peephole-free cells), checked.

cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ gₜ, where the gates fₜ, iₜ, gₜ depend on hₜ₋₁ and xₜ only. Along the cell
path (hₜ₋₁ held fixed) the gradient is multiplied by the forget gates and nothing else: no weight
matrix, no derivative of a squashing function. Forget gates near 1 preserve it over long spans.

>>> lstm_cell_proof().verify().count     # (verified, checked); the cell's definition apart
(5, 5)
"""
from __future__ import annotations

from fractions import Fraction

import sympy as sp

from . import checks as C
from .matrix_checks import matrices_identical
from .steps import Proof, Step

__all__ = ["lstm_cell_proof"]


def lstm_cell_proof(forget=Fraction(99, 100), span: int = 100, eta=Fraction(9, 10)) -> Proof:
    """The cell-path identity; the last step compares ``forget``^span with a vanilla tanh RNN
    whose bound is ``eta``^span (η = γλ₁, :mod:`.recurrent`)."""
    h, x = sp.symbols("h x", real=True)
    F, I, G = (sp.Function(n) for n in ("F", "I", "G"))  # gates as arbitrary functions of (h, x)
    cs = sp.symbols("c0:4", real=True)
    hs, xs = sp.symbols("h0:3", real=True), sp.symbols("x1:4", real=True)

    def cell(c_prev, h_prev, x_t):
        return F(h_prev, x_t) * c_prev + I(h_prev, x_t) * G(h_prev, x_t)
    # two units, gates per unit: f_i(h, x)
    c_prev = sp.Matrix(2, 1, sp.symbols("cp1 cp2", real=True))
    Fs = [sp.Function(f"F{i}") for i in (1, 2)]
    Is = [sp.Function(f"I{i}") for i in (1, 2)]
    Gs = [sp.Function(f"G{i}") for i in (1, 2)]
    c_next = sp.Matrix([Fs[i](h, x) * c_prev[i] + Is[i](h, x) * Gs[i](h, x) for i in range(2)])
    # three steps of one unit, with h held fixed along the path
    c1 = cell(cs[0], hs[0], xs[0])
    c2 = cell(c1, hs[1], xs[1])
    c3 = cell(c2, hs[2], xs[2])
    fprod = F(hs[0], xs[0]) * F(hs[1], xs[1]) * F(hs[2], xs[2])
    Pf = sp.Function("Pf")  # a peephole gate also sees c_{t-1}
    peep = Pf(cs[0]) * cs[0]
    f = sp.Rational(forget.numerator, forget.denominator)
    e = sp.Rational(eta.numerator, eta.denominator)
    steps = (
        Step("LSTM cell without peepholes: cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ gₜ, the gates functions of "
             "(hₜ₋₁, xₜ) only", r"c_t = f_t\odot c_{t-1} + i_t\odot g_t", None, "notation",
             kind="definition"),
        Step("one step, hₜ₋₁ fixed: ∂cₜ/∂cₜ₋₁ = diag(fₜ)",
             r"\frac{\partial c_t}{\partial c_{t-1}}\Big|_{h_{t-1}} = \operatorname{diag}(f_t)",
             matrices_identical(c_next.jacobian(c_prev), sp.diag(Fs[0](h, x), Fs[1](h, x))),
             "sympy Jacobian, 2 units, gates arbitrary functions of (h, x)"),
        Step("three steps along the cell path: ∂c₃/∂c₀ = f₁f₂f₃ (per unit; the matrices are "
             "diagonal, so the product is diag(∏fₛ))",
             r"\frac{\partial c_T}{\partial c_t} = \prod_{s=t+1}^{T}\operatorname{diag}(f_s) "
             r"= \operatorname{diag}\Bigl(\prod_{s=t+1}^{T} f_s\Bigr)",
             C.identical(sp.diff(c3, cs[0]), fprod), "sympy.diff through three unrolled cells",
             premises=(2,), gives={"∂c_T/∂cₜ = diag(∏fₛ)": True}),
        Step("no weight matrix and no σ′ or tanh′ enter the cell path: along it the gradient is "
             "scaled by the forget gates alone",
             r"\frac{\partial c_T}{\partial c_t}\ \text{is free of } W,\ \sigma',\ \tanh'",
             C.follows({"∂c_T/∂cₜ = diag(∏fₛ)": True},
                       also=lambda: (not sp.diff(c3, cs[0]).doit().atoms(sp.Derivative, sp.Subs),
                                     "the derivative holds gate values only, no derivative of "
                                     "any function")),
             "step 3's derivative contains no Derivative", premises=(3,)),
        Step("with a peephole (the forget gate sees cₜ₋₁) the identity fails: "
             "∂(f(cₜ₋₁)cₜ₋₁)/∂cₜ₋₁ = f + f′·cₜ₋₁",
             r"\frac{\partial\,(f(c_{t-1})\,c_{t-1})}{\partial c_{t-1}} = f + f'(c_{t-1})\,c_{t-1}",
             lambda: (sp.simplify(sp.diff(peep, cs[0]) - Pf(cs[0])) != 0,
                      f"extra term {sp.simplify(sp.diff(peep, cs[0]) - Pf(cs[0]))}"),
             "sympy.diff: the difference from f is not 0", kind="identity"),
        Step(f"forget gates at {forget} keep ({forget})^{span} ≈ {float(f**span):.3g} of the "
             f"gradient over {span} steps; a vanilla RNN with γλ₁ = {eta} keeps at most "
             f"({eta})^{span} ≈ {float(e**span):.3g}",
             rf"\left({sp.latex(f)}\right)^{{{span}}} \approx {sp.latex(sp.Float(float(f**span), 3))} > "
             rf"\left({sp.latex(e)}\right)^{{{span}}} \approx {sp.latex(sp.Float(float(e**span), 3))}",
             C.holds(sp.Gt(f**span, e**span)),
             "exact rational powers; the vanilla RNN's \"at most\" is the recurrent bound of "
             "`vgp prove rnn` (cited, not re-checked here)", premises=(3,)),
    )
    return Proof("the LSTM cell path", "∂c_T/∂cₜ = ∏ₛ diag(fₛ) exactly for peephole-free cells",
                 r"\frac{\partial c_T}{\partial c_t} = \prod_{s=t+1}^{T}\operatorname{diag}(f_s)",
                 steps)
