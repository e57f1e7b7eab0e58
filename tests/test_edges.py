"""The derivation at the edges, where the vanishing gradient lives (issue 12).

Saturated units, derivatives that underflow float64, true zeros, overflow, kinks and a check that
means something. Every expected value here comes from mpmath at 60+ digits on the closed form,
not from the code under test.
"""
from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
import sympy as sp
from click.testing import CliRunner

from vgp_symbolic.cli import main
from vgp_symbolic.core.backprop import forward_backward
from vgp_symbolic.core.derive import derive
from vgp_symbolic.core.evaluate import evaluate
from vgp_symbolic.core.network import (Network, SpecError, Values, _lift_layers, parse_spec,
                                       parse_toml)


def one_unit(act: str, w1, loss: str = "half_mse", y=0, out: str = "linear") -> tuple:
    """1 → act → out: the hidden unit sits at z = w1 (x = 1), so f'(w1) is the whole story."""
    net = Network.build(1, [(1, act), (1, out)], loss)
    vals = Values([Fraction(1)], [Fraction(y)], {1: [[Fraction(w1)]], 2: [[Fraction(1)]]})
    return net, vals


def true_gradient(net, vals, name="w1_11", dps=1000):
    """∂L/∂w by mpmath on the closed form of the 1 → f → linear net, half_mse: (o − y)·f'(z)·x."""
    act, zs = net.activation(1), sp.Symbol("z", real=True)
    z = sp.Rational(vals.W[1][0][0].numerator, vals.W[1][0][0].denominator)
    o = act.expr(zs).subs(zs, z).evalf(dps)
    df = sp.diff(act.expr(zs), zs).subs(zs, z).evalf(dps)
    with mpmath.workdps(dps):
        return mpmath.mpf(str((o - sp.Rational(vals.y[0].numerator, vals.y[0].denominator)) * df))


def rel(a, b):
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    return float(abs(a - b) / max(abs(a), abs(b)))


# -- saturation -------------------------------------------------------------------------------
@pytest.mark.parametrize("act,z,tol", [("sigmoid", 40, 1e-13), ("sigmoid", 20, 1e-13),
                                       ("tanh", -25, 1e-13), ("tanh", 18, 1e-13)])
def test_saturated_derivative_keeps_its_digits(act, z, tol):
    net, vals = one_unit(act, z)
    ev = evaluate(derive(net, "w1_11"), vals)
    want = true_gradient(net, vals)
    assert ev.gradient != 0 and rel(ev.gradient, want) < tol
    assert ev.check.agrees


def test_symbolic_output_keeps_the_textbook_form():
    net, _ = one_unit("sigmoid", 40)
    d = derive(net, "w1_11")
    o, x = d.names.o(1, 1), d.names.x(1)
    assert d.factors[-1].expression == o * (1 - o) * x


# -- underflow of f' itself ---------------------------------------------------------------------
@pytest.mark.parametrize("act,z", [("elu", -750), ("selu", -750), ("softplus", -750),
                                   ("swish", -750), ("gelu", -40), ("sigmoid", -750)])
def test_underflowed_derivative_is_recomputed_not_zero(act, z):
    net, vals = one_unit(act, z)
    ev = evaluate(derive(net, "w1_11"), vals)
    want = true_gradient(net, vals)
    assert ev.mode == "mp" and ev.gradient != 0
    assert rel(ev.gradient, want) < 1e-12
    assert ev.check.agrees


# -- true zeros are not underflow ----------------------------------------------------------------
def _float_net(act_hidden="relu"):
    # a tanh layer forces float64 (no exact arithmetic), a relu layer gives true zeros
    return Network.build(2, [(3, act_hidden), (3, "tanh"), (1, "sigmoid")], "mse")


def test_dead_relu_layer_is_a_true_zero():
    net = Network.build(2, [(3, "tanh"), (3, "relu"), (1, "sigmoid")], "mse")
    W2 = [[Fraction(-1)] * 3] * 3  # tanh outputs > 0: every relu unit of layer 2 is dead
    vals = Values([Fraction(1), Fraction(1, 2)], [Fraction(1)],
                  {1: [[Fraction(1, 2)] * 3] * 2, 2: W2, 3: [[Fraction(1, 3)]] * 3})
    p = forward_backward(net, vals)
    assert p.mode == "float" and p.gradient(net.parse_param("w1_11")) == 0


def test_zero_outgoing_weight_is_a_true_zero():
    net = _float_net("tanh")
    W2 = [[Fraction(0)] * 3, [Fraction(1, 2)] * 3, [Fraction(1, 2)] * 3]  # unit 1 feeds nothing
    vals = Values([Fraction(1), Fraction(1, 2)], [Fraction(1)],
                  {1: [[Fraction(1, 5)] * 3] * 2, 2: W2, 3: [[Fraction(1, 3)]] * 3})
    p = forward_backward(net, vals)
    assert p.mode == "float" and p.gradient(net.parse_param("w1_11")) == 0


def test_output_equal_to_target_is_a_true_zero():
    net = Network.build(1, [(2, "tanh"), (1, "relu")], "mse")
    vals = Values([Fraction(1)], [Fraction(0)], {1: [[Fraction(1, 2), Fraction(1, 3)]],
                                                 2: [[Fraction(-1)], [Fraction(-1)]]})
    p = forward_backward(net, vals)
    assert p.mode == "float" and p.gradient(net.parse_param("w1_11")) == 0


# -- overflow -----------------------------------------------------------------------------------
def _cli(tmp_path, spec: str, *args):
    f = tmp_path / "net.toml"
    f.write_text(spec)
    return CliRunner().invoke(main, ["derive", str(f), *args])


def test_huge_input_is_a_clear_error_or_a_number(tmp_path):
    r = _cli(tmp_path, '[network]\ninputs = 1\nlayers = [{units = 1, activation = "sigmoid"},'
                       ' {units = 1, activation = "linear"}]\n[values]\nx = ["1e999"]\ny = 0\n'
                       'W1 = [[1.0]]\nW2 = [[1.0]]\n', "--format", "json")
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    assert r.exit_code in (0, 2), r.output
    if r.exit_code == 0:
        assert "inf" not in r.output.lower()


def test_huge_input_prints_its_update_as_text(tmp_path):
    """x = "1e999" through the README's net: the update's change lies below every working
    precision (old − new = 0 in mpmath), which crashed the text with an OverflowError."""
    net = (Path(__file__).resolve().parents[1] / "vgp_symbolic" / "examples" / "net.toml")
    spec = net.read_text(encoding="utf-8").replace("x  = [1.0,", 'x  = ["1e999",')
    assert '"1e999"' in spec
    r = _cli(tmp_path, spec)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    assert r.exit_code == 0, r.output
    head = "w⁽¹⁾₁₁ ← w⁽¹⁾₁₁ − η·∂L/∂w⁽¹⁾₁₁ = 0.1 − 1 × "
    update = next(ln for ln in r.output.splitlines() if head in ln)
    assert update.endswith(") = 0.1")   # not 40 figures of the float 0.1's binary tail
    # σ(10⁹⁹⁸)·(1 − σ(10⁹⁹⁸)) ≈ 10^(−4.34 × 10⁹⁹⁷): its exponent was printed in all 998 figures
    assert max(map(len, r.output.splitlines())) < 300
    assert "= −10^(−4.34294 × 10⁹⁹⁷)" in r.output
    tex = _cli(tmp_path, spec, "--format", "latex").output
    assert r"-10^{-4.34294 \times 10^{997}}" in tex and max(map(len, tex.splitlines())) < 900


def test_linear_net_far_beyond_float64_is_exact(tmp_path):
    r = _cli(tmp_path, '[network]\ninputs = 1\nlayers = [{units = 1, activation = "linear"}]\n'
                       '[values]\nx = 1e300\ny = 0\nW1 = [[1e300]]\n', "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    # L = (w x)², ∂L/∂w = 2 w x² = 2e900
    assert d["exact"] == str(2 * 10 ** 900) and d["gradient"] == "2.0e+900"


def test_exact_gradient_above_float_range(tmp_path):
    L = 200
    spec = ('[network]\ninputs = 1\nlayers = [' + ", ".join(['{units = 1, activation = "linear"}'] * L)
            + ']\n[values]\nx = 1.0\ny = 0\n' + "".join(f"W{k} = [[100.0]]\n" for k in range(1, L + 1)))
    r = _cli(tmp_path, spec, "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["exact"] == str(2 * 100 ** (2 * L - 1)) and "e+798" in d["gradient"]


def test_factors_beyond_float_range():
    r = CliRunner().invoke(main, ["derive", "--factors", "1e999,2"])
    assert r.exit_code == 0, r.output
    assert "= 2 × 10⁹⁹⁹" in r.output  # the text's one number style (issue 13)


def test_bce_with_subnormal_output_is_not_minus_inf():
    net = Network.build(1, [(1, "sigmoid")], "bce")
    vals = Values([Fraction(1)], [Fraction(1)], {1: [[Fraction(-740)]]})
    ev = evaluate(derive(net, "w1_11"), vals)
    # ∂L/∂w = (σ(z) − y)·x → −1
    assert float(ev.gradient) == pytest.approx(-1, rel=1e-15)
    assert ev.check.agrees


def test_tiny_exact_gradient_is_not_printed_minus_zero(tmp_path):
    r = _cli(tmp_path, '[network]\ninputs = 1\nlayers = [{units = 1, activation = "linear"}]\n'
                       'loss = "half_mse"\n[values]\nx = "1e-200"\ny = 0\nW1 = [["-2e-198"]]\n',
             "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["gradient"] == "-2.0e-598" and d["check"]["agrees"]


# -- the check --------------------------------------------------------------------------------
def test_kink_is_named_not_a_disagreement():
    net = Network.build(1, [(1, "relu"), (1, "linear")], "half_mse")
    vals = Values([Fraction(1)], [Fraction(1)], {1: [[Fraction(0)]], 2: [[Fraction(2)]]})
    ev = evaluate(derive(net, "w1_11"), vals)
    assert ev.gradient == 0 and ev.check.agrees
    assert "kink" in ev.check.method and "z1_1" in ev.check.method


def test_exact_zero_against_a_tiny_difference_agrees():
    # issue 11, hw1 student s000835: the routes cancel to an exact 0 and the difference is 3e-32
    F = Fraction
    net = Network.build(3, [(2, "relu"), (2, "relu")], "mse")
    vals = Values([F(7, 10), F(-3, 5), F(9, 10)], [F(1), F(1)],
                  {1: [[F(1, 2), F(-7, 10)], [F(-9, 10), F(9, 10)], [F(-1, 10), F(2, 5)]],
                   2: [[F(3, 2), F(1, 2)], [F(1, 10), F(9, 10)]]})
    ev = evaluate(derive(net, "w1_11"), vals)
    assert ev.gradient == 0 and ev.check.agrees


def test_bce_far_below_1e_minus_50_is_checked():
    net = Network.build(1, [(1, "sigmoid")], "bce")
    vals = Values([Fraction(1)], [Fraction(0)], {1: [[Fraction(-130)]]})
    ev = evaluate(derive(net, "w1_11"), vals)
    assert rel(ev.gradient, mpmath.mpf(1) / (1 + mpmath.exp(130))) < 1e-13
    assert ev.check.agrees


def test_a_real_disagreement_exits_non_zero(tmp_path, monkeypatch):
    import vgp_symbolic.core.backprop as bp
    real = bp._run

    def wrong(*a, **k):
        p = real(*a, **k)
        p.delta[1] = p.delta[1] * 2  # a broken backward pass
        return p

    monkeypatch.setattr(bp, "_run", wrong)
    r = _cli(tmp_path, '[network]\ninputs = 1\nlayers = [{units = 1, activation = "tanh"}]\n'
                       '[values]\nx = 0.5\ny = 1\nW1 = [[0.3]]\n')
    assert r.exit_code == 1 and "DISAGREES" in r.output


# -- cost ----------------------------------------------------------------------------------------
def test_widths_are_computed_once():
    net = Network.build(2, [(3, "tanh")] * 50 + [(1, "sigmoid")])
    assert net.widths is net.widths and net.widths == (2,) + (3,) * 50 + (1,)


def test_layers_share_one_activation_record():
    # the mpmath versions are generated (lambdify) once per activation, not once per layer
    net = Network.build(2, [(3, "sigmoid")] * 4 + [(1, "sigmoid")])
    assert len({id(l.activation) for l in net.layers}) == 1


def test_wide_spec_read_fast_path_equals_tomllib():
    import random
    import tomllib
    from vgp_symbolic.core.network import spec_from_data
    rng = random.Random(3)
    rows = ", ".join("[" + ", ".join(f"{rng.uniform(-1, 1):.3f}" for _ in range(60)) + "]"
                     for _ in range(60))
    text = ("[network]\ninputs = 60\nlayers = [{units = 60, activation = \"tanh\"}, "
            "{units = 1, activation = \"sigmoid\"}]\nloss = \"bce\"\n[values]\n"
            f"x = [{', '.join(['0.5'] * 60)}]\ny = 1\nW1 = [{rows}]\n"
            f"W2 = [{', '.join(['[0.25]'] * 60)}]\n")
    assert len(text) > 20000
    net, vals = parse_spec(text)
    _, want = spec_from_data(tomllib.loads(text), text)
    assert vals.W == want.W and vals.x == want.x and vals.y == want.y
    bad = text.replace("W2 = [[0.25]", "W2 = [[0.25, 1]", 1)
    with pytest.raises(Exception) as e:
        parse_spec(bad, "net.toml")
    assert "net.toml, line 9" in str(e.value)  # the line of W2, as tomllib alone says
    for meta in ("[meta]\n", "  [meta]  # after the numbers\n"):  # [values] ends at a table
        _, after = parse_spec(text + meta + "W1 = 'not a weight'\n")
        assert after.W == want.W
        with pytest.raises(SpecError) as e:
            parse_spec(bad + meta, "net.toml")
        assert "net.toml, line 9" in str(e.value)


@pytest.mark.parametrize("entry", ["0.125", "-3", "9007199254740993", "1e-3", "-0.0", "2.5E+2",
                                   "123456789012345678901234567890"])
def test_wide_matrix_is_read_exactly_whatever_its_numbers(entry):
    # the JSON-read array skips the per-entry type check: every entry must still come out as
    # the exact number written (2⁵³ + 1 is not a float64; 1e-3 is 1/1000, not its float)
    import tomllib
    from vgp_symbolic.numbers import exact
    rows = [[entry if (i + j) % 7 == 0 else f"0.{i}{j}5" for j in range(60)] for i in range(60)]
    text = ("[network]\ninputs = 60\nlayers = [{units = 60, activation = \"tanh\"}]\n[values]\n"
            f"x = [{', '.join(['0.5'] * 60)}]\nW1 = [{', '.join('[' + ', '.join(r) + ']' for r in rows)}]\n")
    assert len(text) > 20000
    _, vals = parse_spec(text)
    want = [[exact(v) for v in r] for r in tomllib.loads(text)["values"]["W1"]]
    assert vals.W[1] == want
    assert all(type(v) is Fraction for r in vals.W[1] for v in r)
    if 1 in vals._float_W:
        assert vals._float_W[1].tolist() == [[float(v) for v in r] for r in want]
    else:  # only an int beyond float64's exact range keeps the exact rows alone
        assert abs(int(entry)) >= 2 ** 53


def test_wide_matrix_of_rows_of_rows_is_an_error_naming_its_line():
    rows = ", ".join("[" + ", ".join("[0.5]" for _ in range(60)) + "]" for _ in range(60))
    text = ("[network]\ninputs = 60\nlayers = [{units = 60, activation = \"tanh\"}]\n[values]\n"
            f"x = [{', '.join(['0.5'] * 60)}]\nW1 = [{rows}]\n")
    assert len(text) > 20000
    with pytest.raises(SpecError) as e:
        parse_spec(text, "net.toml")
    assert str(e.value).startswith("net.toml, line 6") and "W1" in str(e.value)


def _deep_text(tables: list[str], sep: str = ", ") -> str:
    return ("[network]\ninputs = 1\nlayers = [\n  " + sep.join(tables) + ",\n]  # the stack\n"
            "loss = \"bce\"\n[values]\nx = 0.5\n")


@pytest.mark.parametrize("sep", [", ", ",\n  ", " ,  "])
def test_long_layers_array_is_read_as_tomllib_reads_it(sep):
    # 10⁵ inline tables took tomllib 0.8 s; each distinct table is now read once
    import tomllib
    tables = (['{units = 1, activation = "tanh"}', '{ units = 2 , activation = "leaky_relu", '
               'slope = 0.1 }'] * 400 + ['{units = 1, activation = "sigmoid"}'])
    text = _deep_text(tables, sep)
    assert len(text) > 20000
    assert _lift_layers(text)[1] is not None  # the fast path reads it
    assert parse_toml(text) == tomllib.loads(text)
    net, _ = parse_spec(text)
    assert net.depth == 801 and net.layers[1].activation.name == "leaky_relu"


@pytest.mark.parametrize("odd,refused", [
    ('{units = 1, activation = "tanh"}, # a } in a comment\n', None),
    ('{units = 1, activation = "tanh", note = "a } and a ]"}', "unknown key(s) ['note']"),
    ('{units = 1, activation = {name = "tanh"}}', "unknown activation"),
])
def test_long_layers_array_that_is_not_plain_is_left_to_tomllib(odd, refused):
    import tomllib
    tables = ['{units = 1, activation = "tanh"}'] * 800
    text = _deep_text(tables[:400] + [odd.rstrip(", \n")] + tables[400:], ",\n  ")
    assert _lift_layers(text)[1] is None
    assert parse_toml(text) == tomllib.loads(text)
    if refused is None:
        assert parse_spec(text)[0].depth == 801
        return
    with pytest.raises(SpecError) as e:
        parse_spec(text, "deep.toml")
    assert str(e.value).startswith("deep.toml, line 404") and refused in str(e.value)


def test_long_layers_array_errors_keep_their_lines():
    tables = ['{units = 1, activation = "tanh"}'] * 800
    one_per_line = lambda ts: _deep_text(ts, ",\n  ")  # noqa: E731 -- layer k on line k + 3
    bad_key = one_per_line(tables[:9] + ['{units = 1, activaton = "tanh"}'] + tables[10:])
    with pytest.raises(SpecError) as e:
        parse_spec(bad_key, "deep.toml")
    assert str(e.value).startswith("deep.toml, line 13") and "unknown key(s) ['activaton']" in str(e.value)
    broken = one_per_line(tables[:19] + ['{units = 1, activation = "tanh"'] + tables[20:])
    with pytest.raises(SpecError) as e:
        parse_spec(broken, "deep.toml")
    assert str(e.value).startswith("deep.toml, line 23") and "malformed TOML" in str(e.value)


def test_gradient_beyond_any_difference_is_checked_by_the_tangent():
    # 2100 layers of w = 1e-10: ∂L/∂w1_11 ≈ 10^-21000, beyond a 20 000-digit difference of L;
    # it was "not checked" (agrees None); the scaled forward-mode tangent resolves it
    K = 2100
    net = Network.build(1, [(1, "tanh")] * K + [(1, "sigmoid")], "bce")
    W = {k: [[Fraction(1, 10 ** 10)]] for k in range(1, K + 2)}
    ev = evaluate(derive(net, "w1_11"), Values([Fraction(1, 2)], [Fraction(1)], W))
    assert mpmath.log10(abs(ev.gradient)) < -20000
    assert ev.check.agrees is True and ev.check.method.startswith("forward-mode tangent")
    assert ev.route_product == ev.gradient or abs(ev.route_product / ev.gradient - 1) < 1e-12


def test_long_route_prints_its_ends_and_json_lists_every_factor():
    K = 60
    net = Network.build(1, [(1, "tanh")] * K + [(1, "sigmoid")], "bce")
    W = {k: [[Fraction(9, 10)]] for k in range(1, K + 2)}
    vals = Values([Fraction(1, 2)], [Fraction(1)], W)
    from vgp_symbolic.report import derivation_dict, derivation_tex, derivation_text
    ev = evaluate(derive(net, "w1_11"), vals)
    text = derivation_text(ev)
    assert len(ev.derivation.factors) == 2 * K + 2
    assert "  ⋮   (74 more factors: f′(z) and w of each layer between" in text
    assert "∂L/∂ŷ" in text and "∂o⁽¹⁾₁/∂w⁽¹⁾₁₁" in text and "∂z⁽³⁰⁾₁" not in text
    assert text.count("\n") < 150
    assert r"\vdots" in derivation_tex(ev).body
    assert len(derivation_dict(ev)["factors"]) == 2 * K + 2
