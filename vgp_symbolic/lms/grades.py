"""The gradebook in the import formats of Canvas, Moodle and Brightspace.

* **Canvas** (Grades → Import): ``Student,ID,SIS User ID,SIS Login ID,Section,<assignment>``
  and a ``Points Possible`` row; Canvas matches students by ID, then SIS User ID, then SIS
  Login ID, then name.
* **Moodle** (Grades → Import → CSV): one identity column (``Email address``, ``Username`` or
  ``ID number``, whichever the roster has; map it in Moodle's import form), then
  ``Assignment: <name>`` and ``Feedback: <name>`` — the feedback's short form.
* **Brightspace** (Grades → Import): ``OrgDefinedId`` (the SIS id, else vgp's student id),
  ``Username`` when known, ``<item> Points Grade`` and ``End-of-Line Indicator`` = ``#``.

Only students with a submission get a grade (an empty cell leaves the LMS's grade alone). Every
cell passes the one CSV formula guard (:mod:`vgp_symbolic.csvsafe`).
"""
from __future__ import annotations

__all__ = ["FORMATS", "grade_rows", "short_feedback", "write_grades"]

FORMATS = ("canvas", "moodle", "brightspace")


def _num(x: float) -> str:
    x = round(float(x), 6)
    return str(int(x)) if x == int(x) else f"{x:.6f}".rstrip("0")


def short_feedback(s, limit: int = 1000) -> str:
    """One line for a gradebook's feedback column: total, then each question not fully right.

    >>> from types import SimpleNamespace as O
    >>> d = O(status="mistake", id="lr_forgotten", message="you left out the learning rate")
    >>> r = O(points=1.0, max_points=2.0, diagnosis=d)
    >>> short_feedback(O(total=1.0, max_total=2.0, submitted=True, results={"q1b": r}))
    'Total 1/2. q1b 1/2: you left out the learning rate.'
    """
    if not s.submitted:
        return "No answers were received."
    out = [f"Total {_num(s.total)}/{_num(s.max_total)}."]
    blank = []
    for qid, r in s.results.items():
        if r.points >= r.max_points:
            continue
        if r.diagnosis.status == "blank":
            blank.append(qid)
            continue
        msg = " ".join(str(r.diagnosis.message).split()).rstrip(".")
        out.append(f"{qid} {_num(r.points)}/{_num(r.max_points)}: {msg}.")
    if blank:
        out.append(f"No answer: {', '.join(blank)}.")
    text = " ".join(out)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def grade_rows(graded, fmt: str) -> list[list[str]]:
    """The rows (header first) of the import file ``fmt`` for a :class:`~.regrade.Graded`."""
    a = graded.assignment
    item = (a.title or a.id).replace(",", " ")
    subs = [s for s in graded.result.students if s.submitted]
    ident = [graded.students[s.student_id] for s in subs]
    if fmt == "canvas":
        mx = max((s.max_total for s in graded.result.students), default=0)
        rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", item],
                ["Points Possible", "", "", "", "", _num(mx)]]
        rows += [[st.name, st.get("lms_id"), st.get("sis_id") or st.student_id, st.get("login"),
                  st.get("section"), _num(s.total)] for s, st in zip(subs, ident)]
        return rows
    if fmt == "moodle":
        cols = [(k, h) for k, h in (("email", "Email address"), ("login", "Username"),
                                    ("sis_id", "ID number")) if any(st.get(k) for st in ident)]
        if not cols:
            cols = [("student_id", "ID number")]
        rows = [[h for _, h in cols] + [f"Assignment: {item}", f"Feedback: {item}"]]
        rows += [[st.student_id if k == "student_id" else st.get(k) for k, _ in cols]
                 + [_num(s.total), short_feedback(s)] for s, st in zip(subs, ident)]
        return rows
    if fmt == "brightspace":
        login = any(st.get("login") for st in ident)
        rows = [["OrgDefinedId"] + (["Username"] if login else [])
                + [f"{item} Points Grade", "End-of-Line Indicator"]]
        rows += [[st.get("sis_id") or st.student_id] + ([st.get("login")] if login else [])
                 + [_num(s.total), "#"] for s, st in zip(subs, ident)]
        return rows
    raise ValueError(f"unknown gradebook format {fmt!r}")


def write_grades(graded, fmt: str, path) -> None:
    """Write one import file atomically (UTF-8; every cell formula-guarded)."""
    from ..csvsafe import write_rows
    from ..fileio import atomic_open
    with atomic_open(path, "w", encoding="utf-8", newline="") as fh:
        write_rows(fh, grade_rows(graded, fmt))
