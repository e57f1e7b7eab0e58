"""The BPTT-step, residual-path and forget-gate problem types: answers against independent
computations (torch autograd; hand formulas), mistakes that differ from the answer, and hw3."""
from __future__ import annotations

import random
from fractions import Fraction as F
from math import prod
from pathlib import Path

import pytest

from vgp_symbolic.homework import Student, load_assignment, student_set
from vgp_symbolic.homework.types import TYPES
from vgp_symbolic.homework.types.base import Reject

torch = pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parents[1]


def _draw_bptt(seed):
    rng = random.Random(seed)
    pick = lambda xs: F(str(rng.choice(xs)))  # noqa: E731
    w = [-0.9, -0.5, -0.2, 0.3, 0.6, 0.8]
    return dict(w11=pick(w), w12=pick(w), w21=pick(w), w22=pick(w), u1=pick([-1, 0.5, 1]),
                u2=pick([-1, -0.5, 1]), x1=pick([-1, 0.5, 1]), x2=pick([-1, 0.5]), h01=pick([-0.5, 0.5]),
                h02=pick([-0.5, 0.5]), y1=pick([-0.5, 0.5]), y2=pick([-0.5, 0.5]))


@pytest.mark.parametrize("seed", range(6))
def test_bptt_answers_match_torch(seed):
    p = _draw_bptt(seed)
    try:
        s = TYPES["bptt_step"].solve(p)
    except Reject as e:  # the draw is re-drawn in a real set; any other exception is a bug
        pytest.skip(str(e))
    f = {k: float(v) for k, v in p.items()}
    W = torch.tensor([[f["w11"], f["w12"]], [f["w21"], f["w22"]]], dtype=torch.float64, requires_grad=True)
    U = torch.tensor([f["u1"], f["u2"]], dtype=torch.float64)
    h0 = torch.tensor([f["h01"], f["h02"]], dtype=torch.float64)
    h1 = torch.tanh(W @ h0 + U * f["x1"])
    h1.retain_grad()
    h2 = torch.tanh(W @ h1 + U * f["x2"])
    L = 0.5 * ((h2 - torch.tensor([f["y1"], f["y2"]], dtype=torch.float64)) ** 2).sum()
    L.backward()
    assert s.answers["dh1"].value == pytest.approx(h1.grad[0].item(), rel=1e-12)
    assert s.answers["grad"].value == pytest.approx(W.grad[0, 0].item(), rel=1e-12)
    for a in s.answers.values():
        for m in a.mistakes:
            assert m.value != pytest.approx(a.value, rel=1e-3), m.id


def test_residual_path_and_forget_gate_by_hand():
    a = [F(1, 5), F(-1, 10), F(1, 4), F(1, 20)]
    s = TYPES["residual_path"].solve({f"a{k}": v for k, v in enumerate(a, 1)})
    assert s.answers["path"].value == prod(1 + v for v in a)
    assert s.answers["plain"].value == prod(a)
    assert s.answers["bound"].value == 1 - sum(abs(v) for v in a) <= s.answers["path"].value
    ids = {m.id for m in s.answers["path"].mistakes}
    assert "forgot_identity" in ids
    f = [F(9, 10), F(1), F(4, 5), F(19, 20)]
    s = TYPES["forget_gate"].solve({**{f"f{k}": v for k, v in enumerate(f, 1)}, "lam": F(3, 5)})
    assert s.answers["cell_path"].value == prod(f) and s.answers["rnn_bound"].value == F(3, 5) ** 4
    ms = s.answers["cell_path"].mistakes
    assert [m.id for m in ms] == ["dropped_step"] * 3  # f2 = 1: no dropped-step or σ′ slip to tell
    assert all(m.value != 0 for m in ms)


def test_degenerate_draws_are_rejected():
    from vgp_symbolic.homework.types import Reject
    with pytest.raises(Reject):
        TYPES["residual_path"].solve({"a1": F(1, 2), "a2": F(1, 2), "a3": F(1, 4), "a4": F(1, 4)})
    with pytest.raises(Reject):
        TYPES["forget_gate"].solve({"f1": F(0), "f2": F(1), "f3": F(1), "f4": F(1), "lam": F(1, 2)})


def test_hw3_draws_for_a_class():
    a = load_assignment(ROOT / "vgp_symbolic" / "problems" / "hw3.toml")
    sets = [student_set(a, Student(f"s{i}", "S", 2), class_seed=5) for i in range(8)]
    assert [p.type for p in sets[0].problems] == ["bptt_step", "residual_path", "forget_gate"]
    grads = {s.problems[0].questions[1].answer for s in sets}
    assert len(grads) > 4  # personalised numbers
