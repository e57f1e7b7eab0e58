"""grade.key: key.csv read back exactly, and every bad line named (the catalogue on first use)."""
from __future__ import annotations

from fractions import Fraction as F

import pytest

from vgp_symbolic.grade import grade_sheet, read_answers_text
from vgp_symbolic.grade.key import Catalogue, KeyFileError, read_key
from vgp_symbolic.homework.model import Student, StudentSet
from vgp_symbolic.question import KEY_COLUMNS, Mistake, Question, Tolerance, mistakes_cell

HEADER = ",".join(KEY_COLUMNS) + "\n"
CAT = (Mistake("lr_forgotten", "η was left out, \"quoted\", a, comma", F(5, 2)),
       Mistake("x", "a float", 0.1 + 0.2))


def _cell(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _write(tmp_path, rows: str):
    p = tmp_path / "key.csv"
    p.write_text(HEADER + rows, encoding="utf-8")
    return p


def test_round_trip_of_every_column(tmp_path):
    p = _write(tmp_path, f"'-x1,q1,-0.002,'-1/500,,,3,2,7,,{_cell(mistakes_cell(CAT))}\n"
                         "s2,q2,0.30000000000000004,,0.001,,,1.5,7,q1 q0,\n\n")
    k = read_key(p)
    e = k["-x1", "q1"]
    assert (e.answer, e.tolerance, e.points, e.class_seed, e.depends_on) == \
        (F(-1, 500), Tolerance(sig_figs=3), 2.0, 7, ())
    assert isinstance(e.mistakes, Catalogue) and e.mistakes == CAT and tuple(e.mistakes) == CAT
    f = k["s2", "q2"]
    assert f.answer == 0.1 + 0.2 and f.tolerance == Tolerance(rel=0.001)
    assert f.mistakes == () and f.depends_on == ("q1", "q0")


@pytest.mark.parametrize("row, message", [
    ("s1,q1,abc,,,,3,2,0,,\n", "line 2: 'abc' is not a number"),
    ("s1,q1,,,,,3,2,0,,\n", "line 2: no answer"),
    ("s1,q1,1,,,,3\n", "line 2: 7 fields, the header has 11"),
    ("s1,q1,1,,,,3,2,0,,\ns1,q1,1,,,,3,2,0,,\n", "line 3: a second key entry for s1 q1"),
    ("s1,q1,inf,,,,3,2,0,,\n", "line 2: 'inf' is not a finite number"),
])
def test_bad_lines_are_named(tmp_path, row, message):
    with pytest.raises(KeyFileError, match=message):
        read_key(_write(tmp_path, row))


def test_missing_columns_and_empty_file(tmp_path):
    p = tmp_path / "key.csv"
    p.write_text("student_id,question,answer\n", encoding="utf-8")
    with pytest.raises(KeyFileError, match="line 1: missing column"):
        read_key(p)
    p.write_text("", encoding="utf-8")
    with pytest.raises(KeyFileError, match="empty"):
        read_key(p)


def test_a_bad_catalogue_is_named_when_grading_first_reads_it(tmp_path):
    """Read lazily, a broken mistakes cell still stops grading with its line -- never a
    traceback, never a silently empty catalogue."""
    p = _write(tmp_path, "s1,q1,0.5,1/2,0.001,,,1,0,,\"[[1,2]]\"\n")
    e = read_key(p)["s1", "q1"]
    q = Question("q1", "demo", "", e.answer, e.tolerance, e.points, (), e.mistakes)
    sets = {"s1": StudentSet(Student("s1", "A", 2), 0, (q,))}
    assert grade_sheet(sets, read_answers_text("student_id,q1\ns1,0.5\n", ["q1"], ["s1"])) \
        .students[0].total == 1.0                      # a right answer never reads it
    with pytest.raises(KeyFileError, match=r"key.csv, line 2: the mistakes cell is not"):
        grade_sheet(sets, read_answers_text("student_id,q1\ns1,0.7\n", ["q1"], ["s1"]))
