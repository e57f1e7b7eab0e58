"""What every export writes: per problem, per variant, the parts with their LMS windows and the
catalogued mistakes with their credit, all in the units the LMS asks for.

The credit of a mistake comes from the assignment's ``[grading]`` table through the grader's
own :class:`~vgp_symbolic.grade.Policy`, so an LMS gives the same partial credit as
``vgp grade``. A mistake whose window would overlap the correct answer's is not exported (the
LMS could not tell them apart); ``vgp`` itself still recognises it on import.

>>> from vgp_symbolic.homework import load_assignment
>>> from vgp_symbolic.lms.variants import draw_variants
>>> a = load_assignment(_HW1)
>>> probs = build(a, draw_variants(a, 2))
>>> [len(p.variants) for p in probs][:2], probs[0].variants[1].id
([2, 2], 'v002')
>>> part = probs[0].variants[0].parts[0]
>>> part.question.id, [m.id for m in part.mistakes]
('q1a', ['factor_left_out', 'factor_left_out', 'factor_left_out'])
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from . import LmsError, grading_policy
from .window import Window, WindowError, lms_window

__all__ = ["ExportMistake", "Part", "Image", "ProblemVariant", "Problem", "build"]

_HW1 = Path(__file__).parents[1] / "problems" / "hw1.toml"


@dataclass(frozen=True)
class ExportMistake:
    id: str
    label: str               # the diagnosis, shown as the answer's feedback
    value: Fraction          # in the part's asked units
    margin: Fraction         # ± in the part's asked units
    credit: float            # a fraction of the part's points


@dataclass(frozen=True)
class Part:
    question: object         # vgp_symbolic.question.Question
    window: Window
    mistakes: tuple[ExportMistake, ...]


@dataclass(frozen=True)
class Image:
    name: str                # file name, unique in the export: "hw1_p2_v003_1.png"
    data: bytes              # PNG
    alt: str


@dataclass(frozen=True)
class ProblemVariant:
    id: str                  # variant id, "v001"
    problem: object          # the variant's ProblemRender (title, params, context)
    parts: tuple[Part, ...]
    images: tuple[Image, ...] = ()


@dataclass(frozen=True)
class Problem:
    number: int
    title: str
    kind: str
    descriptions: dict       # parameter → what it is (from the problem type)
    variants: tuple[ProblemVariant, ...]


def build(assignment, variants) -> list[Problem]:
    """Per problem of ``assignment``, its parts in every variant (see the module doc)."""
    from ..homework.types import TYPES
    policy = grading_policy(assignment)
    if not variants:
        raise LmsError(f"{assignment.path}: no variants to export")
    out = []
    for i, use in enumerate(assignment.problems):
        pvs = []
        for v in variants:
            pr = v.set.problems[i]
            parts = tuple(_part(q, policy, assignment, v.id) for q in pr.questions)
            pvs.append(ProblemVariant(v.id, pr, parts))
        kind = getattr(TYPES.get(use.spec.kind), "params", {})
        out.append(Problem(use.number, use.spec.title, use.spec.kind, dict(kind), tuple(pvs)))
    return _with_diagrams(assignment, out)


def _with_diagrams(assignment, problems) -> list[Problem]:
    """Every network diagram of the export compiled to PNG in one run, attached to its
    variant (see :mod:`.diagrams`)."""
    from .diagrams import problem_diagrams, tikz_png
    from .package import safe_ident
    wanted = [(i, j, k, src) for i, p in enumerate(problems) for j, v in enumerate(p.variants)
              for k, src in enumerate(problem_diagrams(v.problem), 1)]
    if not wanted:
        return problems
    pngs = tikz_png([src for *_, src in wanted])
    images: dict = {}
    for (i, j, k, _), data in zip(wanted, pngs):
        p, v = problems[i], problems[i].variants[j]
        name = safe_ident(assignment.id, f"p{p.number}", v.id, str(k)) + ".png"
        images.setdefault((i, j), []).append(Image(name, data, f"Diagram {k} of problem "
                                                   f"{p.number} ({v.id}): the network with "
                                                   "its weights"))
    return [dataclasses.replace(p, variants=tuple(
        dataclasses.replace(v, images=tuple(images.get((i, j), ())))
        for j, v in enumerate(p.variants))) for i, p in enumerate(problems)]


def _part(q, policy, assignment, vid) -> Part:
    try:
        w = lms_window(q.answer, q.tolerance)
    except WindowError as e:
        raise LmsError(f"{assignment.path}: question {q.id} (variant {vid}): {e}") from None
    ms = []
    for m in q.mistakes:
        try:
            mw = lms_window(m.value, q.tolerance)
        except WindowError:
            continue
        scale = Fraction(10) ** (mw.exponent - w.exponent)
        value, margin = mw.value * scale, mw.margin * scale
        if value - margin <= w.hi and value + margin >= w.lo:
            continue            # overlaps the correct answer's window
        if any(abs(value - o.value) <= margin + o.margin for o in ms):
            continue            # overlaps an earlier mistake: the LMS would take the first
        ms.append(ExportMistake(m.id, m.label, value, margin,
                                policy.credit_for_mistake(m.id)))
    return Part(q, w, tuple(ms))
