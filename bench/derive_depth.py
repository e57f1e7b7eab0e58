"""Benchmark: vgp's derivation against the naive one, sweeping depth; and the issue's goals.

Default: both sides compute ∂L/∂w1_11 of a 2 → depth × [10 sigmoid] → 1 sigmoid network with BCE
loss at the same exact decimal weights:

* vgp   -- ``derive`` (symbolic chain with named δ, linear in depth) + ``evaluate`` (float64
           backprop; mpmath only if float64 underflows); the finite-difference check is timed
           separately ("vgp+check");
* naive -- compose the whole network as ONE SymPy expression, ``sympy.diff`` it, substitute the
           numbers. Run in a subprocess and abandoned once it passes the time cap; deeper depths
           are then skipped (its cost only grows).

``--goals`` times the issue's goals instead: the WHOLE command ``vgp derive SPEC --wrt w1_11``
(reading the TOML spec, derivation, evaluation, the check, the text report) in a fresh
interpreter, minus the command's start-up (``vgp --help`` in the same run), against torch float64
autograd (forward + backward, from Python float lists) on the same network and numbers in this
process. Goals: depth 1000 × width 10 and depth 50 × width 200 each under 1 s beyond start-up;
10⁵ layers of width 1 under 10 s in all. The same command with ``--format json`` is timed next
to it, with its ratio to the text command (goal: at most 1.5×). Weights are two-decimal
numbers drawn uniformly (never exactly 0: a zero weight in a width-1 chain makes every gradient
below it a true zero). The spec files are written to ``--workdir`` (not timed). Usage:

    python bench/derive_depth.py [--depths 2,5,10,20,50,100,200] [--cap 30]
    python bench/derive_depth.py --goals [--repeat 3] [--workdir /tmp/vgp-bench-depth]
"""
from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # a checkout runs without installing the package

import sympy as sp  # noqa: E402

from vgp_symbolic.core.derive import composed_loss, derive  # noqa: E402
from vgp_symbolic.core.evaluate import evaluate  # noqa: E402
from vgp_symbolic.core.network import Network, random_values  # noqa: E402


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


# (depth, width, hidden activation, weight scale, goal in seconds, goal counts start-up)
GOALS = [(1000, 10, "sigmoid", 0.55, 1.0, False), (50, 200, "sigmoid", 0.15, 1.0, False),
         (100_000, 1, "tanh", 1.5, 10.0, True)]
JSON_GOAL = 1.5  # --format json takes at most this many times the text command's time
_RUN = "import sys; from vgp_symbolic.cli import main; sys.argv[0] = 'vgp'; main(sys.argv[1:])"


def goal_spec(depth: int, width: int, act: str, scale: float, seed: int = 7):
    """(spec text, x, y, W): inputs 2, ``depth`` hidden layers, 1 sigmoid output, bce."""
    rng = random.Random(seed)

    def draw():
        while True:
            v = round(rng.uniform(-scale, scale), 2)
            if v:
                return v
    widths = [2] + [width] * depth + [1]
    W = [[[draw() for _ in range(widths[k])] for _ in range(widths[k - 1])]
         for k in range(1, len(widths))]
    x, y = [0.5, -0.25], [1]
    layers = ", ".join([f'{{units = {width}, activation = "{act}"}}'] * depth
                       + ['{units = 1, activation = "sigmoid"}'])
    lines = ["[network]", "inputs = 2", f"layers = [{layers}]", 'loss = "bce"', "", "[values]",
             f"x = {json.dumps(x)}", f"y = {json.dumps(y)}"]
    lines += [f"W{k} = {json.dumps(m)}" for k, m in enumerate(W, 1)]
    return "\n".join(lines) + "\n", x, y, W


def torch_time(x, y, W, act: str) -> float:
    """Forward + backward of the same network in torch float64 autograd (the baseline)."""
    import torch
    t = time.perf_counter()  # from float lists, as vgp's time includes reading its numbers
    o = torch.tensor(x, dtype=torch.float64)
    Ws = [torch.tensor(m, dtype=torch.float64, requires_grad=True) for m in W]
    f = {"sigmoid": torch.sigmoid, "tanh": torch.tanh}[act]
    for W_k in Ws[:-1]:
        o = f(W_k.T @ o)
    o = torch.sigmoid(Ws[-1].T @ o)
    loss = torch.nn.functional.binary_cross_entropy(o, torch.tensor(y, dtype=torch.float64))
    loss.backward()
    return time.perf_counter() - t


def command_time(argv: list[str], repeat: int) -> tuple[float, subprocess.CompletedProcess]:
    """Best wall time of ``vgp ARGV`` in a fresh interpreter running this checkout."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _RUN, *argv], capture_output=True,
                             text=True, env=env, check=False)
        best = min(best, time.perf_counter() - t)
    return best, out


def goals(repeat: int, workdir: Path) -> int:
    workdir.mkdir(parents=True, exist_ok=True)
    start, _ = command_time(["--help"], max(3, repeat))
    print(f"start-up (vgp --help): {start:.3f} s")
    print(f"{'network':>20}  {'vgp derive':>10}  {'beyond start-up':>15}  {'torch f64':>9}  "
          f"{'ratio':>6}  {'goal':>12}  met  {'--format json':>13}  {'json/text':>9}  met  check")
    failed = 0
    for depth, width, act, scale, goal, whole in GOALS:
        text, x, y, W = goal_spec(depth, width, act, scale)
        spec = workdir / f"depth{depth}_width{width}_{act}.toml"
        spec.write_text(text, encoding="utf-8")
        n = 1 if depth * width >= 100_000 else repeat
        t_cmd, out = command_time(["derive", str(spec), "--wrt", "w1_11"], n)
        t_json, js = command_time(["derive", str(spec), "--wrt", "w1_11", "--format", "json"], n)
        json_ok = js.returncode == 0 and json.loads(js.stdout)["wrt"] == "w1_11"
        json_met = json_ok and t_json <= JSON_GOAL * t_cmd
        failed += not json_met
        t_torch = min(torch_time(x, y, W, act) for _ in range(max(1, n)))
        measured = t_cmd if whole else t_cmd - start
        ok = out.returncode == 0 and measured < goal
        failed += not ok
        check = next((ln.split(": ")[-1].split(" — ")[-1] for ln in out.stdout.splitlines()
                      if ln.startswith("Check")), f"exit {out.returncode}: {out.stderr[-200:]}")
        print(f"{f'{depth} × {width} {act}':>20}  {t_cmd:>8.3f} s  {t_cmd - start:>13.3f} s  "
              f"{t_torch:>7.3f} s  {(t_cmd - start) / t_torch:>5.1f}×  "
              f"{'< %g s %s' % (goal, 'all' if whole else 'beyond'):>12}  "
              f"{'yes' if ok else 'NO ':>3}  {t_json:>11.3f} s  "
              f"{t_json / t_cmd if json_ok else math.nan:>8.2f}×  {'yes' if json_met else 'NO ':>3}"
              f"  {check}", flush=True)
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depths", default="2,5,10,20,50,100,200")
    ap.add_argument("--cap", type=float, default=30.0, help="seconds before the naive side stops")
    ap.add_argument("--goals", action="store_true", help="time the issue's goals against torch")
    ap.add_argument("--repeat", type=int, default=3, help="with --goals: best of this many runs")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/vgp-bench-depth"))
    args = ap.parse_args()
    if args.goals:
        return goals(args.repeat, args.workdir)
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
    sys.exit(main())
