"""Moodle XML: per problem a category holding its N variants (as R/exams' ``exams2moodle``).

* A one-part problem is a ``numerical`` question: the correct answer with its tolerance (the
  widest ± margin inside vgp's window, :attr:`~.window.Window.margin`), and — beyond R/exams —
  each catalogued mistake as an extra answer with its credit (``fraction="50"``) and its
  diagnosis as that answer's ``<feedback>``.
* A problem with several parts is one ``cloze`` question: ``{2:NUMERICAL:=x:t#…~%50%m:t#…}``
  per part. Why cloze and not separate numerical questions: the parts of a problem share its
  drawn numbers and later parts build on earlier ones; a Moodle quiz draws each random question
  independently, so separate questions would give a student part (a) of one variant and part
  (b) of another. Cloze keeps a variant whole, keeps per-mistake credit and feedback, and its
  responses come back as one cell ("part 1: …; part 2: …") that :mod:`.responses` splits.
* The worked solution is ``<generalfeedback format="html">``; the question is named
  ``hw1 p1 v003`` with ``<idnumber>hw1-p1-v003</idnumber>``, and its text begins with the
  variant tag that Moodle's Responses report shows (:func:`.variants.tag`); network diagrams
  are PNG files embedded in the question (``<file encoding="base64">``, ``@@PLUGINFILE@@``).

Moodle grades only in the fractions of :data:`FRACTIONS`; a mistake credit outside them cannot
be expressed and is refused (:class:`~vgp_symbolic.lms.LmsError`).
"""
from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from . import LmsError
from .content import el, html, question_body, solution
from .package import xml_bytes
from .variants import tag
from .window import decimal_text

__all__ = ["moodle_xml", "FRACTIONS", "moodle_fraction"]

FRACTIONS = ("100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40",
             "33.33333", "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5",
             "0")


def moodle_fraction(credit: float, where: str = "") -> str:
    """Moodle's grade string for a credit (0…1), or :class:`LmsError` when it has none.

    >>> moodle_fraction(0.5), moodle_fraction(1 / 3)
    ('50', '33.33333')
    """
    for f in FRACTIONS:
        if abs(credit * 100 - float(f)) < 1e-4:
            return f
    raise LmsError(f"{where}credit {credit:g} cannot be given in Moodle, which grades answers "
                   f"only in the fractions {', '.join(FRACTIONS)} (%); choose one of them in "
                   "the assignment's [grading] table")


def moodle_xml(assignment, problems) -> bytes:
    """The whole quiz bank as Moodle XML bytes (deterministic for the variants given)."""
    quiz = ET.Element("quiz")
    aid = assignment.id
    for p in problems:
        cat = f"$course$/{aid}/Problem {p.number}: {p.title}".replace("/", "//")
        cat = cat.replace("$course$//", "$course$/", 1).replace(f"{aid}//", f"{aid}/", 1)
        quiz.append(el("question", el("category", el("text", cat)), type="category"))
        for v in p.variants:
            quiz.append(_question(assignment, p, v))
    return xml_bytes(quiz)


def _text(s: str, tag_: str, **attrs) -> ET.Element:
    return el(tag_, el("text", s), **attrs)


def _question(assignment, p, v) -> ET.Element:
    aid, where = assignment.id, f"{assignment.path}: "
    cloze = len(v.parts) > 1
    item = f"problem {p.number}" if cloze else v.parts[0].question.id
    prompts = [(q.question.id if cloze else "", q.question.prompt, q.window)
               for q in v.parts]
    body = question_body(tag(aid, item, v.id), v.problem, p.descriptions, prompts,
                         [(f"@@PLUGINFILE@@/{im.name}", im.alt) for im in v.images])
    if cloze:
        weights = _weights([pt.question.points for pt in v.parts])
        for blank, pt, w in zip(body[-len(v.parts):], v.parts, weights):
            blank.append(el("br"))
            blank[-1].tail = _cloze(pt, w, where)
    text = "".join(html(e) for e in body)
    q = el("question",
           el("name", el("text", f"{aid} p{p.number} v{v.id[1:]}" if cloze
                         else f"{aid} {item} {v.id}")),
           el("questiontext", el("text", text), *[
               el("file", base64.b64encode(im.data).decode("ascii"), name=im.name, path="/",
                  encoding="base64") for im in v.images], format="html"),
           el("generalfeedback", el("text", "".join(html(e) for e in solution(
               v.problem, [(pt.question, pt.window) for pt in v.parts]))), format="html"),
           el("defaultgrade", _g(sum(pt.question.points for pt in v.parts))),
           el("penalty", "0"), el("hidden", "0"),
           el("idnumber", f"{aid}-{'p' + str(p.number) if cloze else item}-{v.id}"[:100]),
           type="cloze" if cloze else "numerical")
    if not cloze:
        pt = v.parts[0]
        q.append(_answer("100", pt.window.value, pt.window.margin, "Correct."))
        for m in pt.mistakes:
            q.append(_answer(moodle_fraction(m.credit, where + f"{m.id}: "), m.value,
                             m.margin, m.label))
    return q


def _answer(fraction, value, margin, feedback) -> ET.Element:
    return el("answer", el("text", decimal_text(value)), el("tolerance", decimal_text(margin)),
              el("feedback", el("text", html(el("p", feedback))), format="html"),
              fraction=fraction, format="moodle_auto_format")


def _g(x: float) -> str:
    return f"{x:g}"


def _weights(points) -> list[int]:
    """Cloze weights are integers: the points, scaled by the smallest factor that makes them so."""
    for k in (1, 2, 4, 10, 100):
        if all(abs(p * k - round(p * k)) < 1e-9 for p in points):
            return [max(1, round(p * k)) for p in points]
    return [max(1, round(p * 1000)) for p in points]


_CLOZE_SPECIAL = str.maketrans({"}": ")", "{": "(", "~": r"\~", "#": r"\#", "/": r"\/",
                                '"': r"\"", "\\": "\\\\"})


def _cloze(pt, weight: int, where: str) -> str:
    """``{w:NUMERICAL:=x:t#Correct.~%50%m:t#diagnosis}`` for one part (feedback escaped)."""
    alts = [f"={decimal_text(pt.window.value)}:{decimal_text(pt.window.margin)}#Correct."]
    for m in pt.mistakes:
        fb = " ".join(m.label.split()).translate(_CLOZE_SPECIAL)
        alts.append(f"%{moodle_fraction(m.credit, where + f'{m.id}: ')}%"
                    f"{decimal_text(m.value)}:{decimal_text(m.margin)}#{fb}")
    return f"{{{weight}:NUMERICAL:{'~'.join(alts)}}}"
