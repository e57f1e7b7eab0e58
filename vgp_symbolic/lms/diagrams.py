"""Network diagrams (TikZ, as the PDFs draw them) compiled to PNG images for the LMSs.

All diagrams of an export go through ONE ``pdflatex`` run (``standalone`` with a page per
diagram, shell escape off) and one ``pdftoppm``, so twenty variants cost one compile, not
twenty. A network problem's context lists its diagrams as ``context["networks"][i]["diagram"]``.

>>> sources = [r"\\begin{tikzpicture}\\draw (0,0) circle (1);\\end{tikzpicture}"]
>>> png = tikz_png(sources)[0]
>>> png[:4]
b'\\x89PNG'
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from . import LmsError

__all__ = ["tikz_png", "problem_diagrams", "DPI"]

DPI = 150
_PREAMBLE = r"""\documentclass[multi=vgpfig,border=4pt]{standalone}
\usepackage{amsmath,amssymb}
\usepackage{xcolor}
\usepackage{tikz}
\usetikzlibrary{arrows,arrows.meta,positioning,calc}
\newenvironment{vgpfig}{}{}
\begin{document}
"""


def problem_diagrams(problem) -> list[str]:
    """The TikZ sources of a problem's diagrams (none for problems without a network)."""
    ctx = getattr(problem, "context", None)
    nets = ctx.get("networks") if isinstance(ctx, dict) else None
    return [str(v["diagram"]) for v in nets or () if isinstance(v, dict) and v.get("diagram")]


def tikz_png(sources: list[str], dpi: int = DPI, timeout: float = 300) -> list[bytes]:
    """Each TikZ picture as PNG bytes (in order). :class:`LmsError` when TeX or poppler is
    missing or the pictures do not compile (with the end of the TeX log)."""
    if not sources:
        return []
    for tool in ("pdflatex", "pdftoppm"):
        if shutil.which(tool) is None:
            raise LmsError(f"{tool} is needed to draw the network diagrams (TeX Live and "
                           "poppler-utils)")
    body = "".join(f"\\begin{{vgpfig}}\n{s}\n\\end{{vgpfig}}\n" for s in sources)
    with tempfile.TemporaryDirectory(prefix="vgp-diagrams-") as d:
        tex = Path(d) / "fig.tex"
        tex.write_text(_PREAMBLE + body + "\\end{document}\n", encoding="utf-8")
        r = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode",
                            "-halt-on-error", "fig.tex"], cwd=d, capture_output=True,
                           timeout=timeout)
        if r.returncode != 0 or not (Path(d) / "fig.pdf").is_file():
            log = r.stdout.decode("utf-8", "replace").splitlines()
            raise LmsError("the network diagrams do not compile: "
                           + " | ".join(l for l in log[-12:] if l.strip()))
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "fig.pdf", "page"], cwd=d,
                       check=True, capture_output=True, timeout=timeout)
        pages = sorted(Path(d).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
        if len(pages) != len(sources):
            raise LmsError(f"{len(sources)} diagrams gave {len(pages)} images")
        return [p.read_bytes() for p in pages]
