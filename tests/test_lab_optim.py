"""Adam, SGD and gradient clipping, checked against hand computation."""
import math

import numpy as np
import pytest

from vgp_symbolic.lab.optim import SGD, Adam, clip_by_global_norm, make_optimizer


def test_adam_three_steps_by_hand():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    grads = [np.array([0.5, -2.0]), np.array([0.1, 1.0]), np.array([-0.3, 0.0])]
    theta = np.array([1.0, -1.0])
    opt = Adam(lr, b1, b2, eps)
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    expect = [1.0, -1.0]
    for t, g in enumerate(grads, 1):
        opt.step(theta, g)
        for i in range(2):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            lr_t = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            expect[i] -= lr_t * m[i] / (math.sqrt(v[i]) + eps)
        assert theta.tolist() == pytest.approx(expect, rel=1e-14, abs=1e-16)
    # first step of Adam moves every parameter by ≈ lr whatever its gradient's size
    theta = np.zeros(3)
    Adam(0.001).step(theta, np.array([1e-3, 1.0, 1e3]))
    assert np.allclose(np.abs(theta), 0.001, rtol=1e-2)  # ε = 1e-7 shows only at 1e-3


def test_sgd_step():
    theta = np.array([1.0, 2.0])
    SGD(0.1).step(theta, np.array([1.0, -4.0]))
    assert theta.tolist() == pytest.approx([0.9, 2.4])


def test_clip_by_global_norm():
    g = np.array([3.0, 4.0, 0.0])
    assert clip_by_global_norm(g, 2.5) == 5.0
    assert np.linalg.norm(g) == pytest.approx(2.5)
    assert g.tolist() == pytest.approx([1.5, 2.0, 0.0])  # direction kept
    g = np.array([0.3, 0.4])
    assert clip_by_global_norm(g, 1.0) == pytest.approx(0.5)
    assert g.tolist() == [0.3, 0.4]  # short enough: untouched


def test_make_optimizer_defaults_and_errors():
    assert isinstance(make_optimizer("adam"), Adam) and make_optimizer("adam").lr == 0.001
    assert make_optimizer("SGD").lr == 0.01
    assert make_optimizer("adam").eps == 1e-7
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_optimizer("rmsprop")


def test_bench_reference_uses_kerass_adam_like_the_lab():
    """bench/lab.py's PyTorch reference must place ε as Keras (and the lab) do; torch.optim.Adam
    does not, which moved the first layer's weight change by ~4 % (issue 17)."""
    import importlib.util
    import os
    from pathlib import Path
    from unittest import mock

    torch = pytest.importorskip("torch")
    path = Path(__file__).resolve().parents[1] / "bench" / "lab.py"
    spec = importlib.util.spec_from_file_location("bench_lab", path)
    bench = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ):  # the bench pins thread variables for its own process
        spec.loader.exec_module(bench)
    rng = np.random.default_rng(0)
    theta0 = rng.normal(size=6)
    grads = [rng.normal(scale=3e-7, size=6) for _ in range(20)]  # as small as ε

    def torch_run(make):
        p = torch.nn.Parameter(torch.tensor(theta0.copy()))
        opt = make([p])
        for g in grads:
            p.grad = torch.tensor(g)
            opt.step()
        return p.detach().numpy()

    theta, lab = theta0.copy(), Adam()
    for g in grads:
        lab.step(theta, g)
    keras = torch_run(lambda ps: bench.keras_adam(torch)(ps))
    pytorch = torch_run(lambda ps: torch.optim.Adam(ps, lr=1e-3, eps=1e-7))
    assert np.allclose(keras - theta0, theta - theta0, rtol=1e-10, atol=0)
    assert not np.allclose(pytorch - theta0, theta - theta0, rtol=1e-2, atol=0)
