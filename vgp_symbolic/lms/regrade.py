"""LMS responses graded by vgp: each response against the variant that student was given.

The grading itself is :func:`vgp_symbolic.grade.grade_sheet` — the same comparison,
diagnosis, partial credit and error carried forward as ``vgp grade`` — on question sets
composed per student from the variants the LMS gave them. A response asked in scaled units
(``in units of 10⁻⁶``) is turned back into the plain answer first, its figures kept.

Error carried forward needs the student's own earlier answer to the *same* numbers: when the
LMS drew a later part from another variant than the part it builds on (Canvas draws every
question on its own), that part is graded on its own.

Every data line of the export ends as graded or as a reason (an unknown student, a variant that
does not exist, another assignment's variant, an attempt superseded by a later one, …).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from . import LmsError, grading_policy
from .responses import ResponseExport, split_cloze
from .roster import LmsStudent, from_row, match
from .variants import draw_variants
from .window import lms_window, unscale_text

__all__ = ["Graded", "grade_responses"]


@dataclass
class Graded:
    """What grading an export gives: the class result, and per student who they are in the LMS
    and which variant each of their answers was graded against."""

    assignment: object
    result: object                       # grade.ClassResult
    students: dict[str, LmsStudent]      # student_id → identity
    sets: dict                           # student_id → the composed StudentSet
    variant_of: dict = field(default_factory=dict)   # (student_id, qid) → variant id


def grade_responses(assignment, export: ResponseExport, n_variants: int, class_seed=None,
                    roster: list[LmsStudent] | None = None, decimal_comma: bool = False
                    ) -> Graded:
    """Grade ``export`` for ``assignment`` exported with ``n_variants`` (and ``class_seed``)."""
    from ..grade import grade_sheet
    from ..grade.answers import AnswerSheet
    policy = grading_policy(assignment)
    variants = {v.id: v.set for v in draw_variants(assignment, n_variants, class_seed)}
    sheet = AnswerSheet(export.path, export.kind, warnings=list(export.warnings),
                        data_lines=list(export.data_lines))
    students, kept = _students(export, roster, sheet)
    for rj in export.rejected:       # a rejected attempt still tells whose it was
        st = None if rj.respondent is None else _identify(rj.respondent, roster)
        sid = st.student_id if st is not None and (roster is not None or st.student_id
                                                     in students) else None
        _reject(sheet, rj.line, rj.reason, sid, rj.respondent)
    ctx = _Context(assignment, variants, sheet)
    sets, variant_of = {}, {}
    for st in (roster if roster is not None else list(students.values())):
        r = kept.get(st.student_id)
        chosen = ctx.answers(st, r) if r is not None else {}
        if r is not None and not chosen:
            _reject(sheet, r.line, "no response to a vgp variant on this row", st.student_id, r)
        sets[st.student_id] = ctx.compose(st, chosen)
        variant_of.update({(st.student_id, q): v for q, (v, _, _) in chosen.items()})
        students.setdefault(st.student_id, st)
    if not sheet.answers:
        raise LmsError(f"{export.path}: nothing could be graded ({len(export.data_lines)} data "
                       f"line(s)); first problem: "
                       + (f"line {sheet.problems[0].line}: {sheet.problems[0].reason}"
                          if sheet.problems else "no responses to vgp variants"))
    result = grade_sheet(sets, sheet, policy, decimal_comma)
    return Graded(assignment, result, students, sets, variant_of)


def _reject(sheet, line, reason, sid, respondent=None):
    from ..grade.answers import Problem
    raw = respondent.name if respondent is not None else ""
    sheet.problems.append(Problem(line, reason, sid, raw))


def _students(export, roster, sheet):
    """Each row's student; of several attempts the latest is graded (the others reported)."""
    students, kept = {}, {}
    for r in export.rows:
        st = _identify(r, roster)
        if st is None:
            who = ", ".join(f"{k} {v!r}" for k, v in r.ids.items()) or repr(r.name)
            _reject(sheet, r.line, f"unknown student ({who})"
                    + (" (not in the roster)" if roster is not None else
                       ": the row has no SIS id, login, e-mail or LMS id"), None, r)
            continue
        if roster is None:
            st = students.setdefault(st.student_id, st)
        old = kept.get(st.student_id)
        if old is not None:
            later, earlier = (r, old) if (r.attempt, r.line) >= (old.attempt, old.line) \
                else (old, r)
            _reject(sheet, earlier.line, f"an earlier attempt of {st.student_id}: the attempt "
                    f"on line {later.line} is graded", st.student_id, earlier)
            r = later
        kept[st.student_id] = r
    return students, kept


def _identify(r, roster) -> LmsStudent | None:
    return match(roster, r.ids) if roster is not None else from_row(r.name, r.ids, r.line)


class _Context:
    def __init__(self, assignment, variants, sheet):
        self.a, self.variants, self.sheet = assignment, variants, sheet
        first = next(iter(variants.values()))
        self.order = [q.id for q in first.questions]
        self.by_problem = {f"problem {p.number}": [q.id for q in p.questions]
                           for p in first.problems}
        self.first = first

    def answers(self, st, r) -> dict:
        """``qid → (variant id, Question, Answer)`` for one student's row."""
        from ..grade.answers import Answer
        out = {}
        for resp in r.responses:
            why = self._check(resp)
            if why:
                _reject(self.sheet, resp.line, f"column {resp.column}: {why}", st.student_id)
                continue
            s = self.variants[resp.variant]
            qids = self.by_problem.get(resp.item, [resp.item])
            texts = {qids[0]: resp.text} if len(qids) == 1 else \
                {qids[k - 1]: t for k, t in split_cloze(resp.text).items() if k <= len(qids)}
            for qid in qids:
                if qid in out:
                    _reject(self.sheet, resp.line, f"column {resp.column}: a second response "
                            f"to {qid} (variant {resp.variant}; {out[qid][0]} is graded)",
                            st.student_id)
                    continue
                q = s.question(qid)
                text = texts.get(qid)
                if text is not None:
                    text = unscale_text(text, lms_window(q.answer, q.tolerance).exponent)
                out[qid] = (resp.variant, q, Answer(resp.line, st.student_id, qid, text or ""))
                self.sheet.answers.append(out[qid][2])
        return out

    def _check(self, resp) -> str | None:
        if resp.assignment != self.a.id:
            return (f"a variant of assignment {resp.assignment!r}, not {self.a.id!r}: not "
                    "graded")
        if resp.variant not in self.variants:
            ids = list(self.variants)
            return (f"variant {resp.variant} does not exist (this export has {ids[0]} … "
                    f"{ids[-1]}: give the --variants and --seed used by `vgp export`)")
        if resp.item not in self.by_problem and resp.item not in self.order:
            return f"no question {resp.item!r} in {self.a.id}"
        return None

    def compose(self, st, chosen):
        """The student's question set: each question from the variant they were given."""
        from ..homework.model import Student, StudentSet
        qs = []
        for qid in self.order:
            if qid not in chosen:
                qs.append(self.first.question(qid))
                continue
            vid, q, _ = chosen[qid]
            if q.depends_on and any(chosen.get(d, (None,))[0] != vid for d in q.depends_on):
                q = dataclasses.replace(q, depends_on=(), recompute=None)
            qs.append(q)
        return StudentSet(Student(st.student_id, st.name, st.line), 0, tuple(qs))
