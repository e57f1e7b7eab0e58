"""Reading the class's answers CSV: long or wide, every row accounted for.

Two layouts are accepted, told apart by the header:

* **long** — ``student_id,question,answer`` (other columns are ignored), one answer a row;
* **wide** — ``student_id`` plus one column per question id, one student a row.

The separator (``,``, ``;`` or tab) is taken from the header line (Excel's ``sep=;`` first line
is honoured); a UTF-8 or UTF-16 byte-order mark is skipped; bytes that are not UTF-8 are
replaced (such answers are then unreadable, not fatal). Each physical line is one record:
an answer never spans lines, so an unclosed quote cannot swallow the rest of the file (such
a line is reported, not graded).

Nothing is dropped silently. Every non-blank data line ends up either as answers to grade or
as a :class:`Problem` naming its line and the reason (unknown student or question, a
duplicate — the first one is graded —, missing fields). Only a file that cannot be used at
all (missing, empty, no ``student_id`` column, no answer column) raises
:class:`AnswersError`.

>>> sheet = read_answers_text("student_id,question,answer\\ns1,q1,0.002\\ns9,q1,1\\n",
...                           questions=["q1"], students=["s1"])
>>> sheet.layout, [(a.line, a.student_id, a.text) for a in sheet.answers]
('long', [(2, 's1', '0.002')])
>>> sheet.problems[0].line, sheet.problems[0].reason
(3, "unknown student 's9' (not in the roster)")
"""
from __future__ import annotations

import csv
import gc
import re
from dataclasses import dataclass, field
from pathlib import Path
from ..errors import UserError

__all__ = ["Answer", "Problem", "AnswerSheet", "AnswersError", "read_answers",
           "read_answers_text", "shown"]

_LINES = re.compile(r"\r\n|\r|\n")


class AnswersError(UserError):
    """The answers file cannot be used at all (the message names the file and line)."""


@dataclass(slots=True)
class Answer:
    """One answer to grade: where it came from and the student's text, untouched."""

    line: int
    student_id: str
    question: str
    text: str


@dataclass(frozen=True)
class Problem:
    """An input row (or, in the wide layout, a cell) that was not graded, and why."""

    line: int
    reason: str
    student_id: str | None = None   # a roster id when the row belongs to a known student
    raw_student: str = ""           # what the row said, for reporting unknown students
    question: str = ""              # the question the row was for, when it says one


@dataclass
class AnswerSheet:
    """What was read: the layout, answers to grade, problems, and every data line's fate."""

    path: str
    layout: str                                  # "long" | "wide"
    answers: list[Answer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # about the file, not one row
    data_lines: list[int] = field(default_factory=list)  # every non-blank data line

    def where(self, line: int) -> str:
        return f"{self.path}, line {line}"


def shown(text, limit: int = 40) -> str:
    r"""A student's text made safe to print: quoted, control characters escaped, long text cut.

    >>> print(shown("1\x1b[2J" + "9" * 50, limit=10))
    '1\x1b[2J99999…'
    """
    s = str(text)
    # repr escapes every non-printable character (ANSI escapes, bidi overrides, NUL)
    return repr(s[:limit] + ("…" if len(s) > limit else ""))


def _decode(data: bytes, warnings: list[str], name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        warnings.append(f"{name}: not valid UTF-8 (first bad byte at offset {e.start}); "
                        "undecodable bytes were replaced by �")
        text = data.decode("utf-8-sig", errors="replace")
    return text.replace("\x00", "\ufffd")


def _norm(h: str) -> str:
    return re.sub(r"[\s\-]+", "_", h.strip().lower())


_STUDENT_COLS = ("student_id", "studentid", "student", "id")


def read_answers(path, questions, students, decimal_comma: bool = False) -> AnswerSheet:
    """Read an answers CSV file; see :func:`read_answers_text`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise AnswersError(f"{path}: no such file") from None
    except OSError as e:
        raise AnswersError(f"{path}: cannot read ({e.strerror or e})") from None
    warnings: list[str] = []
    text = _decode(data, warnings, str(path))
    sheet = read_answers_text(text, questions, students, name=str(path),
                              decimal_comma=decimal_comma)
    sheet.warnings[:0] = warnings
    return sheet


def read_answers_text(text: str, questions, students, name: str = "answers.csv",
                      decimal_comma: bool = False) -> AnswerSheet:
    """Read answers from CSV text for the given question ids and roster student ids.

    Question ids match case-insensitively; student ids match exactly after trimming spaces.
    With ``decimal_comma``, a long-layout line whose answer (the last column) was split by an
    unquoted decimal comma (``s1,q1a,2,498``) is put back together.
    """
    was = gc.isenabled()
    gc.disable()             # many small acyclic objects: the cycle collector finds nothing
    try:
        return _read_answers_text(text, questions, students, name, decimal_comma)
    finally:
        if was:
            gc.enable()


def _read_answers_text(text, questions, students, name, decimal_comma):
    qids = list(questions)
    qmap = {}
    for q in qids:
        qmap.setdefault(q.strip().lower(), q)
    roster = set(students)
    lines = _LINES.split(text) if "\r" in text else text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    # the header: the first non-blank line (after Excel's optional "sep=;")
    n = 0
    while n < len(lines) and not lines[n].strip():
        n += 1
    if n == len(lines):
        raise AnswersError(f"{name}: the file is empty (expected a header such as "
                           "student_id,question,answer)")
    delim = None
    m = re.fullmatch(r"\s*sep=(.)\s*", lines[n])
    if m:
        delim = m.group(1)
        n += 1
        if n == len(lines):
            raise AnswersError(f"{name}: the file has no header line")
    header_line = n + 1
    head = lines[n]
    if delim is None:
        counts = {d: head.count(d) for d in (",", ";", "\t")}
        delim = max(counts, key=lambda d: (counts[d], d == ","))
    dialect = {"delimiter": delim, "skipinitialspace": False}
    header = _split(head, dialect)
    cols = [_norm(h) for h in header]
    where = f"{name}, line {header_line}"
    sid_col = next((cols.index(c) for c in _STUDENT_COLS if c in cols), None)
    if sid_col is None:
        raise AnswersError(f"{where}: no student_id column (found: "
                           f"{', '.join(shown(h, 20) for h in header[:8])}); expected "
                           "student_id,question,answer or student_id plus one column per question")
    long = "question" in cols and "answer" in cols
    sheet = AnswerSheet(name, "long" if long else "wide")
    if long:
        qcol, acol = cols.index("question"), cols.index("answer")
        for name, first_ix in (("student_id", sid_col), ("question", qcol), ("answer", acol)):
            same = [i for i, c in enumerate(cols) if c == cols[first_ix]]
            if len(same) > 1:
                sheet.warnings.append(
                    f"{where}: {len(same)} columns named {name} ("
                    + ", ".join(f"{shown(header[i], 20)} in column {i + 1}" for i in same)
                    + f"); only the first, column {same[0] + 1}, is read")
        _read_long(sheet, lines, n + 1, dialect, sid_col, qcol, acol, len(header), qmap, roster,
                   decimal_comma)
    else:
        qcols = {}
        for i, h in enumerate(header):
            if i == sid_col:
                continue
            q = qmap.get(h.strip().lower())
            if q is None:
                if h.strip() and _norm(h) not in ("name", "email", "timestamp", "submitted"):
                    sheet.warnings.append(f"{where}: column {shown(h, 30)} is not a question of "
                                          f"this assignment (questions: {', '.join(qids)}); "
                                          "ignored")
            elif q in qcols.values():
                sheet.warnings.append(f"{where}: column {shown(h, 30)} repeats question {q}; "
                                      "only the first such column is graded")
            else:
                qcols[i] = q
        if not qcols:
            raise AnswersError(f"{where}: no answer column: expected student_id,question,answer "
                               f"or student_id plus columns named after the questions "
                               f"({', '.join(qids)})")
        _read_wide(sheet, lines, n + 1, dialect, sid_col, qcols, len(header), roster)
    return sheet


def _split(line: str, dialect) -> list[str]:
    """One physical line as CSV fields."""
    # csv refuses fields over 128 KiB; a megabyte-long answer is still a row to account for
    # (graded "unreadable"), so the limit is lifted for that line only
    if '"' not in line:
        return line.split(dialect["delimiter"])   # what csv does when nothing is quoted
    old = csv.field_size_limit()
    if len(line) < old:
        return next(csv.reader((line,), **dialect), [])
    csv.field_size_limit(len(line) + 1)
    try:
        return next(csv.reader((line,), **dialect), [])
    finally:
        csv.field_size_limit(old)


def _records(lines, start, dialect):
    """``(line number, fields, quotes balanced)`` for every non-blank line."""
    for i in range(start, len(lines)):
        r = _record(lines[i], dialect)
        if r is not None:
            yield i + 1, r[0], r[1]


def _unbalanced(sheet, line, raw, roster):
    sid = raw.strip() if raw.strip() in roster else None
    sheet.problems.append(Problem(line, 'unbalanced quote (") on this line; answers never span '
                                  "lines, so the row was not graded", sid, raw.strip()))


def _student(sheet, line, raw, roster, question=""):
    """The roster id of ``raw``, or None after recording why the row (an answer to ``question``,
    in the long layout) is not graded."""
    sid = raw.strip()
    if not sid:
        sheet.problems.append(Problem(line, "empty student_id", None, raw, question))
        return None
    if sid not in roster:
        sheet.problems.append(Problem(line, f"unknown student {shown(sid)} (not in the roster)",
                                      None, sid, question))
        return None
    return sid


def _hint(dialect) -> str:
    if dialect["delimiter"] == ",":
        return (" — quote answers that contain a comma, or use ';' as the separator "
                "(with --decimal-comma for 2,498)")
    return f" — quote answers that contain {dialect['delimiter']!r}"


def _read_long(sheet, lines, start, dialect, sid_col, qcol, acol, width, qmap, roster,
               decimal_comma=False):
    first: dict[tuple[str, str], int] = {}
    delim = dialect["delimiter"]
    data_lines, answers = sheet.data_lines, sheet.answers
    qget = qmap.get
    # keys that trimming and lower-casing leave as they are: a cell equal to one of them
    # needs neither
    qexact = {k: q for k, q in qmap.items() if k.strip().lower() == k}.get
    for i in range(start, len(lines)):
        line = lines[i]
        if '"' not in line:
            # the common case, a well-formed row: nothing quoted, so plain splitting is what
            # csv does; every other row takes the general path below
            rec = line.split(delim)
            if len(rec) == width:
                sid = rec[sid_col].strip()
                if sid and sid in roster:
                    qraw = rec[qcol]
                    q = qexact(qraw) or qget(qraw.strip().lower())
                    if q is not None:
                        key = (sid, q)
                        if key not in first:
                            ln = i + 1
                            data_lines.append(ln)
                            first[key] = ln
                            answers.append(Answer(ln, sid, q, rec[acol]))
                            continue
        r = _record(line, dialect)
        if r is not None:
            _long_row(sheet, i + 1, r[0], r[1], dialect, sid_col, qcol, acol, width, qmap,
                      roster, decimal_comma, first)


def _record(line, dialect):
    """``(fields, quotes balanced)`` of one line, or None for a blank line."""
    if '"' not in line:
        if not line.replace(dialect["delimiter"], "").strip():
            return None                 # blank, or separators only
        return line.split(dialect["delimiter"]), True
    rec = _split(line, dialect)
    if not any(f.strip() for f in rec):
        return None
    # an odd number of '"' means a quoted field opened here is never closed on this line
    # (a multi-line field, or a stray quote): what it holds is not what was meant
    return rec, line.count('"') % 2 == 0


def _long_row(sheet, line, rec, balanced, dialect, sid_col, qcol, acol, width, qmap, roster,
              decimal_comma, first):
    """One non-blank row of the long layout: an answer to grade, or a problem."""
    need = max(sid_col, qcol, acol) + 1
    rejoin = decimal_comma and dialect["delimiter"] == "," and acol == width - 1
    sheet.data_lines.append(line)
    if not balanced:
        _unbalanced(sheet, line, rec[sid_col] if sid_col < len(rec) else "", roster)
        return
    if rejoin and len(rec) == width + 1:
        rec = rec[:acol] + [rec[acol] + "," + rec[acol + 1]]
    if len(rec) < need:
        raw = rec[sid_col] if sid_col < len(rec) else ""
        sid = raw.strip() if raw.strip() in roster else None
        sheet.problems.append(Problem(line, f"{len(rec)} field(s) where {width} were expected "
                                      "(missing question or answer)", sid, raw.strip()))
        return
    if len(rec) > width and any(f.strip() for f in rec[width:]):
        # an unquoted separator inside an answer shifts the fields: which is the answer?
        sid = rec[sid_col].strip() if rec[sid_col].strip() in roster else None
        sheet.problems.append(Problem(line, f"{len(rec)} fields where {width} were expected"
                                      f"{_hint(dialect)}", sid, rec[sid_col].strip()))
        return
    qraw = rec[qcol].strip()
    sid = _student(sheet, line, rec[sid_col], roster, qmap.get(qraw.lower(), qraw))
    if sid is None:
        return
    q = qmap.get(qraw.lower())
    if q is None:
        why = "empty question" if not qraw else f"unknown question {shown(qraw)}"
        sheet.problems.append(Problem(line, f"{why} (questions: {', '.join(qmap.values())})",
                                      sid, sid, qraw))
        return
    if (sid, q) in first:
        sheet.problems.append(Problem(line, f"duplicate answer for {sid} {q} (first given on "
                                      f"line {first[sid, q]}, which is the one graded)", sid, sid,
                                      q))
        return
    first[sid, q] = line
    sheet.answers.append(Answer(line, sid, q, rec[acol]))


def _read_wide(sheet, lines, start, dialect, sid_col, qcols, width, roster):
    first: dict[str, int] = {}
    for line, rec, balanced in _records(lines, start, dialect):
        sheet.data_lines.append(line)
        raw = rec[sid_col] if sid_col < len(rec) else ""
        if not balanced:
            _unbalanced(sheet, line, raw, roster)
            continue
        sid = _student(sheet, line, raw, roster)
        if sid is None:
            continue
        if sid in first:
            sheet.problems.append(Problem(line, f"duplicate row for {sid} (first given on line "
                                          f"{first[sid]}, which is the one graded)", sid))
            continue
        if len(rec) > width and any(f.strip() for f in rec[width:]):
            # shifted fields (an unquoted separator in an answer): grading them would put
            # answers under the wrong questions, so the row is reported instead
            sheet.problems.append(Problem(line, f"{len(rec)} fields but the header has {width}"
                                          f"{_hint(dialect)}; the row was not graded", sid))
            continue
        first[sid] = line
        for i, q in qcols.items():
            text = rec[i] if i < len(rec) else ""
            sheet.answers.append(Answer(line, sid, q, text))
