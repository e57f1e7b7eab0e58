"""Benchmark `vgp lab`: the default experiment's wall time, and PyTorch CPU on the same problem.

    python bench/lab.py [--repeat 5] [--json out.json]

Times the seed's experiment (2 → 8 × 10 sigmoid → 1, BCE, Adam 0.001, 100 epochs, batch 32,
200 training points) with the lab's numpy implementation (goal: under 2 s), including the
per-epoch measurements it records. Where torch imports, the same network, data, initial weights,
batch order and optimiser settings run in PyTorch on the CPU in the same process, in float32
(PyTorch's default) and float64 (the lab's precision), with the ratio of wall times; the torch
run also reports its first/last gradient-norm ratio and weight changes as a cross-check.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vgp_symbolic.fileio import atomic_write_text  # noqa: E402
from vgp_symbolic.lab import LabConfig, load_moons, run  # noqa: E402
from vgp_symbolic.lab.model import MLP  # noqa: E402


def time_numpy(repeat: int):
    data = load_moons()
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = run(LabConfig(), data)
        times.append(time.perf_counter() - t)
    return times, result


def time_torch(repeat: int, dtype_name: str):
    """The same experiment in PyTorch; None when torch is not importable."""
    try:
        import torch
    except ImportError:
        return None
    dtype = getattr(torch, dtype_name)
    cfg = LabConfig()
    data = load_moons()
    # the lab's own initial weights and batch order, so both runs do the same arithmetic
    net = MLP(cfg.widths, cfg.activation, rng=np.random.default_rng(cfg.seed))
    X = torch.tensor(data.X_train, dtype=dtype)
    y = torch.tensor(data.y_train, dtype=dtype)[:, None]
    times = []
    for _ in range(repeat):
        rng = np.random.default_rng(cfg.seed)
        MLP(cfg.widths, cfg.activation, rng=rng)  # advance rng exactly as the lab does
        perms = [torch.from_numpy(rng.permutation(len(X))) for _ in range(cfg.epochs)]
        layers = []
        for k in range(1, net.depth + 1):
            lin = torch.nn.Linear(*net.params[f"W{k}"].shape, dtype=dtype)
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(net.params[f"W{k}"].T))
                lin.bias.zero_()
            layers += [lin, torch.nn.Sigmoid()] if k < net.depth else [lin]
        model = torch.nn.Sequential(*layers)
        w0 = [layers[i].weight.detach().clone() for i in range(0, len(layers), 2)]
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        lins = [layers[i] for i in range(0, len(layers), 2)]
        model.zero_grad()
        loss_fn(model(X), y).backward()
        g0 = [float(l.weight.grad.norm()) for l in lins]
        t = time.perf_counter()
        for perm in perms:
            for s in range(0, len(X), cfg.batch_size):
                idx = perm[s:s + cfg.batch_size]
                opt.zero_grad()
                loss = loss_fn(model(X[idx]), y[idx])
                loss.backward()
                opt.step()
        times.append(time.perf_counter() - t)
        with torch.no_grad():
            final = float(loss_fn(model(X), y))
            change = [float((l.weight - a).norm() / a.norm()) for l, a in zip(lins, w0)]
    return {"times": times, "grad_ratio_start": g0[0] / g0[-1],
            "weight_change_first": change[0], "weight_change_last": change[-1],
            "final_train_loss": final, "threads": torch.get_num_threads(),
            "version": torch.__version__}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args(argv)

    times, r = time_numpy(args.repeat)
    best = min(times)
    report = {"python": platform.python_version(), "numpy": np.__version__,
              "numpy_seconds": times, "numpy_best": best, "numpy_median": statistics.median(times),
              "goal_seconds": 2.0, "meets_goal": best < 2.0,
              "grad_ratio_start": r.grad_ratio_start,
              "weight_change_first": r.weight_change_final[0],
              "weight_change_last": r.weight_change_final[-1],
              "final_loss": r.final_loss, "test_accuracy": r.final_test_accuracy}
    print(f"lab default experiment (numpy float64, incl. per-epoch measurements): "
          f"best {best:.3f} s, median {statistics.median(times):.3f} s over {len(times)} "
          f"(goal < 2 s: {'met' if best < 2.0 else 'MISSED'})")
    print(f"  first/last gradient ratio {r.grad_ratio_start:.2e}, weight change first "
          f"{r.weight_change_final[0]:.3f} / last {r.weight_change_final[-1]:.3f}, final loss "
          f"{r.final_loss:.4f}, test accuracy {r.final_test_accuracy:.2f}")
    for dtype in ("float32", "float64"):
        t = time_torch(args.repeat, dtype)
        if t is None:
            print("torch: not importable, skipped")
            report["torch"] = None
            break
        tb = min(t["times"])
        report[f"torch_{dtype}"] = {**t, "best": tb, "ratio_numpy_over_torch": best / tb}
        print(f"torch {t['version']} CPU {dtype} ({t['threads']} threads, training loop only): "
              f"best {tb:.3f} s; numpy/torch = {best / tb:.2f}")
        print(f"  torch's own numbers: first/last gradient ratio {t['grad_ratio_start']:.2e}, "
              f"weight change first {t['weight_change_first']:.3f} / last "
              f"{t['weight_change_last']:.3f}, final training loss {t['final_train_loss']:.4f}")
    if args.json:
        atomic_write_text(args.json, json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    main()
