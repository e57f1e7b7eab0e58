"""`vgp grade`: grade a class's answers CSV, write the gradebook, feedback and a histogram."""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from ._common import fail

MAX_LISTED = 20      # problems printed on the terminal; all of them are in the gradebook


@contextlib.contextmanager
def _bar(show, length, label):
    """A click progress bar on stderr, or a no-op callable when not shown."""
    if not show:
        yield None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


@click.command()
@click.argument("assignment", type=click.Path(dir_okay=False))
@click.option("--roster", required=True, type=click.Path(dir_okay=False),
              help="The class roster CSV (student_id,name).")
@click.option("--answers", required=True, type=click.Path(dir_okay=False),
              help="Answers CSV: long (student_id,question,answer) or wide (student_id,q1a,...).")
@click.option("--out", default="gradebook.csv", show_default=True, type=click.Path(dir_okay=False),
              help="The gradebook CSV to write.")
@click.option("--feedback", "feedback_dir", type=click.Path(file_okay=False),
              help="Directory for one Markdown feedback file per student "
                   "[default: feedback/ beside the gradebook].")
@click.option("--histogram", type=click.Path(dir_okay=False),
              help="PNG histogram of totals [default: the gradebook's name with .png].")
@click.option("--key", "key_path", type=click.Path(dir_okay=False),
              help="key.csv from `vgp render`: use its answers instead of recomputing them.")
@click.option("--seed", "class_seed", type=int, default=None,
              help="The class seed given to `vgp render --seed` (default: the assignment's).")
@click.option("--decimal-comma", is_flag=True,
              help="Read 2,498 as 2.498 (then a '.' in an answer is still a decimal point).")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar [default: for classes of 100 or more].")
def grade(assignment, roster, answers, out, feedback_dir, histogram, key_path, class_seed,
          decimal_comma, progress):
    """Grade ANSWERS for ASSIGNMENT: every answer against that student's own parameters.

    \b
      vgp grade vgp_symbolic/problems/hw1.toml --roster roster.csv --answers answers.csv --out gradebook.csv

    Writes the gradebook (one row per student, every input line accounted for), a feedback
    file per student saying which step went wrong, and a histogram of totals; prints class
    statistics. Exit code 2 only when nothing could be graded.
    """
    from ..grade import (AnswersError, GradeError, Policy, PolicyError, class_stats,
                         format_stats, grade_sheet, load_class, read_answers, write_feedback,
                         write_gradebook, write_histogram)

    for p, what in ((assignment, "assignment"), (roster, "roster"), (answers, "answers")):
        if not Path(p).is_file():
            fail(f"{p}: no such {what} file")
    n_students = _count_lines(roster)
    show = progress if progress is not None else n_students >= 100
    try:
        with _bar(show, n_students, "preparing question sets") as tick:
            hw, sets, warnings = load_class(assignment, roster, class_seed, key_path, tick)
        policy = Policy.from_grading(getattr(hw, "grading", {}) or {})
    except (GradeError, PolicyError) as e:
        fail(str(e))
    qids = [q.id for q in next(iter(sets.values())).questions]
    try:
        sheet = read_answers(answers, qids, list(sets), decimal_comma)
    except AnswersError as e:
        fail(str(e))
    with _bar(show, len(sets), "grading") as tick:
        result = grade_sheet(sets, sheet, policy, decimal_comma, tick)
    result.warnings[:0] = warnings

    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
    problems = sorted(sheet.problems, key=lambda p: p.line)
    for p in problems[:MAX_LISTED]:
        click.echo(f"{sheet.path}, line {p.line}: {p.reason}", err=True)
    if len(problems) > MAX_LISTED:
        click.echo(f"... and {len(problems) - MAX_LISTED} more (all listed in the gradebook's "
                   "notes)", err=True)
    if result.graded_answers == 0:
        fail(f"{answers}: nothing could be graded ({len(sheet.data_lines)} data line(s), "
             f"{len(problems)} invalid); no files were written")

    out = Path(out)
    feedback_dir = Path(feedback_dir) if feedback_dir else out.parent / "feedback"
    histogram = Path(histogram) if histogram else out.with_suffix(".png")
    title = getattr(hw, "id", "") or ""
    try:
        write_gradebook(result, out)
        paths = write_feedback(result, feedback_dir, title)
        write_histogram(result, histogram, title)
    except OSError as e:
        fail(f"cannot write the outputs: {e}")
    click.echo(format_stats(class_stats(result)))
    click.echo(f"wrote {out} ({len(result.students)} students"
               f"{f', {len(result.unattached)} invalid rows' if result.unattached else ''}), "
               f"{len(paths)} feedback files in {feedback_dir}/, histogram {histogram}")


def _count_lines(path) -> int:
    """Roughly how many students (for sizing the progress bar before the roster is read)."""
    try:
        with open(path, "rb") as fh:
            return max(sum(1 for line in fh if line.strip()) - 1, 0)
    except OSError:
        return 0
