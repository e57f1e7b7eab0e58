"""``vgp export``: an assignment's variants as one file for an LMS (the command's library side).

>>> from vgp_symbolic.lms.items import _HW1
>>> data, summary = export_assignment("moodle", _HW1, 2)
>>> data[:38], "× 2 variants (v001 … v002)" in summary
(b'<?xml version="1.0" encoding="UTF-8"?>', True)
"""
from __future__ import annotations

from . import LmsError, load_assignment

__all__ = ["FORMATS", "export_assignment"]

FORMATS = {"moodle": ".xml", "canvas": ".zip", "qti21": ".zip"}


def export_assignment(fmt: str, assignment_path, n: int, class_seed: int | None = None):
    """``(bytes, summary text)`` of ``n`` variants of the assignment in format ``fmt``."""
    from .items import build
    from .variants import draw_variants
    if fmt not in FORMATS:
        raise LmsError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    a = load_assignment(assignment_path)
    if not a.problems:
        raise LmsError(f"{assignment_path}: the assignment has no problems to export")
    problems = build(a, draw_variants(a, n, class_seed))
    if fmt == "moodle":
        from .moodle import moodle_xml
        data = moodle_xml(a, problems)
    elif fmt == "canvas":
        from .canvas import canvas_package
        data = canvas_package(a, problems)
    else:
        from .qti21 import qti21_package
        data = qti21_package(a, problems)
    return data, _summary(problems, fmt)


def _summary(problems, fmt) -> str:
    vs = problems[0].variants
    parts = sum(len(p.variants[0].parts) for p in problems)
    exported = sum(len(pt.mistakes) for p in problems for v in p.variants for pt in v.parts)
    lines = [f"{len(problems)} problems × {len(vs)} variants ({vs[0].id} … {vs[-1].id}): "
             f"{parts} answers per variant, "
             + (f"{exported} catalogued mistakes exported as partial-credit answers" if fmt != "canvas" else
                "mistakes diagnosed on import (Canvas numerical answers are all-or-nothing)")]
    scaled = {}
    for p in problems:
        for v in p.variants:
            for pt in v.parts:
                if pt.window.exponent:
                    scaled.setdefault((pt.question.id, pt.window.unit_text), []).append(v.id)
    for (qid, unit), ids in scaled.items():
        lines.append(f"{qid} asked {unit} in {len(ids)} variant(s) (LMS limits below 1e-4)")
    return "\n".join(lines)
