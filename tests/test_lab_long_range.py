"""The long-range lab: numpy BPTT against torch (parameters and ‖∂L/∂hₜ‖ per step), the tasks,
the experiment's verdicts, plots and `vgp lab --task`."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from vgp_symbolic.cli import main
from vgp_symbolic.lab.experiment import LabError
from vgp_symbolic.lab.long_range import SeqConfig, make_batch, run_long_range
from vgp_symbolic.lab.recurrent_model import SeqModel

torch = pytest.importorskip("torch")


def _torch_unrolled(m: SeqModel, x, y):
    """The same model unrolled with nn.RNNCell/LSTMCell/GRUCell, every hₜ kept for its .grad."""
    H, I = m.hidden, m.inputs
    cell = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[m.cell](I, H).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor(m.p["U"]))
        cell.weight_hh.copy_(torch.tensor(m.p["W"]))
        cell.bias_ih.copy_(torch.tensor(m.p["b"]))
        bh = torch.zeros_like(cell.bias_hh)
        if m.cell == "gru":
            bh[2 * H:] = torch.tensor(m.p["bhn"])
        cell.bias_hh.copy_(bh)
    V = torch.tensor(m.p["V"], requires_grad=True)
    c0 = torch.tensor(m.p["c"], requires_grad=True)
    xs = torch.tensor(x)
    h = torch.zeros(x.shape[0], H, dtype=torch.float64)
    c = torch.zeros_like(h)
    hs = []
    for t in range(x.shape[1]):
        if m.cell == "lstm":
            h, c = cell(xs[:, t], (h, c))
        else:
            h = cell(xs[:, t], h)
        h.retain_grad()
        hs.append(h)
    loss = ((h @ V.T + c0 - torch.tensor(y)) ** 2).mean()
    loss.backward()
    return loss.item(), cell, V, c0, [float(hh.grad.norm()) for hh in hs]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_numpy_bptt_matches_torch(cell):
    m = SeqModel(cell, 2, 3, seed=4)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(5, 7, 2)), rng.normal(size=(5, 1))
    loss, grad, norms = m.loss_and_grad(x, y)
    tl, tc, V, c0, tnorms = _torch_unrolled(m, x, y)
    g = {k: grad[m._slice(k)].reshape(v.shape) for k, v in m.p.items()}
    assert loss == pytest.approx(tl, rel=1e-13)
    np.testing.assert_allclose(g["U"], tc.weight_ih.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(g["W"], tc.weight_hh.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(g["b"], tc.bias_ih.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(g["V"], V.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(g["c"], c0.grad.numpy(), rtol=1e-10)
    if cell == "gru":
        np.testing.assert_allclose(g["bhn"], tc.bias_hh.grad.numpy()[6:], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(norms, tnorms, rtol=1e-10)  # ‖∂L/∂hₜ‖ for every t


def test_tasks():
    rng = np.random.default_rng(0)
    x, y = make_batch("first", 8, 5, rng)
    assert x.shape == (8, 5, 1) and np.array_equal(y[:, 0], x[:, 0, 0])
    x, y = make_batch("adding", 50, 10, rng)
    marks = x[:, :, 1]
    assert (marks[:, :5].sum(1) == 1).all() and (marks[:, 5:].sum(1) == 1).all()
    np.testing.assert_allclose(y[:, 0], (x[:, :, 0] * marks).sum(1))


@pytest.mark.parametrize("kw,msg", [({"lengths": (0,)}, "at least 1"), ({"cells": ("lstn",)}, "unknown cell"),
                                    ({"task": "copy"}, "unknown task"), ({"lengths": (1,)}, "T ≥ 2"),
                                    ({"lr": 0.0}, "positive")])
def test_bad_settings(kw, msg):
    with pytest.raises(LabError, match=msg):
        SeqConfig(**kw).check()


@pytest.mark.slow
def test_rnn_stops_learning_where_lstm_learns():
    """The headline: at T = 20 the tanh RNN stays at the baseline, the LSTM learns (600 steps)."""
    res = run_long_range(SeqConfig(cells=("rnn", "lstm"), lengths=(5, 20), hidden=16, iterations=600))
    assert res.run("rnn", 5).learned and not res.run("rnn", 20).learned
    assert res.run("lstm", 20).learned
    assert res.stops_learning("rnn") == 20 and res.stops_learning("lstm") is None
    # and the measured gradient through time: far less reaches t = 1 in the RNN at T = 20
    assert res.run("rnn", 20).ratio_init < res.run("lstm", 20).ratio_init
    json.dumps(res.to_dict())


@pytest.mark.slow
def test_cli_sequence_task_json_and_plots(tmp_path):
    r = CliRunner().invoke(main, ["lab", "--task", "first", "--lengths", "2,4", "--cells", "rnn,gru",
                                  "--epochs", "5", "--width", "3", "--format", "json",
                                  "--plot", str(tmp_path)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert [(x["cell"], x["T"]) for x in d["long_range"]["runs"]] == [("rnn", 2), ("gru", 2), ("rnn", 4), ("gru", 4)]
    assert len(d["plots"]) == 3 and all((tmp_path / p).stat().st_size > 10_000 for p in d["plots"])


@pytest.mark.parametrize("args,msg", [(["--task", "adding", "--depth", "3"], "--depth do(es) not apply"),
                                      (["--cells", "rnn"], "go with --task adding"),
                                      (["--task", "adding", "--lengths", "a,b"], "whole numbers"),
                                      (["--task", "adding", "--lengths", "0"], "at least 1")])
def test_cli_bad_options_exit_2(args, msg):
    r = CliRunner().invoke(main, ["lab"] + args)
    assert r.exit_code == 2 and msg in r.output, r.output
