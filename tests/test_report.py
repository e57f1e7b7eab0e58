"""Text, LaTeX and JSON output of derivations."""
import json
import shutil
import subprocess
from fractions import Fraction

import pytest

from vgp_symbolic.core.chain import factor_chain
from vgp_symbolic.core.derive import derive
from vgp_symbolic.core.evaluate import evaluate
from vgp_symbolic.examples import load_example
from vgp_symbolic.report import (chain_dict, chain_latex, derivation_dict, derivation_latex,
                                 derivation_text, number_json, number_latex)


@pytest.fixture
def relu_eval():
    net, vals, _ = load_example("relu")
    return evaluate(derive(net, "w1_11"), vals)


def test_text_shows_every_step(relu_eval):
    t = derivation_text(relu_eval)
    for piece in ["Forward pass", "z⁽¹⁾₁ = ", "o⁽¹⁾₁ = relu(z⁽¹⁾₁) = 0.35", "∂L/∂ŷ",
                  "∂o⁽¹⁾₁/∂w⁽¹⁾₁₁", "= −0.725   (exact: −29/40)", "Update (η = 1)",
                  "= 0.825   (exact: 33/40)",
                  "agrees"]:
        assert piece in t, piece


def test_json_has_the_documented_keys(relu_eval):
    d = derivation_dict(relu_eval)
    json.dumps(d)  # serialisable as is
    for key in ["wrt", "loss", "gradient", "exact", "expression", "factors", "update"]:
        assert key in d
    assert d["wrt"] == "w1_11" and d["exact"] == "-29/40" and d["gradient"] == -0.725
    assert d["update"] == {"lr": 1.0, "old": 0.1, "new": 0.825, "new_exact": "33/40"}
    assert {"name", "expression", "value"} <= set(d["factors"][0])


def test_symbolic_json_without_values(seed_net):
    net, _ = seed_net
    d = derivation_dict(derive(net, "w1_11"))
    assert d["gradient"] is None if "gradient" in d else True
    assert d["factors"][2]["expression"] == "w2_11"


def test_number_helpers():
    assert number_json(Fraction(1, 3)) == pytest.approx(1 / 3)
    assert number_latex(Fraction(1249, 500)) == "2.498"
    assert number_latex(-3.5e-9) == r"-3.5 \times 10^{-9}"


@pytest.mark.skipif(not shutil.which("pdflatex"), reason="pdflatex not installed")
def test_latex_compiles(tmp_path, relu_eval, seed_net):
    net, vals = seed_net
    deep_net, deep_vals, _ = load_example("deep")
    docs = [derivation_latex(relu_eval, standalone=True),
            derivation_latex(evaluate(derive(net, "w1_11"), vals), standalone=True),
            derivation_latex(evaluate(derive(deep_net, "w1_11"), deep_vals, check=False),
                             standalone=True),
            "\\documentclass{article}\\usepackage{amsmath}\\begin{document}"
            + chain_latex(factor_chain("0.2,0.5,0.02", "2.5", "1")) + "\\end{document}"]
    for n, doc in enumerate(docs):
        f = tmp_path / f"d{n}.tex"
        f.write_text(doc)
        r = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode",
                            "-halt-on-error", f.name], cwd=tmp_path, capture_output=True, text=True)
        assert r.returncode == 0, r.stdout[-2000:]


def test_chain_dict():
    d = chain_dict(factor_chain("0.20,0.5,0.02", "2.5", "1"))
    assert d["exact"] == "1/500" and d["update"]["new_exact"] == "1249/500"


# -- issue 13: JSON a program can use ------------------------------------------------------------
def _parse(text, names):
    import sympy as sp
    return sp.parse_expr(text, local_dict={n: sp.Symbol(n, real=True) for n in names})


def _evaluate_from_definitions(d: dict):
    """Parse the expression and evaluate it from the leaves' values through every definition."""
    import sympy as sp
    syms, known = d["symbols"], {}

    def value(name):
        if name not in known:
            entry = syms[name]
            if entry["definition"] is None:  # an input, target, weight or bias: a given number
                known[name] = sp.Rational(entry["exact"]) if entry["exact"] else entry["value"]
            else:
                e = _parse(entry["definition"], syms)
                known[name] = e.xreplace({s: value(str(s)) for s in e.free_symbols})
        return known[name]

    expr = _parse(d["expression"], syms)
    assert {str(s) for s in expr.free_symbols} <= set(syms)
    return float(expr.xreplace({s: value(str(s)) for s in expr.free_symbols}).evalf(30))


@pytest.mark.parametrize("example, wrt", [("net", "w1_11"), ("relu", "w1_21"), ("net", "b2_1"),
                                          ("deep", "w1_11"), ("deep", "w8_23")])
def test_json_expression_parses_back_to_the_gradient(example, wrt):
    from vgp_symbolic.api import derive as api_derive
    d = json.loads(json.dumps(api_derive(example, wrt, check=False).to_dict()))
    assert d["expression_syntax"].startswith("SymPy")
    got = _evaluate_from_definitions(d)
    assert got == pytest.approx(float(d["gradient"]), rel=1e-9, abs=1e-300)
    if d["exact"]:
        assert _parse(d["expression"], d["symbols"]).free_symbols  # a formula, not a number


def test_json_route_count_is_a_number_not_1000_digits():
    from vgp_symbolic.core.network import Network
    deep = Network.build(2, [(10, "sigmoid")] * 400 + [(1, "sigmoid")], "bce")
    d = derivation_dict(derive(deep, "w1_11"))
    assert json.dumps(d["routes"]) == '"1.0e+399"' or len(json.dumps(d["routes"])) < 25
    assert "δ2_1" in d["symbols"] and d["symbols"]["δ2_1"]["definition"].count("δ3_") == 10


@pytest.mark.parametrize("width,depth,route", [(3, 50, None), (3, 50, "1," * 50 + "1"),
                                               (1000, 2, None), (2, 1000, None)])
def test_latex_headings_write_route_counts_in_math_not_unicode(width, depth, route):
    # "summed over all 5.63 × 10¹¹² routes" went into LaTeX as Unicode text: pdflatex printed
    # "5.63 Ö 10¹¹²" and lualatex "5.63 Œ 10źźš"; no character outside ASCII belongs in the body
    import re
    from vgp_symbolic.core.network import Network
    from vgp_symbolic.report import derivation_tex
    net = Network.build(2, [(width, "sigmoid")] * depth + [(1, "sigmoid")], "bce")
    body = derivation_tex(derive(net, "w1_11", route)).body
    head = next(ln for ln in body.splitlines() if "routes" in ln or "route $" in ln)
    assert not re.findall(r"[^\x00-\x7f]", body), head
    if width ** depth >= 10 ** 12:
        assert re.search(r"\$\d(\.\d+)? \\times 10\^\{\d+\}\$", head), head


def test_seed_example_meanings_line_up():
    """`vgp derive --example seed`: each factor's meaning starts in one column (0.02 is wider
    than 0.2 and 0.5, and its meaning started a column further right)."""
    from vgp_symbolic.cli import main
    from click.testing import CliRunner
    r = CliRunner().invoke(main, ["derive", "--example", "seed"])
    assert r.exit_code == 0, r.output
    meanings = ("loss derivative", "σ′(z_out)", "σ′(z11)")
    lines = [ln for ln in r.output.splitlines() if any(m in ln for m in meanings)]
    assert len(lines) == 3
    assert len({ln.index(m) for ln, m in zip(lines, meanings)}) == 1, lines
