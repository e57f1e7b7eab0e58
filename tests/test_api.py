"""The Python API: ``from vgp_symbolic import Network, derive, prove, lab`` (issue 13)."""
import subprocess
import sys
from fractions import Fraction

import pytest


def test_import_is_lazy():
    """`vgp --help` must start fast: importing the package must not import SymPy or numpy."""
    code = ("import sys, vgp_symbolic; "
            "assert 'sympy' not in sys.modules and 'numpy' not in sys.modules, 'eager'; "
            "from vgp_symbolic import Network, derive, prove, lab; "
            "assert lab.LabConfig and callable(derive) and callable(prove) and Network.build")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_derive_example_path_and_network(tmp_path):
    from vgp_symbolic import Network, derive
    from vgp_symbolic.examples import load_example
    assert derive("relu").gradient == Fraction(-29, 40)
    spec = tmp_path / "relu.toml"
    spec.write_text(load_example("relu")[2])
    assert derive(str(spec), "w1_11").gradient == Fraction(-29, 40)
    net = Network.build(2, [(3, "tanh"), (1, "sigmoid")], "bce")
    sym = derive(net, "w2_11")
    assert sym.evaluation is None and "ŷ" in str(sym.gradient)
    assert derive("seed").gradient == Fraction(1, 500)


def test_errors_name_the_spec(tmp_path):
    from vgp_symbolic import derive
    from vgp_symbolic.core.network import SpecError
    from vgp_symbolic.examples import load_example
    spec = tmp_path / "mine.toml"
    spec.write_text(load_example("net")[2])
    with pytest.raises(SpecError, match=r"mine\.toml, --wrt: w5_11 names layer 5"):
        derive(spec, "w5_11")
    with pytest.raises(TypeError, match="Network, a spec path or an example"):
        derive(3)


def test_results_show_themselves_in_jupyter():
    from vgp_symbolic import chain, derive, prove
    for r in (derive("net"), derive("deep", check=False), chain(), prove("tanh"),
              prove("depth", layers=5)):
        md, tex = r._repr_markdown_(), r._repr_latex_()
        assert "$" in md and "$" in tex
        assert "\\allowbreak" not in md  # MathJax has no \allowbreak
        assert str(r) == r.to_text()
        assert r.to_latex().fragment().startswith("% vgp: this LaTeX fragment needs")
        assert r.to_dict()
    md = derive("net")._repr_markdown_()
    assert "\\begin{aligned}" in md and "\\frac{\\partial L}{\\partial w^{(1)}_{11}}" in md
    assert "✓" in prove("sigmoid")._repr_markdown_()


def test_prove_with_options():
    from vgp_symbolic import prove
    r = prove("leaky_relu", "depth", slope=Fraction(1, 5), factor="0.1", layers=4)
    assert r.verified and len(r.results) == 2
    assert r.results[1].table[-1].exact == Fraction(1, 10000)


def test_to_dict_lists_every_symbol_on_request(tmp_path):
    # above 10 000 named quantities the JSON lists the expression's symbols only; the note
    # points to to_dict(full_symbols=True), which must then give the whole table
    import json
    import vgp_symbolic as vgp
    from vgp_symbolic.core.network import Network
    net = Network.build(2, [(60, "tanh")] * 4 + [(1, "sigmoid")], "bce")
    r = vgp.derive(net, "w1_11")
    short, full = r.to_dict(), r.to_dict(full_symbols=True)
    assert short["symbols_complete"] is False and "to_dict(full_symbols=True)" in short["symbols_note"]
    assert full["symbols_complete"] is True
    assert set(short["symbols"]) < set(full["symbols"])
    assert {"w4_60_60", "w1_2_60", "x_2", "δ5_1"} <= set(full["symbols"])
    json.dumps(full)
