"""``vgp derive`` as a user runs it: the seeds' claims, formats, and bad input."""
import json

import pytest
from click.testing import CliRunner

from vgp_symbolic.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_seed_worked_example_claim_s2():
    r = run("derive", "--factors", "0.20,0.5,0.02", "--old", "2.5", "--lr", "1")
    assert r.exit_code == 0
    assert "0.2 × 0.5 × 0.02 = 0.002   (exact: 1/500)" in r.output
    assert "= 2.498   (exact: 1249/500)" in r.output
    assert "exceeds 1/4" in r.output


def test_example_seed_says_249_is_a_truncation():
    r = run("derive", "--example", "seed")
    assert r.exit_code == 0
    assert '"2.49" is 2.498 truncated to 2 decimals (rounded it is 2.50)' in r.output


def test_claim_s3_four_tenths():
    r = run("derive", "--factors", "0.1,0.1,0.1,0.1", "--format", "json")
    d = json.loads(r.output)
    assert d["exact"] == "1/10000" and d["gradient"] == 0.0001


def test_claim_s1_four_named_factors():
    r = run("derive", "--example", "net", "--format", "json")
    d = json.loads(r.output)
    assert [f["name"] for f in d["factors"]] == ["∂L/∂ŷ", "∂ŷ/∂z2_1", "∂z2_1/∂o1_1",
                                                 "∂o1_1/∂w1_11"]
    assert all(isinstance(f["value"], float) for f in d["factors"])
    assert d["check"]["agrees"]


def test_spec_file_route_and_latex(tmp_path):
    from vgp_symbolic.examples import load_example
    spec = tmp_path / "net.toml"
    spec.write_text(load_example("net")[2])
    r = run("derive", str(spec), "--wrt", "w1_21", "--route", "2,1,1")
    assert r.exit_code == 0 and "∂o⁽¹⁾₁/∂w⁽¹⁾₂₁" in r.output
    r = run("derive", str(spec), "--format", "latex", "--standalone")
    assert r.exit_code == 0 and r.output.startswith("\\documentclass")


def test_symbolic_and_precision():
    r = run("derive", "--example", "net", "--symbolic")
    assert r.exit_code == 0 and "Numbers" not in r.output and "w⁽²⁾₁₁" in r.output
    r = run("derive", "--example", "net", "--precision", "40", "--no-check")
    assert r.exit_code == 0 and "mpmath, 40 digits" in r.output


def test_deep_example_shows_layer_table():
    r = run("derive", "--example", "deep", "--no-check")
    assert r.exit_code == 0 and "Per layer" in r.output and "δ symbols" in r.output


@pytest.mark.parametrize("content,msg", [
    ('[network]\ninputs = 3\nlayers = [{units = 1, activation = "softmax"}]\n',
     "line 3, network.layers[1]: layer 1: a softmax over 1 unit is the constant 1"),
    ('[network]\ninputs = 3\nlayers = [{units = 1}]\nloss = "hinge"\n', "line 4, network.loss"),
    ('[network]\ninputs = 1\nlayers = [{units = 1}]\n[values]\nW1 = [[1, 2]]\n',
     "line 5, values.W1: W1 must be 1×1"),
    ('[network\ninputs = 1\n', "line 1: malformed TOML"),
])
def test_bad_spec_exit_2_with_file_and_line(tmp_path, content, msg):
    spec = tmp_path / "bad.toml"
    spec.write_text(content)
    r = run("derive", str(spec))
    assert r.exit_code == 2
    assert f"bad.toml, {msg}" in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("args,msg", [
    (["--example", "net", "--wrt", "w7_11"], "layers 1..2"),
    (["--example", "net", "--route", "9"], "route"),
    ([], "give exactly one of"),
    (["--example", "net", "--factors", "1"], "give exactly one of"),
    (["--factors", "0.2,x"], "not a number"),
    (["--example", "net", "--old", "2"], "--old goes with --factors"),
    (["/no/such/file.toml"], "cannot read"),
])
def test_bad_options_exit_2(args, msg):
    r = run("derive", *args)
    assert r.exit_code == 2, r.output
    assert msg in r.output and "Traceback" not in r.output


def test_help():
    r = run("derive", "--help")
    assert r.exit_code == 0 and "--factors" in r.output and "--route" in r.output


# -- issue 13: what a user reads ---------------------------------------------------------------
def test_a_factor_equal_to_its_value_is_not_repeated():
    """`--example relu` printed "∂ŷ/∂z2_1 = 1 = 1"."""
    out = run("derive", "--example", "relu").output
    assert "∂ŷ/∂z⁽²⁾₁      = 1\n" in out and "= 1 = 1" not in out


def test_lr_without_old_is_an_error_not_ignored():
    r = run("derive", "--factors", "0.2,0.5", "--lr", "0.1")
    assert r.exit_code == 2 and "--lr needs --old" in r.output


@pytest.mark.parametrize("args, where", [
    (["--wrt", "w9_11"], "net.toml, --wrt: w9_11 names layer 9"),
    (["--route", "1,2,3"], "net.toml, --route: route starts at unit 2"),
])
def test_wrt_and_route_errors_name_the_file(tmp_path, args, where):
    from vgp_symbolic.examples import load_example
    spec = tmp_path / "net.toml"
    spec.write_text(load_example("net")[2])
    r = run("derive", str(spec), *args)
    assert r.exit_code == 2 and where in r.output and "<spec>" not in r.output


def test_update_shows_enough_digits_to_see_the_change():
    """`--example deep` read "w ← 0.15 − 0.1 × 2.09 × 10⁻⁸ = 0.15"."""
    out = run("derive", "--example", "deep", "--no-check").output
    line = next(l for l in out.splitlines() if "←" in l)
    new = line.rsplit("= ", 1)[1].split()[0]
    assert new != "0.15" and float(new) < 0.15, line
    tex = run("derive", "--example", "deep", "--no-check", "--format", "latex").output
    assert "= 0.15\\par" not in tex and "0.14999999" in tex


def test_route_share_is_not_written_as_the_gradient():
    """`--route` wrote "∂L/∂w = (one route) 0.00505 = −0.0082642"."""
    args = ["derive", "--example", "deep", "--no-check", "--route", "1,1,1,1,1,1,1,1,1,1"]
    out, tex = run(*args).output, run(*args, "--format", "latex").output
    share = next(l for l in out.splitlines() if l.lstrip().startswith("route share") and "×" in l)
    value = share.rsplit("= ", 1)[1]
    total = next(l for l in out.splitlines() if l.startswith(" " * 5) and l.strip().startswith("="))
    assert value not in total
    from vgp_symbolic.api import derive
    from vgp_symbolic.report import number_latex
    ev = derive("deep", route=args[-1], check=False).evaluation
    share = number_latex(ev.route_product)
    gradient_eqs = [eq for eq in tex.split("\\par}")
                    if "$\\displaystyle \\frac{\\partial L}{\\partial w^{(1)}_{11}} =" in eq]
    assert gradient_eqs and not any(share in eq for eq in gradient_eqs)
    assert share in tex and number_latex(ev.gradient) in gradient_eqs[-1]
    assert "r_{\\text{route}}" in tex and "one route's share" in tex


def test_text_is_mathematics_not_python():
    for ex in ("net", "relu", "deep"):
        out = run("derive", "--example", ex, "--no-check").output
        for python in ("**", "*", " if ", " else ", "w1_11", "z2_1", "-0."):
            assert python not in out, (ex, python)
    out = run("derive", "--example", "relu").output
    assert "[z⁽¹⁾₁ > 0]" in out and "(ŷ − y)²" in out and "−0.725" in out
