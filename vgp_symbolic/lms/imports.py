"""``vgp import``: an LMS response export graded, with everything written back (library side).

Writes into one folder, as one set: vgp's own ``gradebook.csv``, ``rejected.csv`` and
``feedback/<id>.md`` (exactly what
``vgp grade`` writes), the LMS import files ``canvas_grades.csv``, ``moodle_grades.csv`` and
``brightspace_grades.csv``, and ``feedback_html.zip`` (one self-contained page per student).
"""
from __future__ import annotations

from pathlib import Path

from . import LmsError, load_assignment

__all__ = ["import_responses", "write_outputs", "OUTPUTS"]

OUTPUTS = ("gradebook.csv", "rejected.csv", "feedback/", "canvas_grades.csv", "moodle_grades.csv",
           "brightspace_grades.csv", "feedback_html.zip")


def import_responses(responses_path, assignment_path, n_variants: int, class_seed=None,
                     roster_path=None, decimal_comma: bool = False):
    """Read and grade a response export; returns a :class:`~.regrade.Graded`."""
    from .regrade import grade_responses
    from .responses import read_responses
    from .roster import read_roster
    a = load_assignment(assignment_path)
    roster = read_roster(roster_path) if roster_path else None
    export = read_responses(responses_path)
    return grade_responses(a, export, n_variants, class_seed, roster, decimal_comma)


def write_outputs(graded, out_dir) -> list[Path]:
    """Write every output into ``out_dir`` as one set (built in a staging folder and swapped in
    whole, as `vgp grade` does: a run that fails or is killed leaves the previous set intact);
    ``rejected.csv`` lists every response line that was not graded. Returns the paths."""
    from ..fileio import staged_dir
    from ..grade.gradebook import FEEDBACK, GRADEBOOK, REJECTED, write_feedback, write_tables
    from . import grades
    from .feedback import feedback_zip
    d = Path(out_dir)
    if d.exists() and not d.is_dir():
        raise LmsError(f"{d}: exists and is not a folder")
    title = graded.assignment.title or graded.assignment.id
    names = [GRADEBOOK, REJECTED] + [f"{fmt}_grades.csv" for fmt in grades.FORMATS] + [
        "feedback_html.zip"]
    with staged_dir(d) as tmp:
        write_tables(graded.result, tmp)
        feedback = write_feedback(graded.result, tmp / FEEDBACK, title)
        for fmt in grades.FORMATS:
            grades.write_grades(graded, fmt, tmp / f"{fmt}_grades.csv")
        (tmp / "feedback_html.zip").write_bytes(feedback_zip(graded, title))
    return [d / n for n in names] + [d / FEEDBACK / p.name for p in feedback]
