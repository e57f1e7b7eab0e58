"""``vgp import``: an LMS response export graded, with everything written back (library side).

Writes into one folder: vgp's own ``gradebook.csv`` and ``feedback/<id>.md`` (exactly what
``vgp grade`` writes), the LMS import files ``canvas_grades.csv``, ``moodle_grades.csv`` and
``brightspace_grades.csv``, and ``feedback_html.zip`` (one self-contained page per student).
"""
from __future__ import annotations

from pathlib import Path

from . import LmsError, load_assignment

__all__ = ["import_responses", "write_outputs", "OUTPUTS"]

OUTPUTS = ("gradebook.csv", "feedback/", "canvas_grades.csv", "moodle_grades.csv",
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
    """Write every output (each file atomically); returns the paths written."""
    from ..fileio import atomic_write_bytes
    from ..grade import write_feedback, write_gradebook
    from .feedback import feedback_zip
    from .grades import FORMATS, write_grades
    d = Path(out_dir)
    if d.exists() and not d.is_dir():
        raise LmsError(f"{d}: exists and is not a folder")
    d.mkdir(parents=True, exist_ok=True)
    title = graded.assignment.title or graded.assignment.id
    write_gradebook(graded.result, d / "gradebook.csv")
    paths = [d / "gradebook.csv"] + write_feedback(graded.result, d / "feedback", title)
    for fmt in FORMATS:
        write_grades(graded, fmt, d / f"{fmt}_grades.csv")
        paths.append(d / f"{fmt}_grades.csv")
    atomic_write_bytes(d / "feedback_html.zip", feedback_zip(graded, title))
    return paths + [d / "feedback_html.zip"]
