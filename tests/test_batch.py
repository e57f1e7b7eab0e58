"""A batch of samples, L = (1/N) Σₙ Lₙ (issue 18): every gradient against torch autograd with
reduction="mean" (dense mse/bce, softmax cross-entropy, nn.RNN) and against a central difference
of the mean loss taken here; exact rationals where the inputs allow; the outputs; bad specs."""
from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from derive_cli import assert_spec_error, run_derive
from vgp_symbolic.core.batch import derive_batch, evaluate_batch, parse_batch

torch = pytest.importorskip("torch")


def _dense_text(widths, acts, loss, N, seed=0, y01=False):
    rng = random.Random(seed)

    def r():
        return round(rng.uniform(-1, 1), 2)
    layers = ", ".join(f'{{units = {u}, activation = "{a}"}}' for u, a in zip(widths[1:], acts))
    out = [f'[network]\ninputs = {widths[0]}\nlayers = [{layers}]\nloss = "{loss}"\n[values]']
    for k in range(1, len(widths)):
        out.append(f"W{k} = {[[r() for _ in range(widths[k])] for _ in range(widths[k - 1])]}")
        out.append(f"b{k} = {[r() for _ in range(widths[k])]}")
    out.append("lr = 0.5")
    for _ in range(N):
        y = [rng.choice([0, 1]) for _ in range(widths[-1])] if y01 else [r() for _ in range(widths[-1])]
        out.append(f"[[samples]]\nx = {[r() for _ in range(widths[0])]}\ny = {y}")
    return "\n".join(out) + "\n"


def _torch_dense(batch, loss):
    net = batch.model
    w = net.widths
    X = torch.tensor([[float(v) for v in s.x] for s in batch.samples], dtype=torch.float64)
    Y = torch.tensor([[float(v) for v in s.y] for s in batch.samples], dtype=torch.float64)
    s0 = batch.samples[0]
    params, h = {}, X
    for k in range(1, net.depth + 1):
        W = torch.tensor([[float(s0.W[k][i][j]) for i in range(w[k - 1])] for j in range(w[k])],
                         dtype=torch.float64, requires_grad=True)
        b = torch.tensor([float(v) for v in s0.bias(k, w[k])], dtype=torch.float64,
                         requires_grad=True)
        params[k] = (W, b)
        z = h @ W.T + b
        name = net.activation(k).name
        h = z if name == "linear" else getattr(torch, name)(z)
    L = {"mse": torch.nn.MSELoss(), "bce": torch.nn.BCELoss()}[loss.replace("half_", "")](h, Y)
    if loss == "half_mse":
        L = L / 2
    L.backward()
    return {f"w{k}_{i + 1}{j + 1}": W.grad[j, i].item() for k, (W, _) in params.items()
            for i in range(w[k - 1]) for j in range(w[k])} | \
        {f"b{k}_{j + 1}": b.grad[j].item() for k, (_, b) in params.items() for j in range(w[k])}, L.item()


@pytest.mark.parametrize("widths,acts,loss,N", [
    ((2, 3, 1), ("tanh", "sigmoid"), "bce", 4),
    ((3, 2, 2), ("sigmoid", "linear"), "mse", 3),
    ((2, 2, 1), ("relu", "linear"), "half_mse", 5),
])
def test_dense_batch_matches_torch_mean_reduction(widths, acts, loss, N):
    batch = parse_batch(_dense_text(widths, acts, loss, N, seed=N, y01=loss == "bce"))
    want, L = _torch_dense(batch, loss)
    for name, g in want.items():
        ev = evaluate_batch(derive_batch(batch, name))
        assert float(ev.gradient) == pytest.approx(g, rel=1e-9, abs=1e-14), name
        assert ev.check.agrees, (name, ev.check)
        assert len(ev.samples) == N and all(e.check.agrees for e in ev.samples)
    assert float(ev.loss) == pytest.approx(L, rel=1e-12)


def test_piecewise_linear_batch_is_exact_and_matches_a_difference_of_the_mean_loss():
    text = _dense_text((2, 2, 1), ("relu", "linear"), "half_mse", 3, seed=7)
    batch = parse_batch(text)
    ev = evaluate_batch(derive_batch(batch, "w1_21"))
    assert ev.exact and isinstance(ev.gradient, Fraction)
    assert ev.gradient == sum(e.gradient for e in ev.samples) / 3
    # the mean loss differenced here, in torch float64, independent of vgp's passes
    want, _ = _torch_dense(batch, "half_mse")
    h = 1e-6

    def mean_loss(delta):
        s0 = batch.samples[0]
        s0.W[1][1][0] += delta
        try:
            return _torch_dense(batch, "half_mse")[1]
        finally:
            s0.W[1][1][0] -= delta
    fd = (mean_loss(h) - mean_loss(-h)) / (2 * h)
    assert float(ev.gradient) == pytest.approx(fd, rel=1e-6) == pytest.approx(want["w1_21"])
    assert ev.update.new == ev.update.old - Fraction(1, 2) * ev.gradient


def test_softmax_batch_matches_torch_cross_entropy_mean():
    text = ('[network]\ninputs = 2\nlayers = [{units = 2, activation = "tanh"}, '
            '{units = 3, activation = "softmax"}]\nloss = "cross_entropy"\n[values]\n'
            'W1 = [[0.1, 0.2], [0.3, -0.4]]\nW2 = [[0.5, -0.6, 0.2], [0.7, 0.1, -0.3]]\n'
            '[[samples]]\nx = [1.0, -0.5]\ny = [0, 1, 0]\n'
            '[[samples]]\nx = [0.2, 0.4]\ny = [0.5, 0, 0.5]\n'
            '[[samples]]\nx = [-2, 3]\ny = [0, 0, 1]\n')
    batch = parse_batch(text)
    X = torch.tensor([[1.0, -0.5], [0.2, 0.4], [-2, 3]], dtype=torch.float64)
    Y = torch.tensor([[0, 1, 0], [0.5, 0, 0.5], [0, 0, 1]], dtype=torch.float64)
    W1 = torch.tensor([[0.1, 0.2], [0.3, -0.4]], dtype=torch.float64).T.clone().requires_grad_()
    W2 = torch.tensor([[0.5, -0.6, 0.2], [0.7, 0.1, -0.3]], dtype=torch.float64).T.clone().requires_grad_()
    L = torch.nn.CrossEntropyLoss()(torch.tanh(X @ W1.T) @ W2.T, Y)  # mean over the batch
    L.backward()
    for name, g in (("w1_21", W1.grad[0, 1]), ("w2_13", W2.grad[2, 0]), ("b2_2", None)):
        ev = evaluate_batch(derive_batch(batch, name))
        if g is not None:
            assert float(ev.gradient) == pytest.approx(g.item(), rel=1e-12)
        assert ev.check.agrees
    assert float(ev.loss) == pytest.approx(L.item(), rel=1e-13)


def test_recurrent_batch_matches_torch_rnn_mean():
    text = ('[network]\nkind = "rnn"\ninputs = 1\nhidden = 2\nsteps = 3\n[values]\n'
            'W = [[0.5, -0.1], [0.2, 0.4]]\nU = [[1.0], [-0.5]]\nb = [0.1, 0]\n'
            '[[samples]]\nx = [1.0, 0.5, -1.0]\ny = [0.5, -0.5]\n'
            '[[samples]]\nx = [0.0, 0.25, 1.0]\ny = [0.1, 0.2]\n')
    batch = parse_batch(text)
    rnn = torch.nn.RNN(1, 2, batch_first=True).double()
    with torch.no_grad():
        f64 = torch.float64  # float32 literals would round 0.1 before the copy
        rnn.weight_hh_l0.copy_(torch.tensor([[0.5, -0.1], [0.2, 0.4]], dtype=f64))
        rnn.weight_ih_l0.copy_(torch.tensor([[1.0], [-0.5]], dtype=f64))
        rnn.bias_ih_l0.copy_(torch.tensor([0.1, 0.0], dtype=f64))
        rnn.bias_hh_l0.zero_()
    X = torch.tensor([[[1.0], [0.5], [-1.0]], [[0.0], [0.25], [1.0]]], dtype=torch.float64)
    out, _ = rnn(X)
    L = torch.nn.MSELoss()(out[:, -1, :], torch.tensor([[0.5, -0.5], [0.1, 0.2]], dtype=torch.float64))
    L.backward()
    for name, g in (("W_12", rnn.weight_hh_l0.grad[0, 1]), ("U_21", rnn.weight_ih_l0.grad[1, 0]),
                    ("b_1", rnn.bias_ih_l0.grad[0])):
        ev = evaluate_batch(derive_batch(batch, name))
        assert float(ev.gradient) == pytest.approx(g.item(), rel=1e-12) and ev.check.agrees
    assert float(ev.loss) == pytest.approx(L.item(), rel=1e-13)


def test_cli_text_latex_json(tmp_path):
    f = tmp_path / "batch.toml"
    f.write_text(_dense_text((2, 2, 1), ("relu", "linear"), "half_mse", 3, seed=7))
    r = run_derive(f, "--wrt", "w1_21")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Batch      N = 3 samples: L = (1/N)·Σₙ Lₙ")
    for n in (1, 2, 3):
        assert f"  sample {n}: x = " in r.output
    # the parameter as the one-sample chain above writes it (this said w1_21 beside w⁽¹⁾₂₁)
    assert "Mean       ∂L/∂w⁽¹⁾₂₁ = (1/3)·(" in r.output and "— agrees" in r.output
    assert "Update     w⁽¹⁾₂₁ ← " in r.output and "∂L₁/∂w⁽¹⁾₂₁ = " in r.output
    assert "w1_21" not in r.output
    d = json.loads(run_derive(f, "--wrt", "w1_21", "--format", "json").output)
    assert d["batch"] == 3 and d["exact"] and d["check"]["agrees"]
    assert Fraction(d["gradient_exact"]) == sum(Fraction(s["gradient_exact"]) if "gradient_exact" in s
                                                else Fraction(str(s["gradient"])) for s in d["samples"]) / 3
    tex = run_derive(f, "--format", "latex").output
    assert r"\textbf{Per sample}" in tex and r"\frac{1}{3}" in tex
    sym = run_derive(f, "--symbolic").output
    assert "One sample's chain rule" in sym and "Per sample" not in sym


S = '[network]\ninputs = 2\nlayers = [{units = 1, activation = "sigmoid"}]\n[values]\nW1 = [[1], [2]]\n'
SM = ('[network]\ninputs = 1\nlayers = [{units = 2, activation = "softmax"}]\nloss = "ce"\n'
      '[values]\nW1 = [[1, 2]]\n')
BAD = [
    (S + "[[samples]]\nx = [1, 2]\ny = [1]\n[[samples]]\nx = [1, 2, 3]\ny = [0]\n",
     "line 10, samples[2].x", "x must have 2 entries, got 3"),
    (S + "[[samples]]\nx = [1, 2]\ny = [1]\nw = 3\n", "line 9, samples[1].w",
     "unknown key 'w' in sample 1"),
    (S + "x = [1, 2]\n[[samples]]\nx = [1, 2]\ny = [1]\n", "line 6, values.x",
     "x goes in each sample, not in [values]"),
    (S + "[[samples]]\nx = [1, 2]\n[[samples]]\nx = [1, 2]\ny = [1, 0]\n",
     "line 10, samples[2].y", "y must have 1 entry, got 2"),
    (SM + "[[samples]]\nx = [1]\ny = [1, 0]\n[[samples]]\nx = [2]\ny = [0.5, 0.25]\n",
     "line 12, samples[2].y", "must sum to 1"),
    ("samples = []\n" + S, "line 1, samples", "one or more [[samples]] tables"),
    ('[network]\nkind = "rnn"\ninputs = 1\nhidden = 1\nsteps = 2\n[[samples]]\nx = [1]\ny = [0]\n',
     "line 7, samples[1].x", "x must be 2×1"),
]


@pytest.mark.parametrize("text,where,what", BAD)
def test_bad_batches_exit_2_naming_file_line_key(tmp_path, text, where, what):
    assert_spec_error(tmp_path, text, where, what)


def test_plain_dense_specs_are_not_parsed_by_the_batch_and_architecture_probes(tmp_path, monkeypatch):
    """`vgp derive` asks both probes about every spec; a wide dense spec took seconds in tomllib
    for each (400k weights: 2.2 s → 0.8 s for the whole derive), so they look at the text first."""
    from vgp_symbolic.core import arch_spec, batch as B

    def refuse(text):
        raise AssertionError("tomllib.loads called")
    f = tmp_path / "dense.toml"
    f.write_text(_dense_text((2, 2, 1), ("tanh", "sigmoid"), "mse", 1).replace("[[samples]]\n", ""))
    monkeypatch.setattr(B.tomllib, "loads", refuse)
    monkeypatch.setattr(arch_spec.tomllib, "loads", refuse)
    assert B.load_batch(f) is None and arch_spec.load_architecture(f) is None


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4), st.randoms(use_true_random=False))
def test_the_mean_is_exact_order_free_and_a_repeated_sample_changes_nothing(seed, N, rnd):
    """Invariants of L = (1/N) Σ Lₙ on exact ReLU networks: the batch gradient is the exact mean
    of the per-sample ones, independent of the samples' order, and N copies of one sample give
    that sample's gradient."""
    text = _dense_text((2, 2, 1), ("relu", "linear"), "half_mse", N, seed=seed)
    head, *samples = text.split("[[samples]]\n")
    g = evaluate_batch(derive_batch(parse_batch(text), "w1_12")).gradient
    rnd.shuffle(samples)
    shuffled = head + "".join("[[samples]]\n" + s for s in samples)
    assert evaluate_batch(derive_batch(parse_batch(shuffled), "w1_12")).gradient == g
    one = evaluate_batch(derive_batch(parse_batch(head + "[[samples]]\n" + samples[0]), "w1_12"))
    copies = evaluate_batch(derive_batch(parse_batch(head + ("[[samples]]\n" + samples[0]) * 3),
                                         "w1_12"))
    assert isinstance(g, Fraction) and copies.gradient == one.gradient
