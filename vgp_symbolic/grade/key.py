"""Reading ``key.csv`` (written by ``vgp render``) as the authoritative answers.

Columns: :data:`~vgp_symbolic.question.KEY_COLUMNS`. ``exact`` is the rational ``p/q`` when the
answer is rational, else empty (then ``answer``, a decimal with 17 significant digits, is used
as a float); ``class_seed`` and ``mistakes`` (the catalogue) are optional, for keys from older
renders. Cells were written through the CSV formula guard, which is undone here. The key is the
instructor's own file, but it is read as carefully as any input: errors name the line.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "key.csv"
>>> _ = p.write_text("student_id,question,answer,exact,rel_tol,abs_tol,sig_figs,points\\n"
...                  "s1,q1,-0.002,'-1/500,,,3,2\\n", encoding="utf-8")
>>> k = read_key(p)
>>> k["s1", "q1"].answer, k["s1", "q1"].tolerance, k["s1", "q1"].mistakes
(Fraction(-1, 500), Tolerance(rel=None, abs=None, sig_figs=3), None)
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..csvsafe import unguard
from ..errors import UserError
from ..question import KEY_COLUMNS, OPTIONAL_KEY_COLUMNS, Mistake, Tolerance, read_mistakes_cell

__all__ = ["KeyEntry", "KeyFileError", "read_key"]


class KeyFileError(UserError):
    """The key file cannot be used (the message names the file and line)."""


@dataclass(frozen=True)
class KeyEntry:
    answer: Fraction | float
    tolerance: Tolerance
    points: float
    class_seed: int | None = None
    mistakes: tuple[Mistake, ...] | None = None     # None: the key has no catalogue
    depends_on: tuple[str, ...] | None = None       # None: the key does not say


def _fraction(v: str) -> Fraction:
    num, _, den = v.partition("/")
    return Fraction(int(num), int(den)) if den else Fraction(int(num))


def _opt(v: str, conv, where):
    v = v.strip()
    if not v:
        return None
    try:
        x = conv(v)
    except (ValueError, ZeroDivisionError):
        raise KeyFileError(f"{where}: {v[:40]!r} is not a number") from None
    if isinstance(x, float) and not math.isfinite(x):
        raise KeyFileError(f"{where}: {v[:40]!r} is not a finite number")
    return x


def read_key(path) -> dict[tuple[str, str], KeyEntry]:
    """``(student_id, question) → KeyEntry`` from a key CSV."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise KeyFileError(f"{path}: cannot read the key ({getattr(e, 'strerror', None) or e})") \
            from None
    reader = csv.reader(text.splitlines(keepends=True))
    header = [h.strip().lower() for h in next(reader, [])]
    if not header:
        raise KeyFileError(f"{path}: the key is empty")
    missing = [c for c in KEY_COLUMNS if c not in header and c not in OPTIONAL_KEY_COLUMNS]
    if missing:
        raise KeyFileError(f"{path}, line 1: missing column(s) {', '.join(missing)} "
                           f"(expected {','.join(KEY_COLUMNS)})")
    ix = {c: header.index(c) for c in KEY_COLUMNS if c in header}
    out: dict[tuple[str, str], KeyEntry] = {}
    tols: dict[tuple, Tolerance] = {}
    end = reader.line_num
    for rec in reader:
        n, end = end + 1, reader.line_num
        if not any(f.strip() for f in rec):
            continue
        where = f"{path}, line {n}"
        if len(rec) < len(header):
            raise KeyFileError(f"{where}: {len(rec)} fields, the header has {len(header)}")
        out_key, entry = _entry(rec, ix, where, tols)
        if out_key in out:
            raise KeyFileError(f"{where}: a second key entry for {out_key[0]} {out_key[1]}")
        out[out_key] = entry
    return out


def _entry(rec, ix, where, tols):
    cell = {c: rec[i] if rec[i][:1] != "'" else unguard(rec[i]) for c, i in ix.items()}
    exact = _opt(cell["exact"], _fraction, where)
    answer = exact if exact is not None else _opt(cell["answer"], float, where)
    if answer is None:
        raise KeyFileError(f"{where}: no answer")
    t = (cell["rel_tol"], cell["abs_tol"], cell["sig_figs"])
    tol = tols.get(t)
    if tol is None:                  # a few distinct tolerances: one object each
        tol = tols[t] = Tolerance(_opt(t[0], float, where), _opt(t[1], float, where),
                                  _opt(t[2], int, where))
    pts = _opt(cell["points"], float, where)
    mistakes = None
    if "mistakes" in cell:
        try:
            mistakes = read_mistakes_cell(cell["mistakes"])
        except (ValueError, TypeError):
            raise KeyFileError(f"{where}: the mistakes cell is not a catalogue written by "
                               "`vgp render`") from None
    seed = _opt(cell["class_seed"], int, where) if "class_seed" in cell else None
    deps = tuple(cell["depends_on"].split()) if "depends_on" in cell else None
    return ((cell["student_id"].strip(), cell["question"].strip()),
            KeyEntry(answer, tol, 1.0 if pts is None else pts, seed, mistakes, deps))
