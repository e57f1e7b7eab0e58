"""Benchmark: ``vgp derive`` on recurrent and residual specs against torch autograd, sweeping the
sequence length T (vanilla RNN, LSTM) and the number of residual blocks.

Both sides compute ∂L/∂θ for the same spec's numbers:

* vgp   -- ``load_architecture`` + ``derive_arch`` (named symbols, δ recurrence, symbolic step
           Jacobians) + ``evaluate_arch`` (mpmath 30 digits: adjoints, per-step norms), without
           and with the finite-difference check;
* torch -- the same network built in torch (float64), forward + ``backward()``.

The ratio says what the exact, explained derivation costs over a plain numeric gradient. Usage:

    python bench/derive_recurrent.py [--lengths 5,10,20,40] [--blocks 2,5,10,20] [--hidden 2]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # a checkout runs without installing the package

torch = None  # imported by main(): `--help` and the test suite run without torch

from vgp_symbolic.core.arch_derive import derive_arch, evaluate_arch  # noqa: E402
from vgp_symbolic.core.arch_spec import ArchSpec, parse_arch_spec  # noqa: E402
from vgp_symbolic.core.recurrent import RecurrentNet  # noqa: E402


def rnn_spec(cell: str, T: int, H: int) -> ArchSpec:
    spec = ArchSpec(RecurrentNet(cell, 1, H, T))
    rng = random.Random(7)
    for s, n in spec.graph.nodes.items():
        if n.expr is None:
            spec.numbers[s.name] = Fraction(round(rng.uniform(-0.8, 0.8), 2)).limit_denominator(100)
    return spec


def residual_spec(blocks: int, H: int) -> ArchSpec:
    layers = ", ".join(['{units = %d, activation = "tanh", residual = true}' % H] * blocks)
    rng = random.Random(7)
    vals = "\n".join(f"W{k} = {[[round(rng.uniform(-0.5, 0.5), 2) for _ in range(H)] for _ in range(H)]}"
                     for k in range(1, blocks + 1))
    out = [[round(rng.uniform(-0.5, 0.5), 2)] for _ in range(H)]
    text = (f'[network]\ninputs = {H}\nlayers = [{layers}, {{units = 1, activation = "sigmoid"}}]\n'
            f'[values]\nx = {[0.5] * H}\ny = 1\n{vals}\nW{blocks + 1} = {out}\n')
    return parse_arch_spec(text)


def vgp_time(spec, check, repeat=2):
    best = float("inf")
    for _ in range(repeat):
        spec._graph = None  # rebuild the graph: the whole derivation is timed
        t = time.perf_counter()
        ev = evaluate_arch(derive_arch(spec), check=check)
        best = min(best, time.perf_counter() - t)
    return best, float(ev.gradient)


def torch_rnn_time(spec, repeat=20):
    m, num = spec.model, spec.numbers
    H, T = m.hidden, m.steps
    mod = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM}[m.cell](1, H, batch_first=True).double()
    with torch.no_grad():
        mod.weight_hh_l0.copy_(torch.tensor([[float(num[f"W{g}_{i}{j}"]) for j in range(1, H + 1)]
                                             for g in m.gates for i in range(1, H + 1)], dtype=torch.float64))
        mod.weight_ih_l0.copy_(torch.tensor([[float(num[f"U{g}_{i}1"])] for g in m.gates
                                             for i in range(1, H + 1)], dtype=torch.float64))
        mod.bias_ih_l0.copy_(torch.tensor([float(num[f"b{g}_{i}"]) for g in m.gates
                                           for i in range(1, H + 1)], dtype=torch.float64))
        mod.bias_hh_l0.zero_()
    x = torch.tensor([[[float(num[f"x{t}_1"])] for t in range(1, T + 1)]], dtype=torch.float64)
    h0 = torch.tensor([[[float(num[f"h0_{i}"]) for i in range(1, H + 1)]]], dtype=torch.float64)
    y = torch.tensor([float(num[f"y_{i}"]) for i in range(1, H + 1)], dtype=torch.float64)
    state = (h0, torch.tensor([[[float(num[f"c0_{i}"]) for i in range(1, H + 1)]]],
                              dtype=torch.float64)) if m.cell == "lstm" else h0
    best = float("inf")
    for _ in range(repeat):
        mod.zero_grad()
        t = time.perf_counter()
        out, _ = mod(x, state)
        ((out[0, -1] - y) ** 2).mean().backward()
        best = min(best, time.perf_counter() - t)
    g = mod.weight_hh_l0.grad[(1 if m.cell == "lstm" else 0) * H, 0].item()
    return best, g


def torch_residual_time(spec, repeat=20):
    m, num = spec.model, spec.numbers
    K, H = m.net.depth, m.net.inputs
    Ws = [torch.tensor([[float(num[f"w{k}_{i}{j}"]) for j in range(1, m.net.widths[k] + 1)]
                        for i in range(1, m.net.widths[k - 1] + 1)], dtype=torch.float64, requires_grad=True)
          for k in range(1, K + 1)]
    x = torch.tensor([float(num[f"x_{i}"]) for i in range(1, H + 1)], dtype=torch.float64)
    best = float("inf")
    for _ in range(repeat):
        for W in Ws:
            W.grad = None
        t = time.perf_counter()
        o = x
        for W in Ws[:-1]:
            o = o + torch.tanh(W.T @ o)
        yh = torch.sigmoid(Ws[-1].T @ o)
        ((yh - 1) ** 2).mean().backward()
        best = min(best, time.perf_counter() - t)
    return best, Ws[0].grad[0, 0].item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lengths", default="5,10,20,40")
    ap.add_argument("--blocks", default="2,5,10,20")
    ap.add_argument("--hidden", type=int, default=2)
    a = ap.parse_args()
    global torch
    try:
        import torch
    except ImportError:
        sys.exit("bench/derive_recurrent.py times torch autograd as its baseline: "
                 "pip install torch==2.13.0 (the CPU build)")
    print(f"{'network':<22} {'vgp s':>8} {'vgp+check s':>12} {'torch ms':>9} {'ratio':>8}  agree")
    for cell in ("rnn", "lstm"):
        for T in map(int, a.lengths.split(",")):
            spec = rnn_spec(cell, T, a.hidden)
            tv, gv = vgp_time(spec, False)
            tc, _ = vgp_time(spec, True, repeat=1)
            tt, gt = torch_rnn_time(spec)
            print(f"{cell + f' T={T} H={a.hidden}':<22} {tv:>8.3f} {tc:>12.3f} {tt * 1e3:>9.3f} "
                  f"{tv / tt:>8.0f}  {abs(gv - gt) <= 1e-9 * max(1, abs(gt))}")
    for K in map(int, a.blocks.split(",")):
        spec = residual_spec(K, a.hidden)
        tv, gv = vgp_time(spec, False)
        tc, _ = vgp_time(spec, True, repeat=1)
        tt, gt = torch_residual_time(spec)
        print(f"{f'residual K={K} H={a.hidden}':<22} {tv:>8.3f} {tc:>12.3f} {tt * 1e3:>9.3f} "
              f"{tv / tt:>8.0f}  {abs(gv - gt) <= 1e-9 * max(1, abs(gt))}")


if __name__ == "__main__":
    main()
