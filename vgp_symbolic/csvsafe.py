"""The one CSV formula guard: every CSV the tool writes goes through :func:`safe_cell`.

A spreadsheet runs a cell that starts with ``= + - @``, a tab or a carriage return as a formula
(``=cmd|' /C calc'!A0``), so such a cell gets a leading ``'`` (shown as text, never run) unless
it is a plain number; control characters become U+FFFD. Files the tool reads back (key.csv)
undo the guard with :func:`unguard`, so a roster id such as ``+1+1`` survives the round trip.

>>> safe_cell("=cmd|' /C calc'!A0"), safe_cell("-0.5"), safe_cell("s001"), safe_cell("-108/65")
("'=cmd|' /C calc'!A0", '-0.5', 's001', "'-108/65")
>>> [unguard(safe_cell(s)) for s in ("+1+1", "'=x", "'abc", "-2+3")]
['+1+1', "'=x", "'abc", '-2+3']
"""
from __future__ import annotations

import csv
import re

__all__ = ["safe_cell", "safe_row", "unguard", "write_rows", "rows_text"]

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _needs_guard(s: str) -> bool:
    # a guard already there ("'=x" written by someone) is guarded again, so unguard is exact
    return (s.lstrip(" ").lstrip("'").startswith(_UNSAFE_START)
            and not _NUMBER.fullmatch(s.strip()))


_PLAIN_FIRST = frozenset("=+-@\t\r '")


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text and never runs as a formula."""
    if type(value) is str and (not value or value[0] not in _PLAIN_FIRST) and value.isprintable():
        return value                     # the common cell: nothing to guard or replace
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        s = _num(value)
    else:
        s = _CTRL.sub("\ufffd", str(value))
    return "'" + s if _needs_guard(s) else s


def unguard(cell: str) -> str:
    """The value :func:`safe_cell` was given (for cells without control characters)."""
    if cell.startswith("'") and _needs_guard(cell[1:]):
        return cell[1:]
    return cell


def safe_row(row) -> list[str]:
    return [safe_cell(c) for c in row]


def write_rows(fh, rows) -> None:
    """Write ``rows`` (header first) to an open text file as CSV, every cell guarded."""
    csv.writer(fh, lineterminator="\n").writerows(safe_row(r) for r in rows)


def rows_text(rows) -> str:
    """:func:`write_rows` into a string."""
    import io
    buf = io.StringIO()
    write_rows(buf, rows)
    return buf.getvalue()


def _num(x: float) -> str:
    """Points without float noise: 2, 1.5, 0.333333."""
    x = round(float(x), 6)
    return str(int(x)) if x == int(x) else f"{x:.6f}".rstrip("0")
