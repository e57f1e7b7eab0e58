"""`vgp render`'s work: every student's .tex, their PDFs, and the class's key.csv.

Order matters for "no half-written output": every student's set is drawn and solved first (bad
input fails before anything is written); then the whole output folder is built in a staging
folder (:func:`~vgp_symbolic.fileio.staged_dir`) and swapped in at the end, so that a run that
fails -- or is killed -- leaves the previous complete render, never a mix.

Layout of ``out/`` (handouts and solutions apart: the ``handouts`` folder can be handed out)::

    handouts/<student>.pdf      the problem set
    solutions/<student>.pdf     the worked solutions
    tex/handouts/<student>.tex  tex/solutions/<student>.tex   their LaTeX sources
    key.csv  manifest.json  draws.jsonl   (see homework/manifest.py)

TeX's own intermediate files live in a temporary folder outside ``out/``. ``<student>`` is the
student id when it is a safe file name, else a safe form of it plus a hash.
"""
from __future__ import annotations

import datetime
import hashlib
import multiprocessing
import re
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable

from ..csvsafe import rows_text
from ..fileio import staged_dir
from ..question import KEY_COLUMNS, mistakes_cell
from .compile import (Document, LatexFailure, TexMissing, TEX_INSTALL, compile_documents,
                      find_engine)
from .latex import make_env, unsupported_characters
from .manifest import MANIFEST, draws_line, write_manifest
from .model import Assignment, HomeworkError, Student, StudentSet
from .sets import student_set

__all__ = ["DOCUMENTS", "RenderResult", "render_assignment", "student_names", "render_all",
           "render_tex", "key_rows", "key_csv_text", "decimal17", "source_date_epoch",
           "TexMissing", "LatexFailure", "TEX_INSTALL"]

DOCUMENTS = ("handouts", "solutions")
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_MIN_CHUNK = 16  # students per process below which a process pool costs more than it saves


@dataclass(frozen=True)
class RenderResult:
    out: Path
    students: tuple[Student, ...]
    files: dict                      # (student_id, "handouts" | "solutions") -> PDF path
    key: Path
    key_rows: tuple[dict, ...]       # the rows of key.csv
    pdf: bool
    seconds_tex: float
    seconds_pdf: float
    warnings: tuple[str, ...] = ()
    engine: str = "lualatex"
    tex_runs: int = 0


# -- names -----------------------------------------------------------------------------------
def student_names(students: Iterable[Student]) -> dict[str, str]:
    """A file name per student, safe on every file system (case-insensitive ones too).

    >>> ids = ("s1", "../x", "S1", "s2")
    >>> d = student_names([Student(s, "", 2) for s in ids])
    >>> d["s2"], d["../x"].startswith("x-"), d["s1"].lower() != d["S1"].lower()
    ('s2', True, True)
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
    names = {}
    for sid, name in base.items():
        if folded[name.lower()] > 1:  # S1 and s1 would share a file on macOS/Windows
            name = f"{name}-{_hash(sid)}"
        names[sid] = name
    return names


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
    numbers = {q.id: p["number"] for p in problems for q in p["questions"]}
    # questions whose answer is a property of a function, the same for everyone who has it
    universal = [q.id for p in problems for q in p["questions"]
                 if q.key in p["context"].get("universal", ())]
    return env.get_template(assignment.document).render(
        assignment=assignment, student=sset.student, solutions=solutions, problems=problems,
        questions=sset.questions, problem_titles=titles, problem_numbers=numbers,
        universal=universal,
        date_text=_date_text(assignment.date),
        total_points=sum(q.points for q in sset.questions), seed=sset.seed)


def _date_text(d: datetime.date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else ""


def _render_student(env, assignment: Assignment, student: Student, class_seed):
    """Draw, solve and typeset one student: ``({doc: tex}, key rows, draws line)``."""
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
                                f"the {doc[:-1]} failed: {_template_error(e)}") from None
    return texts, key_rows([sset]), draws_line(sset)


def _render_chunk(args):
    assignment, students, class_seed, engine = args
    env = make_env(list(assignment.templates), engine)
    return [_render_student(env, assignment, s, class_seed) for s in students]


def render_all(assignment: Assignment, students: list[Student], class_seed=None,
               jobs: int | None = None, engine: str = "lualatex"
               ) -> list[tuple[dict, list, str]]:
    """Every student's .tex texts, key rows and draws line, in roster order; in ``jobs``
    processes for a large class (drawing and solving is pure Python: threads would not run in
    parallel)."""
    jobs = max(1, min(jobs or 1, len(students) // _MIN_CHUNK))
    if jobs == 1:
        return _render_chunk((assignment, students, class_seed, engine))
    size = -(-len(students) // jobs)
    chunks = [(assignment, students[i:i + size], class_seed, engine)
              for i in range(0, len(students), size)]
    ctx = multiprocessing.get_context("fork" if "fork" in
                                      multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        return [r for chunk in pool.map(_render_chunk, chunks) for r in chunk]


def _template_error(e: Exception) -> str:
    import jinja2
    if isinstance(e, jinja2.TemplateSyntaxError):
        return f"{e.filename or e.name}, line {e.lineno}: {e.message}"
    return f"{type(e).__name__}: {e}"


# -- the output folder -----------------------------------------------------------------------
def source_date_epoch(assignment: Assignment) -> int:
    """The date stamped into the PDFs: the assignment's ``date`` (midnight UTC), else the day
    the assignment file was last changed -- never 1970, and the same on every re-render.

    >>> from types import SimpleNamespace as NS
    >>> source_date_epoch(NS(date=datetime.date(2026, 10, 5), path=None))
    1791158400
    """
    d = assignment.date
    if d is None:
        try:
            mtime = assignment.path.stat().st_mtime
        except (OSError, AttributeError):
            mtime = time.time()
        d = datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc).date()
    return int(datetime.datetime(d.year, d.month, d.day, tzinfo=datetime.timezone.utc)
               .timestamp())


def _check_replaceable(out: Path) -> None:
    """``out`` is replaced whole: refuse a folder that holds anything but an earlier render."""
    if out.exists() and not out.is_dir():
        raise HomeworkError(f"{out} is a file; --out names the folder to render into")
    if out.is_dir() and not (out / MANIFEST).exists() and any(out.iterdir()):
        raise HomeworkError(f"{out} is not empty and was not written by vgp render: it would be "
                            "replaced whole; choose a new or empty folder")


def _documents(assignment: Assignment, students, results, names, stage: Path) -> list[Document]:
    docs = []
    author = assignment.course or assignment.title
    for st, (texts, *_) in zip(students, results):
        for kind in DOCUMENTS:
            what = "Problem set" if kind == "handouts" else "Worked solutions"
            docs.append(Document(
                texts[kind], stage / kind / f"{names[st.student_id]}.pdf",
                f"student {st.student_id!r} ({st.name}, roster line {st.line}), "
                f"{'handout' if kind == 'handouts' else 'worked solutions'}",
                {"Title": f"{assignment.title}: {what.lower()}", "Author": author,
                 "Subject": f"{what} for {st.name} ({st.student_id})",
                 "Keywords": assignment.id}))
    return docs


def render_assignment(assignment: Assignment, students: list[Student], out, *,
                      class_seed: int | None = None, pdf: bool = True, jobs: int | None = None,
                      engine: str | None = None,
                      on_progress: Callable[[int], Callable[[], None]] | None = None
                      ) -> RenderResult:
    """Everything ``vgp render`` does; raises :class:`HomeworkError` with a clear message.

    ``engine`` forces "lualatex" or "pdflatex" (default: LuaLaTeX when installed).
    ``on_progress(total)`` is called before compiling and returns the per-document callback
    (the CLI passes a progress bar).
    """
    out = Path(out)
    warnings = []
    if pdf:
        engine, why = find_engine(engine)   # before writing anything
        warnings += [why] if why else []
    else:
        engine = engine or ("pdflatex" if shutil.which("pdflatex") and not
                            shutil.which("lualatex") else "lualatex")
    _check_replaceable(out)
    t0 = time.perf_counter()
    results = render_all(assignment, students, class_seed, jobs, engine)  # fails before writes
    names = student_names(students)
    rows = tuple(r for _, rs, _ in results for r in rs)
    files = {(s.student_id, k): out / k / f"{names[s.student_id]}.pdf"
             for s in students for k in DOCUMENTS}
    runs, t1 = 0, t0
    with staged_dir(out) as stage:
        for st, (texts, *_) in zip(students, results):
            for kind, text in texts.items():
                p = stage / "tex" / kind / f"{names[st.student_id]}.tex"
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text, encoding="utf-8")
        t1 = time.perf_counter()
        if pdf:
            cb = on_progress(2 * len(students)) if on_progress else None
            report = compile_documents(_documents(assignment, students, results, names, stage),
                                       engine, source_date_epoch(assignment), jobs or 1, cb)
            warnings += report.warnings()
            runs = report.runs
        (stage / "key.csv").write_text(key_csv_text(rows), encoding="utf-8")
        write_manifest(stage, assignment, class_seed, "".join(d + "\n" for *_, d in results))
    t2 = time.perf_counter()
    if engine == "pdflatex":
        warnings += _unsettable(students)
    return RenderResult(out, tuple(students), files if pdf else {}, out / "key.csv", rows, pdf,
                        t1 - t0, t2 - t1, tuple(warnings), engine, runs)


def _unsettable(students) -> list[str]:
    out = []
    for s in students:
        bad = unsupported_characters(s.name) + unsupported_characters(s.student_id)
        if bad:
            out.append(f"student {s.student_id!r} ({s.name}, roster line {s.line}): pdflatex "
                       f"cannot set {' '.join(bad)}; printed as code points or transliterated "
                       "(install texlive-luatex to print every name as written)")
    return out
