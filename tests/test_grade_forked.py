"""grade.engine: a class shared between processes is graded exactly as in one process."""
import random

from grade_class import fake_class
from vgp_symbolic.grade import Policy, grade_sheet, read_answers_text


def _sheet(sets, seed=3):
    rng = random.Random(seed)
    rows = ["student_id,question,answer"]
    for sid, s in sets.items():
        for q in s.questions:
            v = q.answer
            rows.append(f"{sid},{q.id}," + rng.choice([
                str(float(v)), f"{float(v):.2f}", str(-float(v)), f"{float(v) * 1.3:.4g}",
                f"{v.numerator}/{v.denominator}", "", "x", f"{float(q.mistakes[0].value):.5g}"]))
    return read_answers_text("\n".join(rows) + "\n", ["q1", "q2", "q3"], list(sets))


def _flat(result):
    return [(s.student_id, s.name, s.total, [(qid, r.text, r.line, r.diagnosis, r.points,
                                              r.max_points, r.prompt, r.tolerance, r.answer)
                                             for qid, r in s.results.items()])
            for s in result.students]


def test_forked_grading_gives_every_verdict_of_one_process():
    sets = fake_class(300)
    sheet = _sheet(sets)
    one = grade_sheet(sets, sheet, Policy(), jobs=1)
    ticks = []
    two = grade_sheet(sets, sheet, Policy(), progress=ticks.append, jobs=2)
    three = grade_sheet(sets, sheet, Policy(), jobs=3)
    assert _flat(one) == _flat(two) == _flat(three)
    assert sum(ticks) == 300
    statuses = {r.diagnosis.status for s in one.students for r in s.results.values()}
    assert {"correct", "ecf", "mistake", "rounding", "wrong", "unreadable", "blank"} <= statuses
