"""Canvas: the QTI 1.2 zip that Canvas's quiz importer reads (as R/exams' ``exams2canvas``).

``imsmanifest.xml`` (IMS CC 1.1), ``<quiz>/assessment_meta.xml`` (Canvas's quiz settings) and
``<quiz>/<quiz>.xml``: one ``<section>`` per *question* (``q1a`` …) picking 1 of its N
variants (``<selection_number>1</selection_number>``, ``points_per_item``), each variant a
``numerical_question`` answered as "exact answer with margin"::

    <or><varequal>x</varequal><and><vargte>x − m</vargte><varlte>x + m</varlte></and></or>

Canvas has no numerical cloze (``exams2canvas`` refuses it too), so every part is its own
question and the LMS draws each part's variant independently; every variant therefore states
its whole problem, and its text begins with the variant tag (``Variant v003 of q1a (hw1)``),
which Canvas's Student Analysis report keeps in its column headers. Canvas gives numerical
answers full or no credit: mistake credit and diagnosis come on import (``vgp import``).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .content import el, html, question_body, solution
from .package import safe_ident, xml_bytes, zip_bytes
from .variants import tag
from .window import decimal_text

__all__ = ["canvas_package", "canvas_files"]

QTI12 = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
_FILES = "Quiz Files"          # where Canvas's own quiz exports keep a quiz's images
CCV = "http://canvas.instructure.com/xsd/cccv1p0"
IMSCC = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"


def _ns(ns, root):
    for e in root.iter():
        if isinstance(e.tag, str) and not e.tag.startswith("{"):
            e.tag = f"{{{ns}}}{e.tag}"
    return root


def _field(label, entry):
    return el("qtimetadatafield", el("fieldlabel", label), el("fieldentry", entry))


def _item(assignment, p, v, pt) -> ET.Element:
    q, w = pt.question, pt.window
    ident = safe_ident(assignment.id, q.id, v.id)
    rid = f"{ident}_RESPONSE"
    body = question_body(tag(assignment.id, q.id, v.id), v.problem, p.descriptions,
                         [(q.id, q.prompt, w)],
                         [(f"$IMS-CC-FILEBASE$/{_FILES}/{im.name}", im.alt) for im in v.images])
    sol = "".join(html(e) for e in solution(v.problem, [(q, w)]))
    lo, hi = w.value - w.margin, w.value + w.margin
    return el(
        "item",
        el("itemmetadata", el("qtimetadata", _field("question_type", "numerical_question"),
                              _field("points_possible", f"{q.points:g}"))),
        el("presentation",
           el("material", el("mattext", "".join(html(e) for e in body), texttype="text/html")),
           el("response_num",
              el("render_fib", el("response_label", ident="answer1"), fibtype="Decimal"),
              ident=rid, rcardinality="Single", numtype="Decimal")),
        el("resprocessing",
           el("outcomes", el("decvar", varname="SCORE", vartype="Decimal", minvalue="0",
                             maxvalue="100")),
           el("respcondition",
              el("conditionvar", el("or", el("varequal", decimal_text(w.value), respident=rid),
                                    el("and", el("vargte", decimal_text(lo), respident=rid),
                                       el("varlte", decimal_text(hi), respident=rid)))),
              el("setvar", "100", varname="SCORE", action="Set"),
              el("displayfeedback", feedbacktype="Response", linkrefid="correct_fb"),
              continue_="No"),
           el("respcondition", el("conditionvar", el("other")),
              el("displayfeedback", feedbacktype="Response", linkrefid="general_incorrect_fb"),
              continue_="Yes")),
        el("itemfeedback", el("flow_mat", el("material", el("mattext", sol,
                                                             texttype="text/html"))),
           ident="general_fb"),
        el("itemfeedback", el("flow_mat", el("material", el("mattext", "Correct.",
                                                             texttype="text/plain"))),
           ident="correct_fb"),
        el("itemfeedback", el("flow_mat", el("material", el(
            "mattext", "Not accepted; vgp will diagnose your answer when the responses are "
            "graded.", texttype="text/plain"))), ident="general_incorrect_fb"),
        ident=ident, title=f"{q.id} {v.id}")


def _quiz(assignment, problems, qid) -> ET.Element:
    sections = []
    for p in problems:
        for k, q0 in enumerate(p.variants[0].parts):
            sec = el("section", el("selection_ordering", el("selection", el(
                "selection_number", "1"), el("selection_extension", el(
                    "points_per_item", f"{q0.question.points:g}")))),
                ident=safe_ident(assignment.id, q0.question.id), title=q0.question.id)
            for v in p.variants:
                sec.append(_item(assignment, p, v, v.parts[k]))
            sections.append(sec)
    root = el("questestinterop", el(
        "assessment", el("qtimetadata", _field("cc_maxattempts", "1")),
        el("section", *sections, ident="root_section"),
        ident=qid, title=assignment.title or assignment.id))
    return _ns(QTI12, root)


def _meta(assignment, problems, qid) -> ET.Element:
    total = sum(pt.question.points for p in problems for pt in p.variants[0].parts)
    root = el("quiz", el("title", assignment.title or assignment.id),
              el("description", assignment.instructions or ""),
              el("shuffle_answers", "false"), el("scoring_policy", "keep_highest"),
              el("quiz_type", "assignment"), el("points_possible", f"{total:g}"),
              el("show_correct_answers", "true"), el("allowed_attempts", "1"),
              el("one_question_at_a_time", "false"), el("cant_go_back", "false"),
              el("available", "false"),
              el("assignment", el("title", assignment.title or assignment.id),
                 el("points_possible", f"{total:g}"), el("grading_type", "points"),
                 el("submission_types", "online_quiz"), el("workflow_state", "unpublished"),
                 el("quiz_identifierref", qid), identifier=f"{qid}_assignment"),
              identifier=qid)
    return _ns(CCV, root)


def _manifest(assignment, qid, images) -> ET.Element:
    files = [el("resource", el("file", href=f"web_resources/{_FILES}/{name}"),
                identifier=safe_ident(qid, name), type="webcontent",
                href=f"web_resources/{_FILES}/{name}") for name in images]
    root = el("manifest",
              el("metadata", el("schema", "IMS Content"), el("schemaversion", "1.1.3")),
              el("organizations"),
              el("resources",
                 el("resource", el("file", href=f"{qid}/{qid}.xml"),
                    el("dependency", identifierref=f"{qid}_meta"),
                    identifier=qid, type="imsqti_xmlv1p2"),
                 el("resource", el("file", href=f"{qid}/assessment_meta.xml"),
                    identifier=f"{qid}_meta",
                    type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
                    href=f"{qid}/assessment_meta.xml"), *files),
              identifier=f"{qid}_manifest")
    return _ns(IMSCC, root)


def canvas_files(assignment, problems) -> dict[str, bytes]:
    """The zip's files, ``name → bytes``."""
    qid = safe_ident(assignment.id, "quiz")
    images = {im.name: im.data for p in problems for v in p.variants for im in v.images}
    return {"imsmanifest.xml": xml_bytes(_manifest(assignment, qid, images), default_ns=IMSCC),
            **{f"web_resources/{_FILES}/{n}": d for n, d in images.items()},
            f"{qid}/{qid}.xml": xml_bytes(_quiz(assignment, problems, qid), default_ns=QTI12),
            f"{qid}/assessment_meta.xml": xml_bytes(_meta(assignment, problems, qid),
                                                    default_ns=CCV)}


def canvas_package(assignment, problems) -> bytes:
    """The Canvas quiz export as zip bytes (deterministic)."""
    return zip_bytes(canvas_files(assignment, problems))
