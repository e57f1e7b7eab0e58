"""`vgp render`'s work: .tex per student, PDFs in parallel, and the class's key.csv.

Order matters for "no half-written output": every student's set is drawn and solved first (bad
input fails before anything is written), then the .tex files are written (an older key.csv and
older PDFs, which would not match them, are removed), then compiled, and ``key.csv`` is written
last, atomically, only when everything before it succeeded.

Layout of ``out/``::

    key.csv  manifest.json     (see homework/manifest.py)
    <student>/problems.tex  problems.pdf  solutions.tex  solutions.pdf
    <student>/.latex/       latexmk's auxiliary files and logs

``<student>`` is the student id when it is a safe file name, else a safe form of it plus a hash.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import shutil
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable

from ..fileio import atomic_write_text
from .latex import make_env, unsupported_characters
from ..csvsafe import rows_text
from ..question import KEY_COLUMNS, mistakes_cell
from .manifest import write_manifest
from .model import Assignment, HomeworkError, Student, StudentSet
from .sets import student_set

__all__ = ["DOCUMENTS", "RenderResult", "render_assignment", "student_dirs",
           "render_all", "render_tex", "write_tex", "compile_pdfs", "latexmk_command",
           "check_tex", "key_rows", "key_csv_text", "decimal17", "TexMissing", "LatexFailure",
           "TEX_INSTALL"]

DOCUMENTS = ("problems", "solutions")
TEX_INSTALL = ("sudo apt-get install latexmk texlive-latex-base texlive-latex-recommended "
               "texlive-latex-extra texlive-fonts-recommended")
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_TIMEOUT = 180  # seconds per document; a TeX loop is a failure, not a hang
_MIN_CHUNK = 16  # students per process below which a process pool costs more than it saves


class TexMissing(HomeworkError):
    """latexmk or pdflatex is not installed."""


class LatexFailure(HomeworkError):
    """A document did not compile; ``str()`` names the student and the log line."""


@dataclass(frozen=True)
class RenderResult:
    out: Path
    students: tuple[Student, ...]
    dirs: dict                       # student_id -> Path
    key: Path
    key_rows: tuple[dict, ...]       # the rows of key.csv
    pdf: bool
    seconds_tex: float
    seconds_pdf: float
    warnings: tuple[str, ...] = ()


# -- names -----------------------------------------------------------------------------------
def student_dirs(students: Iterable[Student], out: Path) -> dict[str, Path]:
    """A directory per student, safe on every file system (case-insensitive ones too).

    >>> ids = ("s1", "../x", "S1")
    >>> d = student_dirs([Student(s, "", 2) for s in ids], Path("o"))
    >>> d["../x"].name.startswith("x-"), d["s1"] != d["S1"]
    (True, True)
    """
    students = list(students)
    base = {}
    for s in students:
        sid = s.student_id
        if _SAFE.match(sid) and sid not in (".", ".."):
            base[sid] = sid
        else:
            slug = re.sub(r"[^A-Za-z0-9._-]+", "_", sid).strip("._-")[:40] or "student"
            base[sid] = f"{slug}-{_hash(sid)}"
    folded: dict[str, int] = {}
    for name in base.values():
        folded[name.lower()] = folded.get(name.lower(), 0) + 1
    out_dirs = {}
    for sid, name in base.items():
        if folded[name.lower()] > 1:  # S1 and s1 would share a directory on macOS/Windows
            name = f"{name}-{_hash(sid)}"
        out_dirs[sid] = out / name
    return out_dirs


def _hash(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()[:8]


# -- key.csv ---------------------------------------------------------------------------------
def decimal17(v) -> str:
    """17 significant digits, plain decimal where reasonable (exactly rounded for Fractions).

    >>> decimal17(Fraction(1249, 500)), decimal17(Fraction(1, 3)), decimal17(Fraction(1, 4**12))
    ('2.498', '0.33333333333333333', '5.9604644775390625e-8')
    """
    with localcontext() as ctx:
        ctx.prec = 17
        if isinstance(v, Fraction):
            d = Decimal(v.numerator) / Decimal(v.denominator)
        else:
            d = +Decimal(float(v))
        d = d.normalize()
        if d == 0:
            return "0"
        exp = d.adjusted()
        if -7 <= exp < 17:
            return format(d, "f")
        return format(d, "e").replace("e-0", "e-").replace("E", "e")


def key_rows(sets: Iterable[StudentSet]) -> list[dict]:
    rows = []
    for s in sets:
        for q in s.questions:
            t = q.tolerance
            rows.append({
                "student_id": s.student.student_id, "question": q.id,
                "answer": decimal17(q.answer),
                "exact": str(q.answer) if isinstance(q.answer, Fraction) else "",
                "rel_tol": "" if t.rel is None else repr(t.rel),
                "abs_tol": "" if t.abs is None else repr(t.abs),
                "sig_figs": "" if t.sig_figs is None else str(t.sig_figs),
                "points": f"{q.points:g}", "class_seed": str(s.class_seed),
                "depends_on": " ".join(q.depends_on), "mistakes": mistakes_cell(q.mistakes)})
    return rows


def key_csv_text(rows: Iterable[dict]) -> str:
    """key.csv from :func:`key_rows` (one row per student and question)."""
    return rows_text([KEY_COLUMNS] + [[r[c] for c in KEY_COLUMNS] for r in rows])


# -- .tex ------------------------------------------------------------------------------------
def _problem_view(pr) -> dict:
    return {"number": pr.number, "type": pr.type, "title": pr.title, "template": pr.template,
            "params": pr.params, "context": pr.context, "questions": pr.questions,
            "by_key": {q.key: q for q in pr.questions}}


def render_tex(env, assignment: Assignment, sset: StudentSet, solutions: bool) -> str:
    problems = [_problem_view(p) for p in sset.problems]
    titles = {q.id: p["title"] for p in problems for q in p["questions"]}
    return env.get_template(assignment.document).render(
        assignment=assignment, student=sset.student, solutions=solutions, problems=problems,
        questions=sset.questions, problem_titles=titles,
        total_points=sum(q.points for q in sset.questions), seed=sset.seed)


def _render_student(env, assignment: Assignment, student: Student, class_seed):
    """Draw, solve and typeset one student: ``({doc: tex}, key rows)``."""
    try:
        sset = student_set(assignment, student, class_seed)
    except HomeworkError as e:
        raise HomeworkError(f"student {student.student_id!r} (roster line {student.line}): "
                            f"{e}") from None
    texts = {}
    for doc in DOCUMENTS:
        try:
            texts[doc] = render_tex(env, assignment, sset, doc == "solutions")
        except Exception as e:  # a template bug: name the template and the student
            raise HomeworkError(f"student {student.student_id!r} ({student.name}): rendering "
                                f"{doc}.tex failed: {_template_error(e)}") from None
    return texts, key_rows([sset])


def _render_chunk(args):
    assignment, students, class_seed = args
    env = make_env(assignment.templates)
    return [_render_student(env, assignment, s, class_seed) for s in students]


def render_all(assignment: Assignment, students: list[Student], class_seed=None,
               jobs: int | None = None) -> list[tuple[dict, list]]:
    """Every student's .tex texts and key rows, in roster order; in ``jobs`` processes for a
    large class (drawing and solving is pure Python: threads would not run in parallel)."""
    jobs = max(1, min(jobs or 1, len(students) // _MIN_CHUNK))
    if jobs == 1:
        return _render_chunk((assignment, students, class_seed))
    size = -(-len(students) // jobs)
    chunks = [(assignment, students[i:i + size], class_seed)
              for i in range(0, len(students), size)]
    ctx = multiprocessing.get_context("fork" if "fork" in
                                      multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        return [r for chunk in pool.map(_render_chunk, chunks) for r in chunk]


def write_tex(results, students: list[Student], dirs: dict[str, Path]) -> None:
    """Write problems.tex and solutions.tex for every student (atomically).

    A PDF from an earlier render is removed with its .tex: it may show another draw.
    """
    for st, (texts, _) in zip(students, results):
        for doc, text in texts.items():
            d = dirs[st.student_id]
            atomic_write_text(d / f"{doc}.tex", text)
            (d / f"{doc}.pdf").unlink(missing_ok=True)


def _template_error(e: Exception) -> str:
    import jinja2
    if isinstance(e, jinja2.TemplateSyntaxError):
        return f"{e.filename or e.name}, line {e.lineno}: {e.message}"
    if isinstance(e, jinja2.TemplateError):
        return f"{type(e).__name__}: {e}"
    return f"{type(e).__name__}: {e}"


# -- PDFs ------------------------------------------------------------------------------------
def check_tex() -> None:
    """Raise :class:`TexMissing` with install instructions when latexmk/pdflatex are absent."""
    missing = [p for p in ("latexmk", "pdflatex") if shutil.which(p) is None]
    if missing:
        raise TexMissing(f"{' and '.join(missing)} not found: install TeX Live with\n  "
                         f"{TEX_INSTALL}\n(or render with --no-pdf to write only the .tex files "
                         "and key.csv)")


def latexmk_command(tex_name: str, outdir: str = ".latex") -> list[str]:
    """latexmk with pdflatex, no shell escape, no rc files, stopping at the first error.

    ``-norc`` keeps a user's or project's latexmkrc from changing the command (or enabling
    shell escape); ``-no-shell-escape`` is passed to pdflatex itself.
    """
    return ["latexmk", "-norc", "-pdf", "-interaction=nonstopmode", "-halt-on-error",
            "-file-line-error", "-silent", f"-outdir={outdir}",
            "-pdflatex=pdflatex -no-shell-escape %O %S",
            tex_name]


def tex_env() -> dict:
    """Environment for pdflatex: reproducible PDFs, no reading outside the tree (paranoid)."""
    env = dict(os.environ)
    env.update(SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1", openin_any="p", openout_any="p",
               shell_escape="f")
    return env


@dataclass(frozen=True)
class _Job:
    student: Student
    directory: Path
    doc: str


def _compile_one(job: _Job) -> str | None:
    """Compile one document; return None or an error message (first error line of the log)."""
    d = job.directory
    try:
        r = subprocess.run(latexmk_command(f"{job.doc}.tex"), cwd=d, env=tex_env(),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"{job.doc}.tex: latexmk did not finish within {_TIMEOUT} s"
    except OSError as e:
        return f"{job.doc}.tex: cannot run latexmk: {e.strerror}"
    built = d / ".latex" / f"{job.doc}.pdf"
    if r.returncode != 0 or not built.is_file():
        log = d / ".latex" / f"{job.doc}.log"
        return f"{job.doc}.tex: {first_error(log, r.stdout)} (log: {log})"
    os.replace(built, d / f"{job.doc}.pdf")  # the PDF appears only once it is complete
    return None


def first_error(log: Path, output: bytes = b"") -> str:
    r"""The first error line of a TeX log: ``file:line: message`` or ``! message``.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.log"
    >>> _ = p.write_text("This is pdfTeX\n./x.tex:12: Undefined control sequence.\nl.12 \\foo\n")
    >>> first_error(p)
    './x.tex:12: Undefined control sequence. [l.12 \\foo]'
    """
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    lines = text.splitlines()
    for i, ln in enumerate(lines):
        if re.match(r"^(\S[^:]*):(\d+): ", ln) or ln.startswith("! "):
            ctx = next((l.strip() for l in lines[i + 1:i + 8] if re.match(r"^l\.\d+", l)), "")
            return ln.strip() + (f" [{ctx}]" if ctx else "")
    tail = [l for l in output.decode("utf-8", "replace").splitlines() if l.strip()]
    return tail[-1] if tail else "latexmk failed without a log"


def compile_pdfs(students: list[Student], dirs: dict[str, Path], jobs: int | None = None,
                 on_done: Callable[[], None] | None = None) -> None:
    """Compile every student's documents, ``jobs`` at a time (default: the number of cores).

    Threads suffice: each job waits on its own latexmk process. Raises :class:`LatexFailure`
    naming the first failing student (in roster order), after all jobs finished.
    """
    check_tex()
    work = [_Job(s, dirs[s.student_id], doc) for s in students for doc in DOCUMENTS]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(work)))
    errors: dict[int, str] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_compile_one, j): i for i, j in enumerate(work)}
        for f in as_completed(futures):
            msg = f.result()
            if msg:
                errors[futures[f]] = msg
            if on_done:
                on_done()
    if errors:
        i = min(errors)
        st = work[i].student
        more = f" ({len(errors) - 1} more document(s) failed)" if len(errors) > 1 else ""
        raise LatexFailure(f"LaTeX failed for student {st.student_id!r} ({st.name}, roster line "
                           f"{st.line}): {errors[i]}{more}")


def render_assignment(assignment: Assignment, students: list[Student], out, *,
                      class_seed: int | None = None, pdf: bool = True, jobs: int | None = None,
                      on_progress: Callable[[int], Callable[[], None]] | None = None
                      ) -> RenderResult:
    """Everything ``vgp render`` does; raises :class:`HomeworkError` with a clear message.

    ``on_progress(total)`` is called before compiling and returns the per-document callback
    (the CLI passes a progress bar).
    """
    out = Path(out)
    if pdf:
        check_tex()  # before writing anything
    t0 = time.perf_counter()
    results = render_all(assignment, students, class_seed, jobs)   # fails before any write
    dirs = student_dirs(students, out)
    key = out / "key.csv"
    # an older key would not match the new .tex files if this run fails: it goes first
    key.unlink(missing_ok=True)
    write_tex(results, students, dirs)
    rows = tuple(r for _, rs in results for r in rs)
    t1 = time.perf_counter()
    if pdf:
        cb = on_progress(2 * len(students)) if on_progress else None
        compile_pdfs(students, dirs, jobs, cb)
    t2 = time.perf_counter()
    atomic_write_text(key, key_csv_text(rows))
    write_manifest(out, assignment, class_seed)
    warnings = []
    for s in students:
        bad = unsupported_characters(s.name) + unsupported_characters(s.student_id)
        if bad:
            warnings.append(f"student {s.student_id!r} (line {s.line}): pdflatex cannot typeset "
                            f"{' '.join(bad)}; printed as code points or transliterated")
    return RenderResult(out, tuple(students), dirs, key, rows, pdf, t1 - t0, t2 - t1,
                        tuple(warnings))
