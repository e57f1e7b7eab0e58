"""``vgp init DIR``: a starter folder for an instructor -- an assignment, an example roster and
the templates they may edit -- that renders as it is, wherever it lives.

Problem types are not copied: the assignment names them and :mod:`.assignment` finds them in
the library (a ``<type>.toml`` put beside the assignment overrides the library's). Templates
are copied so that they can be edited; a template deleted from ``templates/`` falls back to the
library's.

>>> import tempfile
>>> d = Path(tempfile.mkdtemp()) / "course"
>>> sorted(p.name for p in write_starter(d))[:3]
['activation_max.tex', 'answerbox.tex', 'assignment.toml']
"""
from __future__ import annotations

import datetime
import shutil
from pathlib import Path

from .assignment import LIBRARY_PROBLEMS, LIBRARY_TEMPLATES
from .model import HomeworkError

__all__ = ["write_starter"]

_ASSIGNMENT = '''\
# An assignment: render it with `vgp render` in this folder (PDFs go to out/handouts/ and
# out/solutions/, the answer key to out/key.csv), grade it with `vgp grade`.
# Problem types come from the library shipped with vgp_symbolic ({types});
# a <type>.toml beside this file overrides the library's. Templates: templates/ (edit freely;
# a template you delete falls back to the library's).
[assignment]
id = "hw1"                      # enters every student's seed: keep it once handed out
title = "Homework 1: The Vanishing Gradient Problem"
course = "Neural Networks"
date = {date}               # printed on the cover and stamped into the PDFs
seed = 0                        # class seed; `vgp render --seed N` overrides it
instructions = "Show your work. Each answer box says the precision it needs."

[grading]
mistake_credit = 0.5   # share of the points for a catalogued mistake
ecf_credit = 1.0       # error carried forward: full credit for a correct step on a wrong input
rounding_credit = 0.5  # truncated instead of rounded, or too few significant figures

{problems}'''


def _problems_of_hw1() -> str:
    """The [[problems]] of the library's hw1, so the starter asks what hw1 asks."""
    text = (LIBRARY_PROBLEMS / "hw1.toml").read_text(encoding="utf-8")
    return text[text.index("[[problems]]"):]


def write_starter(folder, today: datetime.date | None = None) -> list[Path]:
    """Write the starter files into ``folder`` (created); refuses to overwrite any file."""
    folder = Path(folder)
    tdir = folder / "templates"
    templates = sorted(LIBRARY_TEMPLATES.glob("*.tex"))
    targets = [folder / "assignment.toml", folder / "roster.csv"] + \
        [tdir / t.name for t in templates]
    clash = [str(p) for p in targets if p.exists()]
    if clash:
        raise HomeworkError(f"{folder}: already has {', '.join(clash[:3])}"
                            f"{' …' if len(clash) > 3 else ''}; choose a new folder")
    types = sorted(p.stem for p in LIBRARY_PROBLEMS.glob("*.toml") if p.stem != "hw1")
    tdir.mkdir(parents=True, exist_ok=True)
    (folder / "assignment.toml").write_text(_ASSIGNMENT.format(
        types=", ".join(types), date=(today or datetime.date.today()).isoformat(),
        problems=_problems_of_hw1()), encoding="utf-8")
    shutil.copyfile(LIBRARY_PROBLEMS / "roster_example.csv", folder / "roster.csv")
    for t in templates:
        shutil.copyfile(t, tdir / t.name)
    return targets
