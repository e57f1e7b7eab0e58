"""The symbolic chain: the seeds' factors, routes that sum to the total, SymPy's own diff."""
import itertools
import math
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings

from conftest import networks
from vgp_symbolic.core.backprop import forward_backward
from vgp_symbolic.core.derive import composed_loss, derive, parse_route
from vgp_symbolic.core.evaluate import evaluate
from vgp_symbolic.core.network import Network, SpecError, random_values
from vgp_symbolic.report import expr_text


def test_seed_four_factor_chain(seed_net):
    net, _ = seed_net
    d = derive(net, "w1_11")
    n = d.names
    assert [f.name for f in d.factors] == ["∂L/∂ŷ", "∂ŷ/∂z2_1", "∂z2_1/∂o1_1", "∂o1_1/∂w1_11"]
    yh, y, o = n.o(2, 1), n.y(), n.o(1, 1)
    assert [sp.simplify(f.expression - e) for f, e in zip(d.factors, [
        2 * (yh - y), yh * (1 - yh), n.w(2, 1, 1), o * (1 - o) * n.x(1)])] == [0] * 4
    assert d.n_routes == 1 and d.route == (1, 1)
    assert expr_text(d.factors[0].expression) == "2·(ŷ − y)"


def _symbol_values(d, run):
    """Map every named symbol to its value in ``run`` (for substituting into expressions)."""
    n, net, vals = d.names, d.net, {}
    for k in range(0, net.depth + 1):
        for j in range(1, net.widths[k] + 1):
            vals[n.o(k, j)] = run.o[k][j - 1]
            if k:
                vals[n.z(k, j)] = run.z[k][j - 1]
                vals[n.delta(k, j)] = run.delta[k][j - 1]
                vals[n.b(k, j)] = 0
                for i in range(1, net.widths[k - 1] + 1):
                    vals[n.w(k, i, j)] = run.W[k][i - 1][j - 1]
    for j in range(1, net.outputs + 1):
        vals[n.y(j)] = None
    return vals


def _as_sympy(v):
    return sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sp.Float(float(v), 30)


@settings(max_examples=40, deadline=None)
@given(case=networks())
def test_expression_and_routes_equal_the_gradient(case):
    net, vals = case
    run = forward_backward(net, vals)
    for p in list(net.params())[:6]:
        d = derive(net, p)
        g = run.gradient(p)
        subs = {s: _as_sympy(v) for s, v in _symbol_values(d, run).items() if v is not None}
        subs.update({d.names.y(j): _as_sympy(vals.y[j - 1]) for j in range(1, net.outputs + 1)})
        got = d.expression.xreplace(subs)
        assert float(got) == pytest.approx(float(g), rel=1e-9, abs=1e-12)
        # the sum over every route of the route's factor product is the total gradient
        k = p.layer
        total = 0
        for tail in itertools.product(*[range(1, w + 1) for w in net.widths[k + 1:]]):
            ev = evaluate(derive(net, p, route=(p.j,) + tail), vals, check=False)
            total += ev.route_product
        assert float(total) == pytest.approx(float(g), rel=1e-9, abs=1e-12)
        if isinstance(g, Fraction):
            assert total == g  # exactly, for piecewise-linear networks


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "relu", "softplus",
                                 pytest.param("elu", marks=pytest.mark.slow)])  # elu: ~6 s
def test_gradient_equals_sympy_diff_of_composed_network(act):
    net = Network.build(2, [(2, act), (2, act), (1, "sigmoid")], "bce")
    vals = random_values(net, seed=9)
    vals.y = [Fraction(1)]
    L = composed_loss(net)
    run = forward_backward(net, vals)
    for p in net.params():
        d = derive(net, p)
        subs = {d.names.x(i): sp.Rational(str(vals.x[i - 1])) for i in range(1, 3)}
        subs[d.names.y()] = 1
        for q in net.params():
            subs[d.names.param(q)] = sp.Rational(str(vals.get(q)))
        want = sp.diff(L, d.symbol).subs(subs)
        assert float(want) == pytest.approx(float(run.gradient(p)), rel=1e-10), p.name


def test_relu_exact_equals_sympy_diff_exactly():
    net = Network.build(2, [(2, "relu"), (1, "linear")], "mse")
    vals = random_values(net, seed=3)
    L = composed_loss(net)
    run = forward_backward(net, vals)
    for p in net.params():
        d = derive(net, p)
        subs = {d.names.x(i): sp.Rational(str(vals.x[i - 1])) for i in range(1, 3)}
        subs[d.names.y()] = sp.Rational(str(vals.y[0]))
        for q in net.params():
            subs[d.names.param(q)] = sp.Rational(str(vals.get(q)))
        want = sp.diff(L, d.symbol).subs(subs)
        assert sp.Rational(run.gradient(p).numerator, run.gradient(p).denominator) == want


def test_deep_network_stays_readable_and_linear():
    deep = Network.build(2, [(10, "sigmoid")] * 200 + [(1, "sigmoid")], "bce")
    d = derive(deep, "w1_11")
    assert d.n_routes == 10 ** 199 and not d.expanded
    assert sp.count_ops(d.expression) < 40  # named δ, never the exploded composition
    assert len(d.recurrence) == 201
    assert {s.name for s in d.expression.free_symbols} >= {"δ2_1", "δ2_10", "x_1", "o1_1"}


def test_route_mode_in_a_wide_network():
    net = Network.build(3, [(2, "sigmoid"), (2, "sigmoid")], "mse")
    d = derive(net, "w1_21", route="2,1,2")
    assert d.route == (1, 2)
    assert [f.kind.value for f in d.factors] == ["dL", "fprime", "weight", "local"]
    assert derive(net, "w1_21").route is None  # two routes: the total by default


@pytest.mark.parametrize("route,msg", [
    ("1,1", "starts at unit 1 of layer 0"), ("2,2,1", "enters unit 1"), ("2,1,3", "does not exist"),
    ("2,1,1,1", "one unit in each of layers"), ("a,b", "unit numbers"),
])
def test_bad_routes(route, msg):
    net = Network.build(3, [(2, "sigmoid"), (2, "sigmoid")], "mse")
    p = net.parse_param("w1_21")
    with pytest.raises(SpecError, match=msg):
        parse_route(net, p, route if route != "1,1" else "1,1,1")


def test_bias_and_output_layer_parameters(seed_net):
    net, vals = seed_net
    d = derive(net, "b2_1")
    assert [f.name for f in d.factors] == ["∂L/∂ŷ", "∂ŷ/∂b2_1"]
    ev = evaluate(d, vals)
    assert ev.check.agrees
    assert math.isclose(float(ev.gradient), float(ev.route_product))
