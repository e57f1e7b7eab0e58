"""LMS response exports read back: Canvas's quiz "Student Analysis" CSV and Moodle's quiz
"Responses" report (CSV), every row accounted for.

**Canvas** (Quiz Statistics → Student Analysis)::

    name,id,sis_id,section,section_id,section_sis_id,submitted,attempt,
    <quiz question id>: <question text>,<points possible>, …, n correct,n incorrect,score

Each variant of a question group is its own column pair (the answer, then the points); a student
has cells only under the variants they were given (the points cell is filled even when the
answer is blank). The question text starts with the variant tag, ``Variant v003 of q1a (hw1)``.

**Moodle** (Results → Responses, with "Question text" and "Response" ticked, downloaded as CSV)::

    Last name,First name,[Username,ID number,]Email address,State,Started on,Completed,
    Time taken,Grade/10.00,Question 1,Response 1,[Right answer 1,]Question 2,Response 2,…

``Question N`` holds the variant's text (so its tag), ``Response N`` the student's response: a
number for a numerical question, ``part 1: 0.008; part 2: 0.796`` for a cloze one, ``-`` when
nothing was given.

Only a file that cannot be read as either raises :class:`~vgp_symbolic.lms.LmsError` (naming
the file and line); a row that cannot be used becomes a :class:`Rejected` naming its line.

>>> text = ("name,id,sis_id,section,section_id,section_sis_id,submitted,attempt,"
...         "\\"11: Variant v002 of q1a (hw1) Problem 1\\",2.0,n correct,n incorrect,score\\n"
...         "Ada,501,s001,A,1,,2026-11-20,1,0.008,2.0,1,0,2.0\\n")
>>> ex = read_responses_text(text, "sa.csv")
>>> ex.kind, [(r.item, r.variant, r.text) for r in ex.rows[0].responses]
('canvas', [('q1a', 'v002', '0.008')])
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import LmsError
from .variants import parse_tag

__all__ = ["Response", "Respondent", "Rejected", "ResponseExport", "read_responses",
           "read_responses_text", "split_cloze"]

CANVAS_FIXED = ("name", "id", "sis_id", "root_account", "section", "section_id",
                "section_sis_id", "submitted", "attempt")
CANVAS_TAIL = ("n correct", "n incorrect", "score")
MOODLE_IDENTITY = {"last name": "last", "surname": "last", "first name": "first",
                   "email address": "email", "username": "login", "id number": "sis_id",
                   "idnumber": "sis_id", "institution": None, "department": None,
                   "phone": None, "mobile phone": None, "city/town": None, "country": None,
                   "address": None, "state": "state", "status": "state", "started on": None,
                   "completed": None, "time taken": None}


@dataclass(frozen=True)
class Response:
    """One response cell: what it answers (``item``: ``q1a`` or ``problem 1``) and the text."""

    line: int
    column: int               # 1-based, for messages
    assignment: str           # the assignment id in the variant tag
    item: str
    variant: str
    text: str | None          # None: nothing given


@dataclass
class Respondent:
    """One student's row (one attempt) of the export."""

    line: int
    name: str
    ids: dict                 # lms_id, sis_id, login, email, section (those the file has)
    responses: list[Response] = field(default_factory=list)
    attempt: int = 1


@dataclass(frozen=True)
class Rejected:
    """A row (or a cell) that is not graded, and why."""

    line: int
    reason: str
    respondent: Respondent | None = None


@dataclass
class ResponseExport:
    path: str
    kind: str                                   # "canvas" | "moodle"
    rows: list[Respondent] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    data_lines: list[int] = field(default_factory=list)


def read_responses(path) -> ResponseExport:
    """Read a response export file (Canvas or Moodle, told apart by its header)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise LmsError(f"{path}: cannot read the response export: {e.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise LmsError(f"{path}, line {line}: not UTF-8 text (download the export as CSV "
                       "UTF-8)") from None
    return read_responses_text(text, str(path))


def _rows(text: str, name: str):
    """``(first line, cells)`` per CSV record (a quoted cell may span lines)."""
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    start = 1
    try:
        for rec in reader:
            yield start, rec
            start = reader.line_num + 1
    except csv.Error as e:
        raise LmsError(f"{name}, line {reader.line_num}: malformed CSV: {e}") from None


def read_responses_text(text: str, name: str = "responses.csv") -> ResponseExport:
    """:func:`read_responses` on text (``name`` is used in messages)."""
    records = [(ln, rec) for ln, rec in _rows(text, name) if any(c.strip() for c in rec)]
    if not records:
        raise LmsError(f"{name}: the response export is empty")
    line, header = records[0]
    low = [h.strip().lower() for h in header]
    if low[:2] == ["name", "id"] or "sis_id" in low:
        ex = ResponseExport(name, "canvas")
        _canvas(ex, header, records[1:], line)
    elif any(re.fullmatch(r"response \d+", h) for h in low):
        ex = ResponseExport(name, "moodle")
        _moodle(ex, header, records[1:], line)
    else:
        raise LmsError(f"{name}, line {line}: not a Canvas Student Analysis export (it starts "
                       "'name,id,sis_id,…') nor a Moodle Responses report (it has 'Response 1', "
                       f"…); the header is {', '.join(map(repr, header[:8]))}…")
    return ex


# -- Canvas ------------------------------------------------------------------------------------
def _canvas(ex: ResponseExport, header, records, hline) -> None:
    low = [h.strip().lower() for h in header]
    cols = {h: i for i, h in enumerate(low) if h in CANVAS_FIXED}
    questions, unknown = [], []
    i = 0
    while i < len(header):
        h = header[i].strip()
        if low[i] in CANVAS_FIXED or low[i] in CANVAS_TAIL:
            i += 1
            continue
        m = re.match(r"(\d+):\s?", h)
        if m:
            tagged = parse_tag(h)
            if tagged is None:
                ex.warnings.append(f"{ex.path}, line {hline}: column {i + 1} ({_cut(h)}) is not "
                                   "a vgp variant (no 'Variant vNNN of …' tag); not graded")
            else:
                questions.append((i, tagged))
            i += 2                         # the answer column, then its points column
            continue
        unknown.append(f"{i + 1} ({_cut(h)})")
        i += 1
    if unknown:
        raise LmsError(f"{ex.path}, line {hline}: unknown column(s) {', '.join(unknown)}: not "
                       "a Canvas Student Analysis export (expected name, id, sis_id, section, "
                       "…, '<id>: <question text>', <points>, …, n correct, n incorrect, score)")
    _need(ex, hline, questions, "question column with a vgp variant tag (was the quiz made by "
          "`vgp export canvas`?)")
    width = len(header)
    for line, rec in _data_rows(ex, records, width):
        get = (lambda k: rec[cols[k]].strip() if k in cols else "")
        r = Respondent(line, get("name"), {k: v for k, v in (
            ("lms_id", get("id")), ("sis_id", get("sis_id")), ("section", get("section")))
            if v}, attempt=_int(get("attempt"), 1))
        for col, (aid, item, vid) in questions:
            ans = rec[col].strip()
            pts = rec[col + 1].strip() if col + 1 < width else ""
            if ans or pts:                 # this student was given this variant
                r.responses.append(Response(line, col + 1, aid, item, vid, ans or None))
        ex.rows.append(r)


def _data_rows(ex: ResponseExport, records, width: int):
    """Each data row with as many fields as the header; every one counts as a data line, one of
    another width is rejected (with its line)."""
    for line, rec in records:
        ex.data_lines.append(line)
        if len(rec) != width:
            ex.rejected.append(Rejected(line, f"{len(rec)} fields but the header has {width}"))
            continue
        yield line, rec


# -- Moodle ------------------------------------------------------------------------------------
def _moodle(ex: ResponseExport, header, records, hline) -> None:
    low = [h.strip().lower() for h in header]
    ident, qtext, resp, unknown = {}, {}, {}, []
    for i, h in enumerate(low):
        m = re.fullmatch(r"(question|response|right answer) (\d+)", h)
        if m:
            {"question": qtext, "response": resp}.get(m.group(1), {})[int(m.group(2))] = i
        elif h in MOODLE_IDENTITY:
            if MOODLE_IDENTITY[h]:
                ident[MOODLE_IDENTITY[h]] = i
        elif re.fullmatch(r"grade/[\d.,]+", h):
            pass
        else:
            unknown.append(f"{i + 1} ({_cut(header[i])})")
    if unknown:
        raise LmsError(f"{ex.path}, line {hline}: unknown column(s) {', '.join(unknown)}: not "
                       "a Moodle Responses report (expected names, identity fields, State, "
                       "Started on, Completed, Time taken, Grade/…, Question N, Response N)")
    missing = sorted(set(resp) - set(qtext))
    if missing:
        raise LmsError(f"{ex.path}, line {hline}: 'Response {missing[0]}' has no 'Question "
                       f"{missing[0]}' column; tick 'Question text' in Moodle's Responses report "
                       "before downloading, so that each response names its variant")
    width = len(header)
    students = ((line, rec) for line, rec in records     # not Moodle's summary row
                if not (rec and rec[0].strip().lower() == "overall average"))
    for line, rec in _data_rows(ex, students, width):
        get = (lambda k: rec[ident[k]].strip() if k in ident else "")
        name = " ".join(x for x in (get("first"), get("last")) if x)
        r = Respondent(line, name, {k: get(k) for k in ("email", "login", "sis_id") if get(k)})
        state = get("state").lower()
        if state and state not in ("finished", "abgeschlossen"):
            ex.rejected.append(Rejected(line, f"attempt state {get('state')!r}: only finished "
                                        "attempts are graded", r))
            continue
        for n in sorted(resp):
            _moodle_cell(ex, r, line, rec[qtext[n]], rec[resp[n]], resp[n] + 1, n)
        ex.rows.append(r)


def _moodle_cell(ex, r, line, qtext, cell, col, n) -> None:
    tagged = parse_tag(qtext)
    if tagged is None:
        if qtext.strip() and qtext.strip() != "-":
            ex.warnings.append(f"{ex.path}, line {line}: question {n} is not a vgp variant "
                               "(no 'Variant vNNN of …' tag in its text); not graded")
        return
    aid, item, vid = tagged
    text = cell.strip()
    if text in ("", "-"):
        text = None
    r.responses.append(Response(line, col, aid, item, vid, text))


_PART = re.compile(r"(?:^|;\s*)part (\d+):")


def split_cloze(text: str | None) -> dict[int, str | None]:
    """Moodle's summary of a cloze response, ``part 1: 0.008; part 2: ; part 3: 2``, as
    ``{part: text}`` (None for a part left empty).

    >>> split_cloze("part 1: 0.008; part 2: ; part 3: 2"), split_cloze("part 1: 1; part 2:")
    ({1: '0.008', 2: None, 3: '2'}, {1: '1', 2: None})
    """
    if not text:
        return {}
    out = {}
    marks = list(_PART.finditer(text))
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        v = text[m.end():end].strip()
        if v.endswith(";"):
            v = v[:-1].strip()
        out.setdefault(int(m.group(1)), v or None)
    return out


def _need(ex, hline, found, what) -> None:
    if not found:
        raise LmsError(f"{ex.path}, line {hline}: no {what}")


def _int(s: str, default: int) -> int:
    try:
        return int(s)
    except ValueError:
        return default


def _cut(s: str, n: int = 40) -> str:
    s = " ".join(s.split())
    return repr(s if len(s) <= n else s[:n] + "…")
