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
