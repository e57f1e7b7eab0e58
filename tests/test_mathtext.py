"""Text notation of long expressions (mathtext): what a terminal shows of a wide layer."""
from __future__ import annotations

import sympy as sp

from vgp_symbolic.core.derive import derive
from vgp_symbolic.core.network import Network
from vgp_symbolic.mathtext import expr_text
from vgp_symbolic.report import derivation_text


def test_a_wide_layers_sum_shows_its_first_terms_and_its_last_in_index_order():
    # 120 hidden units: the δ sum printed all 120 terms on one 2,500-character line, in SymPy's
    # name order (…w⁽²⁾₁,₁₉·δ⁽²⁾₁₉, w⁽²⁾₁,₁₀₀·δ⁽²⁾₁₀₀, …); it reads like the board now
    net = Network.build(1, [(1, "tanh"), (120, "sigmoid"), (1, "sigmoid")], "bce")
    text = derivation_text(derive(net, "w1_11"))
    line = next(ln for ln in text.splitlines() if ln.lstrip().startswith("∂L/∂z⁽¹⁾₁ "))
    assert ("(w⁽²⁾₁,₁·δ⁽²⁾₁ + w⁽²⁾₁,₂·δ⁽²⁾₂ + w⁽²⁾₁,₃·δ⁽²⁾₃ + ⋯ + w⁽²⁾₁,₁₂₀·δ⁽²⁾₁₂₀)" in line
            or "(w⁽²⁾₁₁·δ⁽²⁾₁ + w⁽²⁾₁₂·δ⁽²⁾₂ + w⁽²⁾₁₃·δ⁽²⁾₃ + ⋯ + w⁽²⁾₁,₁₂₀·δ⁽²⁾₁₂₀)" in line)
    assert len(line) < 200


def test_sums_up_to_sixteen_terms_are_printed_whole():
    x = sp.symbols("x1:17")
    assert sorted(expr_text(sum(x)).split(" + ")) == sorted(f"x{k}" for k in range(1, 17))


def test_an_elided_sum_keeps_its_signs():
    x = sp.symbols("x1:30")
    assert expr_text(-sum(x)) == "−x1 − x2 − x3 − ⋯ − x29"
    assert expr_text(sum(x) - 2 * x[4]) == "x1 + x2 + x3 + ⋯ + x29"  # −x5 is in the middle
    assert expr_text(sum(x) - 2 * x[-1]) == "x1 + x2 + x3 + ⋯ − x29"


def test_latex_writes_a_wide_layers_sum_the_same_way():
    from vgp_symbolic.report import derivation_tex
    net = Network.build(1, [(1, "tanh"), (120, "sigmoid"), (1, "sigmoid")], "bce")
    body = derivation_tex(derive(net, "w1_11")).body
    assert (r"(w^{(2)}_{11}\allowbreak \delta^{(2)}_{1} + w^{(2)}_{12}\allowbreak \delta^{(2)}_{2}"
            r" + w^{(2)}_{13}\allowbreak \delta^{(2)}_{3} + \cdots + w^{(2)}_{1,120}\allowbreak "
            r"\delta^{(2)}_{120})") in body
    assert r"\delta^{(2)}_{100}" not in body
