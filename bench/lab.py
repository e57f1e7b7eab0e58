"""Benchmark `vgp lab`: the whole command, the training in numpy, and PyTorch on the same problem.

    python bench/lab.py [--repeat 5] [--json out.json]

Three figures, each said for what it is:

1. **whole command** -- wall time of ``vgp lab`` in a fresh process (interpreter start, imports,
   training, report), what a user waits for;
2. **numpy training** -- :func:`vgp_symbolic.lab.run` in this process: the seed's experiment
   (2 → 8 × 10 sigmoid → 1, BCE, Adam 0.001, 100 epochs, batch 32, 200 training points) with
   every per-epoch measurement the lab records (goal: under 2 s);
3. **torch training loop** -- the same network, data, initial weights, batch order and optimiser
   in PyTorch on the CPU, float32 (PyTorch's default) and float64 (the lab's precision), with the
   ratio numpy/torch. Only the training loop is timed (no per-epoch measurements).

Fair terms: numpy and torch run with **one thread** each (``*_NUM_THREADS=1`` is set before numpy
is imported, also for the whole-command process, and ``torch.set_num_threads(1)``), so a loaded
machine slows both alike. The PyTorch reference uses **Keras's Adam** (written below with torch
ops): θ ← θ − lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε), ε = 1e-7, which is the lab's. ``torch.optim.Adam``
adds ε to the bias-corrected √v̂ instead; where per-weight gradients are ~1e-7 (the first layer
here) that changes the first layer's weight change by a few per cent, so it is run once as well
and its numbers are reported beside, as a cross-check of the difference.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported: one thread for numpy's BLAS too

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vgp_symbolic.fileio import atomic_write_text  # noqa: E402
from vgp_symbolic.lab import LabConfig, load_moons, run  # noqa: E402
from vgp_symbolic.lab.model import MLP  # noqa: E402


def time_command(repeat: int) -> list[float]:
    """Wall time of ``vgp lab`` (default experiment, text report) in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = "import sys; from vgp_symbolic.cli import main; sys.argv[0] = 'vgp'; main()"
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, "lab"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return times


def time_numpy(repeat: int):
    data = load_moons()
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = run(LabConfig(), data)
        times.append(time.perf_counter() - t)
    return times, result


def keras_adam(torch):
    """Keras's Adam as a torch optimiser: ε outside the bias correction, like the lab's."""

    class KerasAdam(torch.optim.Optimizer):
        def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
            super().__init__(params, {"lr": lr})
            self.b1, self.b2, self.eps, self.t = beta1, beta2, eps, 0
            self.p = [p for g in self.param_groups for p in g["params"]]
            self.m = [torch.zeros_like(p) for p in self.p]
            self.v = [torch.zeros_like(p) for p in self.p]

        @torch.no_grad()
        def step(self, closure=None):
            self.t += 1
            b1, b2, lr = self.b1, self.b2, self.param_groups[0]["lr"]
            lr_t = lr * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
            g = [p.grad for p in self.p]
            torch._foreach_mul_(self.m, b1)
            torch._foreach_add_(self.m, g, alpha=1 - b1)
            torch._foreach_mul_(self.v, b2)
            torch._foreach_addcmul_(self.v, g, g, value=1 - b2)
            denom = torch._foreach_sqrt(self.v)
            torch._foreach_add_(denom, self.eps)
            torch._foreach_addcdiv_(self.p, self.m, denom, value=-lr_t)

    return KerasAdam


def time_torch(repeat: int, dtype_name: str, adam: str = "keras"):
    """The same experiment in PyTorch (one thread); None when torch is not importable."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    dtype = getattr(torch, dtype_name)
    cfg = LabConfig()
    data = load_moons()
    X = torch.tensor(data.X_train, dtype=dtype)
    y = torch.tensor(data.y_train, dtype=dtype)[:, None]
    times = []
    for _ in range(repeat):
        rng = np.random.default_rng(cfg.seed)
        net = MLP(cfg.widths, cfg.activation, rng=rng)  # the lab's initial weights, and
        perms = [torch.from_numpy(rng.permutation(len(X))) for _ in range(cfg.epochs)]  # order
        lins = []
        for k in range(1, net.depth + 1):
            lin = torch.nn.Linear(*net.params[f"W{k}"].shape, dtype=dtype)
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(net.params[f"W{k}"].T))
                lin.bias.zero_()
            lins.append(lin)
        model = torch.nn.Sequential(*[m for lin in lins[:-1] for m in (lin, torch.nn.Sigmoid())],
                                    lins[-1])
        w0 = [lin.weight.detach().clone() for lin in lins]
        opt = (keras_adam(torch)(model.parameters()) if adam == "keras" else
               torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7))
        loss_fn = torch.nn.BCEWithLogitsLoss()
        model.zero_grad()
        loss_fn(model(X), y).backward()
        g0 = [float(lin.weight.grad.norm()) for lin in lins]
        t = time.perf_counter()
        for perm in perms:
            for s in range(0, len(X), cfg.batch_size):
                idx = perm[s:s + cfg.batch_size]
                opt.zero_grad()
                loss_fn(model(X[idx]), y[idx]).backward()
                opt.step()
        times.append(time.perf_counter() - t)
        with torch.no_grad():
            final = float(loss_fn(model(X), y))
            change = [float((lin.weight - a).norm() / a.norm()) for lin, a in zip(lins, w0)]
    return {"times": times, "best": min(times), "adam": adam,
            "grad_ratio_start": g0[0] / g0[-1], "weight_change_first": change[0],
            "weight_change_last": change[-1], "final_train_loss": final,
            "threads": torch.get_num_threads(), "version": torch.__version__}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args(argv)

    cmd = time_command(args.repeat)
    times, r = time_numpy(args.repeat)
    best = min(times)
    report = {"python": platform.python_version(), "numpy": np.__version__, "threads": 1,
              "command_seconds": cmd, "command_best": min(cmd),
              "command_median": statistics.median(cmd),
              "numpy_seconds": times, "numpy_best": best, "numpy_median": statistics.median(times),
              "goal_seconds": 2.0, "meets_goal": best < 2.0,
              "grad_ratio_start": r.grad_ratio_start,
              "weight_change_first": r.weight_change_final[0],
              "weight_change_last": r.weight_change_final[-1],
              "final_loss": r.final_loss, "test_accuracy": r.final_test_accuracy}
    print(f"1. whole command `vgp lab` (fresh process: start, imports, training, report): best "
          f"{min(cmd):.2f} s, median {statistics.median(cmd):.2f} s over {len(cmd)}")
    print(f"2. numpy training, run() in process (float64, 1 thread, incl. per-epoch "
          f"measurements): best {best:.3f} s, median {statistics.median(times):.3f} s "
          f"(goal < 2 s: {'met' if best < 2.0 else 'MISSED'})")
    print(f"   first/last gradient ratio {r.grad_ratio_start:.2e}, weight change first "
          f"{r.weight_change_final[0]:.4f} / last {r.weight_change_final[-1]:.4f}, final loss "
          f"{r.final_loss:.4f}")
    for dtype in ("float32", "float64"):
        t = time_torch(args.repeat, dtype)
        if t is None:
            print("3. torch: not importable, skipped")
            report["torch"] = None
            break
        report[f"torch_{dtype}"] = {**t, "ratio_numpy_over_torch": best / t["best"]}
        print(f"3. torch {t['version']} CPU {dtype}, Keras-form Adam, {t['threads']} thread, "
              f"training loop only: best {t['best']:.3f} s; numpy/torch = {best / t['best']:.2f}")
        print(f"   torch's own numbers: first/last gradient ratio {t['grad_ratio_start']:.2e}, "
              f"weight change first {t['weight_change_first']:.4f} / last "
              f"{t['weight_change_last']:.4f}, final training loss {t['final_train_loss']:.4f}")
    if report.get("torch_float64"):
        p = time_torch(1, "float64", adam="torch")
        report["torch_float64_torch_adam"] = p
        k = report["torch_float64"]["weight_change_first"]
        print(f"   cross-check, torch.optim.Adam (ε added to √v̂): weight change first "
              f"{p['weight_change_first']:.4f} ({100 * (p['weight_change_first'] / k - 1):+.1f} % "
              f"against Keras's form {k:.4f}; the lab: {r.weight_change_final[0]:.4f})")
    if args.json:
        atomic_write_text(args.json, json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    main()
