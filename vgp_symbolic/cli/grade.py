"""`vgp grade`: grade a class's answers CSV; write the gradebook, rejected lines, feedback and a
histogram into one folder, swapped in whole."""
from __future__ import annotations

import sys

import click

MAX_LISTED = 20      # problems printed on the terminal; all of them are in rejected.csv


class _Bars:
    """One click progress bar per stage on stderr (``grade_class``'s progress callback)."""

    def __init__(self, students: int):
        self.students, self.bar = students, None

    def __call__(self, label, total):
        self.close()
        self.bar = click.progressbar(length=total or self.students, label=label, file=sys.stderr)
        self.bar.__enter__()
        return self.bar.update

    def close(self):
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command()
@click.argument("assignment", type=click.Path(dir_okay=False, exists=True))
@click.option("--roster", required=True, type=click.Path(dir_okay=False, exists=True),
              help="The class roster CSV (student_id,name).")
@click.option("--answers", required=True, type=click.Path(dir_okay=False, exists=True),
              help="Answers CSV: long (student_id,question,answer) or wide (student_id,q1a,...).")
@click.option("--out", default="grades", show_default=True, type=click.Path(file_okay=False),
              help="Folder for gradebook.csv, rejected.csv, feedback/ and histogram.png "
                   "(replaced whole, never left half-written).")
@click.option("--build", type=click.Path(file_okay=False, exists=True),
              help="The --out folder of `vgp render`: its manifest must match, and its key and "
                   "mistake catalogue are used instead of drawing every set again.")
@click.option("--key", "key_path", type=click.Path(dir_okay=False, exists=True),
              help="key.csv from `vgp render`: use its answers instead of recomputing them.")
@click.option("--seed", "class_seed", type=int, default=None,
              help="The class seed given to `vgp render --seed` (default: the assignment's, or "
                   "the build's).")
@click.option("--decimal-comma", is_flag=True,
              help="Read 2,498 as 2.498 (then a '.' in an answer is still a decimal point).")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar [default: for classes of 100 or more].")
def grade(assignment, roster, answers, out, build, key_path, class_seed, decimal_comma, progress):
    """Grade ANSWERS for ASSIGNMENT: every answer against that student's own parameters.

    \b
      vgp grade vgp_symbolic/problems/hw1.toml --roster roster.csv --answers answers.csv --build build/

    Writes OUT/gradebook.csv (one row per student), OUT/rejected.csv (every input line that was
    not graded, and why), OUT/feedback/<id>.md (which step went wrong) and OUT/histogram.png;
    prints class statistics. Exit code 2 only when nothing could be graded.
    """
    from ..grade import class_stats, format_stats, grade_class, write_outputs

    n = _count_lines(roster)
    bars = _Bars(n) if (progress if progress is not None else n >= 100) else None
    try:
        result = grade_class(assignment, roster, answers, class_seed=class_seed,
                             key_path=key_path, build=build, decimal_comma=decimal_comma,
                             progress=bars)
    finally:
        if bars:
            bars.close()
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
    sheet = result.sheet
    problems = sorted(sheet.problems, key=lambda p: p.line)
    for p in problems[:MAX_LISTED]:
        click.echo(f"{sheet.path}, line {p.line}: {p.reason}", err=True)
    if len(problems) > MAX_LISTED:
        click.echo(f"... and {len(problems) - MAX_LISTED} more (all listed in rejected.csv)",
                   err=True)
    try:
        paths = write_outputs(result, out, result.title)
    except OSError as e:
        from ._common import fail
        fail(f"cannot write the outputs to {out}: {e.strerror or e}")
    click.echo(format_stats(class_stats(result)))
    click.echo(f"wrote {paths['gradebook']} ({len(result.students)} students), "
               f"{paths['rejected']} ({len(problems)} line(s) not graded), "
               f"{len(result.students)} feedback files in {paths['feedback']}/, "
               f"histogram {paths['histogram']}")


def _count_lines(path) -> int:
    """Roughly how many students (for sizing the progress bar before the roster is read)."""
    try:
        with open(path, "rb") as fh:
            return max(sum(1 for line in fh if line.strip()) - 1, 0)
    except OSError:
        return 0
