"""Numbers attached to the chain: exact results, the update, the independent check, depth."""
from fractions import Fraction

import mpmath
import pytest

from vgp_symbolic.core.derive import derive
from vgp_symbolic.core.evaluate import evaluate, log10_abs
from vgp_symbolic.examples import load_example
from vgp_symbolic.core.network import Network, random_values


def test_relu_example_is_exact():
    net, vals, _ = load_example("relu")
    ev = evaluate(derive(net, "w1_11"), vals)
    assert ev.exact and ev.gradient == Fraction(-29, 40)
    assert ev.route_product == ev.gradient
    assert ev.update.new == Fraction(33, 40)
    assert ev.check.agrees and ev.check.relative_error < 1e-30


def test_sigmoid_example_update_and_check(seed_net):
    net, vals = seed_net
    ev = evaluate(derive(net, "w1_11"), vals)
    assert ev.mode == "float" and not ev.exact
    assert ev.update.new == pytest.approx(0.1 - float(ev.gradient))
    assert ev.check.agrees
    # factor values multiply to the gradient (one route)
    prod = 1.0
    for v in ev.factor_values:
        prod *= float(v)
    assert prod == pytest.approx(float(ev.gradient), rel=1e-14)


def test_lr_override(seed_net):
    net, vals = seed_net
    ev = evaluate(derive(net, "w2_11"), vals, lr=Fraction(1, 2))
    assert ev.update.lr == Fraction(1, 2)
    assert ev.update.new == pytest.approx(2.5 - 0.5 * float(ev.gradient))


@pytest.mark.parametrize("depth", [10, 50, 200])
def test_deep_first_layer_gradient_checked_in_high_precision(depth):
    net = Network.build(2, [(10, "sigmoid")] * depth + [(1, "sigmoid")], "bce")
    vals = random_values(net, seed=1, decimals=2)
    ev = evaluate(derive(net, "w1_11"), vals)
    assert ev.check.agrees, ev.check
    # vanishing: the gradient shrinks roughly geometrically with depth
    assert log10_abs(ev.gradient) < -0.3 * depth


def test_vanishing_shows_in_the_layer_table():
    net, vals, _ = load_example("deep")
    ev = evaluate(derive(net, "w1_11"), vals, check=False)
    rows = sorted(ev.layers(), key=lambda r: r["layer"])
    norms = [float(r["delta_norm"]) for r in rows if r["layer"] >= 1]
    assert norms[0] < 1e-4 * norms[-1]  # δ¹ is four orders below δ⁹
    assert all(r["mean_abs_fprime"] <= 0.25 for r in rows if r["layer"] >= 1)
    jac = [r["jacobian_norm_log10"] for r in rows]
    assert jac == sorted(jac)  # the Jacobian product only shrinks toward the input


def test_symbolic_only_when_values_missing(seed_net):
    net, _ = seed_net
    d = derive(net, "w1_11")
    from vgp_symbolic.core.network import Values
    with pytest.raises(ValueError, match="no values for"):
        evaluate(d, Values())


def test_log10_abs_any_type():
    assert log10_abs(Fraction(1, 1000)) == pytest.approx(-3)
    assert log10_abs(mpmath.mpf("1e-500")) == pytest.approx(-500)
    assert log10_abs(0) == float("-inf")


@pytest.mark.parametrize("width", [1, 3])
def test_layer_table_norms_beyond_float64_are_the_norms_of_delta(width):
    # 700 tanh layers with small weights: δ falls below 1e-308 and is kept in mpmath; the table's
    # ‖δᵏ‖₂ (|δᵏ| for one unit, read without a square root) is still the norm of that δ
    from vgp_symbolic.core.network import Network, Values
    K = 700
    net = Network.build(1, [(width, "tanh")] * K + [(1, "sigmoid")], "bce")
    widths = net.widths
    W = {k: [[Fraction(1, 10 + i + j) for j in range(widths[k])]
             for i in range(widths[k - 1])] for k in range(1, K + 2)}
    ev = evaluate(derive(net, "w1_11"), Values([Fraction(1, 2)], [Fraction(1)], W), check=False)
    rows = {r["layer"]: r for r in ev.layers()}
    deltas = ev.run.delta
    assert log10_abs(rows[1]["delta_norm"]) < -310
    for k in (1, 2, K // 2, K):
        want = mpmath.sqrt(sum(mpmath.mpf(v) ** 2 for v in deltas[k]))
        assert abs(rows[k]["delta_norm"] - want) <= 1e-15 * want
