r"""Compiling many students' documents fast: one TeX run per batch, pages split per student.

Loading the fonts that set every script costs LuaLaTeX about a second per run, more than
typesetting one student's pages. So documents whose preambles are equal are compiled together:
the batch is the shared preamble, then each document's body after a marker that starts a new
page and writes ``vgp-document <i> after page <n>`` to the log. The log tells where each
document's pages start, which overfull lines and missing characters belong to it; pypdf cuts the
batch PDF into one PDF per document and gives each its own metadata. A batch that fails is
compiled again one document at a time, so that one broken document names its student and does
not take the others down.

No shell escape, no reading or writing outside the build folder (``openin_any=p``), one TeX
run (the templates use ``\nofiles``: nothing to resolve in a second run).

>>> split_document("\\documentclass{article}\n\\begin{document}\nHi\n\\end{document}\n")
('\\documentclass{article}\n', 'Hi\n', 3)
"""
from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .model import HomeworkError

__all__ = ["Document", "CompileReport", "TexMissing", "LatexFailure", "find_engine",
           "split_document", "compile_documents", "parse_log", "tex_command", "tex_env",
           "first_error", "OVERFULL_PT", "MAX_BATCH", "TEX_INSTALL"]

TEX_INSTALL = ("sudo apt-get install texlive-luatex texlive-latex-base texlive-latex-recommended "
               "texlive-latex-extra texlive-fonts-recommended fonts-noto-core fonts-noto-cjk")
OVERFULL_PT = 1.0     # a line sticking out further than this is reported
MAX_BATCH = 40        # documents per TeX run: bounds the work redone when a batch fails
_TIMEOUT = 600        # seconds per TeX run; a loop is a failure, not a hang
_MARK = re.compile(r"^vgp-document (\d+|end) after page (\d+)$")
_OVERFULL = re.compile(r"^Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\) (.*)$")
_MISSING = re.compile(r"^Missing character: There is no (.+?) in font")
_LINES = re.compile(r"lines? (\d+)")


class TexMissing(HomeworkError):
    """No TeX engine is installed."""


class LatexFailure(HomeworkError):
    """A document did not compile; ``str()`` names the student and the log line."""


@dataclass(frozen=True)
class Document:
    """One PDF to make: its LaTeX, where it goes, its metadata and who it is for (messages)."""

    tex: str
    target: Path
    label: str                    # e.g. "student 's001' (Ada Lovelace, roster line 2), handout"
    info: dict = field(default_factory=dict)   # PDF Info: Title, Author, Subject, Keywords


@dataclass
class CompileReport:
    overfull: list[tuple[str, float, str]] = field(default_factory=list)  # label, pt, where
    missing: list[tuple[str, str]] = field(default_factory=list)          # label, character
    runs: int = 0                                                         # TeX runs made

    def warnings(self) -> list[str]:
        out = [f"{label}: a line is {pt:g} pt too wide ({where})"
               for label, pt, where in self.overfull]
        by_label: dict[str, list[str]] = {}
        for label, ch in self.missing:
            by_label.setdefault(label, []).append(ch)
        out += [f"{label}: no font has {', '.join(sorted(set(chs)))}; left out of the PDF"
                for label, chs in by_label.items()]
        return out


def find_engine(prefer: str | None = None) -> tuple[str, str | None]:
    """(engine, warning): LuaLaTeX when installed, else pdflatex with a warning.

    ``prefer`` forces one (``"lualatex"`` or ``"pdflatex"``); a forced engine that is missing,
    or no engine at all, raises :class:`TexMissing`.
    """
    if prefer:
        if shutil.which(prefer) is None:
            raise TexMissing(f"{prefer} not found: install TeX Live with\n  {TEX_INSTALL}")
        return prefer, None
    if shutil.which("lualatex"):
        return "lualatex", None
    if shutil.which("pdflatex"):
        return "pdflatex", ("lualatex not found: compiling with pdflatex, which cannot set "
                            "names in every script (install texlive-luatex)")
    raise TexMissing(f"no TeX engine (lualatex or pdflatex) found: install TeX Live with\n  "
                     f"{TEX_INSTALL}\n(or render with --no-pdf to write only the .tex files "
                     "and key.csv)")


def split_document(tex: str) -> tuple[str, str, int]:
    r"""(preamble, body, line of the body's first line): the text around ``\begin{document}``
    and ``\end{document}``, each alone on its line."""
    b = tex.find("\n\\begin{document}\n")
    e = tex.rfind("\n\\end{document}")
    if b < 0 or e < b:
        raise ValueError("a document needs \\begin{document} and \\end{document} on lines "
                         "of their own")
    start = b + len("\n\\begin{document}\n")
    return tex[:b + 1], tex[start:e + 1], tex.count("\n", 0, start) + 1


def tex_command(engine: str, name: str) -> list[str]:
    """The TeX run: no shell escape, stop at the first error, errors as file:line:."""
    return [engine, "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
            "-no-shell-escape", name]


def tex_env(epoch: int) -> dict:
    """Reproducible PDFs dated ``epoch``; no reading or writing outside the build folder;
    log lines unwrapped (the log is parsed)."""
    env = dict(os.environ)
    env.update(SOURCE_DATE_EPOCH=str(epoch), FORCE_SOURCE_DATE="1", openin_any="p",
               openout_any="p", shell_escape="f", max_print_line="100000")
    return env


def _batch_tex(preamble: str, bodies: list[str]) -> tuple[str, list[int]]:
    """The batch document, and the line in it where each body starts."""
    head = (preamble +
            "\\tracinglostchars=2\n"
            "\\newcommand{\\vgpdocument}[1]{\\clearpage"
            "\\typeout{vgp-document #1 after page \\the\\ReadonlyShipoutCounter}"
            "\\setcounter{page}{1}\\setcounter{footnote}{0}}\n"
            "\\begin{document}\n")
    parts, starts = [head], []
    line = head.count("\n") + 1
    for i, body in enumerate(bodies):
        parts.append(f"\\vgpdocument{{{i}}}\n")
        starts.append(line + 1)
        parts.append(body)
        line += 1 + body.count("\n")
    parts.append("\\vgpdocument{end}\n\\end{document}\n")
    return "".join(parts), starts


@dataclass
class _Parsed:
    starts: dict            # index -> first page (0-based) in the batch PDF
    overfull: dict          # index -> [(pt, batch line or "")]
    missing: dict           # index -> [character]
    end: int | None = None  # pages in all


def parse_log(log: str) -> _Parsed:
    """Page ranges, overfull lines and missing characters per document of a batch log.

    >>> p = parse_log("vgp-document 0 after page 0\\nOverfull \\\\hbox (8.6pt too wide) "
    ...               "in paragraph at lines 40--41\\nvgp-document end after page 3\\n")
    >>> p.starts, p.overfull, p.end
    ({0: 0}, {0: [(8.6, 40)]}, 3)
    """
    p = _Parsed({}, {}, {})
    cur = None
    for ln in log.splitlines():
        m = _MARK.match(ln)
        if m:
            if m.group(1) == "end":
                p.end, cur = int(m.group(2)), None
            else:
                cur = int(m.group(1))
                p.starts[cur] = int(m.group(2))
            continue
        if cur is None:
            continue
        m = _OVERFULL.match(ln)
        if m:
            lm = _LINES.search(m.group(2))
            p.overfull.setdefault(cur, []).append((float(m.group(1)),
                                                   int(lm.group(1)) if lm else None))
            continue
        m = _MISSING.match(ln)
        if m:
            p.missing.setdefault(cur, []).append(m.group(1))
    return p


def first_error(log: str, output: str = "") -> str:
    r"""The first error line of a TeX log: ``file:line: message`` or ``! message``.

    >>> first_error("This is LuaHBTeX\n./x.tex:12: Undefined control sequence.\nl.12 \\foo\n")
    './x.tex:12: Undefined control sequence. [l.12 \\foo]'
    """
    lines = log.splitlines()
    for i, ln in enumerate(lines):
        if re.match(r"^(\S[^:]*):(\d+): ", ln) or ln.startswith("! "):
            ctx = next((l.strip() for l in lines[i + 1:i + 8] if re.match(r"^l\.\d+", l)), "")
            return ln.strip() + (f" [{ctx}]" if ctx else "")
    tail = [l for l in output.splitlines() if l.strip()]
    return tail[-1] if tail else "TeX failed without a log"


def _error_line(msg: str, starts: list[int], body_lines: list[int]) -> str:
    """Rewrite ``batch.tex:N:`` as the line of the student's own .tex file."""
    m = re.match(r"^\S*?batch\.tex:(\d+): ", msg)
    if not m or not starts:
        return msg
    n = int(m.group(1))
    i = max((k for k, s in enumerate(starts) if s <= n), default=0)
    own = n - starts[i] + body_lines[i]
    return f"line {own}: " + msg[m.end():]


@dataclass
class _Batch:
    preamble: str
    docs: list[Document]
    bodies: list[str]
    body_lines: list[int]


def _run_batch(batch: _Batch, engine: str, epoch: int, build: Path):
    """Compile one batch in its own folder and write the split PDFs. Returns
    ``({doc index: error message}, {doc index: (parsed log, index in it, body start lines)})``."""
    work = Path(tempfile.mkdtemp(prefix="batch-", dir=build))
    text, starts = _batch_tex(batch.preamble, batch.bodies)
    (work / "batch.tex").write_text(text, encoding="utf-8")
    every = range(len(batch.docs))
    try:
        r = subprocess.run(tex_command(engine, "batch.tex"), cwd=work, env=tex_env(epoch),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {i: f"{engine} did not finish within {_TIMEOUT} s" for i in every}, {}
    log = (work / "batch.log").read_text(encoding="utf-8", errors="replace") \
        if (work / "batch.log").is_file() else ""
    pdf = work / "batch.pdf"
    parsed = parse_log(log)
    if r.returncode != 0 or not pdf.is_file() or parsed.end is None \
            or len(parsed.starts) != len(batch.docs):
        msg = _error_line(first_error(log, r.stdout.decode("utf-8", "replace")), starts,
                          batch.body_lines)
        return {i: msg for i in every}, {}
    _split(pdf, parsed, batch.docs, epoch)
    shutil.rmtree(work, ignore_errors=True)
    return {}, {i: (parsed, i, starts) for i in every}


def _run_with_fallback(batch: _Batch, engine: str, epoch: int, build: Path):
    """A batch; when it fails, each of its documents alone (to name the broken one and keep
    the others). Returns (errors, parsed logs, TeX runs) as :func:`_run_batch`."""
    errs, parsed = _run_batch(batch, engine, epoch, build)
    if not errs or len(batch.docs) == 1:
        return errs, parsed, 1
    errs, parsed = {}, {}
    for i, d in enumerate(batch.docs):
        one = _Batch(batch.preamble, [d], [batch.bodies[i]], [batch.body_lines[i]])
        e, p = _run_batch(one, engine, epoch, build)
        if e:
            errs[i] = e[0]
        else:
            parsed[i] = p[0]
    return errs, parsed, 1 + len(batch.docs)


def _split(pdf: Path, parsed: _Parsed, docs: list[Document], epoch: int) -> None:
    from pypdf import PdfReader, PdfWriter
    reader = PdfReader(pdf)
    date = "D:" + datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc) \
        .strftime("%Y%m%d%H%M%S") + "Z"
    for i, doc in enumerate(docs):
        lo = parsed.starts[i]
        hi = parsed.starts.get(i + 1, parsed.end)
        writer = PdfWriter()
        for k in range(lo, hi):
            writer.add_page(reader.pages[k])
        writer.add_metadata({**{f"/{k}": v for k, v in doc.info.items()},
                             "/Creator": "vgp render", "/CreationDate": date, "/ModDate": date})
        doc.target.parent.mkdir(parents=True, exist_ok=True)
        with open(doc.target, "wb") as fh:   # inside the staging folder: swapped in whole
            writer.write(fh)


def _batches(docs: list[Document], jobs: int) -> list[_Batch]:
    """Documents grouped by preamble, each group cut into about ``jobs`` batches (at most
    :data:`MAX_BATCH` documents each), so that every core has work."""
    groups: dict[str, list[tuple[Document, str, int]]] = {}
    for d in docs:
        pre, body, line = split_document(d.tex)
        groups.setdefault(pre, []).append((d, body, line))
    out = []
    for pre, items in groups.items():
        n = max(jobs, -(-len(items) // MAX_BATCH))
        size = max(1, -(-len(items) // n))
        for k in range(0, len(items), size):
            chunk = items[k:k + size]
            out.append(_Batch(pre, [c[0] for c in chunk], [c[1] for c in chunk],
                              [c[2] for c in chunk]))
    return out


def compile_documents(docs: list[Document], engine: str, epoch: int, jobs: int = 1,
                      on_done: Callable[[], None] | None = None) -> CompileReport:
    """Compile ``docs`` into their targets, ``jobs`` TeX runs at a time. Raises
    :class:`LatexFailure` naming the first failing document (in the given order) after all
    batches ran; otherwise reports overfull lines wider than :data:`OVERFULL_PT` and
    characters no font has."""
    report = CompileReport()
    errors: dict[int, str] = {}
    build = Path(tempfile.mkdtemp(prefix="vgp-tex-"))
    index = {id(d): k for k, d in enumerate(docs)}
    try:
        batches = _batches(docs, jobs)
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            runs = pool.map(lambda b: _run_with_fallback(b, engine, epoch, build), batches)
            for batch, (errs, parsed, n) in zip(batches, runs):
                report.runs += n
                for i, d in enumerate(batch.docs):
                    if i in errs:
                        errors[index[id(d)]] = errs[i]
                    else:
                        _collect(report, d, batch.body_lines[i], *parsed[i])
                    if on_done:
                        on_done()
    finally:
        shutil.rmtree(build, ignore_errors=True)
    if errors:
        k = min(errors)
        more = f" ({len(errors) - 1} more document(s) failed)" if len(errors) > 1 else ""
        raise LatexFailure(f"LaTeX failed for {docs[k].label}: {errors[k]}{more}")
    return report


def _collect(report: CompileReport, doc: Document, body_line: int, parsed: _Parsed, j: int,
             starts: list[int]) -> None:
    for pt, line in parsed.overfull.get(j, []):
        if pt > OVERFULL_PT:
            where = f"line {line - starts[j] + body_line} of its .tex" if line else "a box"
            report.overfull.append((doc.label, pt, where))
    for ch in parsed.missing.get(j, []):
        report.missing.append((doc.label, ch))
