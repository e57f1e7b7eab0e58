"""`vgp preview`: one problem file rendered with its worked solution, for its author.

The problem is wrapped in a one-problem assignment (the package's templates, unless the
problem's folder has a ``templates/`` of its own) and rendered for one student id; the worked
solutions PDF (statement, answers, solution) is copied to ``out``.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .assignment import load_assignment, load_problem_spec
from .build import render_assignment
from .model import Student

__all__ = ["preview"]

_PACKAGE_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def preview(problem, out=None, student_id: str = "s000000", seed: int = 0) -> Path:
    """Render ``problem`` (a problem TOML) for ``student_id``; return the PDF's path.

    Bad input raises :class:`~vgp_symbolic.homework.model.HomeworkError` before anything is
    written.
    """
    problem = Path(problem).resolve()
    load_problem_spec(problem)            # file, line and key of any error, first
    own = problem.parent.parent / "templates"
    templates = own if (own / "document.tex").is_file() else _PACKAGE_TEMPLATES
    out = Path(out) if out else Path.cwd() / f"{problem.stem}-preview.pdf"
    with tempfile.TemporaryDirectory(prefix="vgp-preview-") as d:
        a_path = Path(d) / "preview.toml"
        a_path.write_text(
            "[assignment]\n"
            f"id = \"preview\"\ntitle = {_q(problem.stem)}\nseed = {int(seed)}\n"
            f"problems_dir = {_q(str(problem.parent))}\ntemplates = {_q(str(templates))}\n\n"
            f"[[problems]]\ntype = {_q(problem.stem)}\n", encoding="utf-8")
        a = load_assignment(a_path)
        result = render_assignment(a, [Student(student_id, student_id, 1)], Path(d) / "out",
                                   jobs=1)
        pdf = next(p for p in Path(result.out).rglob("*.pdf") if "solution" in str(p))
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, out)
    return out


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
