"""End to end on hw2 (a problem authored in TOML alone): `vgp render --no-pdf`, answers made from
its key.csv (right, one catalogued mistake, one rounding slip), `vgp grade --build` -- the
credits and the diagnosis naming the mistake."""
import csv
import json
from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

from click.testing import CliRunner

from vgp_symbolic.cli import main
from vgp_symbolic.grade.compare import magnitude, round_sig, trunc_sig
from vgp_symbolic.question import Tolerance

HW2 = Path(__file__).resolve().parent.parent / "vgp_symbolic" / "problems" / "hw2.toml"


def _tolerance(row) -> Tolerance:
    num = {k: float(row[c]) for k, c in (("rel", "rel_tol"), ("abs", "abs_tol")) if row[c]}
    return Tolerance(**num, sig_figs=int(row["sig_figs"]) if row["sig_figs"] else None)


def _slip(row) -> str | None:
    """The answer truncated to p figures where that leaves the tolerance (a rounding slip)."""
    x, tol = F(row["answer"]), _tolerance(row)
    for p in (2, 3, 4, 5):
        t = trunc_sig(x, p)
        if t != round_sig(x, p) and not tol.accepts(t, x):
            places = max(p - 1 - magnitude(t), 0)
            return f"{Decimal(t.numerator) / Decimal(t.denominator):.{places}f}"
    return None


def test_hw2_render_then_grade(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\nright,Ada\nmist,Bo\nslip,Cy\n", encoding="utf-8")
    build = tmp_path / "build"
    r = CliRunner().invoke(main, ["render", str(HW2), "--roster", str(roster), "--out",
                                  str(build), "--no-pdf"])
    assert r.exit_code == 0, r.output
    with open(build / "key.csv", encoding="utf-8-sig", newline="") as fh:
        key = {(row["student_id"], row["question"]): row for row in csv.DictReader(fh)}
    assert {q for _, q in key} == {f"q1{c}" for c in "abcdefg"}

    rows, expect, notes = [["student_id", "question", "answer"]], {}, {}
    for (sid, qid), row in key.items():
        pts = float(row["points"])
        text, diag, credit = row["answer"], "correct", pts
        if sid == "mist" and qid == "q1b":            # the first-layer gradient, a mistake
            mid, label, value = json.loads(row["mistakes"])[0]
            text, diag, credit = value.lstrip("="), mid, pts * 0.5
            notes["label"] = label
        if sid == "slip" and qid in ("q1a", "q1b") and "slip" not in notes:
            s = _slip(row)
            if s is not None:
                text, diag, credit = s, "truncated", pts * 0.5
                notes["slip"] = qid
        rows.append([sid, qid, text])
        expect[sid, qid] = (diag, credit)
    assert "slip" in notes and "label" in notes
    answers = tmp_path / "answers.csv"
    with open(answers, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)

    out = tmp_path / "grades"
    r = CliRunner().invoke(main, ["grade", str(HW2), "--roster", str(roster), "--answers",
                                  str(answers), "--build", str(build), "--out", str(out)])
    assert r.exit_code == 0, r.output
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as fh:
        book = {row["student_id"]: row for row in csv.DictReader(fh)}
    bad = [(sid, qid, book[sid][f"{qid} diagnosis"], book[sid][qid], want)
           for (sid, qid), want in expect.items()
           if (book[sid][f"{qid} diagnosis"], float(book[sid][qid])) != want]
    assert not bad, bad
    assert float(book["right"]["total"]) == float(book["right"]["max"]) == 12
    assert float(book["mist"]["total"]) == 12 - 1.5
    # the feedback names the mistake in words a student understands
    assert notes["label"] in (out / "feedback" / "mist.md").read_text(encoding="utf-8")
    assert "truncated" in (out / "feedback" / "slip.md").read_text(encoding="utf-8")


def test_hw2_ids_whose_relu_routes_cancel_are_redrawn():
    # s000145 and s000307 drew a ReLU net whose first-layer gradient cancels to float64 rounding
    # residue (5.6e-18 against an exact 0): the worked solution's gradient check then failed and
    # crashed the class; such a draw is now re-drawn (min_abs) and renders
    from vgp_symbolic.homework import load_assignment, student_set
    from vgp_symbolic.homework.model import Student
    a = load_assignment(HW2)
    for sid in ("s000145", "s000307"):
        s = student_set(a, Student(sid, sid, 2), a.seed)
        for p in s.problems:
            assert p.context is not None
