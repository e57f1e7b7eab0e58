"""The one CSV formula guard, and every CSV the tool writes going through it."""
import csv

import pytest
from click.testing import CliRunner

from vgp_symbolic.cli import main
from vgp_symbolic.csvsafe import safe_cell, unguard
from vgp_symbolic.grade import read_key

HOSTILE_IDS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "'=already", "\t=1"]


@pytest.mark.parametrize("cell,safe", [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), (" =1", "' =1"), ("-0.5", "-0.5"), ("+3", "+3"),
    ("1e-3", "1e-3"), ("s001", "s001"), ("a=b", "a=b"), (2.5, "2.5"), (0.1 + 0.2, "0.3"),
    ("x\x00y", "x\ufffdy"), ("-2+3", "'-2+3"), ("'=x", "''=x"), ("'abc", "'abc"),
])
def test_safe_cell(cell, safe):
    assert safe_cell(cell) == safe


@pytest.mark.parametrize("s", HOSTILE_IDS + ["s001", "'abc", "-0.5", "-1/3", " =x", "''=y"])
def test_unguard_undoes_the_guard(s):
    assert unguard(safe_cell(s)) == s


def test_key_csv_guards_hostile_roster_ids_and_reads_them_back(tmp_path):
    """key.csv wrote `=cmd|' /C calc'!A0` raw at the start of a cell (issue 11)."""
    roster = tmp_path / "roster.csv"
    with open(roster, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["student_id", "name"]] + [[s, "X"] for s in HOSTILE_IDS])
    out = tmp_path / "build"
    r = CliRunner().invoke(main, ["render", "vgp_symbolic/problems/hw1.toml", "--roster",
                                  str(roster), "--out", str(out), "--no-pdf"])
    assert r.exit_code == 0, r.output
    with open(out / "key.csv", newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")
                and not _plain_number(c)]
    assert {sid for sid, _ in read_key(out / "key.csv")} == {s.strip() for s in HOSTILE_IDS}


def _plain_number(c):
    try:
        float(c)
        return True
    except ValueError:
        return False
