"""``vgp import``: grade an LMS response export (Canvas or Moodle) and write grades back."""
from __future__ import annotations

from pathlib import Path

import click

MAX_LISTED = 20


@click.command(name="import")
@click.argument("responses", type=click.Path(dir_okay=False))
@click.argument("assignment", type=click.Path(dir_okay=False))
@click.option("--variants", "n", type=int, required=True,
              help="The --variants given to `vgp export` (the variants v001 … exist).")
@click.option("--seed", "class_seed", type=int, default=None,
              help="The --seed given to `vgp export` (default: the assignment's).")
@click.option("--roster", type=click.Path(dir_okay=False),
              help="Roster CSV (student_id,name[,email,login,sis_id,lms_id,section]); rows "
                   "of students not on it are reported, not graded.")
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Folder for the gradebooks and feedback.")
@click.option("--decimal-comma", is_flag=True, help="Read 2,498 as 2.498.")
def lms_import(responses, assignment, n, class_seed, roster, out, decimal_comma):
    """Grade RESPONSES (Canvas Student Analysis or Moodle Responses CSV) for ASSIGNMENT.

    \b
      vgp import student_analysis.csv vgp_symbolic/problems/hw1.toml --variants 20 --out graded/

    Each response is graded against the variant the LMS gave that student, with the same
    comparison, diagnosis and partial credit as `vgp grade`. Writes gradebook.csv,
    rejected.csv and feedback/ (as `vgp grade`, as one set), canvas_grades.csv, moodle_grades.csv, brightspace_grades.csv
    (LMS import formats) and feedback_html.zip. Exit code 2 only when nothing could be graded.
    """
    from ..grade import class_stats, format_stats
    from ..lms.imports import import_responses, write_outputs
    g = import_responses(responses, assignment, n, class_seed, roster, decimal_comma)
    r = g.result
    for w in r.warnings:
        click.echo(f"warning: {w}", err=True)
    problems = sorted(r.sheet.problems, key=lambda p: p.line)
    for p in problems[:MAX_LISTED]:
        click.echo(f"{responses}, line {p.line}: {p.reason}", err=True)
    if len(problems) > MAX_LISTED:
        click.echo(f"... and {len(problems) - MAX_LISTED} more (all listed in rejected.csv)",
                   err=True)
    paths = write_outputs(g, out)
    click.echo(format_stats(class_stats(r)))
    click.echo(f"wrote {len(paths)} files in {Path(out)}/: gradebook.csv, feedback/, "
               "rejected.csv, canvas_grades.csv, moodle_grades.csv, brightspace_grades.csv, "
               "feedback_html.zip")
