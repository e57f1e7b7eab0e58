"""What `vgp grade` writes: every line accounted for, nothing injected, a set swapped in whole."""
import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from grade_class import fake_class
from vgp_symbolic.cli import main
from vgp_symbolic.grade import Policy, grade_sheet, read_answers_text, rejected_rows
from vgp_symbolic.grade.gradebook import feedback_name, feedback_text

ROOT = Path(__file__).resolve().parents[1]
HW1 = ROOT / "vgp_symbolic" / "problems" / "hw1.toml"


def _fuzz_line(rng, sids, qids):
    pick = rng.random()
    sid = rng.choice(sids + ["ghost", "", " s1 ", "=cmd", '"s2"'])
    q = rng.choice(qids + ["q9", "", "Q1", " q2"])
    ans = rng.choice(["0.021", "1/50", "", "x", "2,5", '"1,5"', "-0.5", "1e400", "(", "9**9**9"])
    if pick < 0.05:
        return ""                                          # blank line: not a data line
    if pick < 0.10:
        return f'{sid},"{q},{ans}'                         # unbalanced quote
    if pick < 0.15:
        return f"{sid},{q}"                                # a field missing
    if pick < 0.20:
        return f"{sid},{q},{ans},extra"                    # a field too many
    if pick < 0.22:
        return "\u2028".join([sid, q, ans])                # odd separators
    return f"{sid},{q},{ans}"


def test_graded_plus_rejected_is_every_data_line_of_a_fuzzed_file():
    """10,000 fuzzed lines: each data line is graded or in rejected.csv, never both, never lost."""
    rng = random.Random(11)
    sets = fake_class(40)
    sids, qids = list(sets), ["q1", "q2", "q3"]
    lines = ["student_id,question,answer"] + [_fuzz_line(rng, sids, qids) for _ in range(10_000)]
    sheet = read_answers_text("\n".join(lines) + "\n", qids, sids)
    result = grade_sheet(sets, sheet, Policy())
    graded = {r.line for s in result.students for r in s.results.values() if r.line is not None}
    rejected = [int(r[0]) for r in rejected_rows(result)[1:]]
    data = {i + 1 for i, ln in enumerate(lines[1:], start=1)
            if ln.replace(",", "").strip()}
    assert len(rejected) == len(set(rejected))
    assert not graded & set(rejected)
    assert len(graded) + len(rejected) == len(data)
    assert graded | set(rejected) == data


HOSTILE_NAME = "Bobby\n# Injected heading\n<iframe src=x>"


def test_feedback_renders_roster_and_answer_text_inert():
    sets = fake_class(2)
    import dataclasses
    from vgp_symbolic.homework.model import Student
    s1 = sets["s1"]
    sets = {"-rf": dataclasses.replace(s1, student=Student("-rf", HOSTILE_NAME, 2)),
            "s2": dataclasses.replace(sets["s2"], student=Student(
                "s2", "[x](javascript:alert(1)) **b** <script>", 3))}
    text = ("student_id,question,answer\n-rf,q1,<img src=x onerror=alert(1)>\n"
            "-rf,[q](http://e.vil),1\ns2,q1,`x`\n")
    result = grade_sheet(sets, read_answers_text(text, ["q1", "q2", "q3"], list(sets)))
    md = MarkdownIt("commonmark")
    for s in result.students:
        html = md.render(feedback_text(s, "hw1"))
        assert html.count("<h1>") == 1
        for bad in ("<iframe", "<script", "<img", "href=", "<strong>b"):
            assert bad not in html, (bad, html)
    assert not feedback_name("-rf").startswith("-") and not feedback_name("--x").startswith("-")


def test_feedback_never_hides_the_correct_answer():
    """The answer 0 or 1 used to be hidden when its text occurred in the message."""
    sets = fake_class(1)
    result = grade_sheet(sets, read_answers_text("student_id,q1,q2,q3\ns1,1,0,\n",
                                                 ["q1", "q2", "q3"], list(sets)))
    text = feedback_text(result.students[0])
    for q in sets["s1"].questions:
        from vgp_symbolic.numbers import fmt
        assert f"- correct answer: {fmt(q.answer)}" in text
    assert "--decimal-comma" not in text and "instructor" not in text


KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path[:0] = [{tests!r}, {root!r}]
    from grade_class import fake_class
    from vgp_symbolic.grade import gradebook, grade_sheet, read_answers_text
    sets = fake_class(300)
    text = "student_id,q1\\n" + "".join(f"{{s}},0.{{i}}\\n" for i, s in enumerate(sets))
    result = grade_sheet(sets, read_answers_text(text, ["q1", "q2", "q3"], list(sets)))
    real, n = gradebook.feedback_text, [0]
    def feedback_text(s, title=""):
        n[0] += 1
        if n[0] == 150 and {kill}:
            os.kill(os.getpid(), signal.SIGKILL)     # mid-write: half the feedback files exist
        return real(s, title) + {mark!r}
    gradebook.feedback_text = feedback_text
    gradebook.write_outputs(result, {out!r}, "hw")
""")


def _run(out, kill, mark):
    code = KILLER.format(tests=str(Path(__file__).parent), root=str(ROOT), kill=kill,
                         mark=mark, out=str(out))
    return subprocess.run([sys.executable, "-c", code], capture_output=True)


@pytest.mark.slow
def test_a_killed_run_leaves_the_previous_complete_set(tmp_path):
    out = tmp_path / "grades"
    assert _run(out, False, "first run").returncode == 0
    r = _run(out, True, "second run")
    assert r.returncode == -signal.SIGKILL
    files = list((out / "feedback").iterdir())
    assert len(files) == 300 and all(f.read_text().endswith("first run") for f in files)
    assert {p.name for p in out.iterdir()} == {"gradebook.csv", "rejected.csv", "feedback",
                                               "histogram.png"}
    assert _run(out, False, "third run").returncode == 0       # and the next run cleans up
    assert all(f.read_text().endswith("third run") for f in (out / "feedback").iterdir())
    assert [p.name for p in tmp_path.iterdir()] == ["grades"]


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    d = tmp_path_factory.mktemp("b")
    (d / "roster.csv").write_text("student_id,name\ns000835,A\ns001494,B\ns002772,C\ns1,D\n")
    r = CliRunner().invoke(main, ["render", str(HW1), "--roster", str(d / "roster.csv"),
                                  "--out", str(d / "build"), "--no-pdf"])
    assert r.exit_code == 0, r.output
    (d / "answers.csv").write_text("student_id,question,answer\ns1,q1a,1\ns000835,q5d,0\n")
    return d


def test_grading_the_ids_that_crashed_exits_0(build):
    """s000835, s001494, s002772 made `vgp grade` exit 1 with a traceback (issue 11)."""
    r = CliRunner().invoke(main, ["grade", str(HW1), "--roster", str(build / "roster.csv"),
                                  "--answers", str(build / "answers.csv"), "--out",
                                  str(build / "g")])
    assert r.exit_code == 0, r.output


def test_grading_against_another_seed_is_refused(build):
    """`vgp grade --seed 7` on answers to a seed-0 render silently gave a mean of 5/30."""
    args = ["grade", str(HW1), "--roster", str(build / "roster.csv"), "--answers",
            str(build / "answers.csv"), "--out", str(build / "g7")]
    r = CliRunner().invoke(main, args + ["--build", str(build / "build"), "--seed", "7"])
    assert r.exit_code == 2 and "rendered with class seed 0, not 7" in r.output
    r = CliRunner().invoke(main, args + ["--key", str(build / "build" / "key.csv"), "--seed", "7"])
    assert r.exit_code == 2 and "class seed 0, not 7" in r.output
    assert not (build / "g7").exists()
    r = CliRunner().invoke(main, args + ["--build", str(build / "build")])
    assert r.exit_code == 0, r.output


def _tree(d: Path) -> dict:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_forked_writing_writes_exactly_what_one_process_writes(tmp_path, monkeypatch):
    from vgp_symbolic.grade import gradebook
    sets = fake_class(7)
    text = "student_id,q1,q2\n" + "".join(f"{s},0.0{i},2.4{i}\n" for i, s in enumerate(sets))
    result = grade_sheet(sets, read_answers_text(text, ["q1", "q2", "q3"], list(sets)))
    gradebook.write_outputs(result, tmp_path / "one", "hw", jobs=1)
    monkeypatch.setattr(gradebook, "FORK_FROM", 1)
    gradebook.write_outputs(result, tmp_path / "three", "hw", jobs=3)
    one, three = _tree(tmp_path / "one"), _tree(tmp_path / "three")
    assert len(one) == 7 + 3 and one == three


def test_a_failing_forked_writer_raises_its_error_here(tmp_path, monkeypatch):
    """A child that fails is run again in this process: its error is raised, nothing swapped in."""
    from vgp_symbolic.grade import gradebook
    sets = fake_class(4)
    result = grade_sheet(sets, read_answers_text("student_id,q1\ns1,1\n", ["q1", "q2", "q3"],
                                                 list(sets)))
    monkeypatch.setattr(gradebook, "FORK_FROM", 1)
    real = gradebook.feedback_text

    def broken(s, title=""):
        if s.student_id == "s4":
            raise OSError("disk full")
        return real(s, title)
    monkeypatch.setattr(gradebook, "feedback_text", broken)
    with pytest.raises(OSError, match="disk full"):
        gradebook.write_outputs(result, tmp_path / "out", "hw", jobs=2)
    assert not (tmp_path / "out").exists() and list(tmp_path.iterdir()) == []
