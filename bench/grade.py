"""Benchmark: the whole `vgp grade` command, end to end, for a MOOC-sized class.

    python bench/grade.py [--students 5000] [--baseline 3000] [--workdir /tmp/vgp-bench-grade]

Set-up (not timed): a roster of N students, `vgp render --no-pdf` of hw1 into a build folder
(kept in --workdir and reused while its manifest matches and records the draws), and an answers
CSV of N × 22 answers in a deliberately error-heavy mix (exact fractions, decimals, scientific
notation, truncated decimals, catalogued mistakes, sign slips, wrong numbers, a few hostile
strings).

Timed:
* the command `vgp grade hw1.toml --roster … --answers … --build … --out …` as a subprocess:
  wall time, CPU time and peak memory of that command alone (``os.wait4`` on its process: the
  render of the set-up is not counted). The command forks (grading, and writing the feedback
  and histogram, on every core), so two peaks are given: the largest RSS of any one of its
  processes (the kernel's maxrss), and the largest *sum* over its process tree of the
  proportional set size (PSS: a page shared by forked processes counted once in all), sampled
  every 20 ms — the second is the memory the command takes from the machine, and the goal
  applies to it;
* the same stages in this process, for the breakdown: question sets from the build, reading the
  answers, grading, writing every output into the staging folder and swapping it in (CPU of
  forked processes included);
* the baseline in the same run: the read-and-grade stages with each answer parsed by
  ``sympy.sympify(text, rational=True)`` — the naive, UNSAFE way (sympify runs Python code),
  fed only this script's own benign strings, on a sample, scaled to the class.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vgp_symbolic.grade import (Policy, engine, grade_sheet, load_class,  # noqa: E402
                                read_answers, read_answers_text, write_outputs)
from vgp_symbolic.grade.parse import Parsed, ParseError  # noqa: E402
from vgp_symbolic.homework.manifest import ManifestError, check_manifest, read_manifest  # noqa: E402

HW1 = ROOT / "vgp_symbolic" / "problems" / "hw1.toml"
HOSTILE = ["__import__('os')", "9**9**9**9", "1" * 300, "nan", "=cmd|' /C calc'!A0", ""]
GOAL_WALL, GOAL_MB = 10.0, 600


def _dec(x, digits):
    return f"{float(x):.{digits}g}"


def answer_text(answer, mistakes, rng: random.Random) -> str:
    x = answer
    r = rng.random()
    if r < 0.30:
        return _dec(x, 12)
    if r < 0.40 and isinstance(x, Fraction):
        return f"{x.numerator}/{x.denominator}"
    if r < 0.48:
        return f"{float(x):.6e}"
    if r < 0.60:
        s = _dec(x, 12)
        return s[:max(s.find(".") + 3, 4)] if "." in s else s          # truncated
    if r < 0.80 and mistakes:
        return _dec(rng.choice(mistakes).value, 10)
    if r < 0.85:
        return "-" + _dec(x, 10)
    if r < 0.97:
        return _dec(float(x) * rng.uniform(0.5, 1.5) + 0.01, 5)
    return rng.choice(HOSTILE)


def answers_csv(key, rng, hostile=True, limit=None) -> tuple[str, int]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")      # quotes only where needed, as exports do
    w.writerow(["student_id", "question", "answer"])
    n = 0
    for (sid, qid), e in key.items():
        if limit is not None and n >= limit:
            break
        a = answer_text(e.answer, e.mistakes, rng)
        while not hostile and a in HOSTILE:
            a = answer_text(e.answer, e.mistakes, rng)
        w.writerow([sid, qid, a])
        n += 1
    return buf.getvalue(), n


def setup(n: int, work: Path):
    """Roster, build (rendered once, reused) and answers for n students."""
    from vgp_symbolic.grade import read_key
    from vgp_symbolic.homework import load_assignment
    work.mkdir(parents=True, exist_ok=True)
    roster, build = work / f"roster{n}.csv", work / f"build{n}"
    roster.write_text("student_id,name\n" + "".join(f"s{i:06d},Student {i}\n" for i in range(n)))
    try:
        if not read_manifest(build).draws_sha256:
            raise ManifestError("rendered before the draws record")
        check_manifest(read_manifest(build), load_assignment(HW1), None, build)
    except ManifestError:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from vgp_symbolic.cli import main; main()",
                        "render", str(HW1), "--roster", str(roster), "--out", str(build),
                        "--no-pdf"], check=True, env=_env(), stdout=subprocess.DEVNULL)
        print(f"(set-up: rendered {n} students in {time.perf_counter() - t:.0f} s)")
    key = read_key(build / "key.csv")
    text, count = answers_csv(key, random.Random(1))
    answers = work / f"answers{n}.csv"
    answers.write_text(text)
    return roster, build, answers, count, key


def _env():
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def end_to_end(roster, build, answers, out, extra=()) -> tuple[float, float, float, float, str]:
    """Wall s, CPU s, max RSS of one process (MB), peak PSS of the process tree (MB) and the
    output of the whole command (this process's other children are not counted)."""
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as so, tempfile.TemporaryFile("w+") as se:
        p = subprocess.Popen([sys.executable, "-c", "from vgp_symbolic.cli import main; main()",
                              "grade", str(HW1), "--roster", str(roster), "--answers",
                              str(answers), "--build", str(build), "--out", str(out),
                              "--no-progress", *extra], env=_env(), stdout=so, stderr=se,
                             text=True)
        pss = 0
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            pss = max(pss, _tree_pss(p.pid))
            time.sleep(0.02)
        wall = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        so.seek(0), se.seek(0)
        if p.returncode != 0:
            sys.exit(f"vgp grade failed:\n{se.read()[-2000:]}")
        return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, pss / 1024, so.read()


def _tree_pss(pid: int) -> int:
    """The summed PSS (kB) of ``pid`` and its descendants now (0 where /proc cannot say)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                total += next(int(ln.split()[1]) for ln in fh if ln.startswith("Pss:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def stages(roster, build, answers, out, jobs=1) -> dict[str, tuple[float, float]]:
    """The command's stages, timed in this process: (wall, CPU) seconds each."""
    t, w, c = {}, time.perf_counter(), _cpu()

    def lap(name):
        nonlocal w, c
        t[name] = (time.perf_counter() - w, _cpu() - c)
        w, c = time.perf_counter(), _cpu()
    hw, sets, _ = load_class(HW1, roster, build=build)
    lap("question sets from the build")
    sheet = read_answers(answers, [q.id for q in hw.questions], list(sets))
    lap("read answers")
    result = grade_sheet(sets, sheet, Policy.from_grading(hw.grading), jobs=jobs)
    lap(f"grade ({jobs} process{'es' if jobs > 1 else ''}; incl. error carried forward)")
    write_outputs(result, out, hw.id, jobs=jobs)
    lap(f"write outputs ({jobs} process{'es' if jobs > 1 else ''}; staged, one sync)")
    return t


def _cpu() -> float:
    """CPU seconds of this process and of the forked processes it has waited for."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + r.ru_utime + r.ru_stime


def sympify_parse(text, decimal_comma=False):
    """The UNSAFE baseline parser: sympify runs Python code. Benign generated strings only."""
    import sympy
    try:
        v = sympy.sympify(text.replace("^", "**"), rational=True)
        return Parsed(Fraction(int(v.p), int(v.q)))
    except Exception:          # noqa: BLE001 — anything sympify cannot turn into a Rational
        raise ParseError("unreadable") from None


def baseline(roster, build, key, k: int) -> tuple[float, float]:
    """Per-answer read + grade seconds: sympify as the parser, and ours, on the same sample."""
    hw, sets, _ = load_class(HW1, roster, build=build)
    text, n = answers_csv(key, random.Random(2), hostile=False, limit=k)
    qids, sids = [q.id for q in hw.questions], list(sets)
    policy = Policy.from_grading(hw.grading)
    import sympy  # noqa: F401  (imported before timing)
    saved, out = engine.parse_answer, []
    for parser in (sympify_parse, saved):
        engine.parse_answer = parser
        try:
            c = time.process_time()
            grade_sheet(sets, read_answers_text(text, qids, sids), policy)
            out.append((time.process_time() - c) / n)
        finally:
            engine.parse_answer = saved
    return out[0], out[1]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=5000)
    ap.add_argument("--baseline", type=int, default=3000, help="answers in the sympify sample")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "vgp-bench-grade")
    args = ap.parse_args(argv)
    roster, build, answers, n, key = setup(args.students, args.workdir)
    wall, cpu, rss, pss, output = end_to_end(roster, build, answers, args.workdir / "grades")
    print(f"vgp grade --build, {args.students:,} students × {n // args.students} answers "
          f"= {n:,} answers, end to end ({os.cpu_count()} cores; a shared machine, load "
          f"average {os.getloadavg()[0]:.1f} now):")
    print(f"  wall         {wall:7.2f} s    goal < {GOAL_WALL:g} s: "
          f"{'ok' if wall < GOAL_WALL else 'MISSED'}")
    print(f"  CPU          {cpu:7.2f} s    (the command and the processes it forks)")
    print(f"  peak memory  {pss:7.0f} MB   goal < {GOAL_MB} MB: "
          f"{'ok' if pss < GOAL_MB else 'MISSED'}  (summed PSS of its processes, sampled; "
          f"the largest one process: {rss:.0f} MB max RSS)")
    print(output.splitlines()[1])
    jobs = os.cpu_count() or 1
    print(f"stages (in this process, {jobs} processes where the command forks):"
          "   wall      CPU")
    t = stages(roster, build, answers, args.workdir / "grades", jobs)
    for name, (w, c) in t.items():
        print(f"  {name:<55} {w:6.2f} s {c:6.2f} s")
    base, ours = baseline(roster, build, key, args.baseline)
    g = t["read answers"][1] + next(c for k, (_, c) in t.items() if k.startswith("grade ("))
    print(f"baseline: reading + grading with sympify as the parser costs {base * 1e6:.0f} µs CPU "
          f"per answer against {ours * 1e6:.0f} µs ours ({base / ours:.0f} ×, on {args.baseline:,} "
          f"benign answers);")
    print(f"  for this class {base * n:.1f} s instead of {g:.1f} s: the whole command would take "
          f"≈ {cpu - g + base * n:.0f} s of CPU with it instead of {cpu:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
