"""IMS QTI 2.1 content package (OpenOlat, ILIAS, Inspera): valid against the IMS schemas.

One ``assessmentItem`` per problem and variant (all parts of a variant in one item, so they
share its numbers, as with Moodle cloze), one ``assessmentSection`` per problem with
``<selection select="1"/>`` (the delivery system draws one variant per student), and a manifest
(``imscp_v1p1``). Each part is a ``textEntryInteraction`` with a ``float`` response scored by

    <equal toleranceMode="absolute" tolerance="t0 t1" includeLowerBound=… includeUpperBound=…>
      <correct/> <variable/>      (the response must lie in [x − t0, x + t1])

which states vgp's window exactly (a significant-figure window as an absolute interval). Catalogued
mistakes score their credit and show their diagnosis as modal feedback; the worked solution is
shown after the attempt. Identifiers carry the variant id (``hw1_p1_v003``).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .content import MATHML, el, qti_tree, question_body, solution
from .package import safe_ident, xml_bytes, zip_bytes
from .variants import tag
from .window import decimal_text

__all__ = ["qti21_package", "QTI", "item_files"]

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_LOC = (f"{QTI} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1p1.xsd "
        f"{MATHML} http://www.w3.org/Math/XMLSchema/mathml2/mathml2.xsd")

ET.register_namespace("m", MATHML)
ET.register_namespace("xsi", XSI)


def _q(tag_: str, *children, **attrs) -> ET.Element:
    e = el(tag_, *children, **attrs)
    e.tag = f"{{{QTI}}}{tag_}"
    return e


def _float(x) -> ET.Element:
    return _q("baseValue", decimal_text(x), baseType="float")


def _item(assignment, p, v) -> tuple[str, ET.Element]:
    ident = safe_ident(assignment.id, f"p{p.number}", v.id)
    root = _q("assessmentItem", identifier=ident, title=f"{assignment.id} problem {p.number} "
              f"{v.id}", adaptive="false", timeDependent="false")
    root.set(f"{{{XSI}}}schemaLocation", _LOC)
    for pt in v.parts:
        root.append(_q("responseDeclaration", _q("correctResponse", _q("value", decimal_text(
            pt.window.value))), identifier=f"RESPONSE_{pt.question.id}", cardinality="single",
            baseType="float"))
    total = sum(pt.question.points for pt in v.parts)
    root.append(_q("outcomeDeclaration", _q("defaultValue", _q("value", "0")),
                   identifier="SCORE", cardinality="single", baseType="float",
                   normalMaximum=f"{total:g}", normalMinimum="0"))
    root.append(_q("outcomeDeclaration", _q("defaultValue", _q("value", f"{total:g}")),
                   identifier="MAXSCORE", cardinality="single", baseType="float"))
    root.append(_q("outcomeDeclaration", identifier="FEEDBACK", cardinality="multiple",
                   baseType="identifier"))
    prompts = [(pt.question.id, pt.question.prompt, pt.window) for pt in v.parts]
    body = question_body(tag(assignment.id, f"problem {p.number}", v.id), v.problem,
                         p.descriptions, prompts,
                         [(f"images/{im.name}", im.alt) for im in v.images])
    ib = _q("itemBody")
    for e in body:
        ib.append(qti_tree(e, QTI))
    for blank, pt in zip(ib[-len(v.parts):], v.parts):
        blank.append(_q("textEntryInteraction", responseIdentifier=f"RESPONSE_{pt.question.id}",
                        expectedLength="16"))
    root.append(ib)
    root.append(_processing(v))
    sol = _q("modalFeedback", outcomeIdentifier="FEEDBACK", identifier="SOLUTION",
             showHide="show")
    for e in solution(v.problem, [(pt.question, pt.window) for pt in v.parts]):
        sol.append(qti_tree(e, QTI))
    for pt in v.parts:
        for i, m in enumerate(pt.mistakes):
            root.append(_q("modalFeedback", qti_tree(el("p", f"{pt.question.id}: {m.label}"),
                                                     QTI), outcomeIdentifier="FEEDBACK",
                           identifier=f"M_{pt.question.id}_{i}", showHide="show"))
    root.append(sol)
    return ident, root


def _equal(value, margin, rid) -> ET.Element:
    """The response within [value − margin, value + margin] (``value`` None: the correct one)."""
    t = decimal_text(margin)
    return _q("equal", _float(value) if value is not None else _q("correct", identifier=rid),
              _q("variable", identifier=rid), toleranceMode="absolute", tolerance=f"{t} {t}",
              includeLowerBound="true", includeUpperBound="true")


def _add_feedback(ident: str) -> ET.Element:
    return _q("setOutcomeValue", _q("multiple", _q("variable", identifier="FEEDBACK"),
                                     _q("baseValue", ident, baseType="identifier")),
              identifier="FEEDBACK")


def _processing(v) -> ET.Element:
    rp = _q("responseProcessing")
    for pt in v.parts:
        rid, w, pts = f"RESPONSE_{pt.question.id}", pt.window, pt.question.points
        cond = _q("responseCondition")
        first = _q("responseIf", _equal(None, w.margin, rid),
                   _q("setOutcomeValue", _q("sum", _q("variable", identifier="SCORE"),
                                            _float(pts)), identifier="SCORE"))
        cond.append(first)
        for i, m in enumerate(pt.mistakes):
            cond.append(_q("responseElseIf",
                           _equal(m.value, m.margin, rid),
                           _q("setOutcomeValue", _q("sum", _q("variable", identifier="SCORE"),
                                                    _float(round(pts * m.credit, 6))),
                              identifier="SCORE"),
                           _add_feedback(f"M_{pt.question.id}_{i}")))
        rp.append(cond)
    rp.append(_q("setOutcomeValue", _q("multiple", _q("variable", identifier="FEEDBACK"),
                                       _q("baseValue", "SOLUTION", baseType="identifier")),
                 identifier="FEEDBACK"))
    return rp


def _test(assignment, problems, items) -> ET.Element:
    ident = safe_ident(assignment.id)
    root = _q("assessmentTest", identifier=ident, title=assignment.title or assignment.id)
    root.set(f"{{{XSI}}}schemaLocation", _LOC.split(f" {MATHML}")[0])
    total = sum(pt.question.points for p in problems for pt in p.variants[0].parts)
    root.append(_q("outcomeDeclaration", _q("defaultValue", _q("value", "0")),
                   identifier="SCORE", cardinality="single", baseType="float"))
    root.append(_q("outcomeDeclaration", _q("defaultValue", _q("value", f"{total:g}")),
                   identifier="MAXSCORE", cardinality="single", baseType="float"))
    part = _q("testPart", _q("itemSessionControl", maxAttempts="1", showSolution="true",
                             allowSkipping="true"),
              identifier=f"{ident}_part1", navigationMode="nonlinear",
              submissionMode="individual")
    for p in problems:
        sec = _q("assessmentSection", _q("selection", select="1"),
                 identifier=safe_ident(assignment.id, f"p{p.number}"),
                 title=f"Problem {p.number}: {p.title}", visible="true")
        for v in p.variants:
            iid = safe_ident(assignment.id, f"p{p.number}", v.id)
            sec.append(_q("assessmentItemRef", identifier=iid, href=f"{iid}.xml"))
        part.append(sec)
    root.append(part)
    root.append(_q("outcomeProcessing", _q("setOutcomeValue", _q("sum", _q(
        "testVariables", variableIdentifier="SCORE")), identifier="SCORE")))
    return root


def _manifest(assignment, test_id, item_ids, item_files) -> ET.Element:
    def c(tag_, *ch, **at):
        e = el(tag_, *ch, **at)
        e.tag = f"{{{CP}}}{tag_}"
        return e
    res = c("resources")
    r = c("resource", c("file", href=f"{test_id}.xml"), identifier=f"{test_id}_test",
          type="imsqti_test_xmlv2p1", href=f"{test_id}.xml")
    for i in item_ids:
        r.append(c("dependency", identifierref=f"{i}_res"))
    res.append(r)
    for i in item_ids:
        res.append(c("resource", c("file", href=f"{i}.xml"),
                     *[c("file", href=f) for f in item_files.get(i, ())],
                     identifier=f"{i}_res", type="imsqti_item_xmlv2p1", href=f"{i}.xml"))
    return c("manifest", c("metadata", c("schema", "QTIv2.1 Package"),
                           c("schemaversion", "1.0.0")),
             c("organizations"), res, identifier=f"{test_id}_manifest")


def item_files(assignment, problems) -> dict[str, bytes]:
    """The package's files, ``name → bytes`` (manifest, test, one file per item)."""
    files, ids, extra = {}, [], {}
    for p in problems:
        for v in p.variants:
            ident, root = _item(assignment, p, v)
            files[f"{ident}.xml"] = xml_bytes(root, default_ns=QTI)
            ids.append(ident)
            for im in v.images:
                files[f"images/{im.name}"] = im.data
                extra.setdefault(ident, []).append(f"images/{im.name}")
    test = _test(assignment, problems, ids)
    tid = test.get("identifier")
    files[f"{tid}.xml"] = xml_bytes(test, default_ns=QTI)
    files["imsmanifest.xml"] = xml_bytes(_manifest(assignment, tid, ids, extra), default_ns=CP)
    return files


def qti21_package(assignment, problems) -> bytes:
    """The QTI 2.1 content package as zip bytes (deterministic)."""
    return zip_bytes(item_files(assignment, problems))
