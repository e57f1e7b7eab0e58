"""What grading writes: the gradebook CSV, a feedback file per student, statistics, a histogram.

Every file is written atomically (temporary file + rename), so a crash leaves the previous
file or none, never half a gradebook.

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
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..csvsafe import _num, safe_cell
from ..fileio import atomic_open, atomic_write_bytes, atomic_write_text
from .engine import ClassResult, StudentResult

__all__ = ["gradebook_rows", "write_gradebook", "write_feedback", "feedback_text",
           "ClassStats", "class_stats", "format_stats", "write_histogram", "feedback_name"]

_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
        notes = [f"line {p.line}: {p.reason}" for p in s.problems]
        if not s.submitted and not s.problems:
            notes.append("no answers submitted")
        rows.append([s.student_id, s.name]
                    + [_num(s.results[i].points) if i in s.results else "" for i in q]
                    + [_diag_cell(s, i) for i in q]
                    + [_num(s.total), _num(s.max_total), status,
                       " ".join(map(str, s.lines)), _clip("; ".join(notes), 2000)])
    for p in result.unattached:
        rows.append([_clip(p.raw_student, 100), ""] + [""] * (2 * len(q))
                    + ["", "", "invalid", str(p.line), _clip(f"line {p.line}: {p.reason}", 500)])
    return [[safe_cell(c) for c in r] for r in rows]


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


# -- feedback ----------------------------------------------------------------------------------
def feedback_name(student_id: str) -> str:
    """A file name for a student's feedback: the id when it is filename-safe, else a slug + hash.

    >>> feedback_name("s001"), feedback_name("../etc/passwd")[:12]
    ('s001.md', '_etc_passwd-')
    """
    slug = re.sub(r"[^A-Za-z0-9._-]", "_", student_id)[:60].lstrip(".") or "student"
    if slug == student_id:
        return slug + ".md"
    h = hashlib.sha1(student_id.encode("utf-8", "replace")).hexdigest()[:8]
    return f"{slug}-{h}.md"


def _md(s: str) -> str:
    """Student text inside a Markdown code span: no backticks, no control characters."""
    s = _CTRL.sub("\ufffd", str(s)).replace("`", "'").replace("\n", " ").replace("\r", " ")
    return "`` " + _clip(s, 80) + " ``"


def feedback_text(s: StudentResult, title: str = "") -> str:
    """The Markdown feedback for one student."""
    who = f"{s.name} ({s.student_id})" if s.name else s.student_id
    out = [f"# {title + ' — ' if title else ''}feedback for {who}", "",
           f"**Total: {_num(s.total)} / {_num(s.max_total)}**", ""]
    if not s.submitted:
        out += ["No answers were received for you.", ""]
    for qid, r in s.results.items():
        d = r.diagnosis
        out.append(f"## {qid} — {_num(r.points)} / {_num(r.max_points)}")
        out.append("")
        if r.prompt:
            out += [f"> {r.prompt.strip().replace(chr(10), ' ')}", ""]
        out.append(f"- your answer: {_md(r.text) if r.text and r.text.strip() else '(none)'}")
        out.append(f"- verdict: **{_VERDICT[d.status]}**"
                   + (f" (`{d.id}`)" if d.status in ("mistake", "rounding") else ""))
        if d.message and d.status != "correct":
            out.append(f"- {d.message}")
        if d.status != "correct" and d.expected and d.expected not in d.message:
            out.append(f"- the answer is {d.expected}")
        out.append("")
    if s.problems:
        out += ["## Rows of your submission that were not graded", ""]
        out += [f"- line {p.line}: {p.reason}" for p in s.problems] + [""]
    return "\n".join(out)


_VERDICT = {"correct": "correct", "ecf": "correct with error carried forward",
            "mistake": "recognised mistake", "rounding": "rounding slip", "wrong": "wrong",
            "unreadable": "unreadable answer", "blank": "no answer"}


def write_feedback(result: ClassResult, directory, title: str = "") -> list[Path]:
    """Write ``<directory>/<student_id>.md`` for every roster student; return the paths."""
    d = Path(directory)
    paths, used = [], set()
    for s in result.students:
        name = feedback_name(s.student_id)
        if name.lower() in used:          # case-insensitive file systems
            h = hashlib.sha1(s.student_id.encode("utf-8", "replace")).hexdigest()[:8]
            name = f"{name[:-3]}-{h}.md"
        used.add(name.lower())
        p = d / name
        atomic_write_text(p, feedback_text(s, title))
        paths.append(p)
    return paths


# -- statistics --------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionStats:
    id: str
    max_points: float
    mean: float
    correct: int                  # full marks
    answered: int                 # a non-blank answer
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
            sum(r.diagnosis.status != "blank" for r in rs), tuple(c.most_common(3))))
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
    out.append(f"{'question':<{w}}  {'mean':>11}  {'correct':>8}  most common diagnoses")
    for q in st.questions:
        slips = ", ".join(f"{i} ×{n}" for i, n in q.diagnoses) or "-"
        out.append(f"{q.id:<{w}}  {q.mean:>5.2f} / {_num(q.max_points):<3}  "
                   f"{q.correct:>3}/{q.answered:<4}  {slips}")
    return "\n".join(out)


def write_histogram(result: ClassResult, path, title: str = "") -> None:
    """A histogram of the totals of students who submitted, as PNG (written atomically)."""
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
    atomic_write_bytes(path, buf.getvalue())
