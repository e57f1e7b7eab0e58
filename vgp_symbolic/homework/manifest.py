"""The render manifest: which assignment, files, class seed and draws a build was drawn from.

`vgp render` writes ``manifest.json`` into its output folder; `vgp grade --build DIR` reads it
and refuses to grade against a build drawn from another assignment, other problem files or
templates, or another class seed — grading answers to a seed-0 render with ``--seed 7`` would
otherwise give every student 0 without a word.

Beside it, ``draws.jsonl`` records every student's accepted draw (the parameters of each
problem), so that the grader rebuilds a problem for error carried forward from its numbers
instead of running the seeded draw loop again; the manifest holds its SHA-256, and a draws file
that does not match is refused.

>>> import tempfile
>>> from .assignment import load_assignment
>>> a = load_assignment(Path(__file__).parents[1] / "problems" / "hw1.toml")
>>> out = Path(tempfile.mkdtemp())
>>> m = read_manifest(write_manifest(out, a, 0).parent)
>>> m.assignment, m.class_seed, check_manifest(m, a, None, out), m.draws_sha256
('hw1', 0, [], '')
>>> try:
...     check_manifest(m, a, 7, out)
... except ManifestError as e:
...     print(str(e).split(":", 1)[1].split(";")[0])
 the build was rendered with class seed 0, not 7
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from fractions import Fraction
from pathlib import Path

from ..errors import UserError
from ..fileio import atomic_write_text

__all__ = ["MANIFEST", "DRAWS", "Manifest", "ManifestError", "assignment_hash",
           "write_manifest", "read_manifest", "check_manifest", "draws_line", "read_draws",
           "decode_params"]

MANIFEST = "manifest.json"
DRAWS = "draws.jsonl"


class ManifestError(UserError):
    """A build's manifest is missing, unreadable, or does not match what is being graded."""


@dataclass(frozen=True)
class Manifest:
    assignment: str          # the assignment's id
    files_sha256: str        # assignment, problem files and templates (see assignment_hash)
    class_seed: int
    vgp_version: str
    created: str             # UTC, ISO 8601
    draws_sha256: str = ""   # of draws.jsonl; "" for a build rendered without one


def _files(assignment) -> list[Path]:
    # resolved, so that the order (and the hash) does not depend on how the path was given
    files = {Path(assignment.path).resolve()}
    files.update(Path(u.spec.path).resolve() for u in assignment.problems)
    for d in assignment.templates or ():      # the assignment's templates, then the library's
        files.update(p.resolve() for p in Path(d).rglob("*") if p.is_file())
    return sorted(files)


def assignment_hash(assignment) -> str:
    """SHA-256 over the assignment file, its problem files and its templates (names and bytes),
    so that any edit that can change a student's numbers or papers changes the hash."""
    h = hashlib.sha256()
    for p in _files(assignment):
        data = p.read_bytes()
        h.update(f"{p.name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def write_manifest(out, assignment, class_seed: int | None, draws: str | None = None) -> Path:
    """Write ``out/manifest.json`` for a render of ``assignment`` (``class_seed`` None: the
    assignment's own seed) and, given the text of :data:`DRAWS` (lines of :func:`draws_line`),
    that file beside it; returns the manifest's path."""
    from .. import __version__
    digest = ""
    if draws is not None:
        data = draws.encode("utf-8")
        (Path(out) / DRAWS).write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
    m = Manifest(assignment.id, assignment_hash(assignment),
                 assignment.seed if class_seed is None else int(class_seed), __version__,
                 datetime.now(timezone.utc).replace(microsecond=0).isoformat(), digest)
    path = Path(out) / MANIFEST
    atomic_write_text(path, json.dumps(asdict(m), indent=2) + "\n")
    return path


def read_manifest(build) -> Manifest:
    """The manifest of a build folder; :class:`ManifestError` naming the file otherwise."""
    path = Path(build) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}: no manifest — is {build} the --out folder of `vgp "
                            "render`? (re-render to create it)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ManifestError(f"{path}: unreadable manifest ({e})") from None
    try:
        return Manifest(str(data["assignment"]), str(data["files_sha256"]),
                        int(data["class_seed"]), str(data["vgp_version"]), str(data["created"]),
                        str(data.get("draws_sha256", "")))
    except (KeyError, TypeError, ValueError) as e:
        raise ManifestError(f"{path}: incomplete manifest (missing or bad {e})") from None


def check_manifest(m: Manifest, assignment, class_seed: int | None, build) -> list[str]:
    """Refuse a build that does not belong to ``assignment`` drawn with ``class_seed`` (None:
    take the build's); return warnings (another vgp version)."""
    from .. import __version__
    where = Path(build) / MANIFEST
    why = []
    if m.assignment != assignment.id:
        why.append(f"the build is of assignment {m.assignment!r}, not {assignment.id!r}")
    if class_seed is not None and int(class_seed) != m.class_seed:
        why.append(f"the build was rendered with class seed {m.class_seed}, not {class_seed}")
    if not why and m.files_sha256 != assignment_hash(assignment):
        why.append(f"{assignment.path}, its problem files or templates changed since the build "
                   f"was rendered ({m.created})")
    if why:
        raise ManifestError(f"{where}: {'; '.join(why)}; grade with the assignment and seed of "
                            "that render, or render again")
    if m.vgp_version != __version__:
        return [f"{where}: rendered by vgp {m.vgp_version}, grading with vgp {__version__}"]
    return []


# -- the draws record --------------------------------------------------------------------------
def draws_line(student_set) -> str:
    """One line of :data:`DRAWS`: the student id and each problem's drawn parameters (JSON;
    an exact number as ``"=p/q"``, a name as itself).

    >>> from fractions import Fraction as F
    >>> from .model import ProblemRender, Student, StudentSet
    >>> p = ProblemRender(1, "demo", "", "", {"x": [F(1, 2), F(-3)], "act": "relu"}, {}, ())
    >>> draws_line(StudentSet(Student("s1", "", 2), 0, (), (p,)))
    '["s1",[{"x":["=1/2","=-3"],"act":"relu"}]]'
    """
    return json.dumps([student_set.student.student_id,
                       [_encode(p.params) for p in student_set.problems]],
                      ensure_ascii=False, separators=(",", ":"))


def _encode(v):
    if isinstance(v, dict):
        return {k: _encode(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_encode(x) for x in v]
    if isinstance(v, Fraction) or (isinstance(v, int) and not isinstance(v, bool)):
        return f"={Fraction(v)}"
    if isinstance(v, str) and v.startswith("="):
        raise ValueError(f"a drawn name may not start with '=': {v!r}")
    return v


def decode_params(v):
    """A problem's parameters back from :func:`draws_line`'s encoding (exact Fractions).

    >>> decode_params({"x": ["=1/2", "=-3"], "act": "relu", "f": 0.25})
    {'x': [Fraction(1, 2), Fraction(-3, 1)], 'act': 'relu', 'f': 0.25}
    """
    if isinstance(v, dict):
        return {k: decode_params(x) for k, x in v.items()}
    if isinstance(v, list):
        return [decode_params(x) for x in v]
    if isinstance(v, str) and v.startswith("="):
        num, _, den = v[1:].partition("/")
        return Fraction(int(num), int(den)) if den else Fraction(int(num))
    return v


def read_draws(build, m: Manifest, problems: int) -> dict[str, list] | None:
    """``student id → [encoded params of each problem]`` from a build's :data:`DRAWS` (decode
    one problem's with :func:`decode_params`), or None when the build has no draws record.
    Raises :class:`ManifestError` when the file is not the one the manifest names."""
    if not m.draws_sha256:
        return None
    path = Path(build) / DRAWS
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ManifestError(f"{path}: missing, but the manifest names it; render again") \
            from None
    except OSError as e:
        raise ManifestError(f"{path}: unreadable ({e.strerror or e})") from None
    if hashlib.sha256(data).hexdigest() != m.draws_sha256:
        raise ManifestError(f"{path}: changed since the build was rendered ({m.created}); "
                            "render again")
    out = {}
    # lines end at "\n" only: an id may hold U+2028 or \x85, which JSON leaves as they are
    for n, line in enumerate(data.decode("utf-8").split("\n"), start=1):
        if not line:
            continue
        try:
            sid, params = json.loads(line)
        except ValueError:
            raise ManifestError(f"{path}, line {n}: not a draws record; render again") from None
        if len(params) != problems:
            raise ManifestError(f"{path}: {len(params)} problem(s) drawn for {sid!r}, the "
                                f"assignment has {problems}; render again")
        out[sid] = params
    return out
