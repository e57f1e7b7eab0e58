"""The grader's fast paths give exactly what the exact paths give.

Floats (and integer shortcuts) only ever decide cases they decide with certainty; these tests
compare each fast path with the slower reference it replaces, on many generated cases.
"""
from __future__ import annotations

import math
import random
from fractions import Fraction as F

import pytest

from test_grade_fakes import Mistake, Question, Student, StudentSet, Tolerance
from vgp_symbolic.numbers import fmt
from vgp_symbolic.core.chain import rounding_note
from vgp_symbolic.grade import Policy, grade_sheet, read_answers_text
from vgp_symbolic.grade.answers import AnswerSheet, _long_row, _record
from vgp_symbolic.grade.compare import (Criterion, Tolerance, float_bounds, judge, magnitude,
                                        not_slip, round_sig, trunc_sig, _tol_cached)
from vgp_symbolic.grade.diagnose import _show, _truncation_note, diagnose
from vgp_symbolic.grade.parse import _PLAIN, _plain, parse_answer

TOLS = [None, Tolerance(sig_figs=3), Tolerance(sig_figs=2), Tolerance(rel=1e-3),
        Tolerance(abs=1e-5), Tolerance(abs=1e-3), Tolerance(abs=0.0), Tolerance(rel=0.01, sig_figs=3),
        Tolerance(rel=1e-3, abs=1e-6), Tolerance(abs=1e-4, sig_figs=2), Tolerance(rel=0.5)]


def _target(rng):
    r = rng.random()
    if r < 0.1:
        return F(0)
    if r < 0.15:
        return 0.0
    if r < 0.5:
        return F(rng.randint(-10 ** 6, 10 ** 6), rng.choice([1, 4, 8, 10, 25, 1000, 3, 7, 13]))
    if r < 0.8:
        return rng.uniform(-3, 3) * 10 ** rng.randint(-5, 5)
    return F(1, 4) ** rng.randint(1, 12)


def _answers(rng, x, tol, mistakes):
    fx = F(x)
    out = [f"{float(x):.{d}g}" for d in (1, 2, 3, 4, 6, 10, 17)]
    s = f"{float(x):.17g}"
    if "." in s and "e" not in s:
        out += [s[:s.index(".") + k] for k in (1, 2, 3, 4)]          # truncated
    out += [f"{fx.numerator}/{fx.denominator}", f"{float(x):.4e}", "-" + out[4], "0", "7.5"]
    for k in (F(1), F(999999, 1000000), F(1000001, 1000000)):    # at the edge of the tolerance
        for edge in (getattr(tol, "rel", None), getattr(tol, "abs", None)):
            if edge is not None:
                v = fx + k * F(repr(edge)) * (abs(fx) if edge == getattr(tol, "rel", None) else 1)
                out += [f"{v.numerator}/{v.denominator}", f"{float(v):.9g}"]
    for m in mistakes:
        out += [f"{float(m.value):.10g}", f"{float(m.value):.2g}", f"{float(m.value):.3g}"]
    out.append(f"{float(x) * rng.uniform(0.5, 1.5):.5g}")
    return out


def _question(rng, qid, deps=()):
    x, tol = _target(rng), rng.choice(TOLS)
    ms = []
    for j in range(rng.randint(0, 3)):
        r = rng.random()
        v = (x * 2 if r < 0.3 else -x if r < 0.5 else x if r < 0.6
             else float(x) * 1.0000001 if r < 0.7 else _target(rng))
        ms.append(Mistake(rng.choice(["m1", "m2", "sign_flipped"]), f"label {j}", v))
    rec = None
    if deps:
        rec = rng.choice([lambda g, x=x: F(x) + g[deps[0]] / 10,
                          lambda g, x=x: float(x) + float(g[deps[0]]),
                          lambda g: g[deps[0]] * 2])
    return Question(qid, x, tol, 1.0, tuple(deps), tuple(ms), rec)


def test_fast_diagnosis_is_the_exact_one():
    """diagnose() without a criterion (float fast path) == with one (the exact path)."""
    rng = random.Random(7)
    policy = Policy(ecf_credit=0.75, mistake_overrides=(("m2", 0.25),))
    n = 0
    for _ in range(150):
        q1 = _question(rng, "q1")
        q2 = _question(rng, "q2", ("q1",))
        for a1 in rng.sample(_answers(rng, q1.answer, q1.tolerance, q1.mistakes), 3):
            p1 = parse_answer(a1)
            d1 = diagnose(q1, p1, {}, {}, policy)
            assert d1 == diagnose(q1, p1, {}, {}, policy, Criterion.of(q1.answer, q1.tolerance))
            given, ok = {"q1": p1}, {"q1": d1.status == "correct"}
            for a2 in _answers(rng, q2.answer, q2.tolerance, q2.mistakes):
                p2 = parse_answer(a2)
                exact = diagnose(q2, p2, {"q1": p1.value}, ok, policy,
                                 Criterion.of(q2.answer, q2.tolerance))
                assert diagnose(q2, parse_answer(a2), given, ok, policy) == exact, (a1, a2)
                n += 1
    assert n > 5000


def test_class_grading_matches_exact_diagnoses():
    """grade_sheet (fast paths throughout) agrees with diagnosing each answer exactly."""
    rng = random.Random(3)
    qs = (_question(rng, "q1"), _question(rng, "q2"))
    sets = {f"s{i}": StudentSet(Student(f"s{i}"), qs) for i in range(60)}
    rows = ["student_id,question,answer"]
    for sid in sets:
        for q in qs:
            rows.append(f"{sid},{q.id},{rng.choice(_answers(rng, q.answer, q.tolerance, q.mistakes))}")
    result = grade_sheet(sets, read_answers_text("\n".join(rows), ["q1", "q2"], list(sets)))
    for s in result.students:
        for q in qs:
            r = s.results[q.id]
            assert r.diagnosis == diagnose(q, parse_answer(r.text), {}, {}, Policy(),
                                           Criterion.of(q.answer, q.tolerance))


@pytest.mark.parametrize("text", ["2.498", "-0.0357", "+.5", "5.", "0", "-0", "0.000", "007.50",
                                  "1" * 60, "1" * 60 + "." + "9" * 60, "-.25", "  3.25  "])
def test_plain_decimal_fast_path_is_the_regex_path(text):
    p = parse_answer(text)
    s = text.strip()
    q = _plain(_PLAIN.fullmatch(s), s)
    assert (p.value, p.sig_figs, p.decimals, p.text, p.approx) == \
        (q.value, q.sig_figs, q.decimals, q.text, q.approx)


@pytest.mark.parametrize("text", ["2.498e+00", "-1e-400", "1e400", "-1e400", "-0e5", "3/7",
                                  "-22/7", "1" * 60 + "/3", ".5E3", "-.4e-330"])
def test_lazy_value_and_approx(text):
    """The Fraction is made on demand; approx is float(value) exactly (the sign of 0 too)."""
    p = parse_answer(text)
    try:
        f = float(p.value)
    except OverflowError:
        f = math.inf if p.value > 0 else -math.inf
    assert repr(p.approx) == repr(f)


def test_truncation_note_is_rounding_notes():
    rng = random.Random(5)
    for _ in range(3000):
        x = F(rng.randint(-10 ** 7, 10 ** 7), rng.choice([1, 2, 8, 16, 25, 125, 1000, 10 ** 6]))
        places = rng.randint(0, 7)
        q = F(1, 10 ** places)
        c = rng.choice([F(int(x / q)) * q, F(round(x / q)) * q, x, F(int(x / q) + 1) * q])
        p = parse_answer(f"{float(c):.{places}f}")
        note = rounding_note(x, p.text)
        assert _truncation_note(x, p, _show(x)) == (note if note and "truncated" in note else None)


def test_show_is_fmt():
    rng = random.Random(2)
    xs = [F(rng.randint(-10 ** 12, 10 ** 12), rng.choice([1, 2, 8, 10, 3, 7, 65, 2 ** 40, 5 ** 20]))
          for _ in range(2000)] + [F(10 ** 30), F(-1, 3), 0.1, -2.5, 1e300]
    for x in xs:
        assert _show(x) == fmt(x)


def test_zero_target_decided_by_floats_exactly():
    c = Criterion.of(F(0), Tolerance(abs=1e-3))
    assert c._sure_in is not None and c._sure_out is not None
    for a in (F(1, 1000), F(-1, 1000), F(1001, 1000000), F(999, 1000000), F(1, 10 ** 30), F(0)):
        assert c.accepts(a) == (abs(a) <= F(1, 1000))
    assert not Criterion.of(F(0), Tolerance(sig_figs=3)).accepts(F(1, 10 ** 30))
    # an abs tolerance too small for floats leaves everything to exact work
    assert float_bounds(0.0, True, _tol_cached(Tolerance(abs=F(1, 10 ** 400)))) == (None, None)
    assert Criterion.of(F(0), Tolerance(abs=F(1, 10 ** 400))).accepts(F(1, 10 ** 401))


def test_not_slip_never_rules_out_a_real_slip():
    rng = random.Random(11)
    for _ in range(5000):
        x = F(rng.randint(1, 10 ** 9), rng.randint(1, 10 ** 9)) * F(10) ** rng.randint(-8, 8)
        x = -x if rng.random() < 0.3 else x
        p = rng.randint(2, 25)
        for a in (round_sig(x, p), trunc_sig(x, p)):
            tf = x.numerator / x.denominator
            assert not not_slip(abs(a.numerator / a.denominator - tf), abs(tf), p)


def test_many_digit_truncation_is_recognised():
    """With an exact-answer tolerance, a truncation to 18 figures is still 'truncated' (a
    float filter that ignored the floats' own error once called it wrong)."""
    x = F(253611, 1380394)
    p = parse_answer("0.183723632528104294")
    assert p.value == trunc_sig(x, 18) != round_sig(x, 18)
    assert judge(p, Criterion.of(x, Tolerance(abs=0.0))) == "truncated"


def test_needed_figures():
    rng = random.Random(13)
    for _ in range(500):
        x = F(rng.randint(1, 10 ** 6), rng.randint(1, 10 ** 4))
        c = Criterion.of(x, Tolerance(rel=rng.choice([1e-2, 1e-3, 5e-4, 1e-9]),
                                abs=rng.choice([None, 1e-5, 0.0])))
        half, n = F(10) ** magnitude(x) / 2, 1       # the definition: half a unit must fit
        while n < 17 and half > c.allowed:
            n, half = n + 1, half / 10
        assert c.needed == n


def test_long_rows_fast_path_is_the_general_path():
    text = ("student_id,question,answer\n"
            "s1,q1,0.5\n s2 ,Q1 ,2\ns1,q1,3\ns9,q1,1\ns2,qx,1\n,q1,1\ns1,q2\n"
            "s1,q2,1,2\ns2,q2,\"1,5\"\ns2,q2,\"open\n\n , ,\ns3,q1, 7 \n")
    sheet = read_answers_text(text, ["q1", "q2"], ["s1", "s2", "s3"])
    ref = AnswerSheet("answers.csv", "long")
    first = {}
    qmap = {"q1": "q1", "q2": "q2"}
    dialect = {"delimiter": ",", "skipinitialspace": False}
    for i, line in enumerate(text.split("\n")[1:-1], start=2):
        r = _record(line, dialect)
        if r is not None:
            _long_row(ref, i, r[0], r[1], dialect, 0, 1, 2, 3, qmap, {"s1", "s2", "s3"}, False,
                      first)
    assert sheet.answers == ref.answers
    assert sheet.problems == ref.problems
    assert sheet.data_lines == ref.data_lines
