"""`vgp prove` through click: output, JSON keys, exit codes (0 proved, 1 unproved, 2 bad input)."""
import dataclasses
import json

import pytest
from click.testing import CliRunner

from vgp_symbolic.cli import main
from vgp_symbolic.cli.prove import prove


def run(*args):
    return CliRunner().invoke(main, ["prove", *args])


def test_sigmoid_text():
    r = run("sigmoid")
    assert r.exit_code == 0, r.output
    assert "σ′(z) = σ(z)(1 − σ(z))" in r.output
    assert "(0, 1/4]" in r.output and "8/8 steps verified" in r.output and "[✗]" not in r.output


def test_json_keys():
    r = run("sigmoid", "--format", "json")
    assert r.exit_code == 0
    d = json.loads(r.output)
    assert {"activation", "derivative", "sup", "sup_float", "argmax", "saturates",
            "steps"} <= set(d)
    assert d["sup"] == "1/4" and d["sup_float"] == 0.25 and d["argmax"] == "0"
    assert d["saturates"] is True and d["verified"] is True
    assert all(set(s) >= {"claim", "verified"} and s["verified"] for s in d["steps"])


def test_swish_json_has_ten_digits_and_enclosure():
    d = json.loads(run("swish", "--format", "json").output)
    assert d["sup"] == "1.099839320" and d["sup_exact"] is False
    lo, hi = map(float, d["sup_enclosure"])
    assert lo <= 1.0998393201288669 <= hi
    assert d["argmax"] == "2.399357281"


def test_seed_s4_summary():
    r = run("sigmoid", "tanh", "relu", "--summary")
    assert r.exit_code == 0
    out = r.output
    assert "σ′(z) ∈ (0, 1/4]" in out and "tanh′(z) ∈ (0, 1]" in out and "relu′(z) ∈ {0, 1}" in out
    # seed 004: the sup values 0.25 and 1
    d = json.loads(run("sigmoid", "tanh", "--summary", "--format", "json").output)
    assert [x["sup_float"] for x in d] == [0.25, 1.0]


def test_all_json_is_a_list():
    d = json.loads(run("all", "--format", "json", "--summary").output)
    assert [x["activation"] for x in d][:3] == ["sigmoid", "tanh", "relu"] and len(d) == 10
    assert all(x["verified"] for x in d)


def test_latex():
    r = run("tanh", "--format", "latex")
    assert r.exit_code == 0 and "\\begin{enumerate}" in r.output and "\\checkmark" in r.output


def test_depth_default_table_and_threshold():
    r = run("depth", "--layers", "10", "--below", "1e-6")
    assert r.exit_code == 0, r.output
    assert "10  1/1048576  ≈ 9.536743164 × 10⁻⁷" in r.output
    assert "first at n = 10" in r.output


def test_depth_seed_factor():
    r = run("depth", "--factor", "0.1", "--layers", "4")
    assert r.exit_code == 0
    assert "1/10000 = 0.0001" in r.output


def test_depth_json_and_exploding():
    d = json.loads(run("depth", "--activation", "tanh", "--weight-norm", "2", "--layers", "3",
                       "--format", "json").output)
    assert d["regime"] == "exploding" and d["factor"] == "2"
    assert [row["exact"] for row in d["table"]] == ["2", "4", "8"]
    assert d["above"]["depth"] == 20 and d["below"]["depth"] is None
    assert d["verified"] and all(s["verified"] or s["kind"] == "definition" for s in d["steps"])


@pytest.mark.parametrize("args, needle", [
    (("softmax",), "unknown activation 'softmax'"),
    ((), "name what to prove"),
    (("depth", "--layers", "-3"), "'--layers': -3 is not in the range 1<=x<=10000"),
    (("depth", "--layers", "0"), "'--layers': 0 is not in the range 1<=x<=10000"),
    (("depth", "--layers", "ten"), "'ten' is not a valid integer"),
    (("depth", "--weight-norm", "-1"), "'--weight-norm': must be ≥ 0, got -1"),
    (("depth", "--below", "0"), "'--below': must be positive, got 0"),
    (("depth", "--factor", "-0.5"), "'--factor': must be positive, got -0.5"),
    (("depth", "--below", "abc"), "not a number"),
    (("depth", "--activation", "foo"), "unknown activation 'foo'"),
    (("sigmoid", "--layers", "3"), "only apply to `vgp prove depth`"),
    (("relu", "--slope", "0.2"), "--slope applies to leaky_relu"),
    (("leaky_relu", "--slope", "2"), "slope must be in [0, 1)"),
    (("sigmoid", "--format", "pdf"), "Invalid value"),
    (("sigmoid", "--standalone"), "--standalone goes with --format latex"),
    (("depth", "--factor", "0.999999999"), "the depth exceeds 1000000"),
    (("sigmoid", "--below", "1e-3"), "--below only apply to `vgp prove depth`"),
])
def test_bad_input_exit_code_2(args, needle):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert needle in r.output
    assert "Traceback" not in r.output


def test_no_target_names_every_target():
    """`vgp prove` alone lists what it can prove: the architectures' theorems too."""
    r = run()
    assert r.exit_code == 2, r.output
    for target in ("sigmoid", "'all'", "'depth'", "'rnn'", "'residual'", "'lstm'"):
        assert target in r.output, target


def test_unverified_proof_exits_1(monkeypatch):
    import sympy as sp

    from vgp_symbolic import proofs
    from vgp_symbolic.proofs import Proof, Step
    from vgp_symbolic.proofs.checks import identical

    good = proofs.prove_activation("sigmoid")
    s = sp.Symbol("s", real=True)
    bad_step = Step("1/5 − s(1 − s) = (s − 1/2)²", "",
                    identical(sp.Rational(1, 5) - s * (1 - s), (s - sp.Rational(1, 2))**2))
    bad = dataclasses.replace(good, proof=Proof("σ′ ≤ 1/5", "false", "false", (bad_step,)))
    bad.checked = bad.proof.verify()
    monkeypatch.setattr(proofs, "prove_activation", lambda name, **kw: bad)
    r = CliRunner().invoke(prove, ["sigmoid"])
    assert r.exit_code == 1
    assert "[✗]" in r.output and "NOT VERIFIED" in r.output


# -- issue 13: LaTeX that loses nothing, numbers in one style ----------------------------------
def test_selu_constants_are_not_printed_with_32_digits():
    import re
    for fmt in ("latex", "text"):
        out = run("selu", "--format", fmt).output
        assert not re.search(r"\d{16,}", out), fmt


def test_prove_depth_latex_loses_no_characters():
    """`L = ?$\\|$? - y$\\|$` and "ok" for oᵏ."""
    out = run("depth", "--format", "latex").output
    assert "?" not in out
    assert "o$^{k}$ = u(w$_{1}$)" in out and "$\\frac{1}{2}$$\\|$$\\hat{y}$ - y$\\|$$^{2}$" in out


def test_depth_table_every_row_has_ten_figures():
    """tanh with ‖W‖ = 1.5: row 20 had no decimal, rows 15–19 had 20-digit ones."""
    import re
    out = run("depth", "--activation", "tanh", "--weight-norm", "1.5", "--layers", "25").output
    rows = [l for l in out.splitlines() if re.match(r"\s+\d+  ", l)]
    assert len(rows) == 25
    for row in rows:
        m = re.search(r"[=≈] (\S+)", row)
        assert m, row
        assert len(m.group(1).replace(".", "").lstrip("0")) <= 10, row
    assert rows[19].split()[-1] == "3325.256730"
