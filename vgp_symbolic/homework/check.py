"""`vgp check`: draw every problem of an assignment for many ids and report what an author should fix.

Four kinds of finding, each naming a file, a line and (where it concerns one) a question id:

* **draws** -- an id for which a problem has no acceptable draw, or whose draw crashes, is an
  *error* (`vgp render` would stop there); re-drawn (degenerate) draws are counted per problem and reason, a *warning* when
  more than a quarter of the ids need one;
* **spread** -- a question whose answer takes fewer than ``min(20, ids/2)`` distinct values over
  the ids (students can copy it), unless its answer table says ``universal = true``;
* **tolerance** -- an absolute tolerance above a tenth of the median |answer| (almost anything
  passes), one below 10⁻¹² of it or a relative one below 10⁻¹² (tighter than the arithmetic), a
  relative tolerance on answers that are zero (only an exact 0 passes);
* **mistakes** -- catalogued mistakes that the tolerance cannot tell apart from the answer or
  from each other (:meth:`~vgp_symbolic.question.Tolerance.near`, the rule draws use): re-drawn
  for drawn parameters (a warning when it costs more than a tenth of the ids a re-draw), dropped
  from the catalogue for fixed ones (a warning: the grader cannot diagnose that mistake).

>>> from pathlib import Path
>>> from .assignment import load_assignment
>>> a = load_assignment(Path(__file__).parents[1] / "problems" / "hw1.toml")
>>> [f for f in check_assignment(a, ids=4) if f.level == "error"]
[]
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..numbers import fmt
from .model import Assignment, HomeworkError, ProblemUse, Student
from .sets import draw_problem, problem_rng, student_seed

__all__ = ["Finding", "check_assignment", "check_ids", "MIN_DISTINCT"]

MIN_DISTINCT = 20          # fewer distinct answers than this over the ids: too easy to share
_REDRAW_WARN = 0.25        # share of ids re-drawn for any reason before it is a warning
_CLASH_WARN = 0.10         # share of ids re-drawn because of one question's mistakes
_GIVE_UP = 3              # ids failed in a row, from the first, before a problem is given up
_TINY = 1e-12              # tolerances below this relative size are tighter than the arithmetic


@dataclass(frozen=True)
class Finding:
    """One thing `vgp check` reports.

    >>> str(Finding("warning", Path("p.toml"), 12, "q1a", "answers hardly vary"))
    'p.toml:12: warning: q1a: answers hardly vary'
    """

    level: str                 # "error" | "warning" | "note"
    path: Path
    line: int | None
    question: str              # question id, or "problem N" for a whole problem
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.level}: {self.question}: {self.message}"


def check_ids(n: int) -> list[str]:
    """The student ids a check draws for (the same every run, so findings reproduce).

    >>> check_ids(3)
    ['s000000', 's000001', 's000002']
    """
    return [f"s{i:06d}" for i in range(n)]


def check_assignment(assignment: Assignment, ids: int = 1000,
                     class_seed: int | None = None) -> list[Finding]:
    """Draw every problem of ``assignment`` for ``ids`` students; the findings, errors first."""
    if ids < 1:
        raise HomeworkError(f"{assignment.path}: --ids must be at least 1, got {ids}")
    cs = assignment.seed if class_seed is None else int(class_seed)
    findings = []
    for use in assignment.problems:
        findings += _check_problem(assignment, use, cs, check_ids(ids))
    order = {"error": 0, "warning": 1, "note": 2}
    return sorted(findings, key=lambda f: order[f.level])


@dataclass
class _Tally:
    values: dict                                  # question id -> answers over the ids
    failed: list = field(default_factory=list)    # (student id, message): no acceptable draw
    crashed: list = field(default_factory=list)   # (student id, exception): a bug in vgp
    redrawn_ids: int = 0
    rejected: Counter = field(default_factory=Counter)   # reason (no numbers) -> draws
    clash_ids: Counter = field(default_factory=Counter)  # question id -> ids re-drawn for it
    dropped: Counter = field(default_factory=Counter)    # (question id, reason) -> ids


def _check_problem(a: Assignment, use: ProblemUse, cs: int, sids: list[str]) -> list[Finding]:
    tally = _Tally({q.id: [] for q in use.questions})
    for sid in sids:
        st = Student(sid, sid, 0)
        try:
            render, rejected, dropped = draw_problem(
                use, problem_rng(student_seed(a.id, cs, sid), use), st, a)
        except HomeworkError as e:
            tally.failed.append((sid, str(e)))
            if len(tally.failed) == _GIVE_UP and not any(tally.values.values()):
                break          # hopeless: each further id would cost MAX_DRAWS draws
            continue
        except Exception as e:   # noqa: BLE001 - a bug in vgp; report the id, keep checking
            tally.crashed.append((sid, f"{type(e).__name__}: {e}"))
            continue
        for q in render.questions:
            tally.values[q.id].append(q.answer)
        if rejected:
            tally.redrawn_ids += 1
        tally.rejected.update(_generic(r) for r in rejected)
        tally.clash_ids.update({_qid(r) for r in rejected} - {None})
        if dropped:
            tally.dropped[(_qid(dropped), _generic(dropped))] += 1
    return (_draw_findings(a, use, tally, len(sids)) + _mistake_findings(a, use, tally, len(sids))
            + _answer_findings(a, use, tally, len(sids)))


def _qid(reason: str) -> str | None:
    m = re.match(r"^(q\w+): ", reason)
    return m.group(1) if m else None


def _generic(reason: str) -> str:
    """A rejection reason without its numbers and labels, so that reasons of different draws
    group: ``q1a: mistake m1 (… 0.25) gives 0.5, too close to the answer`` becomes
    ``q1a: mistake m1 too close to the answer``.

    >>> _generic("q2c: mistake f (left out f′(z) = 0.2) gives 0.5, too close to the answer")
    'q2c: mistake f too close to the answer'
    """
    m = re.match(r"^(q\w+): (.*) gives .*?, too close to (.*)$", reason)
    if not m:
        return reason
    short = [re.sub(r"^mistake (\S+) \(.*$", r"mistake \1", s) for s in m.group(2, 3)]
    return f"{m.group(1)}: {short[0]} too close to {short[1]}"


def _draw_findings(a, use, tally: _Tally, n: int) -> list[Finding]:
    out, name = [], f"problem {use.number}"
    if tally.failed:
        sid, msg = tally.failed[0]
        m = re.search(r"\(last reason: (.*)\); widen", msg)
        k = len(tally.failed)
        of = f"{k} of {n} ids" if k < _GIVE_UP or any(tally.values.values()) \
            else f"the first {k} ids (gave up)"
        out.append(Finding("error", a.path, use.line, name,
                           f"{use.spec.name}: no acceptable draw for {of} (first {sid}; last "
                           f"reason: {m.group(1) if m else msg}); widen its parameter ranges "
                           f"(in {use.spec.path.name} or the assignment's params)"))
    if tally.crashed:
        sid, msg = tally.crashed[0]
        out.append(Finding("error", a.path, use.line, name,
                           f"{use.spec.name}: drawing crashed for {len(tally.crashed)} of {n} "
                           f"ids (first {sid}: {msg[:200]}); `vgp render` would crash for them "
                           "too -- a bug in vgp, please report it"))
    if tally.redrawn_ids:
        top = "; ".join(f"{r} ({k} draws)" for r, k in tally.rejected.most_common(3))
        level = "warning" if tally.redrawn_ids > _REDRAW_WARN * n else "note"
        out.append(Finding(level, a.path, use.line, name,
                           f"{use.spec.name}: {tally.redrawn_ids} of {n} ids re-drawn "
                           f"({sum(tally.rejected.values())} draws rejected; most often: {top})"))
    return out


def _question_where(a, use, q, tolerance: bool = False):
    """The problem file's question line; the assignment's entry when it overrides the tolerance."""
    if tolerance and use.spec.answers[q.key]["tolerance"] != q.tolerance:
        return a.path, use.line
    if q.line:
        return use.spec.path, q.line
    return a.path, use.line


def _mistake_findings(a, use, tally: _Tally, n: int) -> list[Finding]:
    out = []
    for q in use.questions:
        k = tally.clash_ids.get(q.id, 0)
        if k > _CLASH_WARN * n:
            out.append(Finding("warning", *_question_where(a, use, q, True), q.id,
                               f"with answers accepted {q.tolerance.describe()}, its mistakes are "
                               f"too close to the answer or each other in {k} of {n} ids "
                               "(re-drawn); tighten the "
                               "tolerance or widen the ranges"))
    for (qid, reason), k in sorted(tally.dropped.items()):
        q = next(q for q in use.questions if q.id == qid)
        out.append(Finding("warning", *_question_where(a, use, q, True), qid,
                           f"fixed parameters: {reason.split(': ', 1)[-1]} with answers "
                           f"accepted {q.tolerance.describe()}, so the grader cannot diagnose "
                           "that mistake (dropped from the catalogue)"))
    return out


def _answer_findings(a, use, tally: _Tally, n: int) -> list[Finding]:
    out, need = [], min(MIN_DISTINCT, max(2, n // 2))
    for q in use.questions:
        vals = tally.values[q.id]
        if not vals:
            continue
        distinct = len(set(vals))
        if distinct < need and not q.universal:
            what = f"always {fmt(vals[0])}" if distinct == 1 else f"only {distinct} distinct values"
            out.append(Finding("warning", *_question_where(a, use, q), q.id,
                               f"the answer hardly varies over {len(vals)} ids ({what}); widen "
                               "the parameter ranges, or say universal = true in its answers "
                               "table if everyone should get the same answer"))
        msg = _tolerance_problem(q.tolerance.given, [abs(float(v)) for v in vals])
        if msg:
            out.append(Finding("warning", *_question_where(a, use, q, True), q.id, msg))
    return out


def _tolerance_problem(t, mags: list[float]) -> str | None:
    """Why tolerance ``t`` makes no sense for answers of sizes ``mags``, or None.

    >>> from ..question import Tolerance
    >>> _tolerance_problem(Tolerance(abs=1e-5), [1e-7, 2e-7])[:40]
    'absolute tolerance ±0.00001 is more than'
    >>> _tolerance_problem(Tolerance(rel=1e-3), [0.5, 2.0]) is None
    True
    """
    med = statistics.median(mags)
    if t.rel is not None and 0 < t.rel < _TINY:
        return f"relative tolerance {t.rel:g} is below 1e-12: tighter than the arithmetic"
    if t.abs is not None and t.abs > 0 and med > 0:
        if t.abs > med / 10:
            return (f"absolute tolerance {t.describe().replace('within ', '')} is more than a "
                    f"tenth of the median |answer| {med:.3g}: almost any answer passes")
        if t.abs < _TINY * med and t.rel is None and t.sig_figs is None:
            return (f"absolute tolerance {t.abs:g} is below 1e-12 of the median |answer| "
                    f"{med:.3g}: tighter than the arithmetic")
    if med == 0 and max(mags) == 0 and t.abs is None and (t.rel or t.sig_figs):
        return "the answer is always 0 and the tolerance is relative: only an exact 0 passes"
    return None
