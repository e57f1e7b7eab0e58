"""Benchmark: `vgp render` for a class of 200 -- the .tex stage, and the PDF stage against bare
latexmk on the same files.

1. ``.tex``: load problems/hw1.toml, draw and solve every student's set, typeset and write
   problems.tex + solutions.tex for each (what ``vgp render --no-pdf`` does). Goal: a few
   seconds for 200 students. Timed in a fresh subprocess, so import and warm-up are included.
2. PDF: ``compile_pdfs`` (thread pool, one latexmk per document, log parsing, progress
   callback, moving PDFs into place) against bare latexmk on a copy of the same .tex files, run
   by ``xargs -P`` with the same command line and the same parallelism. Goal: overhead < 20 %.
   The runs alternate (bare first, then vgp first, ... with ``--repeat``) and the best wall
   time of each side is compared; the CPU time of all child processes (latexmk, pdflatex) is
   reported too, since it does not depend on what else the machine is doing.

Usage::

    python bench/render.py [--students 200] [--pdf-students 200] [--jobs N] [--repeat 1]
"""
from __future__ import annotations

import argparse
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HW1 = ROOT / "vgp_symbolic" / "problems" / "hw1.toml"
NAMES = ["Ada Lovelace", "Alan Turing", "Zoë Ørsted-Łukasz", "李雷", r"\input{/etc/passwd}",
         "Grace Hopper", "Kurt Gödel", "Emmy Noether"]


def write_roster(path: Path, n: int) -> None:
    import csv
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["student_id", "name"])
        for i in range(n):
            w.writerow([f"s{i:04d}", f"{NAMES[i % len(NAMES)]} {i}"])


def tex_stage(roster: Path, out: Path, jobs: int) -> float:
    """``vgp render --no-pdf`` in a fresh interpreter; the wall time of the whole command."""
    cmd = [sys.executable, "-c", "from vgp_symbolic.cli import main; main()", "render", str(HW1),
           "--roster", str(roster), "--out", str(out), "--no-pdf", "--jobs", str(jobs)]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"vgp render failed:\n{r.stdout}{r.stderr}")
    return dt


def copy_tex(src: Path, dst: Path, ids: list[str]) -> list[Path]:
    dirs = []
    for sid in ids:
        (dst / sid).mkdir(parents=True)
        for doc in ("problems", "solutions"):
            shutil.copyfile(src / sid / f"{doc}.tex", dst / sid / f"{doc}.tex")
        dirs.append(dst / sid)
    return dirs


def vgp_pdf(tree: Path, ids: list[str], jobs: int) -> float:
    from vgp_symbolic.homework.build import compile_pdfs
    from vgp_symbolic.homework.model import Student
    students = [Student(sid, sid, 2 + i) for i, sid in enumerate(ids)]
    dirs = {sid: tree / sid for sid in ids}
    done = [0]

    def tick():
        done[0] += 1
    t = time.perf_counter()
    compile_pdfs(students, dirs, jobs, tick)
    dt = time.perf_counter() - t
    assert done[0] == 2 * len(ids) and all((d / "solutions.pdf").is_file() for d in dirs.values())
    return dt


def bare_pdf(tree: Path, ids: list[str], jobs: int) -> float:
    """The same latexmk command, one per document, ``jobs`` at a time, driven by xargs."""
    from vgp_symbolic.homework.build import latexmk_command, tex_env
    cmd = " ".join(shlex.quote(c) for c in latexmk_command("$1"))
    cmd = cmd.replace("'$1'", '"$1"')
    docs = "".join(f"{tree / sid}\n{doc}.tex\n" for sid in ids for doc in ("problems", "solutions"))
    script = f'cd "$0" && {cmd} >/dev/null 2>&1'
    t = time.perf_counter()
    r = subprocess.run(["xargs", "-P", str(jobs), "-n", "2", "sh", "-c", script],
                       input=docs, text=True, env=tex_env())
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit("bare latexmk failed")
    assert all((tree / sid / ".latex" / "solutions.pdf").is_file() for sid in ids)
    return dt


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--pdf-students", type=int, default=None,
                    help="students whose PDFs are compiled (default: all)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=1, help="alternating PDF runs per side")
    args = ap.parse_args()
    if shutil.which("latexmk") is None and args.pdf_students != 0:
        sys.exit("latexmk not found: install TeX Live (see .ci/run) or pass --pdf-students 0")
    n_pdf = args.students if args.pdf_students is None else min(args.pdf_students, args.students)
    with tempfile.TemporaryDirectory(prefix="vgp-bench-") as tmp:
        tmp = Path(tmp)
        roster = tmp / "roster.csv"
        write_roster(roster, args.students)
        c0 = _children_cpu()
        t_tex = tex_stage(roster, tmp / "build", args.jobs)
        c_tex = _children_cpu() - c0
        print(f"students            {args.students}   (cores {os.cpu_count()}, jobs {args.jobs}, "
              f"load average {os.getloadavg()[0]:.1f})")
        print(f".tex stage          {t_tex:7.2f} s  ({1000 * t_tex / args.students:.1f} ms per "
              f"student, whole `vgp render --no-pdf` command; CPU {c_tex:.1f} s)   "
              "goal: a few seconds")
        if n_pdf == 0:
            return
        ids = [f"s{i:04d}" for i in range(n_pdf)]
        # warm the TeX caches (fonts, format) so neither side pays for the first run
        copy_tex(tmp / "build", tmp / "warm", ids[:1])
        bare_pdf(tmp / "warm", ids[:1], 1)
        wall = {"vgp": float("inf"), "bare": float("inf")}
        cpu = {"vgp": float("inf"), "bare": float("inf")}
        sides = {"vgp": vgp_pdf, "bare": bare_pdf}
        for k in range(args.repeat):
            for name in (("bare", "vgp") if k % 2 == 0 else ("vgp", "bare")):
                copy_tex(tmp / "build", tmp / f"{name}{k}", ids)
                c0 = _children_cpu()
                wall[name] = min(wall[name], sides[name](tmp / f"{name}{k}", ids, args.jobs))
                cpu[name] = min(cpu[name], _children_cpu() - c0)
        over = 100 * (wall["vgp"] / wall["bare"] - 1)
        over_cpu = 100 * (cpu["vgp"] / cpu["bare"] - 1)
        print(f"PDF stage, vgp      {wall['vgp']:7.2f} s  ({2 * n_pdf} documents; child CPU "
              f"{cpu['vgp']:.1f} s)")
        print(f"PDF stage, latexmk  {wall['bare']:7.2f} s  (bare, xargs -P {args.jobs}, same files "
              f"and flags; child CPU {cpu['bare']:.1f} s)")
        print(f"overhead            {over:+6.1f} %  wall, {over_cpu:+.1f} % CPU   goal: under 20 %"
              f"   {'OK' if over < 20 else 'NOT MET'}")


if __name__ == "__main__":
    main()
