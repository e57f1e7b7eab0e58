"""Benchmark: `vgp render` for a class -- the .tex stage, and the PDF stage against bare latexmk
on the same files, with LuaLaTeX (the engine that sets every script) on both sides.

1. ``.tex``: ``vgp render --no-pdf`` for 200 students in a fresh interpreter, run twice: the first
   run proves each drawn activation once (the proof facts are cached, keyed by the proof code);
   the second is the steady state. Reported: the stage as ``vgp render`` times it (draw, solve,
   typeset, write) and the whole command. Goal: the stage under 2 s for 200 students.
2. PDF: :func:`~vgp_symbolic.homework.compile.compile_documents` (many students per LuaLaTeX run,
   the batch PDF split per student with pypdf, metadata, log parsing) against bare
   ``latexmk -lualatex`` once per document on the same .tex files, ``jobs`` at a time (xargs -P).
   Goal: vgp at least 3× faster. The CPU time of all child processes is reported too, since it
   does not depend on what else the machine is doing.

Usage::

    python bench/render.py [--students 200] [--pdf-students 40] [--jobs N]
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EPOCH = 1791158400    # 2026-10-05: the PDFs' date
HW1 = ROOT / "vgp_symbolic" / "problems" / "hw1.toml"
NAMES = ["Ada Lovelace", "Nguyễn Thị Minh Khai", "Ελένη Παπαδοπούλου", "Дмитрий Иванов", "李雷",
         "山田 花子", "김민준", "فاطمة محمد", "דוד כהן", "अमित शर्मा", r"\input{/etc/passwd}",
         "Zoë Ørsted-Łukasz"]


def write_roster(path: Path, n: int) -> None:
    import csv
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["student_id", "name"])
        for i in range(n):
            w.writerow([f"s{i:04d}", f"{NAMES[i % len(NAMES)]} {i}"])


def tex_stage(roster: Path, out: Path, jobs: int) -> tuple[float, float, float]:
    """``vgp render --no-pdf`` in a fresh interpreter: (its .tex stage, the whole command, the
    command's CPU time over all its processes -- what load on the machine does not change)."""
    cmd = [sys.executable, "-c", "from vgp_symbolic.cli import main; main()", "render", str(HW1),
           "--roster", str(roster), "--out", str(out), "--no-pdf", "--jobs", str(jobs)]
    t, c = time.perf_counter(), _children_cpu()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt, cpu = time.perf_counter() - t, _children_cpu() - c
    if r.returncode != 0:
        sys.exit(f"vgp render failed:\n{r.stdout}{r.stderr}")
    stage = float(re.search(r"Time: \.tex ([0-9.]+) s", r.stdout).group(1))
    return stage, dt, cpu


def documents(build: Path, ids: list[str], dst: Path):
    from vgp_symbolic.homework.compile import Document
    return [Document((build / "tex" / kind / f"{sid}.tex").read_text(encoding="utf-8"),
                     dst / kind / f"{sid}.pdf", f"{sid} {kind}", {"Title": sid})
            for sid in ids for kind in ("handouts", "solutions")]


def vgp_pdf(build: Path, ids: list[str], jobs: int, dst: Path) -> float:
    from vgp_symbolic.homework.compile import compile_documents
    docs = documents(build, ids, dst)
    done = [0]

    def tick():
        done[0] += 1
    t = time.perf_counter()
    compile_documents(docs, "lualatex", EPOCH, jobs, tick)
    dt = time.perf_counter() - t
    assert done[0] == len(docs) and all(d.target.is_file() for d in docs)
    return dt


def bare_pdf(build: Path, ids: list[str], jobs: int, dst: Path) -> float:
    """latexmk -lualatex, one run per document, ``jobs`` at a time, driven by xargs."""
    from vgp_symbolic.homework.compile import tex_env
    files = []
    for sid in ids:
        for kind in ("handouts", "solutions"):
            d = dst / kind / sid
            d.mkdir(parents=True)
            shutil.copyfile(build / "tex" / kind / f"{sid}.tex", d / "doc.tex")
            files.append(d)
    cmd = ("latexmk -norc -lualatex -interaction=nonstopmode -halt-on-error "
           "-lualatex='lualatex -no-shell-escape %O %S' doc.tex")
    script = f'cd "$0" && {cmd} >/dev/null 2>&1'
    t = time.perf_counter()
    r = subprocess.run(["xargs", "-P", str(jobs), "-n", "1", "sh", "-c", script],
                       input="".join(f"{d}\n" for d in files), text=True, env=tex_env(EPOCH))
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit("bare latexmk failed")
    assert all((d / "doc.pdf").is_file() for d in files)
    return dt


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--pdf-students", type=int, default=40,
                    help="students whose PDFs are compiled (0: none)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    if shutil.which("lualatex") is None and args.pdf_students != 0:
        sys.exit("lualatex not found: install TeX Live (see .ci/run) or pass --pdf-students 0")
    n_pdf = min(args.pdf_students, args.students)
    with tempfile.TemporaryDirectory(prefix="vgp-bench-") as tmp:
        tmp = Path(tmp)
        roster = tmp / "roster.csv"
        write_roster(roster, args.students)
        cold, _, _ = tex_stage(roster, tmp / "cold", args.jobs)
        stage, whole, cpu_tex = tex_stage(roster, tmp / "build", args.jobs)
        print(f"students            {args.students}   (cores {os.cpu_count()}, jobs {args.jobs}, "
              f"load average {os.getloadavg()[0]:.1f})")
        print(f".tex stage          {stage:7.2f} s  ({1000 * stage / args.students:.1f} ms per "
              f"student; whole command {whole:.2f} s, CPU {cpu_tex:.2f} s in all its "
              f"processes; first run, proving each activation: {cold:.2f} s)   goal: under 2 s"
              f"   {'OK' if stage < 2 else 'NOT MET'}")
        if n_pdf == 0:
            return
        ids = [f"s{i:04d}" for i in range(n_pdf)]
        # warm the TeX caches (luaotfload's font names, the format) so neither side pays for them
        bare_pdf(tmp / "build", ids[:1], 1, tmp / "warm")
        wall, cpu = {}, {}
        for name, side in (("bare", bare_pdf), ("vgp", vgp_pdf)):
            c0 = _children_cpu()
            wall[name] = side(tmp / "build", ids, args.jobs, tmp / name)
            cpu[name] = _children_cpu() - c0
        n_docs = 2 * n_pdf
        print(f"PDF stage, vgp      {wall['vgp']:7.2f} s  ({n_docs} documents, LuaLaTeX, batched; "
              f"child CPU {cpu['vgp']:.1f} s)")
        print(f"PDF stage, latexmk  {wall['bare']:7.2f} s  (latexmk -lualatex once per document, "
              f"xargs -P {args.jobs}; child CPU {cpu['bare']:.1f} s)")
        speed = wall["bare"] / wall["vgp"]
        print(f"speed-up            {speed:6.1f}×  wall, {cpu['bare'] / cpu['vgp']:.1f}× CPU   "
              f"goal: at least 3×   {'OK' if speed >= 3 else 'NOT MET'}")


if __name__ == "__main__":
    main()
