"""Benchmark: vgp's derivation against the naive one, sweeping depth at width 10.

Both sides compute ∂L/∂w1_11 of a 2 → depth × [10 sigmoid] → 1 sigmoid network with BCE loss at
the same exact decimal weights:

* vgp   -- ``derive`` (symbolic chain with named δ, linear in depth) + ``evaluate`` (float64
           backprop; mpmath only if float64 underflows); the finite-difference check is timed
           separately ("vgp+check");
* naive -- compose the whole network as ONE SymPy expression, ``sympy.diff`` it, substitute the
           numbers. Run in a subprocess and abandoned once it passes the time cap; deeper depths
           are then skipped (its cost only grows).

Prints one row per depth with both times and their ratio. ``--goals`` instead times the issue's
goals (derivation + evaluation + check) against torch float64 autograd on the same network in the
same run: depth 1000 × width 10 and depth 50 × width 200 each under 1 s, 10⁵ layers of width 1
under 10 s. Usage:

    python bench/derive_depth.py [--depths 2,5,10,20,50,100,200] [--cap 30]
    python bench/derive_depth.py --goals
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import time

import sympy as sp

from vgp_symbolic.core.derive import composed_loss, derive
from vgp_symbolic.core.evaluate import evaluate
from vgp_symbolic.core.network import Network, random_values


def build(depth: int):
    net = Network.build(2, [(10, "sigmoid")] * depth + [(1, "sigmoid")], "bce")
    return net, random_values(net, seed=7, decimals=2, scale=0.55)


def vgp_time(depth: int, check: bool, repeat: int = 3) -> tuple[float, object]:
    net, vals = build(depth)
    best, grad = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        ev = evaluate(derive(net, "w1_11"), vals, check=check)
        best = min(best, time.perf_counter() - t)
        grad = ev.gradient
    return best, grad


def _naive(depth: int, out):
    t = time.perf_counter()
    net, vals = build(depth)
    d = derive(net, "w1_11")  # only for the symbol names
    L = composed_loss(net, d.names)
    g = sp.diff(L, d.symbol)
    n = d.names
    subs = {n.x(i): sp.Rational(str(vals.x[i - 1])) for i in range(1, 3)}
    subs[n.y()] = sp.Rational(str(vals.y[0]))
    for p in net.params():
        subs[n.param(p)] = sp.Rational(str(vals.get(p)))
    value = float(g.xreplace(subs).evalf(20))
    out.put((time.perf_counter() - t, value))


def naive_time(depth: int, cap: float):
    q = mp.Queue()
    proc = mp.Process(target=_naive, args=(depth, q))
    proc.start()
    proc.join(cap)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None
    return q.get()


GOALS = [(1000, 10, "sigmoid", 1.0), (50, 200, "sigmoid", 1.0), (100_000, 1, "tanh", 10.0)]


def torch_time(net, vals) -> float:
    """Forward + backward of the same network in torch float64 autograd (the baseline)."""
    import torch
    x = [float(v) for v in vals.x]
    W_rows = [[[float(v) for v in r] for r in vals.W[k]] for k in range(1, net.depth + 1)]
    t = time.perf_counter()  # from float lists, as vgp's time includes reading its Fractions
    o = torch.tensor(x, dtype=torch.float64)
    Ws = [torch.tensor(rows, dtype=torch.float64, requires_grad=True) for rows in W_rows]
    acts = {"sigmoid": torch.sigmoid, "tanh": torch.tanh}
    for k, W in enumerate(Ws, 1):
        o = acts[net.activation(k).name](W.T @ o)
    y = torch.tensor([float(v) for v in vals.y], dtype=torch.float64)
    loss = torch.nn.functional.binary_cross_entropy(o, y)
    loss.backward()
    return time.perf_counter() - t


def goals() -> None:
    print(f"{'network':>22}  {'vgp (derive+eval+check)':>24}  {'torch f64':>10}  {'ratio':>7}  "
          f"{'goal':>6}  check")
    for depth, width, act, goal in GOALS:
        net = Network.build(2, [(width, act)] * depth + [(1, "sigmoid")], "bce")
        vals = random_values(net, seed=7, decimals=2, scale=0.55 if width <= 10 else 0.15)
        t = time.perf_counter()
        ev = evaluate(derive(net, "w1_11"), vals)
        t_vgp = time.perf_counter() - t
        t_torch = min(torch_time(net, vals) for _ in range(2))
        print(f"{f'{depth} × {width} {act}':>22}  {t_vgp:>22.3f} s  {t_torch:>8.3f} s  "
              f"{t_vgp / t_torch:>6.1f}×  {goal:>4.0f} s  {ev.check.method.split(' (')[0]}: "
              f"{'agrees' if ev.check.agrees else ev.check.agrees}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depths", default="2,5,10,20,50,100,200")
    ap.add_argument("--cap", type=float, default=30.0, help="seconds before the naive side stops")
    ap.add_argument("--goals", action="store_true", help="time the issue's goals against torch")
    args = ap.parse_args()
    if args.goals:
        goals()
        return
    depths = [int(d) for d in args.depths.split(",")]
    print(f"{'depth':>5}  {'vgp':>9}  {'vgp+check':>10}  {'naive':>10}  {'naive/vgp':>10}  "
          f"{'∂L/∂w1_11':>12}  agree")
    naive_alive = True
    for depth in depths:
        t_vgp, g = vgp_time(depth, check=False)
        t_chk, _ = vgp_time(depth, check=True, repeat=1)
        naive = naive_time(depth, args.cap) if naive_alive else None
        if naive is None:
            naive_cell, ratio, agree = (f"> {args.cap:.0f} s" if naive_alive else "skipped"), "", ""
            naive_alive = False
        else:
            naive_cell, ratio = f"{naive[0]:.3f} s", f"{naive[0] / t_vgp:,.0f}×"
            agree = "yes" if abs(naive[1] - float(g)) <= 1e-9 * abs(naive[1]) else "NO"
        print(f"{depth:>5}  {t_vgp:>7.4f} s  {t_chk:>8.3f} s  {naive_cell:>10}  {ratio:>10}  "
              f"{float(g):>12.3e}  {agree}", flush=True)


if __name__ == "__main__":
    main()
