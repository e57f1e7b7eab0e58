"""Learning-management systems: questions out, responses in, grades and feedback out.

One concept per module:

* :mod:`.window` — the one conversion of a tolerance into an LMS interval (and scaled units);
* :mod:`.variants` — N variants of an assignment drawn like students (``v001`` …), their tag;
* :mod:`.items` — per problem and variant, the parts, windows and mistakes every export writes;
* :mod:`.content` — question texts and worked solutions as HTML with MathML;
* :mod:`.diagrams` — network diagrams (TikZ) compiled to PNG in one run;
* :mod:`.moodle`, :mod:`.canvas`, :mod:`.qti21` — the three export formats
  (:mod:`.package`: deterministic XML and zip bytes; :mod:`.export`: ``vgp export``);
* :mod:`.responses` — Canvas "Student Analysis" and Moodle "Responses" CSV exports read back;
* :mod:`.roster` — LMS identities (e-mail, login, SIS id) and matching rows to students;
* :mod:`.regrade` — those responses graded by :mod:`vgp_symbolic.grade` against each variant;
* :mod:`.grades` — the gradebook in Canvas, Moodle and Brightspace import formats;
* :mod:`.feedback` — self-contained HTML feedback per student, zipped for upload;
* :mod:`.imports` — ``vgp import``: read, grade and write everything back.
"""
from ..errors import UserError

__all__ = ["LmsError", "load_assignment", "grading_policy"]


class LmsError(UserError):
    """Bad input for an LMS export or import; the message names the file and line."""


def load_assignment(path):
    """:func:`vgp_symbolic.homework.load_assignment`, its errors (file, line, problem) as
    :class:`LmsError` -- what export and import both read first."""
    from ..homework import HomeworkError, load_assignment as load
    try:
        return load(path)
    except HomeworkError as e:
        raise LmsError(str(e)) from None


def grading_policy(assignment):
    """The assignment's ``[grading]`` policy (what the windows and the regrade apply); a bad
    one is an :class:`LmsError` naming the assignment file."""
    from ..grade import Policy, PolicyError
    try:
        return Policy.from_grading(getattr(assignment, "grading", {}) or {})
    except PolicyError as e:
        raise LmsError(f"{assignment.path}: {e}") from None
