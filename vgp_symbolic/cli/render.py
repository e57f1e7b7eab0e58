"""``vgp render``: personalised problem sets, worked solutions and the answer key."""
from __future__ import annotations

import os
import sys

import click

from ._common import fail


@click.command()
@click.argument("assignment", type=click.Path(dir_okay=False))
@click.option("--roster", required=True, type=click.Path(dir_okay=False),
              help="CSV with columns student_id,name.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="Output directory (one folder per student, plus key.csv).")
@click.option("--seed", type=int, default=None,
              help="Class seed: changes every student's numbers (default: the assignment's).")
@click.option("--no-pdf", is_flag=True, help="Write only the .tex files and key.csv.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Parallel LaTeX runs (default: the number of cores).")
def render(assignment, roster, out, seed, no_pdf, jobs):
    """Render every student's problem set and worked solutions (.tex and .pdf) and key.csv.

    \b
      vgp render vgp_symbolic/problems/hw1.toml --roster roster.csv --out build/
      vgp render vgp_symbolic/problems/hw1.toml --roster roster.csv --out build/ --no-pdf --seed 7
    """
    from ..homework import HomeworkError, load_assignment, load_roster
    from ..homework.build import render_assignment

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
                                   jobs=jobs or os.cpu_count(), on_progress=progress)
    except HomeworkError as e:
        fail(str(e))
    except OSError as e:  # e.g. the output directory is not writable
        fail(f"cannot write {e.filename or out}: {e.strerror or e}")
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
            if not sys.stderr.isatty():
                click.echo("", err=True)  # the bar printed only its label
    for w in result.warnings:
        click.echo(f"Warning: {w}", err=True)
    n = len(result.students)
    kinds = ".tex and .pdf" if result.pdf else ".tex"
    click.echo(f"{n} student{'s' if n != 1 else ''}: problems and solutions ({kinds}) in "
               f"{result.out}/<student>/; answer key {result.key} ({len(result.key_rows)} rows)")
    timing = f".tex {result.seconds_tex:.1f} s"
    if result.pdf:
        timing += f", PDF {result.seconds_pdf:.1f} s"
    click.echo(f"Time: {timing}")
