"""N variants of an assignment, drawn exactly like students with ids ``v001``, ``v002``, ….

In an LMS question pool the LMS, not vgp, picks which variant a student sees. Each variant is
the :class:`~vgp_symbolic.homework.StudentSet` that a student with the variant's id would get,
so the numbers, answers and catalogued mistakes are the ones ``vgp render``/``vgp grade`` use,
and responses imported later are graded against them by id.

Every exported question text carries a line such as ``Variant v003 of q1a (hw1)``: it is what
survives into the LMS's response exports (Canvas's and Moodle's report headers show the
question text), so a response can be traced back to its numbers (:func:`parse_tag`).

>>> variant_id(3), variant_id(3, 1500)
('v003', 'v0003')
>>> tag("hw1", "q1a", "v003"), parse_tag("12: Variant v003 of q1a (hw1) Along one route …")
('Variant v003 of q1a (hw1)', ('hw1', 'q1a', 'v003'))
>>> parse_tag("Variant v012 of problem 2 (hw-2.b) …")
('hw-2.b', 'problem 2', 'v012')
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import LmsError

__all__ = ["Variant", "draw_variants", "variant_id", "tag", "parse_tag", "MAX_VARIANTS"]

MAX_VARIANTS = 9999


@dataclass(frozen=True)
class Variant:
    id: str                  # "v001"
    set: object              # the StudentSet of a student with this id


def variant_id(i: int, n: int = 999) -> str:
    """The id of the i-th variant (1-based) of ``n``: at least three digits."""
    return f"v{i:0{max(3, len(str(n)))}d}"


def draw_variants(assignment, n: int, class_seed: int | None = None) -> list[Variant]:
    """Draw ``n`` variants of ``assignment`` (a loaded :class:`~vgp_symbolic.homework.Assignment`).

    Deterministic for a class seed (None: the assignment's own seed), like a class's homework.
    """
    from ..homework import HomeworkError, Student, student_set
    if not 1 <= n <= MAX_VARIANTS:
        raise LmsError(f"--variants {n}: expected 1 to {MAX_VARIANTS} variants")
    out = []
    for i in range(1, n + 1):
        vid = variant_id(i, n)
        try:
            s = student_set(assignment, Student(vid, f"variant {vid}", 0), class_seed)
        except HomeworkError as e:
            raise LmsError(str(e)) from None
        out.append(Variant(vid, s))
    return out


def tag(assignment_id: str, item: str, vid: str) -> str:
    """The visible line that names a variant: ``Variant v003 of q1a (hw1)``."""
    return f"Variant {vid} of {item} ({assignment_id})"


_TAG = re.compile(r"Variant (v\d{3,}) of (problem \d+|\S+) \(([A-Za-z0-9._-]+)\)")


def parse_tag(text: str):
    """``(assignment id, item, variant id)`` from a text holding a :func:`tag`, else None."""
    m = _TAG.search(text or "")
    return (m.group(3), m.group(2), m.group(1)) if m else None
