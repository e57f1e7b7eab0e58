"""Error carried forward from the recorded draw gives what the full draw gives.

`vgp render` records each student's accepted parameters (``draws.jsonl``); the grader rebuilds
a problem's recomputes from them (:func:`~vgp_symbolic.homework.sets.recomputes_at`: no draw
loop, no mistakes, no solution) instead of drawing it again (``student_set``). The two must
agree, bit for bit, on every question with ``depends_on``, for the right earlier values and for
wrong ones.
"""
from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

import pytest

from vgp_symbolic.homework import load_assignment
from vgp_symbolic.homework.manifest import (DRAWS, ManifestError, decode_params, draws_line,
                                            read_draws, read_manifest)
from vgp_symbolic.homework.model import Student
from vgp_symbolic.homework.sets import recomputes_at, student_set

PROBLEMS = Path(__file__).resolve().parents[1] / "vgp_symbolic" / "problems"
LIBRARY = sorted(p.stem for p in PROBLEMS.glob("hw*.toml"))
IDS = {"hw1": 60, "hw2": 12}          # the library's assignments with depends_on; others: 5


def _wrong_values(v):
    """The right value and a few a student might give instead (exact and float)."""
    out = [v, -v, v * F(11, 10) if isinstance(v, F) else v * 1.1, F(1, 7), 0.3125]
    return out + [float(v)]


@pytest.mark.slow
@pytest.mark.parametrize("hw", LIBRARY)
def test_recorded_draw_recomputes_like_the_full_draw(hw):
    a = load_assignment(PROBLEMS / f"{hw}.toml")
    checked = 0
    for k in range(IDS.get(hw, 5)):
        s = student_set(a, Student(f"s{k:06d}", "", 2))
        # through the file's own encoding, as the grader reads it
        _, recorded = json.loads(draws_line(s))
        for pr, enc in zip(s.problems, recorded):
            dependent = [q for q in pr.questions if q.depends_on]
            if not dependent:
                continue
            params = decode_params(enc)
            assert params == pr.params
            fast = recomputes_at(a, pr.number, params, [q.id for q in dependent])
            for q in dependent:
                right = {d: s.question(d).answer for d in q.depends_on}
                assert fast[q.id](right) == q.recompute(right) == q.answer or \
                    isinstance(q.answer, float)
                for d in q.depends_on:
                    for v in _wrong_values(s.question(d).answer):
                        given = {**right, d: v}
                        want, got = q.recompute(given), fast[q.id](given)
                        assert type(got) is type(want) and (got == want or got != got), \
                            (hw, s.student.student_id, q.id, d, v)
                checked += 1
    # every student has a dependent question where the assignment has one (IDS says which)
    assert checked >= IDS.get(hw, 0) and (checked > 0) == (hw in IDS)


def _build(tmp_path, n=3):
    from click.testing import CliRunner
    from vgp_symbolic.cli import main
    (tmp_path / "roster.csv").write_text(
        "student_id,name\n" + "".join(f"s{i},S{i}\n" for i in range(n)), encoding="utf-8")
    r = CliRunner().invoke(main, ["render", str(PROBLEMS / "hw1.toml"), "--roster",
                                  str(tmp_path / "roster.csv"), "--out", str(tmp_path / "b"),
                                  "--no-pdf"])
    assert r.exit_code == 0, r.output
    return tmp_path / "b"


def test_render_records_every_draw_and_the_manifest_its_hash(tmp_path):
    b = _build(tmp_path)
    a = load_assignment(PROBLEMS / "hw1.toml")
    draws = read_draws(b, read_manifest(b), len(a.problems))
    assert list(draws) == ["s0", "s1", "s2"]
    s = student_set(a, Student("s1", "S1", 3))
    assert [decode_params(p) for p in draws["s1"]] == [p.params for p in s.problems]


def test_an_edited_or_missing_draws_file_is_refused(tmp_path):
    b = _build(tmp_path, 1)
    m = read_manifest(b)
    p = b / DRAWS
    p.write_text(p.read_text().replace("=", "=-", 1))
    with pytest.raises(ManifestError, match="changed since the build was rendered"):
        read_draws(b, m, 6)
    p.unlink()
    with pytest.raises(ManifestError, match="missing"):
        read_draws(b, m, 6)


def test_a_build_without_draws_is_graded_by_drawing_again(tmp_path):
    """Builds rendered before the draws record: the manifest names none; ECF draws again."""
    import dataclasses
    from vgp_symbolic.grade import load_class
    b = _build(tmp_path, 2)
    m = json.loads((b / "manifest.json").read_text())
    del m["draws_sha256"]
    (b / "manifest.json").write_text(json.dumps(m))
    (b / DRAWS).unlink()
    assert read_draws(b, read_manifest(b), 6) is None
    _, sets, _ = load_class(PROBLEMS / "hw1.toml", tmp_path / "roster.csv", build=b)
    full = student_set(load_assignment(PROBLEMS / "hw1.toml"), Student("s1", "S1", 3))
    got, want = sets["s1"].question("q5c"), full.question("q5c")
    assert got.recompute({"q5b": F(1, 8)}) == want.recompute({"q5b": F(1, 8)})
    assert dataclasses.replace(got, recompute=None) == dataclasses.replace(want, recompute=None)


def test_hostile_ids_round_trip_through_the_draws_file(tmp_path):
    """An id may hold any character (U+2028, \\x85, a quote, a newline): one line each."""
    from click.testing import CliRunner
    from vgp_symbolic.cli import main
    ids = ["a\u2028b", "c\x85d", 'e"f', "=cmd|' /C calc'!A0", "g\nh"]
    roster = "student_id,name\n" + "".join('"' + i.replace('"', '""') + '",X\n' for i in ids)
    (tmp_path / "roster.csv").write_text(roster, encoding="utf-8")
    r = CliRunner().invoke(main, ["render", str(PROBLEMS / "hw3.toml"), "--roster",
                                  str(tmp_path / "roster.csv"), "--out", str(tmp_path / "b"),
                                  "--no-pdf"])
    assert r.exit_code == 0, r.output
    b = tmp_path / "b"
    assert sorted(read_draws(b, read_manifest(b), 3)) == sorted(ids)
