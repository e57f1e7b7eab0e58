"""`vgp grade` on the command line: outputs, messages with line numbers, exit codes."""
import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

import vgp_symbolic.grade as grade_pkg
from grade_class import fake_class
from vgp_symbolic.cli import main
from vgp_symbolic.homework.model import Assignment, QuestionInfo


def assignment(aid, grading, questions=()):
    """A real :class:`Assignment` record for a class of known question sets."""
    infos = tuple(QuestionInfo(q.id, q.problem, q.key, q.prompt, q.tolerance, q.points, 1)
                  for q in questions)
    return Assignment(Path("hw.toml"), aid, aid, 0, (), infos, grading)


@pytest.fixture
def fake(monkeypatch, tmp_path):
    """A 3-student class of known question sets (real records) behind `vgp grade`."""
    sets = fake_class(3)
    hw = assignment("hwfake", {"mistake_credit": 0.25}, sets["s1"].questions)

    def load_class(assignment, roster, class_seed=None, key_path=None, progress=None,
                   build=None):
        for _ in sets:
            if progress:
                progress(1)
        return hw, sets, []
    monkeypatch.setattr(grade_pkg, "load_class", load_class)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hw.toml").write_text("# fake\n")
    (tmp_path / "roster.csv").write_text("student_id,name\ns1,A\ns2,B\ns3,C\n")
    return sets


def run(answers_text, *extra, name="answers.csv"):
    with open(name, "w", encoding="utf-8") as fh:
        fh.write(answers_text)
    return CliRunner().invoke(main, ["grade", "hw.toml", "--roster", "roster.csv",
                                     "--answers", name, "--out", "out", *extra])


def test_grades_and_writes_everything(fake, tmp_path):
    q1 = fake["s2"].questions[0]
    r = run(f"student_id,question,answer\ns1,q1,0.021\ns2,q1,{float(q1.mistakes[0].value)}\n"
            "s2,q2,-oops\nghost,q1,1\n", "--progress")
    assert r.exit_code == 0, r.output
    assert "answers.csv, line 5: unknown student 'ghost'" in r.output
    assert "3 on the roster, 2 submitted" in r.output
    assert "input: 4 data lines, 3 graded, 1 invalid" in r.output
    rows = list(csv.DictReader(open(tmp_path / "out/gradebook.csv", encoding="utf-8-sig")))
    assert [(x["student_id"], x["q1"], x["q1 diagnosis"]) for x in rows] == [
        ("s1", "2", "correct"), ("s2", "0.5", "sigma_for_sigma_prime"),     # credit 0.25 × 2
        ("s3", "0", "no_answer"), ("ghost", "", "")]
    assert rows[1]["q2 diagnosis"] == "unreadable"
    assert (tmp_path / "out/feedback/s2.md").exists()
    assert (tmp_path / "out/histogram.png").read_bytes()[:4] == b"\x89PNG"
    rejected = list(csv.DictReader(open(tmp_path / "out/rejected.csv", encoding="utf-8-sig")))
    assert [(x["line"], x["student_id"], x["question"]) for x in rejected] == [("5", "ghost", "q1")]


def test_the_output_folder_is_replaced_whole(fake, tmp_path):
    (tmp_path / "out" / "feedback").mkdir(parents=True)
    (tmp_path / "out" / "feedback" / "old-student.md").write_text("from an earlier run")
    r = run("student_id,q1\ns1,0.021\n", "--no-progress")
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "out/feedback").iterdir()) == ["s1.md", "s2.md",
                                                                             "s3.md"]


def test_decimal_comma(fake):
    r = run("student_id;question;answer\ns1;q1;0,021\n", "--decimal-comma")
    assert r.exit_code == 0 and "1/1" in r.output      # q1: 1 of 1 answered correct


@pytest.mark.parametrize("text,message", [
    ("", "the file is empty"),
    ("name,answer\nA,1\n", "line 1: no student_id column"),
    ("student_id,foo\ns1,1\n", "line 1: no answer column"),
    ("student_id,question,answer\nx,q1,1\ny,q1,2\n", "nothing could be graded"),
])
def test_exit_2_when_nothing_can_be_graded(fake, tmp_path, text, message):
    r = run(text)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert not (tmp_path / "out").exists()          # nothing half-written


def test_missing_files(fake):
    r = CliRunner().invoke(main, ["grade", "hw.toml", "--roster", "roster.csv",
                                  "--answers", "nope.csv"])
    assert r.exit_code == 2 and "'nope.csv' does not exist" in r.output


def test_bad_grading_table(fake, monkeypatch):
    hw = assignment("x", {"ecf_credit": 3})
    monkeypatch.setattr(grade_pkg, "load_class", lambda *a, **k: (hw, fake, []))
    r = run("student_id,q1\ns1,1\n")
    assert r.exit_code == 2 and "[grading] ecf_credit = 3" in r.output


def test_many_problems_are_summarised(fake):
    r = run("student_id,question,answer\n" + "ghost,q1,1\n" * 30 + "s1,q1,0.021\n")
    assert r.exit_code == 0
    assert "... and 10 more (all listed in rejected.csv)" in r.output
