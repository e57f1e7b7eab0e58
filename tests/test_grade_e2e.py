"""End to end: render a class, write its answers (right, slightly off, each catalogued mistake,
truncated, error carried forward, hostile), grade with `vgp grade`, check every score and
diagnosis."""
import csv
from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest
from click.testing import CliRunner

from vgp_symbolic import homework
from vgp_symbolic.cli import main
from vgp_symbolic.grade.compare import (Criterion, magnitude, round_sig, to_fraction,
                                        trunc_sig)
from vgp_symbolic.grade.diagnose import _show

HW1 = Path(__file__).resolve().parent.parent / "vgp_symbolic" / "problems" / "hw1.toml"
STUDENTS = ["correct", "near", "mistake0", "mistake1", "mistake2", "trunc", "ecf", "sign",
            "hostile", "blank"]
HOSTILE = ["__import__('os').system('touch PWNED')", "9**9**9**9", "=cmd|' /C calc'!A0",
           "lambda: 1", "nan", "1" * 5000, "\x00\x1b[2J", "0.5.5"]


def dec17(x):
    """The value as a student could write it: 17 digits, or exactly (p/q if it must be)."""
    if isinstance(x, float):
        return f"{x:.17g}"
    shown = _show(x)
    return f"{x.numerator}/{x.denominator}" if "/" in shown else shown


def sig_text(t: F, p: int) -> str:
    """``t`` (a decimal with at most p significant figures) written with exactly p of them."""
    places = p - 1 - magnitude(t)
    return f"{Decimal(t.numerator) / Decimal(t.denominator):.{max(places, 0)}f}"


def correct_text(q, i):
    x = q.answer
    if isinstance(x, F) and i % 3 == 0:
        return f"{x.numerator}/{x.denominator}" if x.denominator != 1 else str(x.numerator)
    if i % 3 == 1:
        return f"{float(x):.15e}".replace("e", "E") if x != 0 else "0"
    return dec17(x)


def near_text(q, inside: bool):
    """A value just inside / clearly outside the tolerance, written with 17 digits."""
    x = float(q.answer)
    t = q.tolerance
    slack = max((t.rel or 0) * abs(x), t.abs or 0)
    if slack == 0:
        return None
    return f"{x + (0.5 if inside else 3.0) * slack:.17g}"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    d = tmp_path_factory.mktemp("e2e")
    roster = d / "roster.csv"
    roster.write_text("student_id,name\n" + "".join(f"{s},Student {s}\n" for s in STUDENTS))
    r = CliRunner().invoke(main, ["render", str(HW1), "--roster", str(roster),
                                  "--out", str(d / "build"), "--no-pdf", "--seed", "3"])
    assert r.exit_code == 0, r.output
    a = homework.load_assignment(HW1)
    sets = {st.student_id: homework.student_set(a, st, 3) for st in homework.load_roster(roster)}
    expect = {}                   # (student, qid) -> (diagnosis id, points)
    rows = [["student_id", "question", "answer"]]

    def add(sid, q, text, diag, credit):
        rows.append([sid, q.id, text])
        expect[sid, q.id] = (diag, round(q.points * credit, 6))

    for i, q in enumerate(sets["correct"].questions):
        add("correct", q, correct_text(q, i), "correct", 1)
    for q in sets["near"].questions:
        t = near_text(q, inside=(q.id[-1] in "aceg"))
        if t is None:                         # abs = 0: exact only
            add("near", q, dec17(q.answer), "correct", 1)
        else:
            add("near", q, t, "correct" if q.id[-1] in "aceg" else "wrong",
                1 if q.id[-1] in "aceg" else 0)
    for k in range(3):                        # every catalogued mistake of the set, in turn
        sid = f"mistake{k}"
        for q in sets[sid].questions:
            if q.mistakes:
                m = q.mistakes[k % len(q.mistakes)]
                add(sid, q, dec17(m.value), m.id, 0.5)
            else:
                add(sid, q, dec17(q.answer), "correct", 1)
    for q in sets["trunc"].questions:
        x = to_fraction(q.answer)
        c = Criterion.of(q.answer, q.tolerance)
        done = False
        for p in (3, 4, 5):
            t = trunc_sig(x, p) if x else x
            if x and t != round_sig(x, p) and not c.accepts(t):
                add("trunc", q, sig_text(t, p), "truncated", 0.5)
                done = True
                break
        if not done:
            add("trunc", q, dec17(q.answer), "correct", 1)
    s = sets["ecf"]
    wrong = {}
    for q in s.questions:
        deps = [d for d in q.depends_on if d in wrong]
        if deps and q.recompute is not None:
            given = {d: wrong.get(d, s.question(d).answer) for d in q.depends_on}
            v = q.recompute(given)
            add("ecf", q, dec17(v), "ecf", 1.0)
        elif q.id in ("q1a", "q2c", "q5b", "q6b") and q.mistakes:
            m = q.mistakes[0]
            wrong[q.id] = m.value
            add("ecf", q, dec17(m.value), m.id, 0.5)
        else:
            add("ecf", q, dec17(q.answer), "correct", 1)
    for q in sets["sign"].questions:
        if q.answer != 0:
            add("sign", q, dec17(-q.answer if isinstance(q.answer, F) else -q.answer),
                "final_sign_flipped", 0.5)
        else:
            add("sign", q, "0", "correct", 1)
    for i, q in enumerate(sets["hostile"].questions):
        add("hostile", q, HOSTILE[i % len(HOSTILE)], "unreadable", 0)
    for q in sets["blank"].questions[:3]:
        add("blank", q, "  ", "no_answer", 0)
    rows.append(["nobody", "q1a", "1"])                    # unknown student
    rows.append(["correct", "q9z", "1"])                   # unknown question
    rows.append(["correct", "q1a", "0"])                   # duplicate: the first one counts
    ans = d / "answers.csv"
    with open(ans, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    out = {}
    for variant, extra in (("recomputed", ["--seed", "3"]),
                           ("key", ["--seed", "3", "--key", str(d / "build" / "key.csv")]),
                           ("frombuild", ["--build", str(d / "build")])):
        r = CliRunner().invoke(main, ["grade", str(HW1), "--roster", str(roster), "--answers",
                                      str(ans), "--out", str(d / variant), *extra])
        with open(d / variant / "gradebook.csv", encoding="utf-8-sig", newline="") as fh:
            out[variant] = (r, list(csv.DictReader(fh)))
    return expect, sets, out, d, len(rows) - 1


@pytest.mark.parametrize("variant", ["recomputed", "key", "frombuild"])
def test_every_score_and_diagnosis(graded, variant):
    expect, sets, out, d, n_rows = graded
    r, rows = out[variant]
    assert r.exit_code == 0, r.output
    by = {row["student_id"]: row for row in rows}
    bad = []
    for (sid, qid), (diag, pts) in expect.items():
        got = (by[sid][f"{qid} diagnosis"], float(by[sid][qid]))
        if got != (diag, pts):
            bad.append((sid, qid, got, (diag, pts)))
    assert not bad, bad
    for sid in STUDENTS:
        total = sum(float(by[sid][q.id]) for q in sets[sid].questions)
        assert float(by[sid]["total"]) == pytest.approx(total)
    assert by["correct"]["total"] == by["correct"]["max"] == "30"
    # the diagnoses all occur (lr_forgotten only exists where η ≠ 1)
    seen = {diag for diag, _ in expect.values()}
    assert {"sigma_for_sigma_prime", "factor_left_out", "sign_flipped", "one_route_not_sum",
            "wrong_layer_count", "truncated", "ecf", "final_sign_flipped", "unreadable",
            "correct", "wrong", "no_answer"} <= seen, seen
    assert not (Path.cwd() / "PWNED").exists()


def test_every_row_accounted_for(graded):
    expect, sets, out, d, n_rows = graded
    r, rows = out["recomputed"]
    graded = set()
    for row in rows:
        if row["status"] != "invalid":
            graded |= {int(x) for x in row["lines"].split()}
    with open(d / "recomputed" / "rejected.csv", encoding="utf-8-sig", newline="") as fh:
        rejected = [int(x["line"]) for x in csv.DictReader(fh)]
    assert len(rejected) == len(set(rejected)) and not graded & set(rejected)
    assert graded | set(rejected) == set(range(2, n_rows + 2))
    assert "line %d: unknown student 'nobody'" % (n_rows - 1) in r.output
    assert "unknown question 'q9z'" in r.output and "duplicate answer for correct q1a" in r.output
    assert rows[-1]["status"] == "invalid" and rows[-1]["student_id"] == "nobody"


def test_feedback_and_histogram(graded):
    expect, sets, out, d, n_rows = graded
    fb = d / "recomputed" / "feedback"
    assert sorted(p.stem for p in fb.iterdir()) == sorted(STUDENTS)
    text = (fb / "mistake0.md").read_text()
    q = sets["mistake0"].questions[0]
    assert q.mistakes[0].label in text
    assert "truncated" in (fb / "trunc.md").read_text()
    assert "error carried forward" in (fb / "ecf.md").read_text()
    assert (d / "recomputed" / "histogram.png").read_bytes()[:4] == b"\x89PNG"
    r, _ = out["recomputed"]
    assert "10 on the roster, 10 submitted" in r.output


def test_key_that_disagrees_is_reported(graded, tmp_path):
    expect, sets, out, d, n_rows = graded
    key = list(csv.reader(open(d / "build" / "key.csv", encoding="utf-8", newline="")))
    # an edited key: every answer differs from the recomputed ones
    h = key[0]
    i_ans, i_exact = h.index("answer"), h.index("exact")
    for f in key[1:]:
        f[i_ans], f[i_exact] = "12345", "12345"
    with open(tmp_path / "key.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(key)
    r = CliRunner().invoke(main, ["grade", str(HW1), "--roster", str(d / "roster.csv"),
                                  "--answers", str(d / "answers.csv"), "--out",
                                  str(tmp_path / "g"), "--seed", "3", "--key",
                                  str(tmp_path / "key.csv")])
    assert r.exit_code == 0, r.output
    assert "differ from the answers recomputed" in r.output
    rows = {x["student_id"]: x for x in csv.DictReader(open(tmp_path / "g" / "gradebook.csv",
                                                             encoding="utf-8-sig"))}
    assert rows["correct"]["q1a diagnosis"] == "wrong"


def test_python_api_matches_the_cli(graded):
    from vgp_symbolic.grade import GradeError, grade_class
    expect, sets, out, d, n_rows = graded
    result = grade_class(HW1, d / "roster.csv", d / "answers.csv", class_seed=3)
    _, rows = out["recomputed"]
    totals = {row["student_id"]: float(row["total"]) for row in rows if row["total"]}
    assert {s.student_id: s.total for s in result.students} == totals
    with pytest.raises(GradeError, match="no such file"):
        grade_class(HW1, d / "roster.csv", d / "missing.csv")
