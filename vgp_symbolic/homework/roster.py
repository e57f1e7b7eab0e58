"""The class roster: a CSV with columns ``student_id,name`` (other columns are ignored).

Every problem is reported with the file and line, because the roster is typed by hand or
exported from a spreadsheet (a UTF-8 byte-order mark is accepted).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
>>> _ = p.write_text("student_id,name\\ns001,Ada Lovelace\\n", encoding="utf-8")
>>> load_roster(p)
[Student(student_id='s001', name='Ada Lovelace', line=2)]
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .model import HomeworkError, Student

__all__ = ["load_roster", "REQUIRED_COLUMNS"]

REQUIRED_COLUMNS = ("student_id", "name")
_MAX_FIELD = 500  # a name longer than this is a broken file, not a name


def load_roster(path) -> list[Student]:
    """Read the roster; raises :class:`HomeworkError` naming the file and line.

    Duplicate or empty ids, a missing column and a malformed CSV are errors. Blank lines are
    skipped; surrounding spaces are stripped.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise HomeworkError(f"{path}: cannot read the roster: {e.strerror}") from None
    except UnicodeDecodeError as e:
        line = e.object[:e.start].count(b"\n") + 1
        raise HomeworkError(f"{path}, line {line}: not UTF-8 text (save the roster as "
                            "CSV UTF-8)") from None
    # io.StringIO(newline="") splits lines at \n, \r and \r\n only, as the csv module
    # expects; str.splitlines would also split inside a name at U+2028, \f, \x1e or \x85
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        while header is not None and not any(h.strip() for h in header):
            header = next(reader, None)
        if header is None:
            raise HomeworkError(f"{path}: the roster is empty; expected a header line "
                                "'student_id,name' and one line per student")
        head_line = reader.line_num
        cols = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in cols]
        if missing:
            raise HomeworkError(
                f"{path}, line {head_line}: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(m) for m in missing)}; the header has "
                f"{', '.join(repr(h) for h in header) or 'nothing'} "
                "(expected 'student_id,name')")
        dup = sorted({c for c in cols if c and cols.count(c) > 1} & set(REQUIRED_COLUMNS))
        if dup:
            raise HomeworkError(f"{path}, line {head_line}: column {dup[0]!r} appears twice")
        i_id, i_name = cols.index("student_id"), cols.index("name")
        students: list[Student] = []
        seen: dict[str, int] = {}
        prev_end = reader.line_num
        for row in reader:
            line, prev_end = prev_end + 1, reader.line_num
            if not any(f.strip() for f in row):
                continue
            if len(row) < len(cols):
                raise HomeworkError(f"{path}, line {line}: {len(row)} field"
                                    f"{'s' if len(row) != 1 else ''}, but the header has "
                                    f"{len(cols)} ({', '.join(header)})")
            sid, name = row[i_id].strip(), row[i_name].strip()
            if not sid:
                raise HomeworkError(f"{path}, line {line}: empty student_id"
                                    + (f" (name {name!r})" if name else ""))
            for what, v in (("student_id", sid), ("name", name)):
                if len(v) > _MAX_FIELD:
                    raise HomeworkError(f"{path}, line {line}: {what} is {len(v)} characters "
                                        f"long (at most {_MAX_FIELD})")
            if sid in seen:
                raise HomeworkError(f"{path}, line {line}: duplicate student_id {sid!r} "
                                    f"(first on line {seen[sid]})")
            seen[sid] = line
            students.append(Student(sid, name, line))
    except csv.Error as e:
        raise HomeworkError(f"{path}, line {reader.line_num}: malformed CSV: {e}") from None
    if not students:
        raise HomeworkError(f"{path}: the roster has a header but no students")
    return students
