"""`vgp derive` on residual and recurrent specs: outputs, and bad input (file, line, key, exit 2)."""
from __future__ import annotations

import json
from importlib import resources

import pytest
from click.testing import CliRunner

from vgp_symbolic.cli import main
from vgp_symbolic.core.network import SpecError, parse_spec

EXAMPLES = resources.files("vgp_symbolic.examples")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("name,wrt", [("rnn", "W_11"), ("lstm", "Wf_11"), ("gru", "Wu_11"),
                                      ("residual", "w1_11")])
def test_examples_json_agree_with_finite_differences(name, wrt):
    r = run("derive", EXAMPLES / f"{name}.toml", "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["wrt"] == wrt and d["check"]["agrees"]
    assert len(d["terms"]) >= 1 and d["steps"][0]["t"] == 0
    assert d["gradient"] == pytest.approx(sum(t["value"] for t in d["terms"]), rel=1e-12)


def test_text_shows_bptt_sum_table_and_update():
    r = run("derive", EXAMPLES / "rnn.toml", "--wrt", "U_21")
    assert r.exit_code == 0, r.output
    out = r.output
    assert "∂L/∂U_21 = x1_1·δz1_2 + x2_1·δz2_2 + x3_1·δz3_2 + x4_1·δz4_2" in out
    assert "‖∂h_T/∂h_t‖₂" in out and "Update (η = 0.5)" in out and "— agrees" in out
    assert "diag(f′(zₜ)) W" in out


def test_symbolic_and_latex():
    r = run("derive", EXAMPLES / "lstm.toml", "--symbolic")
    assert r.exit_code == 0 and "cell path ∂c1/∂c0 (h0 fixed) = [f1_1, 0; 0, f1_2]" in r.output
    r = run("derive", EXAMPLES / "residual.toml", "--format", "latex", "--standalone")
    assert r.exit_code == 0 and r.output.startswith("\\documentclass")
    assert r"\operatorname{diag}" in r.output


def test_latex_head_sets_h_T_as_math():
    """The LaTeX head said "loss mse on h\\_T" (an underscore in text, printed h_T)."""
    r = run("derive", EXAMPLES / "lstm.toml", "--format", "latex")
    assert r.exit_code == 0, r.output
    head = next(ln for ln in r.output.splitlines() if "Network LSTM" in ln)
    assert r"loss mse on $h_T$;" in head and r"h\_T" not in head


def test_dense_default_still_w1_11():
    r = run("derive", "--example", "net", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.output)["wrt"] == "w1_11"


BAD = [
    ('[network]\nkind = "rnn"\ncell = "lstn"\ninputs = 1\nhidden = 1\nsteps = 2\n',
     "line 3, network.cell", "unknown cell 'lstn'"),
    ('[network]\nkind = "rnn"\ninputs = 1\nhidden = 1\nsteps = 0\n',
     "line 5, network.steps", "sequence of length 0"),
    ('[network]\nkind = "rnn"\ninputs = 1\nhidden = 2\nsteps = 3\n[values]\nx = [1, 2]\n',
     "line 7, values.x", "x must be 3×1"),
    ('[network]\nkind = "rnn"\ninputs = 1\nhidden = 2\nsteps = 3\n[values]\nW = [[1, 2]]\n',
     "line 7, values.W", "W must be 2×2"),
    ('[network]\nkind = "rnn"\ncell = "lstm"\ninputs = 1\nhidden = 2\nsteps = 1\n[values]\nW = [[1, 2], [3, 4]]\n',
     "line 8, values.W", "unknown key 'W'"),
    ('[network]\nkind = "rnn"\ninputs = 1\nhidden = 1\nsteps = 2\nloss = "bce"\n',
     "line 6, network.loss", "not available for a recurrent network"),
    ('[network]\ninputs = 2\nlayers = [\n  {units = 3, activation = "tanh", residual = true},\n'
     '  {units = 1, activation = "sigmoid"},\n]\n',
     "line 4, network.layers[1]", "add projection = true"),
    ('[network]\ninputs = 2\nlayers = [\n  {units = 2, activation = "tanh", residual = "yes"},\n]\n',
     "line 4, network.layers[1]", "residual must be true or false"),
    ('[network]\ninputs = 2\nlayers = [\n  {units = 3, activation = "tanh", residual = true, projection = true},\n]\n'
     '[values]\nP1 = [[1, 0, 0]]\n', "line 7, values.P1", "P1 must be 2×3"),
    ('[network]\nkind = "convolutional"\n', "line 2, network.kind", "unknown kind"),
]


@pytest.mark.parametrize("text,where,what", BAD)
def test_bad_input_names_file_line_key_and_exits_2(tmp_path, text, where, what):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    r = run("derive", f)
    assert r.exit_code == 2, r.output
    assert f"{f}, {where}" in r.output and what in r.output
    assert "Traceback" not in r.output


def test_bad_wrt_exits_2():
    r = run("derive", EXAMPLES / "gru.toml", "--wrt", "Wf_11")
    assert r.exit_code == 2 and "a GRU has no gate 'f'" in r.output


def test_dense_readers_refuse_an_architecture_clearly():
    with pytest.raises(SpecError, match="residual, recurrent or softmax network"):
        parse_spec('[network]\nkind = "rnn"\ninputs = 1\nhidden = 1\nsteps = 2\n', "x.toml")
    # a softmax output was "layer 2: unknown activation 'softmax'", as if it were a typo
    with pytest.raises(SpecError, match="residual, recurrent or softmax network: `vgp derive`"):
        parse_spec('[network]\ninputs = 1\nlayers = [{units = 2, activation = "tanh"}, '
                   '{units = 2, activation = "softmax"}]\nloss = "cross_entropy"\n', "x.toml")
    with pytest.raises(SpecError, match="line 3"):
        parse_spec('[network]\ninputs = 1\nkind = "recurrent"\n', "x.toml")


@pytest.mark.parametrize("example", ["residual", "rnn", "lstm", "gru"])
def test_text_numbers_in_the_dense_outputs_style(example):
    # the residual and recurrent reports wrote -0.0151924, 1.2e-31 and 1.0 where the dense one
    # writes −0.0151924, 1.2 × 10⁻³¹ and 1 (one number style for every text output)
    import re
    r = run("derive", EXAMPLES / f"{example}.toml")
    assert r.exit_code == 0, r.output
    numbers = re.findall(r"(?<![\w.])-?\d+\.?\d*(?:e[-+]?\d+)?(?![\w.])", r.output)
    assert not [n for n in numbers if "e" in n or n.startswith("-")], r.output
    assert "−" in r.output and "relative difference" in r.output


def test_lstm_names_keep_their_time_steps():
    # the output gate o3_1 came out as o⁽³⁾₁ (a dense layer's notation) beside c3_1 and f3_1
    r = run("derive", EXAMPLES / "lstm.toml")
    assert r.exit_code == 0, r.output
    assert "⁽" not in r.output and "tanh(c3_1)" in r.output and "o3_1" in r.output
