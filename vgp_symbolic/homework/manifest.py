"""The render manifest: which assignment, files and class seed a build was drawn from.

`vgp render` writes ``manifest.json`` into its output folder; `vgp grade --build DIR` reads it
and refuses to grade against a build drawn from another assignment, other problem files or
templates, or another class seed — grading answers to a seed-0 render with ``--seed 7`` would
otherwise give every student 0 without a word.

>>> import tempfile
>>> from .assignment import load_assignment
>>> a = load_assignment(Path(__file__).parents[1] / "problems" / "hw1.toml")
>>> out = Path(tempfile.mkdtemp())
>>> m = read_manifest(write_manifest(out, a, 0).parent)
>>> m.assignment, m.class_seed, check_manifest(m, a, None, out)
('hw1', 0, [])
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
from pathlib import Path

from ..errors import UserError
from ..fileio import atomic_write_text

__all__ = ["MANIFEST", "Manifest", "ManifestError", "assignment_hash", "write_manifest",
           "read_manifest", "check_manifest"]

MANIFEST = "manifest.json"


class ManifestError(UserError):
    """A build's manifest is missing, unreadable, or does not match what is being graded."""


@dataclass(frozen=True)
class Manifest:
    assignment: str          # the assignment's id
    files_sha256: str        # assignment, problem files and templates (see assignment_hash)
    class_seed: int
    vgp_version: str
    created: str             # UTC, ISO 8601


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


def write_manifest(out, assignment, class_seed: int | None) -> Path:
    """Write ``out/manifest.json`` for a render of ``assignment`` (``class_seed`` None: the
    assignment's own seed); returns its path."""
    from .. import __version__
    m = Manifest(assignment.id, assignment_hash(assignment),
                 assignment.seed if class_seed is None else int(class_seed), __version__,
                 datetime.now(timezone.utc).replace(microsecond=0).isoformat())
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
                        int(data["class_seed"]), str(data["vgp_version"]), str(data["created"]))
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
