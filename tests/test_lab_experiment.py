"""Training runs, records, the remedies comparison, explosions and what the report says."""
import json
import warnings

import numpy as np
import pytest

from vgp_symbolic.lab import (LabConfig, LabError, compare, compare_setups, explain,
                              explain_compare, format_compare, format_run, run)
from vgp_symbolic.lab.compare import EXPLODE_ACTIVATION, EXPLODE_STD

SMALL = dict(depth=3, width=6, epochs=4)


def test_records_have_one_entry_per_epoch_and_layer():
    r = run(LabConfig(**SMALL))
    assert r.epochs_run == 4 and r.exploded_at is None
    for seq in (r.loss, r.accuracy, r.test_loss, r.test_accuracy, r.grad_norms, r.weight_change):
        assert len(seq) == 4
    assert all(len(g) == 4 for g in r.grad_norms)  # 3 hidden layers + the output layer
    assert len(r.first_layer_trace) == 5 and np.shape(r.first_layer_before) == (2, 6)
    assert r.weight_change[-1] == pytest.approx(
        [np.linalg.norm(np.subtract(r.first_layer_after, r.first_layer_before))
         / np.linalg.norm(r.first_layer_before)] + r.weight_change[-1][1:])


def test_same_seed_same_numbers_other_seed_other_numbers():
    a, b = run(LabConfig(**SMALL, seed=3)), run(LabConfig(**SMALL, seed=3))
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())
    c = run(LabConfig(**SMALL, seed=4))
    assert c.loss != a.loss


def test_to_dict_is_strict_json():
    d = run(LabConfig(**SMALL, batchnorm=True, residual=True)).to_dict()
    json.dumps(d, allow_nan=False)
    assert d["per_layer"][0]["layer"] == 1 and "signals" in d


def test_default_experiment_vanishes_and_adam_hides_it_in_the_weights():
    """The seed's set-up: the caution of the course owners, checked on our own numbers."""
    adam = run(LabConfig())
    sgd = run(LabConfig(optimizer="sgd"))
    for r in (adam, sgd):
        assert r.grad_ratio_start < 1e-4  # first layer's gradient ≪ last layer's
        assert r.signals()["gradient"] == "vanishing"
    wa, ws = adam.weight_change_final, sgd.weight_change_final
    assert wa[0] > wa[-1]  # Adam: the first layer still moves, relative to its size
    assert not adam.signals()["weights_show_it"]
    assert ws[0] < 1e-3 * ws[-1]  # SGD: it barely moves
    assert sgd.signals()["weights_show_it"]
    assert sgd.plateau_epochs is None  # SGD never leaves ln 2 in 100 epochs
    text = format_run(adam)
    assert "NOT a signal in this run" in text and "Adam divides" in text
    assert "shows it too under sgd" in format_run(sgd)


def test_relu_does_not_vanish():
    r = run(LabConfig(activation="relu", epochs=30))
    assert r.signals()["gradient"] == "balanced"
    assert r.final_test_accuracy >= 0.9


def test_explosion_is_reported_without_warnings_and_clipping_prevents_it():
    cfg = LabConfig(activation=EXPLODE_ACTIVATION, init="normal", init_std=EXPLODE_STD,
                    optimizer="sgd", epochs=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = run(cfg)
        clipped = run(LabConfig(**{**cfg.__dict__, "clip": 1.0}))
    assert r.exploded_at == 1 and r.final_loss is None
    assert all(np.isfinite(r.loss)) and all(np.isfinite(np.ravel(r.first_layer_trace)))
    assert "exploded at epoch 1" in format_run(r)
    assert "nan" not in format_run(r).lower()
    json.dumps(r.to_dict(), allow_nan=False)
    assert clipped.exploded_at is None and clipped.epochs_run == 5
    assert np.isfinite(clipped.final_loss)


def test_plateau_counts_from_the_baseline():
    r = run(LabConfig(**SMALL))
    r.loss = [r.baseline_loss * 0.95, r.baseline_loss * 0.85]
    r.initial_loss = 5.0  # a bad start must not count as learning
    assert r.plateau_epochs == 2


def test_compare_runs_every_remedy():
    setups = compare_setups(LabConfig(depth=3, width=5, epochs=3))
    assert [c.name for c in setups][:6] == ["sigmoid", "tanh", "relu", "relu + He init",
                                            "sigmoid + batch norm", "sigmoid + residual"]
    assert setups[-1].clip and not setups[-2].clip and setups[-1].optimizer == "sgd"
    assert all(c.depth == 3 and c.width == 5 and c.epochs == 3 for c in setups)
    c = compare(LabConfig(epochs=3))
    rows = c.rows()
    assert len(rows) == 8
    assert rows[0]["grad_ratio_start"] < 1e-4 and rows[2]["grad_ratio_start"] > 0.1
    assert rows[-2]["exploded_at"] == 1 and rows[-2]["final_loss"] is None
    assert rows[-1]["exploded_at"] is None
    text = format_compare(c)
    assert "exploded at epoch 1" in text and "nan" not in text.lower()
    assert any("Vanishing gradient" in s for s in explain_compare(c))
    json.dumps(c.to_dict(), allow_nan=False)


@pytest.mark.parametrize("kwargs,msg", [
    ({"depth": 0}, "depth"), ({"width": 0}, "width"), ({"epochs": -1}, "epochs"),
    ({"activation": "softmax"}, "unknown activation"), ({"clip": 0.0}, "clip"),
    ({"lr": -1.0}, "learning rate"), ({"batch_size": 0}, "batch size"),
    ({"init": "xavier"}, "unknown init"), ({"optimizer": "rmsprop"}, "unknown optimizer"),
    ({"plateau": 1.5}, "plateau"), ({"init_std": float("nan")}, "init std"),
])
def test_bad_config(kwargs, msg):
    with pytest.raises(LabError, match=msg):
        run(LabConfig(**kwargs))


def test_explain_is_computed_from_the_numbers():
    r = run(LabConfig(activation="tanh", **SMALL))
    lines = explain(r)
    assert lines[0].startswith("Gradient norms")
    assert f"{r.grad_ratio_start:.3g}" in lines[0] or f"{r.grad_ratio_start:.1e}" in lines[0]


def test_fprime_stats_measure_saturation():
    from vgp_symbolic.lab.experiment import fprime_stats
    from vgp_symbolic.lab.model import MLP
    net = MLP((2, 4, 4, 1), "sigmoid", init="normal", init_std=30.0,
              rng=np.random.default_rng(0))
    X = np.random.default_rng(1).normal(size=(50, 2))
    s = fprime_stats(net, X)
    assert [x["layer"] for x in s] == [1, 2]
    # huge weights push z onto sigmoid's flat tails: most units pass on < 1 % of the gradient
    assert s[0]["saturated"] > 0.7 and s[0]["quantiles"][3] < 0.01
    q = s[1]["quantiles"]
    assert q == sorted(q) and 0 <= q[0] and q[-1] <= 0.25


def test_run_records_fprime_at_start_and_end_in_json():
    r = run(LabConfig(**SMALL))
    d = json.loads(json.dumps(r.to_dict()))
    sat = d["saturation"]
    assert sat["threshold"] == 0.01
    assert len(sat["start"]) == len(sat["end"]) == 3  # hidden layers only
    assert sat["start"] != sat["end"]  # training moved the weights, and f′(z) with them
    assert len(d["epochs"]["grad_norms"]) == 4 and len(d["epochs"]["grad_norms"][0]) == 4
