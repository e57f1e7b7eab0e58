"""Softmax with cross-entropy as an output (issue 18): every gradient against torch's
CrossEntropyLoss on logits (hard and soft targets) and finite differences, the Jacobian route
reducing to ŷ − y, log-sum-exp stability, the three output formats, and bad specs."""
from __future__ import annotations

import json
import random

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from derive_cli import assert_spec_error, run_derive
from vgp_symbolic.core import softmax as S
from vgp_symbolic.core.arch_derive import derive_arch, evaluate_arch
from vgp_symbolic.core.arch_spec import parse_arch_spec
from vgp_symbolic.core.losses import get_vector_loss

torch = pytest.importorskip("torch")


def _spec(widths=(2, 3, 3), acts=("tanh",), y=(0, 1, 0), seed=0, scale=0.8, big=None):
    rng = random.Random(seed)

    def r():
        return round(rng.uniform(-scale, scale), 2)
    layers = ", ".join(f'{{units = {u}, activation = "{a}"}}'
                       for u, a in zip(widths[1:], list(acts) + ["softmax"]))
    vals = [f"x = {[r() for _ in range(widths[0])]}", f"y = {list(y)}"]
    for k in range(1, len(widths)):
        W = [[r() for _ in range(widths[k])] for _ in range(widths[k - 1])]
        if big is not None and k == len(widths) - 1:
            W = [[big * (j == 0) for j in range(widths[k])] for _ in range(widths[k - 1])]
        vals += [f"W{k} = {W}", f"b{k} = {[r() for _ in range(widths[k])]}"]
    text = (f'[network]\ninputs = {widths[0]}\nlayers = [{layers}]\nloss = "cross_entropy"\n'
            "[values]\n" + "\n".join(vals) + "\n")
    return parse_arch_spec(text, "net.toml"), text


def _torch(spec):
    """{parameter name: ∂L/∂θ} and L from torch: Linear layers, CrossEntropyLoss on the logits."""
    net, num = spec.model.net, spec.numbers
    w = net.widths
    x = torch.tensor([[float(num[f"x_{i}"]) for i in range(1, w[0] + 1)]], dtype=torch.float64)
    params, h = {}, x
    for k in range(1, net.depth + 1):
        W = torch.tensor([[float(num[f"w{k}_{i}{j}"]) for i in range(1, w[k - 1] + 1)]
                          for j in range(1, w[k] + 1)], dtype=torch.float64, requires_grad=True)
        b = torch.tensor([float(num[f"b{k}_{j}"]) for j in range(1, w[k] + 1)],
                         dtype=torch.float64, requires_grad=True)
        params[k] = (W, b)
        z = h @ W.T + b
        h = z if k == net.depth else getattr(torch, net.activation(k).name)(z)
    y = torch.tensor([[float(num[f"y_{j}"]) for j in range(1, w[-1] + 1)]], dtype=torch.float64)
    loss = torch.nn.CrossEntropyLoss()(h, y)  # probability targets: −Σ yⱼ log softmax(z)ⱼ
    loss.backward()
    grads = {}
    for k, (W, b) in params.items():
        for i in range(1, w[k - 1] + 1):
            for j in range(1, w[k] + 1):
                grads[f"w{k}_{i}{j}"] = W.grad[j - 1, i - 1].item()
        for j in range(1, w[k] + 1):
            grads[f"b{k}_{j}"] = b.grad[j - 1].item()
    return grads, loss.item()


@pytest.mark.parametrize("widths,acts,y", [((2, 3, 3), ("tanh",), (0, 1, 0)),
                                          ((3, 2, 4), ("sigmoid",), ("1/4", "1/4", 0, "1/2")),
                                          ((2, 2, 2, 3), ("relu", "tanh"), (1, 0, 0))])
def test_every_gradient_matches_torch_cross_entropy(widths, acts, y):
    spec, _ = _spec(widths, acts, y, seed=len(widths))  # "1/4" is written '1/4', a TOML string
    want, L = _torch(spec)
    for name, g in want.items():
        ev = evaluate_arch(derive_arch(spec, name))
        assert float(ev.gradient) == pytest.approx(g, rel=1e-12, abs=1e-15), name
        assert ev.check.agrees
    assert float(ev.loss) == pytest.approx(L, rel=1e-13)


def test_jacobian_route_reduces_to_yhat_minus_y_in_symbols_and_numbers():
    spec, _ = _spec()
    d = derive_arch(spec, "w2_11")
    assert d.head.reduces
    nums = evaluate_arch(d).head_numbers()
    for a, b, c in zip(nums["product"], nums["residual"], nums["delta"]):
        assert abs(a - b) < mpmath.mpf(10) ** -25 and abs(b - c) < mpmath.mpf(10) ** -25
    # the expanded gradient is written with ŷ − y, as the simplification says
    assert "-y_1 + ŷ_1" in sp.sstr(d.expanded)


def test_the_reduction_is_checked_not_assumed(monkeypatch):
    """With a wrong Jacobian (dropping −ŷŷᵀ: treating softmax as elementwise) the route no
    longer reduces to ŷ − y, and the derivation says so."""
    monkeypatch.setattr(S, "softmax_jacobian", lambda s: sp.diag(*s))
    s, y = sp.symbols("s1:4"), sp.symbols("y1:4")
    assert S.jacobian_route(s, y)[3] is False


def test_log_sum_exp_keeps_huge_logits_finite():
    """Logits of ~±1000 (e¹⁰⁰⁰ overflows float64): the loss and every gradient still match
    torch, which also uses log-sum-exp."""
    spec, _ = _spec(big=900, y=(0, 1, 0))
    want, L = _torch(spec)
    ev = evaluate_arch(derive_arch(spec, "w2_12"))
    assert float(ev.loss) == pytest.approx(L, rel=1e-12) and L > 100
    assert float(ev.gradient) == pytest.approx(want["w2_12"], rel=1e-12)
    ce = get_vector_loss("cross_entropy")
    assert ce.logit_value([1000.0, -1000.0], [0.0, 1.0]) == 2000.0
    assert S.softmax([1000.0, 0.0]) == [1.0, pytest.approx(0.0)]


def test_cli_text_latex_json(tmp_path):
    _, text = _spec()
    f = tmp_path / "sm.toml"
    f.write_text(text + "lr = 0.5\n")
    r = run_derive(f, "--wrt", "w1_11")
    assert r.exit_code == 0, r.output
    assert "3 (softmax), loss cross_entropy" in r.output
    assert "∂ŷ/∂z2 = diag(ŷ) − ŷŷᵀ" in r.output and "= ŷ − y   (SymPy reduces" in r.output
    assert "agrees" in r.output and "Update (η = 0.5)" in r.output
    d = json.loads(run_derive(f, "--format", "json").output)
    assert d["network"]["layers"][-1]["activation"] == "softmax"
    assert d["softmax"]["reduces_to_yhat_minus_y"] and d["check"]["agrees"]
    assert d["softmax"]["simplified"] == ["-y_1 + ŷ_1", "-y_2 + ŷ_2", "-y_3 + ŷ_3"]
    tex = run_derive(f, "--format", "latex").output
    assert r"\operatorname{diag}(\hat y) - \hat y\hat y^{\mathsf T}" in tex
    sym = run_derive(f, "--symbolic").output
    assert "Softmax with cross-entropy" in sym


HEAD = '[network]\ninputs = 2\nlayers = [\n  {units = 2, activation = "%s"},\n  {units = %d, activation = "%s"},\n]\nloss = "%s"\n'
BAD = [
    (HEAD % ("softmax", 3, "softmax", "cross_entropy"), "line 4, network.layers[1]",
     "softmax is supported only on the output layer"),
    (HEAD % ("tanh", 3, "sigmoid", "cross_entropy"), "line 7, network.loss",
     "needs a softmax output layer"),
    (HEAD % ("tanh", 3, "softmax", "mse"), "line 7, network.loss",
     'a softmax output goes with loss = "cross_entropy"'),
    (HEAD % ("tanh", 1, "softmax", "ce"), "line 5, network.layers[2]", "at least 2 units"),
    (HEAD % ("tanh", 3, "softmax", "ce") + "[values]\ny = [0.5, 0.25, 0]\n", "line 9, values.y",
     "must sum to 1"),
    (HEAD % ("tanh", 2, "softmax", "ce") + "[values]\ny = [1.5, -0.5]\n", "line 9, values.y",
     "must be ≥ 0"),
    (HEAD % ("tanh", 2, "softmax", "ce") + "[values]\nz = [1, 0]\n", "line 9, values.z",
     "unknown key 'z'"),
]


@pytest.mark.parametrize("text,where,what", BAD)
def test_bad_softmax_specs_exit_2_naming_file_line_key(tmp_path, text, where, what):
    assert_spec_error(tmp_path, text, where, what)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=2, max_size=6), st.floats(-500, 500),
       st.data())
def test_softmax_and_loss_ignore_a_shift_of_every_logit(z, c, data):
    """softmax(z + c) = softmax(z), and so the cross-entropy, for any distribution y; the loss
    from the logits equals −Σ y log softmax(z) where the latter is finite."""
    import math
    w = data.draw(st.lists(st.integers(0, 5), min_size=len(z), max_size=len(z)).filter(any))
    y = [v / sum(w) for v in w]
    ce = get_vector_loss("cross_entropy")
    s, t = S.softmax(z), S.softmax([v + c for v in z])
    assert s == pytest.approx(t, rel=1e-9, abs=1e-300) and sum(s) == pytest.approx(1)
    L = ce.logit_value(z, y)
    assert ce.logit_value([v + c for v in z], y) == pytest.approx(L, rel=1e-9, abs=1e-9)
    assert ce.value(s, y) == pytest.approx(L, rel=1e-9, abs=1e-9)
    assert sum(ce.logit_grad(z, y)) == pytest.approx(0, abs=1e-12) and math.isfinite(L)
