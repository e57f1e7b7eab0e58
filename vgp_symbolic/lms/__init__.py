"""Learning-management systems: questions out, responses in, grades and feedback out.

One concept per module:

* :mod:`.window` — the one conversion of a tolerance into an LMS interval (and scaled units);
* :mod:`.variants` — N variants of an assignment drawn like students (``v001`` …);
* :mod:`.content` — question text and worked solutions as HTML with MathML;
* :mod:`.moodle`, :mod:`.canvas`, :mod:`.qti21` — the three export formats;
* :mod:`.responses` — Canvas "Student Analysis" and Moodle "Responses" CSV exports read back;
* :mod:`.regrade` — those responses graded by :mod:`vgp_symbolic.grade` against each variant;
* :mod:`.grades` — the gradebook in Canvas, Moodle and Brightspace import formats;
* :mod:`.feedback` — self-contained HTML feedback per student, zipped for upload.
"""
from ..errors import UserError

__all__ = ["LmsError"]


class LmsError(UserError):
    """Bad input for an LMS export or import; the message names the file and line."""
