"""The JSON's symbol table (vgp_symbolic.symbol_table) against SymPy's own definitions, and
deep networks' JSON against an independent forward/backward pass.

Issue 12: ``vgp derive SPEC --format json`` printed every definition with SymPy and listed every
weight of the network (46 s at depth 1000 × width 10, more than 2.5 minutes at 50 × 200).
"""
from __future__ import annotations

import json
import math
import random
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from vgp_symbolic.core.activations import ACTIVATIONS, get_activation
from vgp_symbolic.core.derive import _delta_step, derive
from vgp_symbolic.core.evaluate import evaluate
from vgp_symbolic.core.network import Network, random_values
from vgp_symbolic.report import _sci, derivation_dict
from vgp_symbolic import report, symbol_table
from vgp_symbolic.symbol_table import SYMBOL_LIMIT, SymbolTable

from conftest import networks


# -- the reference: SymPy builds and walks every definition (the old, slow path) ----------------
def _reference(d) -> dict:
    """{name: (meaning, latex, SymPy definition)} of every symbol the expression and the factors
    use, followed through the definitions down to the inputs and weights."""
    n, net, K = d.names, d.net, d.net.depth
    defs = {}

    def add(sym, meaning, definition=None):
        defs[str(sym)] = (meaning, n.latex[sym], definition)

    for i in range(1, net.inputs + 1):
        add(n.x(i), f"input {i}")
    for j in range(1, net.outputs + 1):
        add(n.y(j), f"target {j}")
    for k in range(1, K + 1):
        act = net.activation(k)
        for j in range(1, net.widths[k] + 1):
            for i in range(1, net.widths[k - 1] + 1):
                add(n.w(k, i, j), f"weight from unit {i} of layer {k - 1} to unit {j} of layer {k}")
            add(n.b(k, j), f"bias of unit {j} of layer {k}")
            add(n.z(k, j), f"pre-activation of unit {j} of layer {k}", n.preactivation(k, j))
            add(n.o(k, j), f"output of unit {j} of layer {k} ({act.label})", act.expr(n.z(k, j)))
    for k in range(K, d.param.layer - 1, -1):
        for j in range(1, net.widths[k] + 1):
            add(n.delta(k, j), f"∂L/∂z of unit {j} of layer {k} (backpropagated)",
                _delta_step(n, k, j))
    add(n.L, f"the loss: {net.loss_fn.formula}", n.loss())
    todo = [str(s) for e in [d.expression] + [f.expression for f in d.factors]
            for s in e.free_symbols]
    seen = set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            if defs[name][2] is not None:
                todo += [str(s) for s in defs[name][2].free_symbols]
    return {k: v for k, v in defs.items() if k in seen}


def _parse(text: str, names):
    return sp.parse_expr(text, local_dict={s: sp.Symbol(s, real=True) for s in names})


def _same(text: str, expr, names) -> bool:
    """The definition as printed parses back to the expression (exactly, or -- Floats parsed
    at another precision -- at random points to 25 digits)."""
    got = _parse(text, names)
    if got == expr:
        return True
    rng = random.Random(0)
    syms = got.free_symbols | expr.free_symbols
    for _ in range(3):
        at = {s: sp.Rational(rng.randint(-200, 200), 97) for s in syms}
        a, b = got.xreplace(at).evalf(30), expr.xreplace(at).evalf(30)
        if abs(a - b) > 1e-25 * (1 + abs(b)):
            return False
    return True


def _check_complete(d, out: dict) -> None:
    ref = _reference(d)
    assert out["symbols_complete"] is True
    assert list(out["symbols"]) == list(ref)  # the same symbols, in the network's order
    for name, (meaning, tex, definition) in ref.items():
        entry = out["symbols"][name]
        assert (entry["meaning"], entry["latex"]) == (meaning, tex)
        if definition is None:
            assert entry["definition"] is None
        else:
            assert _same(entry["definition"], definition, ref), (name, entry["definition"])
    for f, got in zip(d.factors, out["factors"]):
        assert _same(got["expression"], f.expression, ref), (f.name, got["expression"])


@settings(max_examples=25, deadline=None)
@given(networks(max_depth=4, max_width=3), st.data())
def test_complete_table_is_the_closure_sympy_finds(nv, data):
    net, vals = nv
    k = data.draw(st.integers(1, net.depth))
    j = data.draw(st.integers(1, net.widths[k]))
    i = data.draw(st.integers(1, net.widths[k - 1]))
    wrt = data.draw(st.sampled_from([f"w{k}_{i}_{j}", f"b{k}_{j}"]))
    d = derive(net, wrt)
    _check_complete(d, derivation_dict(d))


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_complete_table_every_activation_wide_and_deep(act):
    # widths ≥ 10 (two-digit names w2_3_12), δ through 6 layers, a route's factors
    other = ACTIVATIONS[(ACTIVATIONS.index(act) + 3) % len(ACTIVATIONS)]
    net = Network.build(3, [(4, act), (12, other), (3, act)] + [(2, act)] * 3 + [(1, "sigmoid")],
                        "bce")
    vals = random_values(net, seed=3, decimals=2, scale=0.6)
    for wrt, route in [("w2_3_12", None), ("w1_11", "1,2,1,1,1,1,1"), ("b6_2", None)]:
        d = derive(net, wrt, route)
        out = derivation_dict(evaluate(d, vals, check=False))
        _check_complete(d, out)


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_activation_templates_print_as_sympy_does(act):
    """f(z) and f'(z) put together from a template are SymPy's own printing, character for
    character, in hidden and output layers (whose ŷ sorts after z)."""
    net = Network.build(2, [(3, act), (2, act)], "mse")
    d = derive(net, "w1_11")
    t, n, a = SymbolTable(d), d.names, get_activation(act)
    for k, j in [(1, 2), (2, 1), (2, 2)]:
        assert t.definition(("o", k, j)) == sp.sstr(a.expr(n.z(k, j)))
        assert t._render(k, j, "df") == sp.sstr(n.fprime(k, j))


# -- deep networks: the expression's symbols, checked against an independent pass -------------
def _sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def _independent_pass(net: Network, vals):
    """z, o, δ of every layer in plain Python floats (sigmoid hidden/output layers, bce)."""
    W = {k: [[float(v) for v in row] for row in m] for k, m in vals.W.items()}
    o, z = [[float(v) for v in vals.x]], [None]
    for k in range(1, net.depth + 1):
        z.append([sum(W[k][i][j] * o[-1][i] for i in range(len(o[-1])))
                  + float(vals.bias(k, net.widths[k])[j]) for j in range(net.widths[k])])
        o.append([_sigmoid(v) for v in z[-1]])
    K = net.depth
    delta = [None] * (K + 1)
    delta[K] = [o[K][0] - float(vals.y[0])]  # sigmoid + bce: ∂L/∂z = ŷ − y
    for k in range(K - 1, 0, -1):
        delta[k] = [o[k][j] * (1 - o[k][j]) * sum(W[k + 1][j][l] * delta[k + 1][l]
                                                 for l in range(net.widths[k + 1]))
                    for j in range(net.widths[k])]
    return z, o, delta


def _close(a, b) -> bool:
    return a == pytest.approx(b, rel=1e-9, abs=1e-300)


@pytest.fixture(scope="module")
def deep():
    """Depth 30 × width 20, sigmoid, bce: 12 000 weights, more than the table lists."""
    net = Network.build(2, [(20, "sigmoid")] * 30 + [(1, "sigmoid")], "bce")
    vals = random_values(net, seed=5, decimals=2, scale=0.3)
    return net, vals, evaluate(derive(net, "w2_3_4"), vals, check=False)


def test_deep_json_lists_exactly_the_expressions_symbols(deep):
    net, vals, ev = deep
    out = json.loads(json.dumps(derivation_dict(ev)))
    assert out["symbols_complete"] is False
    assert str(SYMBOL_LIMIT) in out["symbols_note"] and "'layers'" in out["symbols_note"]
    expr = _parse(out["expression"], out["symbols"])
    # o1_3 (the weight's input), the 20 weights w3_4_l and the 20 δ3_l, nothing else
    want = ({"o1_3", "o2_4"} | {f"w3_4_{l}" if l >= 10 else f"w3_4{l}" for l in range(1, 21)}
            | {f"δ3_{l}" for l in range(1, 21)})
    assert {str(s) for s in expr.free_symbols} == want == set(out["symbols"])
    z, o, delta = _independent_pass(net, vals)
    for name, entry in out["symbols"].items():
        if name.startswith("w"):
            k, i, j = 3, 4, int(name.split("_")[-1] if name.count("_") == 2 else name[-1])
            assert entry["exact"] == str(vals.W[k][i - 1][j - 1])
            assert entry["value"] == float(vals.W[k][i - 1][j - 1])
            assert entry["definition"] is None
        elif name.startswith("δ"):
            l = int(name.split("_")[1])
            assert _close(entry["value"], delta[3][l - 1])
            assert entry["definition"].count("δ4_") == 20 and entry["definition"].count("w4_") == 20
        else:
            k, j = int(name[1]), int(name[3])
            assert _close(entry["value"], o[k][j - 1])
            assert entry["definition"] == f"1/(1 + exp(-z{k}_{j}))"
    # evaluated from the listed values alone, the expression is the gradient
    at = {s: sp.Float(out["symbols"][str(s)]["value"], 30) for s in expr.free_symbols}
    assert _close(float(expr.xreplace(at)), out["gradient"])
    # every unit's z, o and δ are in 'layers'
    for row in out["layers"]:
        k = row["layer"]
        assert [_close(a, b) for a, b in zip(row["o"], o[k])] == [True] * len(o[k])
        if k:
            assert all(_close(a, b) for a, b in zip(row["z"], z[k]))
        assert (row["delta"] is None) == (k == 0)
        if k:
            assert all(_close(a, b) for a, b in zip(row["delta"], delta[k]))


def test_forced_complete_above_the_limit_is_the_sympy_closure(monkeypatch):
    """Above the limit the table stops at the expression's symbols; full_symbols=True lists
    the whole closure, as SymPy finds it."""
    monkeypatch.setattr(symbol_table, "SYMBOL_LIMIT", 100)
    net = Network.build(2, [(6, "tanh")] * 5 + [(1, "sigmoid")], "bce")
    d = derive(net, "w3_2_5")
    out = derivation_dict(d)
    assert out["symbols_complete"] is False and "(above 100)" in out["symbols_note"]
    assert set(out["symbols"]) == {str(s) for s in d.expression.free_symbols}
    _check_complete(d, derivation_dict(d, full_symbols=True))


def test_long_route_factors_and_symbols():
    """A 3 000-layer chain: every factor's formula is SymPy's, the table holds the
    expression's symbols, the layers every unit's values."""
    K = 3000
    net = Network.build(1, [(1, "tanh")] * (K - 1) + [(1, "sigmoid")], "bce")
    vals = random_values(net, seed=2, decimals=2, scale=1.5)
    d = derive(net, "w1_11")
    out = derivation_dict(evaluate(d, vals, check=False))
    assert out["symbols_complete"] is False and len(out["factors"]) == 2 * K
    n = d.names
    for f, got in zip(d.factors[::97], out["factors"][::97]):
        assert got["expression"] == sp.sstr(f.expression)
    assert out["factors"][1]["expression"] == sp.sstr(n.fprime(K, 1)) == "ŷ*(1 - ŷ)"
    assert set(out["symbols"]) == {str(s) for s in d.expression.free_symbols}
    assert len(out["layers"]) == K + 1 and all(len(r["o"]) == 1 for r in out["layers"])
    json.dumps(out)


# -- numbers beyond float64 --------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.integers(1, 2 ** 200), st.integers(-3_000_000, 3_000_000), st.booleans())
def test_sci_is_nstr(man, exp, negative):
    v = mpmath.mpf((int(negative), man, exp, man.bit_length())) if man % 2 else \
        mpmath.mpf(man) * mpmath.mpf(2) ** exp
    if 1e-300 < abs(v) < 1e300:
        v = v * mpmath.mpf(10) ** 400
    assert _sci(v) == mpmath.nstr(v, 15)


@pytest.mark.parametrize("text", ["9.999999999999995e-401", "9.9999999999999949e-401", "1e-400",
                                  "-5.00000000000000500e+500", "1.23456789012345e-99999"])
def test_sci_rounds_at_the_fifteenth_digit_as_nstr(text):
    with mpmath.workdps(30):
        v = mpmath.mpf(text)
        assert _sci(v) == mpmath.nstr(v, 15)
    assert _sci(mpmath.mpf(10) ** -500) == "1.0e-500" and _sci(-mpmath.mpf(2) ** 4000)[:4] == "-1.3"


def test_units_beyond_the_limit_are_not_listed_and_the_note_says_so(monkeypatch):
    monkeypatch.setattr(report, "UNIT_LIMIT", 20)
    monkeypatch.setattr(symbol_table, "SYMBOL_LIMIT", 50)
    net = Network.build(2, [(3, "tanh")] * 8 + [(1, "sigmoid")], "bce")
    vals = random_values(net, seed=1, decimals=2, scale=0.5)
    out = derivation_dict(evaluate(derive(net, "w1_11"), vals, check=False))
    assert out["symbols_complete"] is False
    assert "more than 20 units: 'layers' does not list" in out["symbols_note"]
    assert all(set(r) == {"layer", "mean_abs_fprime", "delta_norm", "jacobian_norm_log10"}
               for r in out["layers"])
    monkeypatch.setattr(report, "UNIT_LIMIT", 27)  # 2 + 8 × 3 + 1 units
    out = derivation_dict(evaluate(derive(net, "w1_11"), vals, check=False))
    assert "every unit's z, o and δ are in 'layers'" in out["symbols_note"]
    assert all(len(r["o"]) == (2 if r["layer"] == 0 else 3 if r["layer"] < 9 else 1)
               for r in out["layers"])


def test_a_true_zero_is_written_without_a_sign():
    # a zero outgoing weight makes the route a true zero; float64 computed it as -0.0, which
    # the JSON printed as "-0.0": the mark of a negative number that underflowed, which it is not
    from vgp_symbolic.core.network import Values
    net = Network.build(1, [(1, "sigmoid"), (1, "sigmoid")], "bce")
    vals = Values([Fraction(7, 10)], [Fraction(1)], {1: [[Fraction(3, 10)]], 2: [[Fraction(0)]]})
    ev = evaluate(derive(net, "w1_11"), vals)
    text = json.dumps(derivation_dict(ev))
    assert '"route_product": 0.0' in text and "-0.0" not in text
