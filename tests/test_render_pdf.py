"""Real PDFs: LuaLaTeX (and pdflatex) from TeX Live, read back with pdftotext and pdfinfo.

Skipped (with the reason) only when TeX is not installed; CI installs it (.ci/run).
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from vgp_symbolic.cli import main
from vgp_symbolic.homework import load_assignment, load_roster, student_set
from vgp_symbolic.homework.compile import Document, compile_documents

ROOT = Path(__file__).resolve().parents[1]
HW1 = ROOT / "vgp_symbolic" / "problems" / "hw1.toml"

pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in ("lualatex", "pdflatex", "pdftotext", "pdfinfo")),
    reason="lualatex/pdflatex/pdftotext not installed: apt-get install texlive-luatex "
           "texlive-latex-extra fonts-noto-core fonts-noto-cjk poppler-utils (see .ci/run)")

# one name in each script a class roster holds, long enough to test line breaking
SCRIPTS = [
    ("latin", "Nguyễn Thị Minh Khai Phạm Hoàng"), ("greek", "Ελένη-Αικατερίνη Παπαδοπούλου"),
    ("cyrillic", "Александра Дмитриевна Иванова-Рождественская"), ("chinese", "欧阳娜娜"),
    ("japanese", "山田 花子（やまだ はなこ）"), ("korean", "김민준"), ("arabic", "فاطمة محمد"),
    ("hebrew", "דוד כהן"), ("devanagari", "अमित शर्मा"),
]
HOSTILE = [("h1", r"\input{/etc/passwd}"), ("h2", r"}\end{document} $x$ & 100%")]
LONG = "Maria-Magdalena Wolfeschlegelsteinhausenbergerdorff von Hohenzollern-Sigmaringen"


def class_of_40():
    rows = SCRIPTS + HOSTILE
    rows += [(f"long{i:02d}", f"{LONG} {i}") for i in range(40 - len(rows))]
    return rows


def roster(tmp_path, rows, name="roster.csv"):
    p = tmp_path / name
    with open(p, "w", newline="", encoding="utf-8") as fh:
        fh.write("student_id,name\n")
        csv.writer(fh).writerows(rows)
    return p


def assignment(tmp_path) -> Path:
    """hw1 with a date, in a folder of its own (problem types and templates from the library)."""
    hw = tmp_path / "hw1.toml"
    hw.write_text(HW1.read_text(encoding="utf-8").replace('id = "hw1"\n',
                                                          'id = "hw1"\ndate = 2026-10-05\n'),
                  encoding="utf-8")
    return hw


def pdftext(pdf: Path) -> str:
    r = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                       check=True)
    return r.stdout.decode("utf-8")


def flat(text: str) -> str:
    """NFKC (Arabic presentation forms → letters) and single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def render(*args):
    return CliRunner().invoke(main, ["render", *map(str, args)],
                                              catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pdf")
    ro = roster(tmp, class_of_40())
    out = tmp / "build"
    hw = assignment(tmp)
    r = render(hw, "--roster", ro, "--out", out, "--jobs", "2")
    return r, out, ro, hw


@pytest.mark.slow
def test_handouts_and_solutions_apart(built):
    r, out, _, _ = built
    assert r.exit_code == 0, r.output
    for kind in ("handouts", "solutions"):
        files = sorted(p.name for p in (out / kind).iterdir())
        assert len(files) == 40 and all(f.endswith(".pdf") for f in files), kind
        for f in files:
            assert (out / kind / f).read_bytes().startswith(b"%PDF")
    leftovers = [p for p in out.rglob("*") if p.suffix in (".log", ".aux", ".fls")]
    assert leftovers == [] and (out / "key.csv").is_file()
    assert "Worked solutions" in pdftext(out / "solutions" / "h1.pdf")
    assert "Worked solutions" not in pdftext(out / "handouts" / "h1.pdf")


@pytest.mark.slow
def test_every_script_reads_back_as_written(built):
    _, out, _, _ = built
    for sid, name in SCRIPTS + HOSTILE:
        for kind in ("handouts", "solutions"):
            text = flat(pdftext(out / kind / f"{sid}.pdf"))
            assert flat(name) in text, (sid, kind, name, text[:300])
            assert "Student ID:" in text and sid in text.split()
    assert "root:" not in pdftext(out / "handouts" / "h1.pdf")     # /etc/passwd was not read


@pytest.mark.slow
def test_no_overfull_line_in_a_class_of_40_with_long_names(built):
    r, _, _, _ = built
    assert "too wide" not in r.stderr, r.stderr
    assert "Warning" not in r.stderr, r.stderr


@pytest.mark.slow
@pytest.mark.parametrize("name", ["hw2", "hw3"])
def test_no_overfull_line_in_the_other_library_assignments(tmp_path, name):
    """hw2's deep network (its 64-route sums, four diagrams) and hw3's recurrent, residual and
    gated problems: no line wider than 1 pt either, for the longest names of the class above
    (two students: hw2's documents take ~3 s each to set)."""
    rows = [r for r in class_of_40() if r[0] in ("h2", "long11")]
    r = render(ROOT / "vgp_symbolic" / "problems" / f"{name}.toml", "--roster",
               roster(tmp_path, rows), "--out", tmp_path / "out", "--jobs", "2")
    assert r.exit_code == 0, r.output
    assert "too wide" not in r.stderr and "Warning" not in r.stderr, r.stderr
    assert len(list((tmp_path / "out" / "solutions").glob("*.pdf"))) == 2


@pytest.mark.slow
def test_pdf_metadata_says_what_it_is(built):
    _, out, _, _ = built
    info = subprocess.run(["pdfinfo", "-isodates", str(out / "solutions" / "arabic.pdf")],
                          capture_output=True, check=True).stdout.decode()
    fields = dict(re.findall(r"^(\w+):\s+(.*)$", info, re.M))
    assert fields["Title"] == "Homework 1: The Vanishing Gradient Problem: worked solutions"
    assert fields["Author"] == "Neural Networks"
    assert flat(fields["Subject"]) == flat("Worked solutions for فاطمة محمد (arabic)")
    assert fields["CreationDate"].startswith("2026-10-05")
    assert "5 October 2026" in pdftext(out / "handouts" / "arabic.pdf")


@pytest.mark.slow
def test_each_version_has_its_own_numbers(built):
    _, out, ro, hw = built
    a = load_assignment(hw)
    sets = {s.student_id: student_set(a, s) for s in load_roster(ro)[:12]}
    texts = {sid: pdftext(out / "solutions" / f"{sid}.pdf") for sid in sets}
    for sid, s in sets.items():
        # ∂L/∂w₁₁ of the sigmoid network, as typeset (6 significant figures, sign aside)
        g = f"{abs(s.question('q2c').answer):.6g}"
        assert g in texts[sid], (sid, g)
        assert all(g not in texts[o] for o in texts if o != sid), (sid, g)


@pytest.mark.slow
def test_a_failing_document_names_its_student_and_keeps_the_previous_render(tmp_path):
    rows = [("ok1", "Ann Lee"), ("bad", "Bo Wu"), ("ok2", "Cy Ng")]
    ro = roster(tmp_path, rows)
    hw = assignment(tmp_path)
    out = tmp_path / "o"
    assert render(hw, "--roster", ro, "--out", out, "--no-pdf").exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (tmp_path / "templates").mkdir()
    t = tmp_path / "templates" / "exploding.tex"
    t.write_text((ROOT / "vgp_symbolic" / "templates" / "exploding.tex").read_text("utf-8")
                 + '\\BLOCK{if student.student_id == "bad"}\n\\undefinedmacro\n\\BLOCK{endif}\n',
                 encoding="utf-8")
    r = render(hw, "--roster", ro, "--out", out)
    assert r.exit_code == 2
    msg = r.output
    assert "LaTeX failed for student 'bad' (Bo Wu, roster line 3), handout" in msg
    assert "Undefined control sequence" in msg and "\\undefinedmacro" in msg
    line = int(re.search(r"handout: line (\d+):", msg).group(1))
    own = (out / "tex" / "handouts" / "bad.tex")   # the previous render's file is still there
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert own.is_file()
    # the line the message names is the one with the macro in the student's own .tex
    tex = render(hw, "--roster", ro, "--out", tmp_path / "t", "--no-pdf")
    assert tex.exit_code == 0
    lines = (tmp_path / "t" / "tex" / "handouts" / "bad.tex").read_text("utf-8").splitlines()
    assert lines[line - 1] == "\\undefinedmacro"


def test_shell_escape_is_off(tmp_path):
    tex = ("\\documentclass{article}\n\\begin{document}\n\\immediate\\write18{touch pwned}hi\n"
           "\\end{document}\n")
    target = tmp_path / "x.pdf"
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        compile_documents([Document(tex, target, "x")], "lualatex", 1791158400)
    finally:
        os.chdir(cwd)
    assert target.is_file()
    assert not (tmp_path / "pwned").exists() and not Path(cwd, "pwned").exists()


@pytest.mark.slow
def test_pdflatex_fallback_renders_and_names_who_it_cannot_set(tmp_path):
    ro = roster(tmp_path, [("zh", "李雷"), ("fr", "Zoë Ørsted-Łukasz")])
    out = tmp_path / "o"
    r = render(assignment(tmp_path), "--roster", ro, "--out", out, "--engine", "pdflatex")
    assert r.exit_code == 0, r.output
    assert "student 'zh' (李雷, roster line 2): pdflatex cannot set" in r.stderr
    assert "'fr'" not in r.stderr
    assert "[U+674E][U+96F7]" in pdftext(out / "handouts" / "zh.pdf")
    assert "Zoë Ørsted-Łukasz" in pdftext(out / "handouts" / "fr.pdf")


@pytest.mark.slow
def test_pdfs_are_reproducible(tmp_path):
    ro = roster(tmp_path, [("a1", "Ann Lee"), ("a2", "Bo Wu")])
    hw = assignment(tmp_path)
    for out in ("o1", "o2"):
        assert render(hw, "--roster", ro, "--out", tmp_path / out).exit_code == 0
    for kind in ("handouts", "solutions"):
        for sid in ("a1", "a2"):
            a = (tmp_path / "o1" / kind / f"{sid}.pdf").read_bytes()
            assert a == (tmp_path / "o2" / kind / f"{sid}.pdf").read_bytes(), (kind, sid)


@pytest.mark.slow
def test_sigkill_mid_render_leaves_the_previous_render(tmp_path):
    """A real SIGKILL while the PDFs compile: out/ still holds the previous complete render."""
    rows = [(f"k{i}", f"Student {i}") for i in range(6)]
    ro = roster(tmp_path, rows)
    hw = assignment(tmp_path)
    out = tmp_path / "o"
    assert render(hw, "--roster", ro, "--out", out, "--no-pdf").exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    cmd = [sys.executable, "-c", "from vgp_symbolic.cli import main; main()", "render", str(hw),
           "--roster", str(ro), "--out", str(out), "--seed", "5", "--jobs", "1"]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        # wait until the new render is half written: .tex files staged, TeX running
        while time.monotonic() < deadline and p.poll() is None:
            staged = list(tmp_path.glob(".o.staging-*/tex/solutions/*.tex"))
            if len(staged) == len(rows):
                break
            time.sleep(0.05)
        assert p.poll() is None, "the render finished before it could be killed"
        time.sleep(1.0)
        os.killpg(p.pid, signal.SIGKILL)
    finally:
        p.wait()
    after = {q.relative_to(out): q.read_bytes() for q in out.rglob("*") if q.is_file()}
    assert after == before
    # the next render cleans up what the killed one left and completes
    assert render(hw, "--roster", ro, "--out", out, "--no-pdf", "--seed", "5").exit_code == 0
    assert not list(tmp_path.glob(".o.staging-*"))
