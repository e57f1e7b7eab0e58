"""`vgp render` without PDFs: files, determinism, key.csv, bad input, missing TeX."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from vgp_symbolic.cli import main
from vgp_symbolic.csvsafe import unguard
from vgp_symbolic.homework import load_assignment, load_roster, student_set
from vgp_symbolic.homework.build import decimal17
from vgp_symbolic.question import KEY_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
HW1 = str(ROOT / "vgp_symbolic" / "problems" / "hw1.toml")
HOSTILE = [("s1", r"\input{/etc/passwd}"), ("s2", r"}\end{document}"), ("s3", "$x$ & 100%"),
           ("s4", "Zoë Ørsted-Łukasz"), ("s5", "李雷"), ("../up", "Path Traversal")]


def roster(tmp_path: Path, rows=HOSTILE, header="student_id,name", name="roster.csv") -> str:
    p = tmp_path / name
    with open(p, "w", newline="", encoding="utf-8") as fh:
        fh.write(header + "\n")
        csv.writer(fh).writerows(rows)
    return str(p)


def run(*args):
    return CliRunner().invoke(main, ["render", *map(str, args)], catch_exceptions=False)


def tex_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.tex"))}


def test_no_pdf_writes_tex_and_key(tmp_path):
    out = tmp_path / "build"
    r = run(HW1, "--roster", roster(tmp_path), "--out", out, "--no-pdf")
    assert r.exit_code == 0, r.output
    assert "6 students" in r.output
    for sid in ("s1", "s2", "s3", "s4", "s5"):
        assert (out / "tex" / "handouts" / f"{sid}.tex").is_file()
        assert (out / "tex" / "solutions" / f"{sid}.tex").is_file()
    assert not (out / "handouts").exists() and not (out / "solutions").exists()
    files = [p.name for p in (out / "tex" / "handouts").iterdir()]
    assert len(files) == 6 and all(not f.startswith(".") for f in files)
    assert not (tmp_path / "up").exists() and not (out / "tex" / "up.tex").exists()
    assert "Warning" not in r.output                      # LuaLaTeX sets 李雷 as written


def test_pdflatex_fallback_names_the_students_it_cannot_set(tmp_path):
    r = run(HW1, "--roster", roster(tmp_path), "--out", tmp_path / "o", "--no-pdf",
            "--engine", "pdflatex")
    assert r.exit_code == 0, r.output
    warned = [ln for ln in r.output.splitlines() if ln.startswith("Warning")]
    assert len(warned) == 1 and "student 's5' (李雷, roster line 6)" in warned[0]
    tex = (tmp_path / "o" / "tex" / "handouts" / "s5.tex").read_text(encoding="utf-8")
    assert "[U+674E][U+96F7]" in tex and "fontspec" not in tex


def test_hostile_names_are_escaped_in_tex(tmp_path):
    out = tmp_path / "b"
    assert run(HW1, "--roster", roster(tmp_path), "--out", out, "--no-pdf").exit_code == 0
    t1 = (out / "tex" / "handouts" / "s1.tex").read_text(encoding="utf-8")
    assert r"\input{/etc/passwd}" not in t1
    assert r"\textbackslash{}input\{/etc/passwd\}" in t1
    t2 = (out / "tex" / "solutions" / "s2.tex").read_text(encoding="utf-8")
    assert t2.count(r"\end{document}") == 1
    assert r"\}\textbackslash{}end\{document\}" in t2
    assert "Zoë Ørsted-Łukasz" in (out / "tex" / "handouts" / "s4.tex").read_text(encoding="utf-8")
    assert "李雷" in (out / "tex" / "handouts" / "s5.tex").read_text(encoding="utf-8")


def test_rerender_is_byte_identical_and_seed_changes_it(tmp_path):
    ro = roster(tmp_path)
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert run(HW1, "--roster", ro, "--out", a, "--no-pdf").exit_code == 0
    assert run(HW1, "--roster", ro, "--out", b, "--no-pdf").exit_code == 0
    assert run(HW1, "--roster", ro, "--out", c, "--no-pdf", "--seed", "1").exit_code == 0
    ta, tb, tc = tex_files(a), tex_files(b), tex_files(c)
    assert ta == tb and len(ta) == 12
    assert (a / "key.csv").read_bytes() == (b / "key.csv").read_bytes()
    assert all(ta[k] != tc[k] for k in ta)
    # another roster order, or a classmate more or less, does not change a student's files
    d = tmp_path / "d"
    ro2 = roster(tmp_path, rows=list(reversed(HOSTILE[:3])), name="r2.csv")
    assert run(HW1, "--roster", ro2, "--out", d, "--no-pdf").exit_code == 0
    assert (d / "tex" / "handouts" / "s2.tex").read_bytes() == ta["tex/handouts/s2.tex"]


def test_deterministic_across_processes(tmp_path):
    """PYTHONHASHSEED changes set/dict hashing; the .tex must not depend on it."""
    ro = roster(tmp_path, rows=HOSTILE[:2])
    outs = []
    for h in ("1", "2"):
        out = tmp_path / f"h{h}"
        env = dict(os.environ, PYTHONHASHSEED=h)
        r = subprocess.run([sys.executable, "-c", "from vgp_symbolic.cli import main; main()",
                            "render", HW1, "--roster", ro, "--out", str(out), "--no-pdf"],
                           env=env, capture_output=True, timeout=300)
        assert r.returncode == 0, r.stderr.decode()
        outs.append(tex_files(out))
    assert outs[0] == outs[1]


def test_key_csv_matches_student_sets(tmp_path):
    out = tmp_path / "k"
    ro = roster(tmp_path)
    assert run(HW1, "--roster", ro, "--out", out, "--no-pdf", "--seed", "3").exit_code == 0
    with open(out / "key.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == KEY_COLUMNS
    a = load_assignment(HW1)
    students = load_roster(ro)
    expected = [(s.student.student_id, q) for st in students
                for s in [student_set(a, st, 3)] for q in s.questions]
    assert len(rows) == len(expected)
    for row, (sid, q) in zip(rows, expected):
        assert row["student_id"] == sid and row["question"] == q.id
        assert row["answer"] == decimal17(q.answer)
        if isinstance(q.answer, Fraction):
            assert Fraction(unguard(row["exact"])) == q.answer   # "-1/3" is guarded
            assert float(row["answer"]) == pytest.approx(float(q.answer), rel=1e-15)
        else:
            # 17 significant digits give the float back exactly (the grader compares exactly)
            assert row["exact"] == "" and float(row["answer"]) == q.answer
        assert float(row["points"]) == q.points
        t = q.tolerance
        assert (float(row["rel_tol"]) if row["rel_tol"] else None) == t.rel
        assert (float(row["abs_tol"]) if row["abs_tol"] else None) == t.abs
    # the solutions show the answers the key holds
    s4 = student_set(a, students[3], 3)
    sol = (out / "tex" / "solutions" / "s4.tex").read_text(encoding="utf-8")
    from vgp_symbolic.homework.latex import number_tex
    for q in s4.questions:
        assert number_tex(q.answer, 8) in sol, q.id


def test_decimal17():
    assert decimal17(Fraction(1, 500)) == "0.002"
    assert decimal17(Fraction(2, 3)) == "0.66666666666666667"
    assert decimal17(0.1) == "0.10000000000000001"
    assert decimal17(Fraction(-1249, 500)) == "-2.498"
    assert decimal17(Fraction(0)) == "0"
    assert float(decimal17(Fraction(1, 4 ** 20))) == pytest.approx(1 / 4 ** 20, rel=1e-16)


@pytest.mark.parametrize("rows, header, words", [
    ([("s1", "A"), ("s1", "B")], "student_id,name", ["line 3", "duplicate student_id 's1'"]),
    ([("s1", "A"), ("", "Nobody")], "student_id,name", ["line 3", "empty student_id"]),
    ([("s1", "A")], "id,name", ["missing column 'student_id'"]),
])
def test_bad_roster_exit_2_no_key(tmp_path, rows, header, words):
    out = tmp_path / "o"
    r = run(HW1, "--roster", roster(tmp_path, rows, header), "--out", out, "--no-pdf")
    assert r.exit_code == 2
    for w in words:
        assert w in r.output
    assert "Traceback" not in r.output
    assert not (out / "key.csv").exists()


def test_unknown_problem_type_exit_2(tmp_path):
    shutil.copytree(ROOT / "vgp_symbolic" / "problems", tmp_path / "problems")
    shutil.copytree(ROOT / "vgp_symbolic" / "templates", tmp_path / "templates")
    hw = tmp_path / "problems" / "hw1.toml"
    hw.write_text(hw.read_text(encoding="utf-8").replace('type = "exploding"', 'type = "exploded"'),
                  encoding="utf-8")
    out = tmp_path / "o"
    r = run(hw, "--roster", roster(tmp_path), "--out", out, "--no-pdf")
    assert r.exit_code == 2
    assert "hw1.toml, line" in r.output and "unknown problem type 'exploded'" in r.output
    assert not out.exists()


def test_missing_tex_says_how_to_install(tmp_path, monkeypatch):
    import vgp_symbolic.homework.compile as compile_
    monkeypatch.setattr(compile_.shutil, "which", lambda name: None)
    out = tmp_path / "o"
    r = run(HW1, "--roster", roster(tmp_path), "--out", out)
    assert r.exit_code == 2
    assert "no TeX engine (lualatex or pdflatex) found" in r.output
    assert "apt-get install" in r.output and "texlive-luatex" in r.output
    assert "--no-pdf" in r.output
    assert not out.exists()                               # nothing written
    r = run(HW1, "--roster", roster(tmp_path), "--out", out, "--no-pdf")
    assert r.exit_code == 0 and (out / "key.csv").is_file()


def test_bare_render_outside_an_assignment_folder_says_what_to_do(tmp_path, monkeypatch):
    """`vgp render` alone where there is no assignment.toml (the repository's root, say)."""
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["render"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "no assignment.toml here" in r.output
    assert "vgp init" in r.output and "vgp_symbolic/problems/hw1.toml" in r.output


def test_help_and_missing_files(tmp_path):
    r = run("--help")
    assert r.exit_code == 0 and "--no-pdf" in r.output and "--seed" in r.output
    r = run(tmp_path / "nope.toml", "--roster", roster(tmp_path), "--out", tmp_path / "o")
    assert r.exit_code == 2 and "no such assignment" in r.output
    r = run(HW1, "--roster", tmp_path / "none.csv", "--out", tmp_path / "o", "--no-pdf")
    assert r.exit_code == 2 and "cannot read the roster" in r.output


def test_process_pool_gives_the_same_bytes(tmp_path):
    """A large class is drawn in worker processes; the output must not depend on it."""
    from vgp_symbolic.homework import Student
    from vgp_symbolic.homework.build import render_all
    a = load_assignment(HW1)
    students = [Student(f"p{i}", f"P {i}", i + 2) for i in range(32)]
    serial = render_all(a, students, None, jobs=1)
    parallel = render_all(a, students, None, jobs=2)
    assert serial == parallel


def test_error_in_worker_names_student(tmp_path):
    shutil.copytree(ROOT / "vgp_symbolic" / "problems", tmp_path / "problems")
    shutil.copytree(ROOT / "vgp_symbolic" / "templates", tmp_path / "templates")
    hw = tmp_path / "problems" / "x.toml"
    hw.write_text('[assignment]\nid = "x"\n[[problems]]\ntype = "chain_route"\n'
                  'params = { out = { choices = [0.1] } }\n', encoding="utf-8")
    rows = [(f"w{i}", f"W {i}") for i in range(40)]
    out = tmp_path / "o"
    r = run(hw, "--roster", roster(tmp_path, rows), "--out", out, "--no-pdf", "--jobs", "2")
    assert r.exit_code == 2
    assert "student 'w0' (roster line 2)" in r.output and "no acceptable parameters" in r.output
    assert not out.exists()


def test_a_folder_not_written_by_render_is_not_replaced(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("the instructor's own file")
    r = run(HW1, "--roster", roster(tmp_path, HOSTILE[:1]), "--out", out, "--no-pdf")
    assert r.exit_code == 2 and "not written by vgp render" in r.output
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    # an earlier render is replaced whole: nothing of the old one survives
    new = tmp_path / "n"
    assert run(HW1, "--roster", roster(tmp_path, HOSTILE[:2]), "--out", new, "--no-pdf"
               ).exit_code == 0
    assert run(HW1, "--roster", roster(tmp_path, HOSTILE[:1]), "--out", new, "--no-pdf"
               ).exit_code == 0
    assert sorted(p.name for p in (new / "tex" / "handouts").iterdir()) == ["s1.tex"]


def test_unwritable_output_exit_2(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        r = run(HW1, "--roster", roster(tmp_path, HOSTILE[:1]), "--out", parent / "o",
                "--no-pdf")
    finally:
        parent.chmod(0o700)
    assert r.exit_code == 2 and "cannot write" in r.output


def test_an_assignment_anywhere_uses_the_library(tmp_path):
    """Only an assignment file in a folder: problem types and templates come from the library;
    a local template of the same name overrides the library's."""
    hw = tmp_path / "course" / "hw.toml"
    hw.parent.mkdir()
    hw.write_text('[assignment]\nid = "hw"\ntitle = "Mine"\ndate = 2026-10-05\n'
                  '[[problems]]\ntype = "exploding"\n', encoding="utf-8")
    out = tmp_path / "o"
    r = run(hw, "--roster", roster(tmp_path, HOSTILE[:1]), "--out", out, "--no-pdf")
    assert r.exit_code == 0, r.output
    tex = (out / "tex" / "handouts" / "s1.tex").read_text(encoding="utf-8")
    assert "Exploding gradients" in tex and "5 October 2026" in tex
    (hw.parent / "templates").mkdir()
    (hw.parent / "templates" / "exploding.tex").write_text("LOCAL OVERRIDE\n", encoding="utf-8")
    assert run(hw, "--roster", roster(tmp_path, HOSTILE[:1]), "--out", out, "--no-pdf"
               ).exit_code == 0
    tex = (out / "tex" / "handouts" / "s1.tex").read_text(encoding="utf-8")
    assert "LOCAL OVERRIDE" in tex and "Exploding gradients and clipping" in tex
