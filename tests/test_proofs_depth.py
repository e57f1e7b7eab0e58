"""The depth bound: its proof, the exact (1/4)ⁿ table and depths, and a property test that the
true gradient of random networks (from backprop.forward_backward) never exceeds the bound."""
from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vgp_symbolic.core.activations import ACTIVATIONS
from vgp_symbolic.core.backprop import forward_backward
from vgp_symbolic.core.network import Network, Values
from vgp_symbolic.proofs import (depth_bound_proof, depth_report, explosion_depth,
                                 gradient_bound, gradient_bounds, power_table, prove_activation,
                                 threshold_depth)


# -- exact numbers -------------------------------------------------------------------------

def test_seed_table_values():
    rows = power_table(Fraction(1, 10), 4)
    assert rows[3].exact == Fraction(1, 10000) and rows[3].text == "1/10000 = 0.0001"
    q10 = power_table(Fraction(1, 4), 10)[-1]
    assert q10.exact == Fraction(1, 1048576)
    assert q10.approx == "9.537e-7" and q10.sci.startswith("9.5367431")


def test_threshold_depth_exact():
    assert threshold_depth(Fraction(1, 4), Fraction(1, 10**6)) == 10
    assert threshold_depth(Fraction(1, 10), Fraction(1, 10**4)) == 5  # 0.1⁴ = 1e-4 is not below
    assert threshold_depth(Fraction(1, 10), Fraction(10001, 10**8)) == 4
    assert threshold_depth(1, Fraction(1, 2)) is None
    assert threshold_depth(Fraction(1, 2), 2) == 1
    assert explosion_depth(2, 10**6) == 20 and explosion_depth(Fraction(1, 2), 10) is None
    assert explosion_depth(2, 1024) == 11  # 2^10 = 1024 is not above
    with pytest.raises(ValueError):
        threshold_depth(Fraction(1, 2), 0)


@settings(max_examples=150, deadline=None)
@given(st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(999, 1000),
                    max_denominator=1000),
       st.fractions(min_value=Fraction(1, 10**9), max_value=Fraction(1), max_denominator=10**9))
def test_threshold_depth_is_the_first_n(q, t):
    n = threshold_depth(q, t)
    assert q**n < t
    assert n == 1 or q**(n - 1) >= t


def test_enclosed_factor_depth():
    r = depth_report("gelu", weight_norm=2, layers=5)
    assert r.factor_exact is None and r.regime == "exploding"
    assert r.above_depth == 17 and r.below_depth is None and r.verified
    s = depth_report("swish", weight_norm="0.5", layers=3)
    assert s.below_depth == 24 and s.regime == "vanishing" and s.verified


# -- the proof -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "gelu"])
def test_depth_proof_verified(name):
    p = depth_bound_proof(name).verify()
    assert p.verified, p.to_text()
    claims = " ".join(r.step.claim for r in p.results)
    # the indices: n derivative factors incl. the output layer, weights after w₁ only
    assert "the output layer's included" in claims and "n − 1 weights after w₁" in claims


def test_depth_report_sigmoid():
    r = depth_report("sigmoid", layers=10, below="1e-6")
    assert r.factor_exact == Fraction(1, 4) and r.below_depth == 10 and r.above_depth is None
    assert r.regime == "vanishing" and r.verified
    j = r.to_json()
    assert j["below"] == {"threshold": "1/1000000", "depth": 10}
    assert j["table"][9]["exact"] == "1/1048576"
    r2 = depth_report("tanh", weight_norm="1.5", layers=3)
    assert r2.factor_exact == Fraction(3, 2) and r2.regime == "exploding"
    assert r2.above_depth == explosion_depth(Fraction(3, 2), 10**6) == 35


def test_depth_report_rejects_nonsense():
    for kw in ({"layers": -1}, {"layers": 0}, {"weight_norm": -1}, {"below": 0},
               {"factor": 0}, {"above": -5}):
        with pytest.raises(ValueError):
            depth_report("sigmoid", **kw)


# -- the property test: true gradients never exceed the bound --------------------------------

_dec = st.integers(-200, 200).map(lambda k: Fraction(k, 100))  # exact, in [−2, 2]


@st.composite
def networks(draw):
    inputs = draw(st.integers(1, 3))
    depth = draw(st.integers(1, 6))
    acts = [draw(st.sampled_from(ACTIVATIONS)) for _ in range(depth)]
    widths = [draw(st.integers(1, 4)) for _ in range(depth)]
    loss = draw(st.sampled_from(["mse", "half_mse"] + (["bce"] if acts[-1] == "sigmoid" else [])))
    net = Network.build(inputs, list(zip(widths, acts)), loss)
    ws = net.widths
    W = {k: [[draw(_dec) for _ in range(ws[k])] for _ in range(ws[k - 1])]
         for k in range(1, depth + 1)}
    b = {k: [draw(_dec) for _ in range(ws[k])] for k in range(1, depth + 1)}
    x = [draw(_dec) for _ in range(inputs)]
    y = [Fraction(draw(st.integers(0, 1))) for _ in range(ws[-1])]
    return net, Values(x, y, W, b)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_true_gradient_never_exceeds_the_bound(case):
    net, values = case
    p = forward_backward(net, values)
    bounds = gradient_bounds(net, p)
    for param, B in bounds.items():
        g = abs(mpmath.mpf(p.gradient(param)) if not isinstance(p.gradient(param), Fraction)
                else mpmath.mpf(p.gradient(param).numerator) / p.gradient(param).denominator)
        # 1e-9: the spectral norms are float64 (and, for a 1×1 matrix, |w| rounded to float)
        assert g <= B * (1 + mpmath.mpf("1e-9")) + mpmath.mpf("1e-300"), (param, g, B)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.sampled_from(ACTIVATIONS), st.data())
def test_scalar_chain_bound(n, act, data):
    """Width-1 chain: |∂L/∂w₁| ≤ |∂L/∂ŷ| · sⁿ · |w₂|⋯|w_n| · |x|, the theorem as stated."""
    net = Network.build(1, [(1, act)] * n, "half_mse")
    w = [data.draw(_dec) for _ in range(n)]
    x = data.draw(_dec)
    vals = Values([x], [Fraction(1)], {k + 1: [[w[k]]] for k in range(n)}, {})
    p = forward_backward(net, vals)
    grad = p.gradient(net.parse_param("w1_11"))
    s = float(prove_activation(act).sup_enclosure.hi)
    dl = abs(float(p.dL_dyhat[0]))
    bound = dl * s**n * float(mpmath.fprod([abs(float(v)) for v in w[1:]])) * abs(float(x))
    assert abs(float(grad)) <= bound * (1 + 1e-9) + 1e-300


def test_linear_chain_is_sharp():
    # f = id: the bound holds with equality (the exploding side is real)
    net = Network.build(1, [(1, "linear")] * 5, "half_mse")
    w = [Fraction(3, 2)] * 5
    vals = Values([Fraction(1)], [Fraction(0)], {k + 1: [[w[k]]] for k in range(5)}, {})
    p = forward_backward(net, vals)
    param = net.parse_param("w1_11")
    assert p.mode == "exact"
    assert abs(float(p.gradient(param))) == pytest.approx(float(gradient_bound(net, p, param)),
                                                          rel=1e-12)
    assert abs(p.gradient(param)) == abs(p.dL_dyhat[0]) * Fraction(3, 2)**4


def test_deep_sigmoid_gradient_below_quarter_power():
    # the textbook's 10-layer sigmoid chain, unit weights: |∂L/∂w₁| ≤ |∂L/∂ŷ|·(1/4)^10·|x|
    net = Network.build(1, [(1, "sigmoid")] * 10, "half_mse")
    vals = Values([Fraction(1)], [Fraction(0)], {k: [[Fraction(1)]] for k in range(1, 11)}, {})
    p = forward_backward(net, vals)
    g = abs(float(p.gradient(net.parse_param("w1_11"))))
    assert g <= abs(float(p.dL_dyhat[0])) * 0.25**10
