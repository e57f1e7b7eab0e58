"""What grading writes: the gradebook CSV, a feedback file per student, statistics, a histogram.

Every file is written atomically (temporary file + rename), so a crash leaves the previous
file or none, never half a gradebook. For a large class :func:`write_outputs` writes part of
the feedback files and draws the histogram in forked processes (they inherit the result: nothing
is copied back), while this process writes the rest.

The gradebook has one row per roster student — points per question, the diagnosis per
question, total, maximum, the input lines graded and any problems with that student's rows —
followed by one row per input line that belongs to no roster student (``status = invalid``,
with the reason). Together they account for every input line.

Every cell goes through the one CSV formula guard, :func:`vgp_symbolic.csvsafe.safe_cell`, so
``=cmd|' /C calc'!A0`` is shown, never run.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import os
import statistics
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..csvsafe import _num, safe_cell, safe_row
from ..fileio import atomic_open, atomic_write_bytes, staged_dir
from .diagnose import _show
from .engine import ClassResult, StudentResult

__all__ = ["GRADEBOOK", "REJECTED", "FEEDBACK", "HISTOGRAM", "write_outputs", "rejected_rows",
           "gradebook_rows", "write_gradebook", "write_feedback", "feedback_text",
           "ClassStats", "class_stats", "format_stats", "write_histogram", "feedback_name",
           "md_text"]

GRADEBOOK, REJECTED, FEEDBACK, HISTOGRAM = ("gradebook.csv", "rejected.csv", "feedback",
                                             "histogram.png")
MAX_NOTES = 3          # problems named in a student's notes cell; all are in rejected.csv
FORK_FROM = 500        # students from which write_outputs writes in forked processes too


def _clip(s: str, limit: int = 200) -> str:
    return s if len(s) <= limit else s[:limit] + "…"


def gradebook_rows(result: ClassResult) -> list[list[str]]:
    """The gradebook as rows of cells (header first), already made spreadsheet-safe."""
    q = result.question_ids
    header = (["student_id", "name"] + q + [f"{i} diagnosis" for i in q]
              + ["total", "max", "status", "lines", "notes"])
    rows = [header]
    for s in result.students:
        status = "graded" if s.submitted else "no answers"
        notes = [f"line {p.line}: {_clip(p.reason, 120)}" for p in s.problems[:MAX_NOTES]]
        if len(s.problems) > MAX_NOTES:
            notes.append(f"{len(s.problems) - MAX_NOTES} more line(s) not graded, all in "
                         f"{REJECTED}")
        if not s.submitted and not s.problems:
            notes.append("no answers submitted")
        rows.append([s.student_id, s.name]
                    + [_num(s.results[i].points) if i in s.results else "" for i in q]
                    + [_diag_cell(s, i) for i in q]
                    + [_num(s.total), _num(s.max_total), status,
                       " ".join(map(str, s.lines)), "; ".join(notes)])
    for p in result.unattached:
        rows.append([_clip(p.raw_student, 100), ""] + [""] * (2 * len(q))
                    + ["", "", "invalid", str(p.line), _clip(f"line {p.line}: {p.reason}", 500)])
    return [[safe_cell(c) for c in r] for r in rows]


def rejected_rows(result: ClassResult) -> list[list[str]]:
    """Every input line that was not graded: line, student, question, reason (header first).
    With the graded lines they account for every data line of the answers file."""
    rows = [["line", "student_id", "question", "reason"]]
    for p in sorted(result.sheet.problems, key=lambda p: p.line):
        rows.append([str(p.line), p.student_id or p.raw_student, p.question, p.reason])
    return rows


def _diag_cell(s: StudentResult, qid: str) -> str:
    r = s.results.get(qid)
    if r is None:
        return ""
    d = r.diagnosis
    return f"{d.id}+{d.rounding}" if d.rounding else d.id


def write_gradebook(result: ClassResult, path) -> None:
    """Write the gradebook CSV atomically (UTF-8, with a BOM so Excel reads the names)."""
    with atomic_open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(gradebook_rows(result))


def write_outputs(result: ClassResult, out, title: str = "", jobs: int | None = None
                  ) -> dict[str, Path]:
    """Write every output of `vgp grade` into the folder ``out`` as one set: the gradebook,
    ``rejected.csv``, a feedback file per student and the histogram are built in a staging
    folder and swapped in whole, so a run killed at any moment leaves the previous complete
    set (see :func:`vgp_symbolic.fileio.staged_dir`). From :data:`FORK_FROM` students, ``jobs``
    processes (default: the number of cores) share the work where the system forks."""
    out = Path(out)
    jobs = (jobs or os.cpu_count() or 1) if len(result.students) >= FORK_FROM else 1
    with staged_dir(out) as tmp:
        histogram = _forked(jobs > 1, write_histogram, result, tmp / HISTOGRAM, title, False)
        try:
            write_tables(result, tmp)
            write_feedback(result, tmp / FEEDBACK, title, jobs)
        except BaseException:
            histogram(cancel=True)
            raise
        histogram()
    return {"gradebook": out / GRADEBOOK, "rejected": out / REJECTED,
            "feedback": out / FEEDBACK, "histogram": out / HISTOGRAM}


def write_tables(result: ClassResult, folder) -> None:
    """The gradebook and ``rejected.csv`` into ``folder`` (a staging folder: no fsync per file;
    UTF-8 with a BOM so Excel reads the names). `vgp grade` and `vgp import` both write them."""
    folder = Path(folder)
    with open(folder / GRADEBOOK, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(gradebook_rows(result))
    with open(folder / REJECTED, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(safe_row(r) for r in rejected_rows(result))


def _forked(fork: bool, fn, *args):
    """Start ``fn(*args)`` in a forked process (when ``fork`` and the system forks); returns
    ``wait(cancel=False)``. A child that failed is run again here by ``wait``, so that its
    error is raised as it would have been without the fork; ``cancel`` stops the child."""
    import multiprocessing
    if not fork or "fork" not in multiprocessing.get_all_start_methods():
        fn(*args)
        return lambda cancel=False: None
    child = multiprocessing.get_context("fork").Process(target=_quietly, args=(fn, *args))
    child.start()

    def wait(cancel=False):
        if cancel:
            child.terminate()
        child.join()
        if child.exitcode != 0 and not cancel:
            fn(*args)
    return wait


def _quietly(fn, *args):
    """A forked child's work: its error is reported by the parent re-running it, not here."""
    try:
        fn(*args)
    except BaseException:        # noqa: BLE001 — any failure: exit code 1, no traceback
        os._exit(1)


# -- feedback ----------------------------------------------------------------------------------
def feedback_name(student_id: str) -> str:
    """A file name for a student's feedback: the id when it is filename-safe, else a slug + hash.
    It never starts with ``-`` or ``.`` (no option to a shell command, no hidden file).

    >>> feedback_name("s001"), feedback_name("../etc/passwd")[:13], feedback_name("-rf")[:4]
    ('s001.md', '___etc_passwd', '_rf-')
    """
    slug = re.sub(r"[^A-Za-z0-9._-]", "_", student_id)[:60]
    slug = re.sub(r"^[.-]+", lambda m: "_" * len(m.group()), slug) or "student"
    if slug == student_id:
        return slug + ".md"
    h = hashlib.sha1(student_id.encode("utf-8", "replace")).hexdigest()[:8]
    return f"{slug}-{h}.md"


# every character that ends a line somewhere (str.splitlines' set), and other controls
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MD_PUNCT = re.compile(r"([\\`*_\[\]~|#!])")


def md_text(s, limit: int = 300) -> str:
    r"""Text from a roster, an answers file or a label, made inert in Markdown and HTML: one
    line, Markdown punctuation escaped, ``< > &`` as entities, no autolink.

    >>> md_text("Bobby\n# Injected <iframe src=x>")
    'Bobby \\# Injected &lt;iframe src=x&gt;'
    >>> md_text("[x](javascript:alert(1)) http://e.vil")
    '\\[x\\](javascript:alert(1)) http:\\/\\/e.vil'
    """
    s = _BREAKS.sub(" ", _clip(str(s), limit))
    s = _MD_PUNCT.sub(r"\\\1", s)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("://", r":\/\/").replace("www.", r"www\.")


def _md_code(s: str) -> str:
    """A student's answer as a Markdown code span (shown literally, never rendered)."""
    s = _BREAKS.sub(" ", _clip(str(s), 80)).replace("`", "'")
    return "`` " + s + " ``"


def feedback_text(s: StudentResult, title: str = "") -> str:
    """The Markdown feedback for one student: per question the answer given, the verdict and
    why, the correct answer, and — when not full marks — the precision that is accepted."""
    who = md_text(s.student_id) if not s.name else f"{md_text(s.name)} ({md_text(s.student_id)})"
    out = [f"# {_md_same(title) + ' — ' if title else ''}feedback for {who}", "",
           f"**Total: {_num(s.total)} / {_num(s.max_total)}**", ""]
    if not s.submitted:
        out += ["No answers were received for you.", ""]
    for qid, r in s.results.items():
        out += _question_lines(qid, r)
    if s.problems:
        out += ["## Lines of your submission that were not graded", ""]
        out += [f"- line {p.line}: {md_text(p.reason)}" for p in s.problems] + [""]
    return "\n".join(out)


def _question_lines(qid: str, r) -> list[str]:
    d = r.diagnosis
    out = [f"## {_md_same(qid)} — {_num(r.points)} / {_num(r.max_points)}", ""]
    if r.prompt:
        out += [f"> {_md_same(r.prompt)}", ""]
    out.append(f"- your answer: {_md_code(r.text) if r.text and r.text.strip() else '(none)'}")
    verdict = f"- verdict: **{_VERDICT[d.status]}**"
    out.append(verdict + (f" — {md_text(d.message)}" if d.message and d.status != "correct"
                          else ""))
    shown = d.expected or (_show(r.answer) if r.answer is not None else "")
    if shown:
        out.append(f"- correct answer: {md_text(shown)}")
    if d.status != "correct" and r.tolerance is not None:
        out.append(_accepted(r.tolerance))
    out.append("")
    return out


@lru_cache(maxsize=1024)
def _md_same(s) -> str:
    """:func:`md_text` of a text every student shares (a question id or prompt, the title)."""
    return md_text(s)


@lru_cache(maxsize=256)
def _accepted(tolerance) -> str:
    t = tolerance.given
    return f"- accepted: {t.describe()} — {t.instruction()}"


_VERDICT = {"correct": "correct", "ecf": "correct with error carried forward",
            "mistake": "recognised mistake", "rounding": "rounding slip", "wrong": "wrong",
            "unreadable": "unreadable answer", "blank": "no answer"}


def write_feedback(result: ClassResult, directory, title: str = "", jobs: int = 1
                   ) -> list[Path]:
    """Write ``<directory>/<student_id>.md`` for every roster student; return the paths.

    The files are plain writes: ``directory`` is expected to be a staging folder made durable
    and swapped in whole by :func:`vgp_symbolic.fileio.staged_dir`. With ``jobs`` > 1, forked
    processes write all but the first share.
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    paths, used = [], set()
    for s in result.students:
        name = feedback_name(s.student_id)
        if name.lower() in used:          # case-insensitive file systems
            h = hashlib.sha1(s.student_id.encode("utf-8", "replace")).hexdigest()[:8]
            name = f"{name[:-3]}-{h}.md"
        used.add(name.lower())
        paths.append(d / name)
    pairs = list(zip(result.students, paths))
    size = max(-(-len(pairs) // max(jobs, 1)), 1)
    waits = [_forked(True, _write_texts, pairs[i:i + size], title)
             for i in range(size, len(pairs), size)]
    try:
        _write_texts(pairs[:size], title)
    except BaseException:
        for wait in waits:
            wait(cancel=True)
        raise
    for i, wait in enumerate(waits):
        try:
            wait()
        except BaseException:
            for later in waits[i + 1:]:
                later(cancel=True)
            raise
    return paths


def _write_texts(pairs, title: str) -> None:
    for s, p in pairs:
        p.write_text(feedback_text(s, title), encoding="utf-8")


# -- statistics --------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionStats:
    id: str
    max_points: float
    mean: float
    correct: int                  # full marks
    answered: int                 # a non-blank answer
    submitted: int                # students who submitted anything: blanks count here
    diagnoses: tuple[tuple[str, int], ...]   # most common non-correct diagnoses


@dataclass(frozen=True)
class ClassStats:
    roster: int
    submitted: int
    max_total: float
    mean: float
    median: float
    stdev: float
    low: float
    high: float
    input_lines: int
    graded_lines: int
    invalid_lines: int
    questions: tuple[QuestionStats, ...]


def class_stats(result: ClassResult) -> ClassStats:
    """Statistics over the students who submitted anything (non-submitters are counted apart)."""
    sub = [s for s in result.students if s.submitted]
    totals = [s.total for s in sub] or [0.0]
    outcomes = result.line_outcomes()
    qs = []
    for qid in result.question_ids:
        rs = [s.results[qid] for s in sub if qid in s.results]
        c = Counter(r.diagnosis.id for r in rs if r.diagnosis.status != "correct")
        qs.append(QuestionStats(
            qid, result.points[qid], statistics.fmean([r.points for r in rs]) if rs else 0.0,
            sum(r.diagnosis.status == "correct" for r in rs),
            sum(r.diagnosis.status != "blank" for r in rs), len(rs), tuple(c.most_common(3))))
    max_total = max((s.max_total for s in result.students), default=0.0)
    return ClassStats(
        len(result.students), len(sub), max_total, statistics.fmean(totals),
        statistics.median(totals), statistics.pstdev(totals), min(totals), max(totals),
        len(result.sheet.data_lines), sum(v == "graded" for v in outcomes.values()),
        sum(v != "graded" for v in outcomes.values()), tuple(qs))


def format_stats(st: ClassStats) -> str:
    """Class statistics as a few lines of plain text for the terminal."""
    out = [f"students: {st.roster} on the roster, {st.submitted} submitted",
           f"input: {st.input_lines} data lines, {st.graded_lines} graded, "
           f"{st.invalid_lines} invalid",
           f"total (of {_num(st.max_total)}): mean {st.mean:.2f}, median {_num(st.median)}, "
           f"sd {st.stdev:.2f}, min {_num(st.low)}, max {_num(st.high)}"]
    w = max([len(q.id) for q in st.questions] + [8])
    out.append(f"{'question':<{w}}  {'mean':>11}  {'correct':>10}  most common diagnoses "
               "(blanks are no_answer)")
    for q in st.questions:
        slips = ", ".join(f"{i} ×{n}" for i, n in q.diagnoses) or "-"
        out.append(f"{q.id:<{w}}  {q.mean:>5.2f} / {_num(q.max_points):<3}  "
                   f"{q.correct:>4}/{q.submitted:<5}  {slips}")
    return "\n".join(out)


def write_histogram(result: ClassResult, path, title: str = "", atomic: bool = True) -> None:
    """A histogram of the totals of students who submitted, as PNG (written atomically unless
    ``atomic`` is False: inside a staging folder)."""
    # A bare Figure renders with the Agg canvas and never touches pyplot's global backend.
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    totals = [s.total for s in result.students if s.submitted]
    max_total = max((s.max_total for s in result.students), default=1.0) or 1.0
    fig = Figure(figsize=(6, 3.6), dpi=100)
    ax = fig.subplots()
    bins = min(20, max(5, int(max_total))) if max_total >= 1 else 10
    ax.hist(totals, bins=bins, range=(0, max_total), color="#4472c4", edgecolor="white")
    ax.set_xlabel(f"total points (of {_num(max_total)})")
    ax.set_ylabel("students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"{title + ': ' if title else ''}totals of {len(totals)} students")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    if atomic:
        atomic_write_bytes(path, buf.getvalue())
    else:
        Path(path).write_bytes(buf.getvalue())
