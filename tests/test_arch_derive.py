"""Residual and recurrent derivations against PyTorch autograd (nn.RNN, nn.LSTM, nn.GRU with the
spec's weights) and finite differences; per-step Jacobian norms against torch's Jacobians."""
from __future__ import annotations

import math
import random
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from vgp_symbolic.core.arch_derive import derive_arch, evaluate_arch, states
from vgp_symbolic.core.arch_spec import ArchSpec, parse_arch_spec
from vgp_symbolic.core.recurrent import RecurrentNet

torch = pytest.importorskip("torch")
L = sp.Symbol("L", real=True)


def _rand_spec(cell, inputs, hidden, steps, output="last", loss="mse", seed=0, scale=0.8):
    rng = random.Random(seed)
    model = RecurrentNet(cell, inputs, hidden, steps, loss=loss, output=output)
    spec = ArchSpec(model)
    g = spec.graph
    for s, n in g.nodes.items():
        if n.expr is None:
            spec.numbers[s.name] = Fraction(round(rng.uniform(-scale, scale), 2)).limit_denominator(100)
    return spec


def _torch_grads(spec):
    """{param name: gradient} from torch autograd on nn.RNN/LSTM/GRU, float64."""
    m, num = spec.model, spec.numbers
    H, I, T = m.hidden, m.inputs, m.steps
    mod = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[m.cell](
        I, H, batch_first=True).double()
    gates = m.gates

    def mat(key, rows, cols):
        return torch.tensor([[float(num[f"{key}_{i}{j}"]) for j in range(1, cols + 1)]
                             for i in range(1, rows + 1)], dtype=torch.float64)

    def vec(key):
        return torch.tensor([float(num[f"{key}_{i}"]) for i in range(1, H + 1)], dtype=torch.float64)

    with torch.no_grad():
        mod.weight_hh_l0.copy_(torch.cat([mat(f"W{g}", H, H) for g in gates]))
        mod.weight_ih_l0.copy_(torch.cat([mat(f"U{g}", H, I) for g in gates]))
        mod.bias_ih_l0.copy_(torch.cat([vec(f"b{g}") for g in gates]))
        hb = torch.zeros(len(gates) * H, dtype=torch.float64)
        if m.cell == "gru":
            hb[2 * H:] = vec("bhn")
        mod.bias_hh_l0.copy_(hb)
    x = torch.tensor([[[float(num[f"x{t}_{i}"]) for i in range(1, I + 1)] for t in range(1, T + 1)]],
                     dtype=torch.float64)
    h0 = vec("h0").reshape(1, 1, H)
    state = (h0, vec("c0").reshape(1, 1, H)) if m.cell == "lstm" else h0
    out, _ = mod(x, state)
    half = 0.5 if m.loss == "half_mse" else 1.0
    if m.output == "last":
        y = torch.tensor([float(num[f"y_{i}"]) for i in range(1, H + 1)], dtype=torch.float64)
        loss = half * ((out[0, -1] - y) ** 2).mean()
    else:
        y = torch.tensor([[float(num[f"y{t}_{i}"]) for i in range(1, H + 1)] for t in range(1, T + 1)],
                         dtype=torch.float64)
        loss = half * ((out[0] - y) ** 2).mean(dim=1).sum()
    loss.backward()
    grads = {}
    for k, g in enumerate(gates):
        Wg, Ug = mod.weight_hh_l0.grad[k * H:(k + 1) * H], mod.weight_ih_l0.grad[k * H:(k + 1) * H]
        for i in range(H):
            grads[f"b{g}_{i + 1}"] = mod.bias_ih_l0.grad[k * H + i].item()
            for j in range(H):
                grads[f"W{g}_{i + 1}{j + 1}"] = Wg[i, j].item()
            for j in range(I):
                grads[f"U{g}_{i + 1}{j + 1}"] = Ug[i, j].item()
    if m.cell == "gru":
        for i in range(H):
            grads[f"bhn_{i + 1}"] = mod.bias_hh_l0.grad[2 * H + i].item()
    return loss.item(), grads


def _ours(spec):
    g = spec.graph
    with mpmath.workdps(30):
        vals = g.forward(spec.leaves())
        adj = g.backward(vals, {L: mpmath.mpf(1)})
    return float(vals[L]), {s.name: float(a) for s, a in adj.items()}


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("output", ["last", "every"])
def test_every_gradient_matches_torch(cell, output):
    spec = _rand_spec(cell, 2, 2, 3, output=output, loss="half_mse" if output == "every" else "mse",
                      seed=hash((cell, output)) % 1000)
    tl, tg = _torch_grads(spec)
    ol, og = _ours(spec)
    assert ol == pytest.approx(tl, rel=1e-12)
    assert tg  # every parameter of the torch module is compared
    for name, v in tg.items():
        assert og[name] == pytest.approx(v, rel=1e-9, abs=1e-13), name


@settings(max_examples=8, deadline=None)
@given(cell=st.sampled_from(["rnn", "lstm", "gru"]), seed=st.integers(0, 10**6),
       steps=st.integers(1, 4), hidden=st.integers(1, 2))
def test_gradients_match_torch_property(cell, seed, steps, hidden):
    spec = _rand_spec(cell, 1, hidden, steps, seed=seed, scale=1.5)
    _, tg = _torch_grads(spec)
    _, og = _ours(spec)
    for name, v in tg.items():
        assert og[name] == pytest.approx(v, rel=1e-9, abs=1e-12), name


@pytest.mark.parametrize("cell,wrt", [("rnn", "U_21"), ("lstm", "Wi_12"), ("gru", "bhn_1")])
def test_evaluation_checks_against_finite_difference(cell, wrt):
    spec = _rand_spec(cell, 1, 2, 3, seed=3)
    ev = evaluate_arch(derive_arch(spec, wrt))
    assert ev.check.agrees and ev.check.relative_error < 1e-25
    assert float(ev.gradient) == pytest.approx(_torch_grads(spec)[1][wrt], rel=1e-9)
    # the per-step terms add up to the gradient (the BPTT sum)
    assert float(sum(v for _, v in ev.term_values)) == pytest.approx(float(ev.gradient), rel=1e-20)


def test_bptt_jacobian_norms_match_torch():
    """‖∂h_T/∂h_t‖₂ per t against torch.autograd.functional.jacobian of the unrolled cell."""
    spec = _rand_spec("rnn", 1, 3, 5, seed=7, scale=1.2)
    ev = evaluate_arch(derive_arch(spec, "W_11"), check=False)
    num = spec.numbers
    W = torch.tensor([[float(num[f"W_{i}{j}"]) for j in (1, 2, 3)] for i in (1, 2, 3)], dtype=torch.float64)
    U = torch.tensor([[float(num[f"U_{i}1"])] for i in (1, 2, 3)], dtype=torch.float64)
    b = torch.tensor([float(num[f"b_{i}"]) for i in (1, 2, 3)], dtype=torch.float64)
    xs = [torch.tensor([float(num[f"x{t}_1"])], dtype=torch.float64) for t in range(1, 6)]
    hs = [torch.tensor([float(num[f"h0_{i}"]) for i in (1, 2, 3)], dtype=torch.float64)]
    for t in range(5):
        hs.append(torch.tanh(W @ hs[-1] + U @ xs[t] + b))
    for t in range(6):
        def run(h, t=t):
            for s in range(t, 5):
                h = torch.tanh(W @ h + U @ xs[s] + b)
            return h
        J = torch.autograd.functional.jacobian(run, hs[t])
        assert ev.rows[t]["jac_norm"] == pytest.approx(torch.linalg.matrix_norm(J, 2).item(), rel=1e-9)


def test_lstm_cell_path_is_product_of_forget_gates():
    spec = _rand_spec("lstm", 1, 2, 4, seed=11)
    d = derive_arch(spec, "Wf_11")
    for f in d.factors:
        t = f.step
        expect = sp.diag(*[sp.Symbol(f"f{t}_{i}", real=True) for i in (1, 2)])
        assert sp.simplify(f.cell_path - expect) == sp.zeros(2, 2)
    ev = evaluate_arch(d, check=False)
    for r in ev.rows:
        prod = [math.prod(float(ev.values[sp.Symbol(f"f{s}_{i}", real=True)]) for s in range(r["t"] + 1, 5))
                for i in (1, 2)]
        assert r["cell_path"] == pytest.approx(max(prod), rel=1e-12)


def test_vanilla_step_factor_is_diag_fprime_times_W():
    spec = _rand_spec("rnn", 1, 2, 2)
    d = derive_arch(spec)
    h = lambda t, i: sp.Symbol(f"h{t}_{i}", real=True)  # noqa: E731
    W = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"W_{i + 1}{j + 1}", real=True))
    D = sp.diag(1 - h(2, 1) ** 2, 1 - h(2, 2) ** 2)
    assert sp.expand(d.factors[-1].matrix - D * W) == sp.zeros(2, 2)
    assert str(d.expression) == "h0_1*δz1_1 + h1_1*δz2_1"


# -- residual --------------------------------------------------------------------------------
RESIDUAL = """
[network]
inputs = 2
layers = [ {units = 2, activation = "tanh", residual = true},
           {units = 3, activation = "sigmoid", residual = true, projection = true},
           {units = 1, activation = "sigmoid"} ]
loss = "bce"
[values]
x = [0.7, -0.4]
y = 1
W1 = [[0.3, -0.2], [0.5, 0.1]]
b1 = [0.1, -0.1]
W2 = [[0.2, 0.4, -0.5], [0.3, -0.1, 0.2]]
P2 = [[1.0, 0.5, 0.0], [0.0, 0.5, 1.0]]
W3 = [[0.6], [-0.7], [0.8]]
b3 = [0.05]
"""


def test_residual_gradients_match_torch():
    spec = parse_arch_spec(RESIDUAL)
    num = spec.numbers
    t = lambda rows: torch.tensor(rows, dtype=torch.float64, requires_grad=True)  # noqa: E731
    x = torch.tensor([0.7, -0.4], dtype=torch.float64)
    W1, b1 = t([[0.3, -0.2], [0.5, 0.1]]), t([0.1, -0.1])
    W2, b2, P2 = t([[0.2, 0.4, -0.5], [0.3, -0.1, 0.2]]), t([0.0, 0.0, 0.0]), t([[1.0, 0.5, 0.0], [0.0, 0.5, 1.0]])
    W3, b3 = t([[0.6], [-0.7], [0.8]]), t([0.05])
    o1 = x + torch.tanh(W1.T @ x + b1)
    o2 = P2.T @ o1 + torch.sigmoid(W2.T @ o1 + b2)
    yh = torch.sigmoid(W3.T @ o2 + b3)
    loss = -torch.log(yh).sum()
    loss.backward()
    _, og = _ours(spec)
    for name, tensor in (("w1", W1), ("w2", W2), ("p2", P2), ("w3", W3)):
        for i in range(tensor.shape[0]):
            for j in range(tensor.shape[1]):
                assert og[f"{name}_{i + 1}{j + 1}"] == pytest.approx(tensor.grad[i, j].item(), rel=1e-10)
    for name, tensor in (("b1", b1), ("b2", b2), ("b3", b3)):
        for j in range(tensor.shape[0]):
            assert og[f"{name}_{j + 1}"] == pytest.approx(tensor.grad[j].item(), rel=1e-10)
    assert set(num) >= {"p2_11", "w3_31", "x_2", "y"}


def test_residual_step_factor_keeps_identity():
    spec = parse_arch_spec(RESIDUAL)
    d = derive_arch(spec, "w1_11")
    J1 = d.factors[0].matrix
    a = lambda j: sp.Symbol(f"a1_{j}", real=True)  # noqa: E731
    W1T = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"w1_{j + 1}{i + 1}", real=True))
    assert sp.expand(J1 - (sp.eye(2) + sp.diag(1 - a(1) ** 2, 1 - a(2) ** 2) * W1T)) == sp.zeros(2, 2)
    ev = evaluate_arch(d)
    assert ev.check.agrees
    assert ev.rows[1]["branch_norm"] is not None and ev.rows[0]["t"] == 0


def test_deep_residual_chain_keeps_gradient_where_plain_one_vanishes():
    """Ten sigmoid layers and a linear output (weights 0.5): ‖∂ŷ/∂x‖ collapses without skips and
    stays above the identity path's 0.5 with them."""
    def spec(res):
        layers = ", ".join(f'{{units = 1, activation = "sigmoid", residual = {res}}}' for _ in range(10))
        vals = "\n".join(f"W{k} = [[0.5]]" for k in range(1, 12))
        return parse_arch_spec(f'[network]\ninputs = 1\nlayers = [{layers}, {{units = 1, activation = "linear"}}]\n'
                               f'[values]\nx = [0.3]\ny = [1]\n{vals}\n')
    plain = evaluate_arch(derive_arch(spec("false")), check=False)
    resid = evaluate_arch(derive_arch(spec("true")), check=False)
    assert plain.rows[0]["jac_norm"] < 1e-8  # (1/4 · 1/2)^10 ≈ 9e-10
    # the identity path alone carries the output weight 0.5; every branch term adds to it
    assert resid.rows[0]["jac_norm"] > 0.5


def test_states_and_symbolic_only():
    spec = parse_arch_spec('[network]\nkind = "rnn"\ncell = "lstm"\ninputs = 1\nhidden = 1\nsteps = 2')
    assert [s.name for s in states(spec, 1)] == ["h1_1", "c1_1"]
    assert not spec.complete
    with pytest.raises(Exception, match="--symbolic"):
        evaluate_arch(derive_arch(spec))
