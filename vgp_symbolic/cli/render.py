"""``vgp render``: personalised problem sets, worked solutions and the answer key."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ._common import fail


@click.command()
@click.argument("assignment", type=click.Path(dir_okay=False), default="assignment.toml")
@click.option("--roster", type=click.Path(dir_okay=False), default=None,
              help="CSV with columns student_id,name (default: roster.csv beside the "
                   "assignment).")
@click.option("--out", "out", type=click.Path(file_okay=False), default=None,
              help="Output folder: handouts/, solutions/, tex/, key.csv (default: out/ beside "
                   "the assignment). Replaced whole by each render.")
@click.option("--seed", type=int, default=None,
              help="Class seed: changes every student's numbers (default: the assignment's).")
@click.option("--no-pdf", is_flag=True, help="Write only the .tex files and key.csv.")
@click.option("--engine", type=click.Choice(["lualatex", "pdflatex"]), default=None,
              help="TeX engine (default: lualatex when installed, which sets names in every "
                   "script; else pdflatex).")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Parallel TeX runs (default: the number of cores).")
def render(assignment, roster, out, seed, no_pdf, engine, jobs):
    """Render every student's problem set and worked solutions (.tex and .pdf) and key.csv.

    \b
      vgp init course && cd course && vgp render
      vgp render vgp_symbolic/problems/hw1.toml --roster roster.csv --out build/
      vgp render hw1.toml --roster roster.csv --out build/ --no-pdf --seed 7
    """
    from ..homework import load_assignment, load_roster
    from ..homework.build import render_assignment

    if assignment == "assignment.toml" and not Path(assignment).exists():
        fail("no assignment.toml here: name one (vgp render vgp_symbolic/problems/hw1.toml "
             "--roster roster.csv --out build/) or start a folder with `vgp init DIR`")
    here = Path(assignment).parent
    roster = roster or str(here / "roster.csv")
    out = out or str(here / "out")
    bar = None

    def progress(total):
        nonlocal bar
        bar = click.progressbar(length=total, label="Compiling PDFs", file=sys.stderr,
                                show_pos=True)
        bar.__enter__()
        return lambda: bar.update(1)

    try:
        a = load_assignment(assignment)
        students = load_roster(roster)
        result = render_assignment(a, students, out, class_seed=seed, pdf=not no_pdf,
                                   jobs=jobs or os.cpu_count(), engine=engine,
                                   on_progress=progress)
    except OSError as e:  # e.g. the output folder is not writable
        fail(f"cannot write {e.filename or out}: {e.strerror or e}")
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
            if not sys.stderr.isatty():
                click.echo("", err=True)  # the bar printed only its label
    for w in result.warnings:
        click.echo(f"Warning: {w}", err=True)
    n = len(result.students)
    o = result.out
    if result.pdf:
        click.echo(f"{n} student{'s' if n != 1 else ''}: problem sets in {o / 'handouts'}/, "
                   f"worked solutions in {o / 'solutions'}/ ({result.engine}); answer key "
                   f"{result.key} ({len(result.key_rows)} rows)")
    else:
        click.echo(f"{n} student{'s' if n != 1 else ''}: .tex files in {o / 'tex'}/; answer "
                   f"key {result.key} ({len(result.key_rows)} rows)")
    timing = f".tex {result.seconds_tex:.1f} s"
    if result.pdf:
        timing += f", PDF {result.seconds_pdf:.1f} s ({result.tex_runs} TeX runs)"
    click.echo(f"Time: {timing}")
