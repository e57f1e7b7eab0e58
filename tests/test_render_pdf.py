"""Real PDFs: latexmk + pdflatex from TeX Live, read back with pdftotext.

Skipped (with the reason) only when TeX is not installed; CI installs it (.ci/run).
"""
from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from vgp_symbolic.cli import main
from vgp_symbolic.homework import load_assignment, load_roster, student_set
from vgp_symbolic.homework.build import latexmk_command

ROOT = Path(__file__).resolve().parents[1]
HW1 = ROOT / "vgp_symbolic" / "problems" / "hw1.toml"

pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in ("latexmk", "pdflatex", "pdftotext")),
    reason="latexmk/pdflatex/pdftotext not installed: apt-get install latexmk texlive-latex-base "
           "texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended poppler-utils")

STUDENTS = [("s1", r"\input{/etc/passwd}"), ("s2", "Zoë Ørsted-Łukasz"), ("s3", "李雷"),
            ("s4", r"}\end{document} $x$ & 100%")]


def roster(tmp_path, rows):
    p = tmp_path / "roster.csv"
    with open(p, "w", newline="", encoding="utf-8") as fh:
        fh.write("student_id,name\n")
        csv.writer(fh).writerows(rows)
    return p


def pdftext(pdf: Path) -> str:
    r = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                       check=True)
    return r.stdout.decode("utf-8")


def render(*args):
    return CliRunner().invoke(main, ["render", *map(str, args)], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pdf")
    ro = roster(tmp, STUDENTS)
    out = tmp / "build"
    r = render(HW1, "--roster", ro, "--out", out)
    return r, out, ro


def test_render_compiles_every_pdf(built):
    r, out, _ = built
    assert r.exit_code == 0, r.output
    for sid, _ in STUDENTS:
        for doc in ("problems", "solutions"):
            pdf = out / sid / f"{doc}.pdf"
            assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    assert (out / "key.csv").is_file()


def test_names_print_literally_and_solutions_are_marked(built):
    _, out, _ = built
    for sid, name in STUDENTS:
        problems = pdftext(out / sid / "problems.pdf")
        solutions = pdftext(out / sid / "solutions.pdf")
        shown = name if name != "李雷" else "[U+674E][U+96F7]"
        for text in (problems, solutions):
            assert " ".join(shown.split()) in " ".join(text.split()), (sid, shown)
            assert "Student ID:" in text and sid in text.split()
        assert "WORKED SOLUTIONS" in solutions and "WORKED SOLUTIONS" not in problems
        assert "root:" not in problems                       # /etc/passwd was not read


def test_each_version_has_its_own_numbers(built):
    _, out, ro = built
    a = load_assignment(HW1)
    sets = {s.student_id: student_set(a, s) for s in load_roster(ro)}
    texts = {sid: pdftext(out / sid / "solutions.pdf") for sid in sets}
    for sid, s in sets.items():
        # ∂L/∂w₁₁ of the sigmoid network, as typeset (6 significant figures, sign aside)
        g = f"{abs(s.question('q2c').answer):.6g}"
        assert g in texts[sid], (sid, g)
        assert all(g not in texts[o] for o in texts if o != sid), (sid, g)


def test_latex_failure_names_student_and_log_line(tmp_path):
    shutil.copytree(ROOT / "vgp_symbolic" / "problems", tmp_path / "problems")
    shutil.copytree(ROOT / "vgp_symbolic" / "templates", tmp_path / "templates")
    t = tmp_path / "templates" / "exploding.tex"
    t.write_text(t.read_text(encoding="utf-8") + "\n\\undefinedmacro\n", encoding="utf-8")
    out = tmp_path / "o"
    (out / "ok1").mkdir(parents=True)
    (out / "key.csv").write_text("a stale key from an earlier render\n")
    (out / "ok1" / "problems.pdf").write_text("a stale PDF from an earlier render\n")
    r = render(tmp_path / "problems" / "hw1.toml", "--roster",
               roster(tmp_path, [("ok1", "Ann Lee")]), "--out", out)
    assert r.exit_code == 2
    assert "LaTeX failed for student 'ok1' (Ann Lee, roster line 2)" in r.output
    assert "problems.tex:" in r.output and "Undefined control sequence" in r.output
    assert "\\undefinedmacro" in r.output
    assert not (out / "key.csv").exists()
    assert not (out / "ok1" / "problems.pdf").exists()


def test_shell_escape_is_off(tmp_path):
    (tmp_path / "x.tex").write_text(
        "\\documentclass{article}\\begin{document}\\immediate\\write18{touch pwned}hi"
        "\\end{document}\n", encoding="utf-8")
    cmd = latexmk_command("x.tex")
    assert "-norc" in cmd and any("-no-shell-escape" in c for c in cmd)
    from vgp_symbolic.homework.build import tex_env
    subprocess.run(cmd, cwd=tmp_path, env=tex_env(), capture_output=True, timeout=120)
    assert (tmp_path / ".latex" / "x.pdf").is_file()
    assert not (tmp_path / "pwned").exists()
    log = (tmp_path / ".latex" / "x.log").read_text(errors="replace")
    assert "runsystem(touch pwned)...disabled" in log
