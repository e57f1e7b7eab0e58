"""A class roster with the LMSs' identity columns, and matching export rows to it.

The roster is ``vgp``'s (``student_id,name``) with optional columns the LMSs identify students
by: ``email``, ``login`` (username / SIS login), ``sis_id`` (SIS user id, Brightspace's
OrgDefinedId), ``lms_id`` (Canvas's numeric user id) and ``section``. A response row matches the
roster student sharing any of these (the e-mail case-insensitively), or whose ``student_id``
equals one of the row's ids.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
>>> _ = p.write_text("student_id,name,email\\ns001,Ada,Ada@Uni.edu\\n", encoding="utf-8")
>>> r = read_roster(p)
>>> r[0].ids, match(r, {"email": "ada@uni.edu"}).student_id
({'email': 'Ada@Uni.edu'}, 's001')
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from . import LmsError

__all__ = ["LmsStudent", "IDENTITY", "read_roster", "match", "from_row"]

IDENTITY = ("lms_id", "sis_id", "login", "email", "section")


@dataclass(frozen=True)
class LmsStudent:
    student_id: str
    name: str
    line: int = 0
    ids: dict = field(default_factory=dict, compare=False)

    def get(self, key: str) -> str:
        return self.ids.get(key, "")


def read_roster(path) -> list[LmsStudent]:
    """The roster (checked as ``vgp grade`` checks it) with its LMS identity columns."""
    from ..homework import HomeworkError, load_roster
    try:
        base = load_roster(path)
    except HomeworkError as e:
        raise LmsError(str(e)) from None
    text = Path(path).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    header = next(r for r in rows if any(c.strip() for c in r))
    cols = {h.strip().lower(): i for i, h in enumerate(header)}
    by_line = {}
    for n, row in enumerate(rows, 1):
        by_line[n] = row
    out = []
    for st in base:
        row = by_line.get(st.line, [])
        ids = {k: row[cols[k]].strip() for k in IDENTITY
               if k in cols and cols[k] < len(row) and row[cols[k]].strip()}
        out.append(LmsStudent(st.student_id, st.name, st.line, ids))
    return out


def _keys(ids: dict, sid: str = "") -> set:
    out = {(k, v.lower() if k == "email" else v) for k, v in ids.items()
           if k != "section" and v}
    if sid:
        out |= {(k, sid.lower() if k == "email" else sid) for k in IDENTITY if k != "section"}
    return out


def match(roster: list[LmsStudent], ids: dict) -> LmsStudent | None:
    """The roster student a row with ``ids`` belongs to, or None."""
    want = _keys(ids)
    for st in roster:
        if want & _keys(st.ids, st.student_id):
            return st
    return None


def from_row(name: str, ids: dict, line: int) -> LmsStudent | None:
    """Without a roster: the row's own identity (SIS id, then login, e-mail, LMS id)."""
    for k in ("sis_id", "login", "email", "lms_id"):
        if ids.get(k):
            return LmsStudent(ids[k], name, line, dict(ids))
    return None
