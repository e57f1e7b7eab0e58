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
    assert r.exit_code == 0 and "∂o1_1/∂w1_21" in r.output
    r = run("derive", str(spec), "--format", "latex")
    assert r.exit_code == 0 and r.output.startswith("\\documentclass")


def test_symbolic_and_precision():
    r = run("derive", "--example", "net", "--symbolic")
    assert r.exit_code == 0 and "Numbers" not in r.output and "w2_11" in r.output
    r = run("derive", "--example", "net", "--precision", "40", "--no-check")
    assert r.exit_code == 0 and "mpmath, 40 digits" in r.output


def test_deep_example_shows_layer_table():
    r = run("derive", "--example", "deep", "--no-check")
    assert r.exit_code == 0 and "Per layer" in r.output and "δ symbols" in r.output


@pytest.mark.parametrize("content,msg", [
    ('[network]\ninputs = 3\nlayers = [{units = 1, activation = "softmax"}]\n',
     "line 3, network.layers[1]: layer 1: unknown activation 'softmax'"),
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
