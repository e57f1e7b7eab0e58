"""Reading ``key.csv`` (written by ``vgp render``) as the authoritative answers.

Columns: :data:`~vgp_symbolic.question.KEY_COLUMNS`. ``exact`` is the rational ``p/q`` when the
answer is rational, else empty (then ``answer``, a decimal with 17 significant digits, is used
as a float); ``class_seed`` and ``mistakes`` (the catalogue) are optional, for keys from older
renders. Cells were written through the CSV formula guard, which is undone here. The key is the
instructor's own file, but it is read as carefully as any input: errors name the line.

A mistake catalogue is read when grading first looks at it (a :class:`Catalogue`): most answers
are right and never do, and a forked grading process reads its own students' share.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "key.csv"
>>> _ = p.write_text("student_id,question,answer,exact,rel_tol,abs_tol,sig_figs,points\\n"
...                  "s1,q1,-0.002,'-1/500,,,3,2\\n", encoding="utf-8")
>>> k = read_key(p)
>>> k["s1", "q1"].answer, k["s1", "q1"].tolerance, k["s1", "q1"].mistakes
(Fraction(-1, 500), Tolerance(rel=None, abs=None, sig_figs=3), None)
>>> Catalogue('[["no_update","you gave w before the update","=5/2"]]', "key.csv", 2)[0]
Mistake(id='no_update', label='you gave w before the update', value=Fraction(5, 2))
"""
from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..csvsafe import unguard
from ..errors import UserError
from ..question import KEY_COLUMNS, OPTIONAL_KEY_COLUMNS, Mistake, Tolerance, read_mistakes_cell

__all__ = ["KeyEntry", "KeyFileError", "Catalogue", "read_key"]


class KeyFileError(UserError):
    """The key file cannot be used (the message names the file and line)."""


@dataclass(frozen=True, slots=True)
class KeyEntry:
    answer: Fraction | float
    tolerance: Tolerance
    points: float
    class_seed: int | None = None
    mistakes: "Catalogue | tuple[Mistake, ...] | None" = None   # None: the key has none
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


class Catalogue(Sequence):
    """A key cell's mistakes (:func:`~vgp_symbolic.question.read_mistakes_cell`), read on first
    use; a cell that is not a catalogue raises :class:`KeyFileError` naming its line then."""

    __slots__ = ("_cell", "_path", "_line", "_items")

    def __init__(self, cell: str, path, line: int):
        # UTF-8 bytes take half the memory of a str holding a "∂" (json reads either)
        self._cell, self._path, self._line, self._items = cell.encode("utf-8"), path, line, None

    def _read(self) -> tuple[Mistake, ...]:
        if self._items is None:
            try:
                self._items = read_mistakes_cell(self._cell)
            except (ValueError, TypeError):
                raise KeyFileError(f"{self._path}, line {self._line}: the mistakes "
                                   "cell is not a catalogue "
                                   "written by `vgp render`") from None
            self._cell = self._path = None
        return self._items

    def __iter__(self):
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())

    def __getitem__(self, i):
        return self._read()[i]

    def __eq__(self, other):
        if isinstance(other, Catalogue):
            other = other._read()
        return self._read() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self):
        return hash(self._read())

    def __repr__(self):
        return repr(self._read())


# the columns in the order _entry unpacks them (by name: the file's order may differ)
_FIELDS = ("student_id", "question", "answer", "exact", "rel_tol", "abs_tol", "sig_figs", "points",
           "class_seed", "depends_on", "mistakes")
assert set(_FIELDS) == set(KEY_COLUMNS)
# render writes plain numbers and the catalogue as JSON ("[…"): only the ids and a negative
# fraction ("'-1/500") can carry the formula guard
_GUARDED = (0, 1, 2, 3)


def read_key(path) -> dict[tuple[str, str], KeyEntry]:
    """``(student_id, question) → KeyEntry`` from a key CSV."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return _read_rows(csv.reader(fh), path)
    except (OSError, UnicodeDecodeError) as e:
        raise KeyFileError(f"{path}: cannot read the key ({getattr(e, 'strerror', None) or e})") \
            from None
    except csv.Error as e:
        raise KeyFileError(f"{path}: not a CSV file ({e})") from None


def _read_rows(reader, path) -> dict[tuple[str, str], KeyEntry]:
    header = [h.strip().lower() for h in next(reader, [])]
    if not header:
        raise KeyFileError(f"{path}: the key is empty")
    missing = [c for c in KEY_COLUMNS if c not in header and c not in OPTIONAL_KEY_COLUMNS]
    if missing:
        raise KeyFileError(f"{path}, line 1: missing column(s) {', '.join(missing)} "
                           f"(expected {','.join(KEY_COLUMNS)})")
    ix = [header.index(c) if c in header else None for c in _FIELDS]
    out: dict[tuple[str, str], KeyEntry] = {}
    seen: dict = {}              # cell texts → their value (tolerances, points, seeds, deps)
    names: dict = {}             # one str per student id and question id
    width, end = len(header), reader.line_num
    for rec in reader:
        n, end = end + 1, reader.line_num
        if not any(f.strip() for f in rec):
            continue
        if len(rec) < width:
            raise KeyFileError(f"{path}, line {n}: {len(rec)} fields, the header has {width}")
        cells = [rec[i] if i is not None else None for i in ix]
        for j in _GUARDED:       # the cells the formula guard can have touched
            if cells[j][:1] == "'":
                cells[j] = unguard(cells[j])
        out_key, entry = _entry(cells, path, n, seen, names)
        if out_key in out:
            raise KeyFileError(f"{path}, line {n}: a second key entry for {out_key[0]} "
                               f"{out_key[1]}")
        out[out_key] = entry
    return out


def _entry(cells, path, line, seen, names):
    where = f"{path}, line {line}"
    sid, qid, answer, exact, rel, ab, sf, pts, seed, deps, mistakes = cells
    x = _opt(exact, _fraction, where)
    x = x if x is not None else _opt(answer, float, where)
    if x is None:
        raise KeyFileError(f"{where}: no answer")
    shared = (rel, ab, sf, pts, seed, deps)
    known = seen.get(shared)
    if known is None:            # a few distinct combinations: read (and stored) once each
        p = _opt(pts, float, where)
        known = seen[shared] = (
            Tolerance(_opt(rel, float, where), _opt(ab, float, where), _opt(sf, int, where)),
            1.0 if p is None else p, None if seed is None else _opt(seed, int, where),
            None if deps is None else tuple(deps.split()))
    tol, p, s, d = known
    cat = None if mistakes is None else Catalogue(mistakes, path, line) if mistakes.strip() else ()
    sid, qid = sid.strip(), qid.strip()
    return (names.setdefault(sid, sid), names.setdefault(qid, qid)), KeyEntry(x, tol, p, s, cat, d)
