"""Benchmark: every problem of every library assignment draws for 10,000 consecutive ids.

    python bench/coverage.py [--ids 10000] [--jobs 2] [ASSIGNMENT.toml ...]

A draw must never fail a class (issue 11): for each assignment (default: every
``vgp_symbolic/problems/hw*.toml``) this runs `vgp check`'s own machinery
(:func:`vgp_symbolic.homework.check.check_assignment`) over the ids ``s000000`` … and prints
what it finds -- errors (an id with no acceptable draw, or a crash), the share of ids re-drawn
per problem and why, spread and tolerance warnings -- with the time each assignment took. The
assignments run in parallel processes (``--jobs``); the exit code is 1 when any error is found.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIBRARY = ROOT / "vgp_symbolic" / "problems"


def check_one(path: str, ids: int) -> tuple[str, int, float, list[str], int]:
    """(assignment, problems, CPU seconds, findings as text, errors) for one assignment."""
    from vgp_symbolic.homework import load_assignment
    from vgp_symbolic.homework.check import check_assignment
    a = load_assignment(Path(path))
    t = time.process_time()
    findings = check_assignment(a, ids=ids)
    cpu = time.process_time() - t
    return (a.id, len(a.problems), cpu, [str(f) for f in findings],
            sum(f.level == "error" for f in findings))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("assignments", nargs="*", type=Path)
    ap.add_argument("--ids", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    paths = args.assignments or sorted(LIBRARY.glob("hw*.toml"))
    t = time.perf_counter()
    with ProcessPoolExecutor(max(1, min(args.jobs, len(paths)))) as pool:
        results = list(pool.map(check_one, map(str, paths), [args.ids] * len(paths)))
    wall = time.perf_counter() - t
    errors = 0
    for aid, problems, cpu, findings, errs in results:
        errors += errs
        draws = args.ids * problems
        print(f"{aid}: {problems} problems × {args.ids:,} ids = {draws:,} draws in {cpu:.0f} s "
              f"CPU ({cpu / draws * 1e3:.2f} ms per id and problem, re-draws included): "
              f"{errs} error(s)")
        for f in findings:
            print(f"  {f}")
    print(f"{sum(r[1] for r in results)} problems of {len(results)} assignments, "
          f"{args.ids:,} consecutive ids each: {errors} error(s); {wall:.0f} s wall on "
          f"{args.jobs} process(es) (load average {os.getloadavg()[0]:.1f})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
