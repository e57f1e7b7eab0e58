"""Reading ``key.csv`` (written by ``vgp render``) as the authoritative answers.

Columns: ``student_id,question,answer,exact,rel_tol,abs_tol,sig_figs,points``; ``exact`` is
the rational ``p/q`` when the answer is rational, else empty (then ``answer``, a decimal with
17 significant digits, is used as a float). The key is the instructor's own file, but it is
read as carefully as any input: errors name the line.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "key.csv"
>>> _ = p.write_text("student_id,question,answer,exact,rel_tol,abs_tol,sig_figs,points\\n"
...                  "s1,q1,0.002,1/500,,,3,2\\n", encoding="utf-8")
>>> k = read_key(p)
>>> k["s1", "q1"]
KeyEntry(answer=Fraction(1, 500), tolerance=Tolerance(rel=None, abs=None, sig_figs=3), points=2.0)
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import UserError
from ..question import KEY_COLUMNS, Tolerance

__all__ = ["KeyEntry", "KeyFileError", "read_key"]



class KeyFileError(UserError):
    """The key file cannot be used (the message names the file and line)."""


@dataclass(frozen=True)
class KeyEntry:
    answer: Fraction | float
    tolerance: Tolerance
    points: float


def _opt(v: str, conv, where):
    v = v.strip()
    if not v:
        return None
    try:
        x = conv(v)
    except ValueError:
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
    lines = text.splitlines()
    if not lines:
        raise KeyFileError(f"{path}: the key is empty")
    header = [h.strip().lower() for h in next(csv.reader(lines[:1]))]
    missing = [c for c in KEY_COLUMNS if c not in header]
    if missing:
        raise KeyFileError(f"{path}, line 1: missing column(s) {', '.join(missing)} "
                        f"(expected {','.join(KEY_COLUMNS)})")
    ix = {c: header.index(c) for c in KEY_COLUMNS}
    out: dict[tuple[str, str], KeyEntry] = {}
    for n, rec in enumerate(csv.reader(lines[1:]), start=2):
        if not any(f.strip() for f in rec):
            continue
        where = f"{path}, line {n}"
        if len(rec) < len(header):
            raise KeyFileError(f"{where}: {len(rec)} fields, the header has {len(header)}")
        exact = _opt(rec[ix["exact"]], Fraction, where)
        answer = exact if exact is not None else _opt(rec[ix["answer"]], float, where)
        if answer is None:
            raise KeyFileError(f"{where}: no answer")
        sf = _opt(rec[ix["sig_figs"]], int, where)
        tol = Tolerance(_opt(rec[ix["rel_tol"]], float, where), _opt(rec[ix["abs_tol"]], float, where),
                  sf)
        pts = _opt(rec[ix["points"]], float, where)
        k = (rec[ix["student_id"]].strip(), rec[ix["question"]].strip())
        if k in out:
            raise KeyFileError(f"{where}: a second key entry for {k[0]} {k[1]}")
        out[k] = KeyEntry(answer, tol, 1.0 if pts is None else pts)
    return out
