"""Benchmark: start-up time of the ``vgp`` command, as a ratio to a bare ``python -c pass``.

Every ``--help`` must stay under 0.25 s and ``vgp derive --example seed`` under 0.6 s (issue 12):
heavy libraries (sympy, numpy, mpmath, matplotlib) are imported on first use, never at start-up.
Each command runs in a fresh interpreter, best of ``--repeat`` runs (the machine may be loaded;
the ratio to bare Python in the same run is the figure to trust). Usage:

    python bench/startup.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # a checkout runs without installing the package
# the timed interpreters import this checkout too, whatever the editable install points at
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(
    [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))

# each entry: (label, argv after "vgp", goal in seconds)
COMMANDS = [
    ("vgp --help", ["--help"], 0.25),
    ("vgp derive --help", ["derive", "--help"], 0.25),
    ("vgp prove --help", ["prove", "--help"], 0.25),
    ("vgp render --help", ["render", "--help"], 0.25),
    ("vgp grade --help", ["grade", "--help"], 0.25),
    ("vgp lab --help", ["lab", "--help"], 0.25),
    ("vgp derive --example seed", ["derive", "--example", "seed"], 0.6),
]
_RUN = "import sys; from vgp_symbolic.cli import main; sys.argv[0] = 'vgp'; main(sys.argv[1:])"


def best(argv: list[str], repeat: int) -> float:
    t_best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       env=ENV)
        t_best = min(t_best, time.perf_counter() - t)
    return t_best


def extra_commands() -> list[tuple[str, list[str], float]]:
    """Every other subcommand's --help too (the list grows as commands are added)."""
    from vgp_symbolic.cli import main
    known = {c[1][0] for c in COMMANDS if c[1][0] != "--help"}
    return [(f"vgp {n} --help", [n, "--help"], 0.25) for n in main.list_commands(None)
            if n not in known]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    base = best([sys.executable, "-c", "pass"], args.repeat)
    print(f"{'command':<30} {'seconds':>8} {'× python -c pass':>17} {'goal':>6}")
    print(f"{'python -c pass':<30} {base:>8.3f} {1.0:>17.1f}")
    failed = 0
    for label, argv, goal in COMMANDS + extra_commands():
        t = best([sys.executable, "-c", _RUN, *argv], args.repeat)
        ok = t < goal
        failed += not ok
        print(f"{label:<30} {t:>8.3f} {t / base:>17.1f} {goal:>6.2f}{'' if ok else '  OVER'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
