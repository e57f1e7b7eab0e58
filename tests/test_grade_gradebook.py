"""Grading a small class of known numbers; what is written: gradebook, feedback, statistics,
histogram."""
import csv

import pytest

from grade_class import fake_class
from vgp_symbolic.grade import (Policy, class_stats, format_stats, grade_sheet, gradebook_rows,
                                read_answers_text, rejected_rows, write_feedback, write_gradebook,
                                write_histogram)
from vgp_symbolic.grade.gradebook import feedback_name

SETS = fake_class(3)          # s1..s3; q1 = 0.2·0.5·(0.2 + k/100), q2 = old − q1, q3 = (1/4)^10


def answers(sets=SETS):
    s1, s2 = sets["s1"].questions, sets["s2"].questions
    rows = ["student_id,question,answer",
            f"s1,q1,{s1[0].answer.numerator}/{s1[0].answer.denominator}",   # correct, exact
            "s1,q2,2.579",                                                    # 2.6 − 0.021
            "s1,q3,(1/4)^10",
            f"s2,q1,{float(s2[0].mistakes[0].value)}",                       # σ for σ′
            f"s2,q2,{float(2.7 - s2[0].mistakes[0].value)}",                 # right for that: ECF
            "s2,q3,=cmd|' /C calc'!A0",                                       # hostile: unreadable
            "zz,q1,1",                                                        # unknown student
            "s1,q1,5"]                                                        # duplicate
    return "\n".join(rows) + "\n"


@pytest.fixture
def result():
    sheet = read_answers_text(answers(), ["q1", "q2", "q3"], list(SETS))
    return grade_sheet(SETS, sheet, Policy())


def test_scores_and_diagnoses(result):
    by = {s.student_id: s for s in result.students}
    assert [(q, r.diagnosis.id, r.points) for q, r in by["s1"].results.items()] == \
        [("q1", "correct", 2.0), ("q2", "correct", 2.0), ("q3", "correct", 1.0)]
    assert [(q, r.diagnosis.id, r.points) for q, r in by["s2"].results.items()] == \
        [("q1", "sigma_for_sigma_prime", 1.0), ("q2", "ecf", 2.0), ("q3", "unreadable", 0.0)]
    assert by["s3"].submitted is False and by["s3"].total == 0
    assert (by["s1"].total, by["s2"].total, by["s1"].max_total) == (5.0, 3.0, 5.0)
    assert [p.line for p in by["s1"].problems] == [9]
    assert [p.line for p in result.unattached] == [8]


def test_every_input_line_is_accounted_for(result):
    out = result.line_outcomes()
    assert sorted(out) == result.sheet.data_lines == list(range(2, 10))
    assert out[8].startswith("invalid: unknown student") and out[9].startswith("invalid: dup")
    # ... and every line appears in the gradebook
    rows = gradebook_rows(result)
    h = rows[0]
    lines = set()
    for r in rows[1:]:
        lines |= {int(x) for x in r[h.index("lines")].split()}
        lines |= {int(x.split(":")[0][5:]) for x in r[h.index("notes")].split("; ")
                  if x.startswith("line ")}
    assert lines == set(result.sheet.data_lines)


def test_gradebook_file(result, tmp_path):
    p = tmp_path / "gb.csv"
    write_gradebook(result, p)
    with open(p, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["student_id"] for r in rows] == ["s1", "s2", "s3", "zz"]
    assert [r["total"] for r in rows] == ["5", "3", "0", ""]
    assert [r["status"] for r in rows] == ["graded", "graded", "no answers", "invalid"]
    assert rows[1]["q2 diagnosis"] == "ecf" and rows[1]["q1"] == "1"
    assert rows[2]["notes"] == "no answers submitted"
    assert "unknown student 'zz'" in rows[3]["notes"]
    assert not list(tmp_path.glob(".gb.csv.*"))       # no temporary file left behind


def test_gradebook_write_is_atomic(result, tmp_path, monkeypatch):
    p = tmp_path / "gb.csv"
    p.write_text("the previous gradebook\n")
    import vgp_symbolic.grade.gradebook as gb

    def boom(*a, **k):
        raise RuntimeError("crash while writing")
    monkeypatch.setattr(gb, "gradebook_rows", lambda r: [["a"]] * 10 + boom())
    with pytest.raises(RuntimeError):
        write_gradebook(result, p)
    assert p.read_text() == "the previous gradebook\n"
    assert [x.name for x in tmp_path.iterdir()] == ["gb.csv"]


def test_hostile_student_ids_in_the_gradebook(tmp_path):
    sheet = read_answers_text('student_id,question,answer\n"=HYPERLINK(""http://x"")",q1,1\n'
                              "@evil,q1,1\n", ["q1", "q2", "q3"], list(SETS))
    r = grade_sheet(SETS, sheet)
    rows = gradebook_rows(r)
    assert [row[0] for row in rows[-2:]] == ['\'=HYPERLINK("http://x")', "'@evil"]
    for row in rows:
        for c in row:
            assert not c.startswith(("=", "+", "@", "\t", "\r")) and \
                (not c.startswith("-") or c.lstrip("-").replace(".", "").isdigit())


def test_feedback(result, tmp_path):
    paths = write_feedback(result, tmp_path / "fb", "hw-fake")
    assert [p.name for p in paths] == ["s1.md", "s2.md", "s3.md"]
    s2 = paths[1].read_text()
    assert s2.startswith("# hw-fake — feedback for Student 2 (s2)")
    assert "**Total: 3 / 5**" in s2
    assert "you used σ(z) where σ′(z) belongs" in s2
    assert "error carried forward" in s2
    assert "unreadable answer" in s2 and "`` =cmd|' /C calc'!A0 ``" in s2
    assert "No answers were received" in paths[2].read_text()
    assert "line 9: duplicate answer" in paths[0].read_text()


def test_feedback_names_are_safe():
    assert feedback_name("s001") == "s001.md"
    for bad in ("../../etc/passwd", "/abs", "a/b", "..", ".", "", "CON", "x\x00y", "é"):
        name = feedback_name(bad)
        assert "/" not in name and "\x00" not in name and not name.startswith(".")
    assert feedback_name("a/b") != feedback_name("a_b")


def test_stats_and_histogram(result, tmp_path):
    st = class_stats(result)
    assert (st.roster, st.submitted, st.mean, st.high, st.low) == (3, 2, 4.0, 5.0, 3.0)
    assert (st.input_lines, st.graded_lines, st.invalid_lines) == (8, 6, 2)
    q1 = st.questions[0]
    assert (q1.correct, q1.answered, q1.diagnoses) == (1, 2, (("sigma_for_sigma_prime", 1),))
    text = format_stats(st)
    assert "3 on the roster, 2 submitted" in text and "8 data lines, 6 graded, 2 invalid" in text
    p = tmp_path / "h.png"
    write_histogram(result, p, "hw-fake")
    assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_wide_layout_grades_the_same(result):
    a = SETS["s1"].questions[0].answer
    sheet = read_answers_text(f"student_id,q1,q2,q3\ns1,{a.numerator}/{a.denominator},2.579,"
                              "(1/4)^10\ns3,,,\n", ["q1", "q2", "q3"], list(SETS))
    r = grade_sheet(SETS, sheet)
    assert r.students[0].total == 5.0
    s3 = r.students[2]
    assert s3.submitted and [x.diagnosis.id for x in s3.results.values()] == ["no_answer"] * 3


def test_rejected_csv_names_the_question_of_an_unknown_students_row(result):
    # rejected.csv left the question empty for 'zz,q1,1', though the row says which it answers
    rows = rejected_rows(result)
    assert rows[0] == ["line", "student_id", "question", "reason"]
    zz = next(r for r in rows[1:] if r[1] == "zz")
    assert zz[:3] == ["8", "zz", "q1"] and zz[3].startswith("unknown student 'zz'")
