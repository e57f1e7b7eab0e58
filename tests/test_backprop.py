"""The numeric gradient against independent methods: numpy finite differences and PyTorch."""
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from conftest import networks
from vgp_symbolic.core.activations import ACTIVATIONS
from vgp_symbolic.core.backprop import EvaluationError, forward_backward
from vgp_symbolic.numbers import fmt
from vgp_symbolic.core.network import Network, Values, random_values


def numpy_loss(net, vals, override=None):
    """A forward pass written independently of backprop.py (float64, plain numpy)."""
    o = np.array([float(v) for v in vals.x])
    for k in range(1, net.depth + 1):
        W = np.array([[float(e) for e in row] for row in vals.W[k]])
        b = np.array([float(e) for e in vals.bias(k, net.widths[k])])
        if override and override[0] == k:
            W, b = override[1](W, b)
        o = net.activation(k).np_f(o @ W + b)
    y = np.array([float(v) for v in vals.y])
    if net.loss == "bce":
        return float(np.mean(-(y * np.log(o) + (1 - y) * np.log(1 - o))))
    return float(np.mean((o - y) ** 2) / (2 if net.loss == "half_mse" else 1))


def numpy_central_difference(net, vals, p, h=1e-6):
    def shifted(delta):
        def edit(W, b):
            W, b = W.copy(), b.copy()
            if p.kind == "w":
                W[p.i - 1, p.j - 1] += delta
            else:
                b[p.j - 1] += delta
            return W, b
        return numpy_loss(net, vals, (p.layer, edit))
    return (shifted(h) - shifted(-h)) / (2 * h)


def near_kink(net, run, eps=1e-4):
    """True when some pre-activation of a kinked activation is within eps of 0."""
    kinked = {"relu", "leaky_relu", "elu", "selu"}
    return any(net.activation(k).name in kinked and np.any(np.abs(np.array(run.z[k], float)) < eps)
               for k in range(1, net.depth + 1))


@settings(max_examples=60, deadline=None)
@given(case=networks())
def test_every_gradient_matches_numpy_finite_differences(case):
    net, vals = case
    run = forward_backward(net, vals)
    if near_kink(net, run):
        return  # a finite difference straddling a kink measures neither one-sided slope
    for p in net.params():
        g = float(run.gradient(p))
        fd = numpy_central_difference(net, vals, p, h=1e-5)
        # a float64 difference carries rounding noise ~ eps·L/h: estimate it from a second step
        # (hypothesis found a softplus/bce net whose h = 1e-6 difference was off by 1e-7 while
        # vgp agreed with a 50-digit mpmath difference to 1e-15)
        noise = abs(fd - numpy_central_difference(net, vals, p, h=1e-6))
        assert abs(g - fd) <= 1e-7 + 1e-5 * abs(fd) + 2 * noise, (net.describe(), p.name, g, fd)


def test_piecewise_linear_nets_are_exact():
    net = Network.build(2, [(3, "relu"), (2, "leaky_relu"), (1, "linear")], "mse")
    vals = random_values(net, seed=11)
    run = forward_backward(net, vals)
    assert run.mode == "exact"
    assert all(isinstance(run.gradient(p), Fraction) for p in net.params())


def test_float_inputs_switch_to_float_mode():
    net = Network.build(1, [(1, "relu"), (1, "linear")], "mse")
    vals = Values([0.1], [Fraction(1)], {1: [[Fraction(2)]], 2: [[Fraction(3)]]})
    assert forward_backward(net, vals).mode == "float"


def test_underflow_is_resolved_past_float64():
    # 400 sigmoid layers with small weights: each layer multiplies δ by ≤ 1/4·‖W‖, so the
    # first-layer gradient is far below float64's smallest subnormal (~5e-324); every z, o and
    # f' is an ordinary float, so δ is carried in float64 scaled by powers of 2 (issue 12:
    # not a full mpmath pass), and agrees with the mpmath pass
    net = Network.build(2, [(4, "sigmoid")] * 400 + [(1, "sigmoid")], "bce")
    vals = random_values(net, seed=2, decimals=2, scale=0.5)
    run = forward_backward(net, vals)
    assert run.mode == "float"
    w = net.parse_param("w1_11")
    g = run.gradient(w)
    assert g != 0 and mpmath.log10(abs(g)) < -330
    assert "e-" in fmt(g)
    exact = forward_backward(net, vals, precision=40).gradient(w)
    assert abs(g - exact) <= 1e-12 * abs(exact)


def test_precision_forces_mpmath():
    net = Network.build(2, [(2, "tanh"), (1, "sigmoid")], "bce")
    vals = random_values(net, seed=4)
    run = forward_backward(net, vals, precision=50)
    assert run.mode == "mp" and run.dps == 50
    f = forward_backward(net, vals)
    p = net.parse_param("w1_21")
    assert float(run.gradient(p)) == pytest.approx(float(f.gradient(p)), rel=1e-13)


def test_bce_needs_output_in_open_interval():
    net = Network.build(1, [(1, "linear")], "bce")
    vals = Values([Fraction(2)], [Fraction(1)], {1: [[Fraction(1)]]})
    with pytest.raises(EvaluationError, match="0 < ŷ < 1"):
        forward_backward(net, vals)


def test_missing_values_are_named():
    net = Network.build(1, [(1, "linear")], "mse")
    with pytest.raises(EvaluationError, match="x, W1"):
        forward_backward(net, Values(y=[Fraction(1)]))


TORCH_ACTS = {
    "sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "leaky_relu": "LeakyReLU",
    "elu": "ELU", "selu": "SELU", "swish": "SiLU", "gelu": "GELU", "softplus": "Softplus",
    "linear": "Identity",
}


@pytest.mark.parametrize("act", ACTIVATIONS)
@pytest.mark.parametrize("loss", ["mse", "half_mse", "bce"])
def test_matches_pytorch_autograd(act, loss):
    torch = pytest.importorskip("torch")
    widths = [3, 4, 3, 2]
    layers = [(4, act), (3, act), (2, "sigmoid" if loss == "bce" else act)]
    net = Network.build(3, layers, loss)
    vals = random_values(net, seed=hash((act, loss)) % 1000, decimals=2)
    if loss == "bce":
        vals.y = [Fraction(1), Fraction(0)]
    Ws = [torch.tensor([[float(e) for e in r] for r in vals.W[k]], dtype=torch.float64,
                       requires_grad=True) for k in (1, 2, 3)]
    bs = [torch.tensor([float(e) for e in vals.bias(k, widths[k])], dtype=torch.float64,
                       requires_grad=True) for k in (1, 2, 3)]
    o = torch.tensor([float(e) for e in vals.x], dtype=torch.float64)
    for k, (_, a) in enumerate(layers):
        o = getattr(torch.nn, TORCH_ACTS[a])()(o @ Ws[k] + bs[k])
    y = torch.tensor([float(e) for e in vals.y], dtype=torch.float64)
    if loss == "bce":
        L = torch.nn.functional.binary_cross_entropy(o, y)
    else:
        L = torch.mean((o - y) ** 2) / (2 if loss == "half_mse" else 1)
    L.backward()
    run = forward_backward(net, vals)
    assert float(run.loss) == pytest.approx(L.item(), rel=1e-12)
    for p in net.params():
        t = (Ws if p.kind == "w" else bs)[p.layer - 1].grad
        want = t[p.i - 1, p.j - 1].item() if p.kind == "w" else t[p.j - 1].item()
        assert float(run.gradient(p)) == pytest.approx(want, rel=1e-9, abs=1e-15), p.name


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10 ** 6), st.sampled_from(["sigmoid", "tanh", "softplus", "elu", "swish"]),
       st.integers(1, 3), st.integers(1, 12), st.floats(0.1, 40))
def test_smooth_underflow_verdict_equals_the_masked_loop(seed, act, width, depth, scale):
    # the whole-pass verdict (10⁵ layers in one op each) is the loop's, saturating nets included
    from vgp_symbolic.core.backprop import _lost_masked, _run, lost_to_float64
    net = Network.build(2, [(width, act)] * depth + [(1, "sigmoid")], "mse")
    vals = random_values(net, seed=seed, decimals=2, scale=scale, x_range=scale)
    p = _run(net, vals, "float", None)
    param = net.parse_param("w1_11")
    o, d = np.concatenate(p.o[1:]), np.concatenate(p.delta[1:])
    if not (np.all(np.isfinite(o)) and np.all(np.isfinite(d))):
        return
    assert lost_to_float64(net, p, param) == _lost_masked(net, p, param)
