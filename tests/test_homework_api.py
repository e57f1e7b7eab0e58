"""The homework API the grader uses: loading, seeding, questions, mistakes, recompute."""
from __future__ import annotations

import math
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from vgp_symbolic.homework import (HomeworkError, Mistake, Question, Student, StudentSet,
                                   Tolerance, load_assignment, load_roster, student_seed,
                                   student_set)
from vgp_symbolic.homework.types import TYPES

ROOT = Path(__file__).resolve().parents[1]
HW1 = ROOT / "vgp_symbolic" / "problems" / "hw1.toml"


@pytest.fixture(scope="module")
def hw1():
    return load_assignment(HW1)


@pytest.fixture(scope="module")
def class_sets(hw1):
    return [student_set(hw1, Student(f"s{i:03d}", f"Student {i}", i + 2)) for i in range(40)]


def copy_library(tmp_path: Path) -> Path:
    """problems/ and templates/ in a temporary tree, for assignments written by a test."""
    shutil.copytree(ROOT / "vgp_symbolic" / "problems", tmp_path / "problems")
    shutil.copytree(ROOT / "vgp_symbolic" / "templates", tmp_path / "templates")
    return tmp_path / "problems"


# -- the assignment ------------------------------------------------------------------------
def test_hw1_uses_every_problem_type(hw1):
    kinds = {u.spec.kind for u in hw1.problems}
    # hw3 sets the recurrent, residual and gated types (issue 18); together they use every
    # type, and sigmoid_network and relu_network are network problems (type = "network")
    hw3 = load_assignment(HW1.with_name("hw3.toml"))
    assert kinds | {u.spec.kind for u in hw3.problems} == set(TYPES) | {"network"}
    assert len(TYPES) + 2 >= 6
    ids = [q.id for q in hw1.questions]
    assert len(ids) == len(set(ids))
    assert ids[:3] == ["q1a", "q1b", "q1c"]
    assert hw1.id == "hw1" and hw1.total_points == sum(q.points for q in hw1.questions)
    assert hw1.grading["mistake_credit"] == 0.5


def test_every_problem_toml_names_existing_template():
    for p in (ROOT / "vgp_symbolic" / "problems").glob("*.toml"):
        if p.name.startswith("hw"):  # assignments (hw1, hw3), not problem types
            continue
        from vgp_symbolic.homework import load_problem_spec
        spec = load_problem_spec(p)
        assert (ROOT / "vgp_symbolic" / "templates" / spec.template).is_file(), spec.template


def test_student_set_shape(hw1, class_sets):
    s = class_sets[0]
    assert isinstance(s, StudentSet) and s.student.student_id == "s000"
    assert [q.id for q in s.questions] == [q.id for q in hw1.questions]
    for q in s.questions:
        assert isinstance(q, Question)
        assert isinstance(q.answer, (Fraction, float))
        assert isinstance(q.tolerance, Tolerance)
        assert all(isinstance(m, Mistake) and m.id and m.label for m in q.mistakes)
        assert (q.recompute is None) == (not q.depends_on)
    assert s.question("q1b").depends_on == ("q1a",)


def test_exact_answers_are_fractions(class_sets):
    """Types 1, 4, 5, 6 are exact; type 2 (sigmoid) is float."""
    for s in class_sets[:5]:
        for q in s.questions:
            if q.problem in ("chain_route", "depth_decay", "relu_network", "exploding"):
                assert isinstance(q.answer, Fraction), (q.id, q.answer)
            if q.problem == "sigmoid_network":
                assert isinstance(q.answer, float)


def test_mistakes_are_distinguishable(class_sets):
    """No mistake collides with the answer, its sign flip or another mistake, as the grader
    itself judges them."""
    from vgp_symbolic.grade.compare import Criterion, to_fraction

    def accepts(target, value, tol):
        return Criterion.of(target, tol).accepts(to_fraction(value))

    for s in class_sets:
        for q in s.questions:
            tol = q.tolerance
            vals = [q.answer] + [m.value for m in q.mistakes]
            for i, a in enumerate(vals):
                if i and q.answer != 0:
                    assert not accepts(-q.answer, a, tol), (s.student, q.id)
                for b in vals[i + 1:]:
                    assert not accepts(a, b, tol) and not accepts(b, a, tol), \
                        (s.student.student_id, q.id, a, b)
                assert math.isfinite(float(a))


def test_mistake_catalogue_present(class_sets):
    ids = {}
    for s in class_sets:
        for q in s.questions:
            ids.setdefault(q.problem, set()).update(m.id for m in q.mistakes)
    assert {"factor_left_out", "sign_flipped", "lr_forgotten"} <= ids["chain_route"]
    assert {"sigma_for_sigma_prime", "factor_left_out", "sign_flipped"} <= ids["sigmoid_network"]
    assert "sigma_for_sigma_prime" in ids["activation_max"]
    assert ids["depth_decay"] == {"wrong_layer_count", "weight_left_out"}
    assert {"one_route_not_sum", "factor_left_out", "sigma_for_sigma_prime"} <= ids["relu_network"]
    assert {"wrong_layer_count", "clip_not_applied", "sign_flipped"} <= ids["exploding"]


def test_lr_forgotten_only_when_lr_is_not_one(class_sets):
    seen_lr1 = seen_other = False
    for s in class_sets:
        p1 = s.problems[0]
        has = any(m.id == "lr_forgotten" for m in s.question("q1b").mistakes)
        if p1.params["lr"] == 1:
            seen_lr1 = True
            assert not has
        else:
            seen_other = True
            assert has
    assert seen_lr1 and seen_other


def test_recompute_carries_error_forward(class_sets):
    s = class_sets[3]
    q = s.question("q1b")
    w, lr = s.problems[0].params["w"], s.problems[0].params["lr"]
    assert q.recompute({"q1a": s.question("q1a").answer}) == q.answer
    assert q.recompute({"q1a": Fraction(1, 100)}) == w - lr * Fraction(1, 100)
    q6 = s.question("q6c")
    assert q6.depends_on == ("q6b",)
    assert q6.recompute({"q6b": s.question("q6b").answer}) == q6.answer


# -- seeds ---------------------------------------------------------------------------------
def test_seed_is_stable_and_documented():
    import hashlib
    expect = int.from_bytes(hashlib.sha256(b"hw1|0|s001").digest()[:8], "big")
    assert student_seed("hw1", 0, "s001") == expect


def test_same_student_same_numbers_other_seed_other_numbers(hw1):
    st = Student("s042", "X", 2)
    a, b = student_set(hw1, st), student_set(hw1, st)
    assert [q.answer for q in a.questions] == [q.answer for q in b.questions]
    c = student_set(hw1, st, class_seed=7)
    assert [q.answer for q in a.questions] != [q.answer for q in c.questions]
    d = student_set(hw1, Student("s043", "X", 2))
    assert [q.answer for q in a.questions] != [q.answer for q in d.questions]


def test_students_get_different_numbers(class_sets):
    grads = {s.question("q2c").answer for s in class_sets}
    assert len(grads) == len(class_sets)


# -- seed 004 / seed 001 reproduced through an assignment with fixed parameters -------------
def test_seed_004_reproduced(tmp_path):
    pdir = copy_library(tmp_path)
    (pdir / "seed.toml").write_text(
        '[assignment]\nid = "seed"\ntitle = "Seed 004"\n'
        '[[problems]]\ntype = "chain_route"\n'
        'params = { dL = 0.20, out = 0.5, local = 0.02, w = 2.5, lr = 1 }\n'
        '[[problems]]\ntype = "depth_decay"\n'
        'params = { w = 1, n = 4, threshold = 0.001, c = 0.1, m = 4 }\n', encoding="utf-8")
    a = load_assignment(pdir / "seed.toml")
    s = student_set(a, Student("anyone", "A", 2))
    assert s.question("q1a").answer == Fraction(1, 500)                 # 0.20 × 0.5 × 0.02
    assert s.question("q1b").answer == Fraction(1249, 500)              # 2.498, not 2.49
    assert s.question("q1c").answer == 2                                # 0.5 / (1/4)
    assert s.question("q2c").answer == Fraction(1, 10000)               # seed 001: 0.1⁴
    assert s.question("q2a").answer == Fraction(1, 256)
    labels = [m.id for m in s.question("q1b").mistakes]
    assert "lr_forgotten" not in labels and "sign_flipped" in labels
    assert {m.value for m in s.question("q1b").mistakes} >= {Fraction(2502, 1000)}
    assert "2.49" in s.problems[0].context["truncation"]


# -- bad assignments -----------------------------------------------------------------------
def _write(pdir: Path, text: str) -> Path:
    p = pdir / "bad.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_unknown_problem_type_names_file_and_line(tmp_path):
    pdir = copy_library(tmp_path)
    p = _write(pdir, '[assignment]\nid = "x"\n\n[[problems]]\ntype = "chain_route"\n\n'
                     '[[problems]]\ntype = "no_such_type"\n')
    with pytest.raises(HomeworkError) as e:
        load_assignment(p)
    msg = str(e.value)
    assert "bad.toml, line 8" in msg and "no_such_type" in msg and "chain_route" in msg


@pytest.mark.parametrize("body, words", [
    ('[[problems]]\ntype = "chain_route"\nanswers = ["nope"]\n', ["unknown answer 'nope'"]),
    ('[[problems]]\ntype = "chain_route"\nparams = { eta = 1 }\n', ["unknown parameter 'eta'"]),
    ('[[problems]]\ntype = "chain_route"\ntolerance = { product = { rel = -1 } }\n',
     ["rel must be a non-negative"]),
    ('[[problems]]\ntype = "chain_route"\npoints = { product = "two" }\n', ["points must be"]),
    ('[[problems]]\ntype = "chain_route"\ncolour = "red"\n', ["unknown key 'colour'"]),
    ('[[problems]]\ntype = "chain_route"\nparams = { lr = { min = 2, max = 1, step = 1 } }\n',
     ["below min"]),
])
def test_bad_problem_entries(tmp_path, body, words):
    pdir = copy_library(tmp_path)
    p = _write(pdir, '[assignment]\nid = "x"\n\n' + body)
    with pytest.raises(HomeworkError) as e:
        load_assignment(p)
    assert "bad.toml, line" in str(e.value)
    for w in words:
        assert w in str(e.value)


def test_malformed_toml_and_missing_id(tmp_path):
    pdir = copy_library(tmp_path)
    with pytest.raises(HomeworkError, match=r"bad.toml, line 2: malformed TOML"):
        load_assignment(_write(pdir, '[assignment]\nid = \n'))
    with pytest.raises(HomeworkError, match="id must be"):
        load_assignment(_write(pdir, '[assignment]\ntitle = "t"\n'
                                     '[[problems]]\ntype = "exploding"\n'))
    with pytest.raises(HomeworkError, match="no such assignment"):
        load_assignment(pdir / "missing.toml")


def test_bad_problem_type_file(tmp_path):
    pdir = copy_library(tmp_path)
    (pdir / "weird.toml").write_text('[problem]\ntype = "quantum"\ntemplate = "x.tex"\n',
                                     encoding="utf-8")
    p = _write(pdir, '[assignment]\nid = "x"\n[[problems]]\ntype = "weird"\n')
    with pytest.raises(HomeworkError, match=r"weird.toml, line 2: unknown problem type 'quantum'"):
        load_assignment(p)


def test_impossible_draw_is_reported_with_student(tmp_path):
    pdir = copy_library(tmp_path)
    # out ≤ 1/4 can never be accepted by chain_route (the factor must include a weight)
    p = _write(pdir, '[assignment]\nid = "x"\n[[problems]]\ntype = "chain_route"\n'
                     'params = { out = { choices = [0.1, 0.2] } }\n')
    a = load_assignment(p)
    with pytest.raises(HomeworkError, match=r"bad.toml, line 3: problem 1 \(chain_route\).*"
                                            r"student 'z9'"):
        student_set(a, Student("z9", "Z", 2))


# -- the roster ----------------------------------------------------------------------------
def _roster(tmp_path, text, name="roster.csv"):
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def test_roster_reads_bom_quotes_and_extra_columns(tmp_path):
    p = _roster(tmp_path, '\ufeffname,student_id,email\n"Lovelace, Ada",s1,a@x\n\n'
                          '"Multi\nLine",s2,b@x\nZoë Ørsted-Łukasz,s3,\n')
    r = load_roster(p)
    assert [(s.student_id, s.name, s.line) for s in r] == [
        ("s1", "Lovelace, Ada", 2), ("s2", "Multi\nLine", 4), ("s3", "Zoë Ørsted-Łukasz", 6)]


@pytest.mark.parametrize("text, words", [
    ("student_id,name\ns1,A\ns1,B\n", ["line 3", "duplicate student_id 's1'", "line 2"]),
    ("student_id,name\ns1,A\n ,B\n", ["line 3", "empty student_id", "'B'"]),
    ("id,name\ns1,A\n", ["line 1", "missing column 'student_id'"]),
    ("student_id\ns1\n", ["missing column 'name'"]),
    ("student_id,name\n", ["no students"]),
    ("", ["empty"]),
    ("student_id,name\ns1\n", ["line 2", "1 field"]),
])
def test_roster_errors(tmp_path, text, words):
    with pytest.raises(HomeworkError) as e:
        load_roster(_roster(tmp_path, text))
    assert "roster.csv" in str(e.value)
    for w in words:
        assert w in str(e.value)


def test_roster_not_utf8(tmp_path):
    p = tmp_path / "r.csv"
    p.write_bytes(b"student_id,name\ns1,Zo\xeb\n")
    with pytest.raises(HomeworkError, match="line 2: not UTF-8"):
        load_roster(p)


def test_tolerance_semantics():
    """A homework Tolerance means the same to the grader that judges with it."""
    from vgp_symbolic.grade.compare import Criterion, to_fraction

    def accepts(t, target, value):
        return Criterion.of(target, t).accepts(to_fraction(value))

    t = Tolerance(rel=1e-3)
    assert accepts(t, Fraction(1, 500), Fraction(2002, 1000000))
    assert not accepts(t, Fraction(1, 500), Fraction(2003, 1000000))
    assert accepts(Tolerance(sig_figs=3), Fraction(1249, 500), Fraction(25, 10))
    assert not accepts(Tolerance(sig_figs=3), Fraction(1249, 500), Fraction(249, 100))
    assert accepts(Tolerance(abs=0), 7, Fraction(7)) and not accepts(Tolerance(abs=0), 7, 8)
    assert Tolerance(rel=0.01).describe() == "within 1 %"
