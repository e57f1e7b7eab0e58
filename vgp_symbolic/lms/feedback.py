"""Feedback as one self-contained HTML page per student, zipped for upload to an LMS.

Each page holds everything it shows — inline CSS, the mathematics as MathML (rendered by the
browser, offline, no script, no web font) — and says per question what the student answered,
the verdict and *which step* went wrong (the grader's diagnosis), the correct value for the
numbers of the variant they were given, and the points. Every student string is escaped by
the XML serializer (:mod:`.content`).
"""
from __future__ import annotations


from .content import el, html, number, para
from .package import zip_bytes

__all__ = ["feedback_page", "feedback_zip", "page_name"]

_CSS = """body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;padding:0 1em;
line-height:1.45;color:#222}h1{font-size:1.4em}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#f0f0f0}.correct,.ecf{background:#eaf7ea}.mistake,.rounding{background:#fff6e0}
.wrong,.unreadable,.blank{background:#fdecec}code{background:#f4f4f4;padding:0 .2em}
.total{font-size:1.2em;font-weight:bold}"""

_VERDICT = {"correct": "correct", "ecf": "correct with error carried forward",
            "mistake": "recognised mistake", "rounding": "rounding slip", "wrong": "wrong",
            "unreadable": "unreadable answer", "blank": "no answer"}


def _num(x: float) -> str:
    x = round(float(x), 6)
    return str(int(x)) if x == int(x) else f"{x:.6f}".rstrip("0")


def page_name(student_id: str) -> str:
    """The page's file name in the zip (safe, from the grader's feedback file names).

    >>> page_name("s001"), "/" in page_name("../x")
    ('s001.html', False)
    """
    from ..grade.gradebook import feedback_name
    return feedback_name(student_id)[:-3] + ".html"


def feedback_page(s, student_set, title: str, variant_of: dict | None = None) -> str:
    """The HTML page for one :class:`~vgp_symbolic.grade.StudentResult`."""
    variant_of = variant_of or {}
    who = f"{s.name} ({s.student_id})" if s.name else s.student_id
    rows = [el("tr", el("th", "question"), el("th", "your answer"), el("th", "verdict"),
               el("th", "correct value"), el("th", "points"))]
    for qid, r in s.results.items():
        d = r.diagnosis
        q = student_set.question(qid)
        v = variant_of.get((s.student_id, qid))
        qcell = el("td", el("strong", qid), el("br"), r.prompt or q.prompt,
                   [el("br"), el("small", f"variant {v}")] if v else None)
        ans = el("td", el("code", r.text) if r.text and r.text.strip() else "(none)")
        verdict = el("td", el("strong", _VERDICT.get(d.status, d.status)),
                     [el("br"), d.message] if d.message and d.status != "correct" else None)
        # a question the LMS never gave this student has no numbers of theirs to show
        value = number(q.answer) if v or not variant_of else "—"
        rows.append(el("tr", qcell, ans, verdict, el("td", value),
                       el("td", f"{_num(r.points)} / {_num(r.max_points)}"),
                       class_=d.status))
    body = el("body", el("h1", f"{title} — feedback for {who}"),
              el("p", f"Total: {_num(s.total)} / {_num(s.max_total)}", class_="total"),
              None if s.submitted else para("No answers were received for you."),
              el("table", *rows))
    if s.problems:
        body.append(el("h2", "Rows of your submission that were not graded"))
        body.append(el("ul", *[el("li", f"line {p.line}: {p.reason}") for p in s.problems]))
    doc = el("html", el("head", el("meta", charset="utf-8"),
                        el("title", f"{title} — {who}"), el("style", _CSS)), body, lang="en")
    return "<!DOCTYPE html>\n" + html(doc) + "\n"


def feedback_zip(graded, title: str = "") -> bytes:
    """Every roster student's page, ``<student_id>.html``, in one deterministic zip."""
    title = title or graded.assignment.title or graded.assignment.id
    files, used = {}, set()
    for s in graded.result.students:
        name = page_name(s.student_id)
        if name.lower() in used:
            import hashlib
            h = hashlib.sha1(s.student_id.encode("utf-8", "replace")).hexdigest()[:8]
            name = f"{name[:-5]}-{h}.html"
        used.add(name.lower())
        files[name] = feedback_page(s, graded.sets[s.student_id], title,
                                    graded.variant_of).encode("utf-8")
    return zip_bytes(files)
