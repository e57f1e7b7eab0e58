"""The grader's fast paths give exactly what the exact paths give.

Floats (and integer shortcuts) only ever decide cases they decide with certainty; these tests
compare each fast path with the slower reference it replaces, on many generated cases.
"""
from __future__ import annotations

import math
import random
from fractions import Fraction as F

import pytest

from vgp_symbolic.grade import read_answers_text
from vgp_symbolic.grade.answers import AnswerSheet, _long_row, _record
from vgp_symbolic.grade.compare import (Criterion, Tolerance, float_bounds, judge, magnitude,
                                        not_slip, round_sig, trunc_sig, _tol_cached)
from vgp_symbolic.grade.parse import _PLAIN, _plain, parse_answer

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


def test_zero_target_decided_by_floats_exactly():
    c = Criterion.of(F(0), Tolerance(abs=1e-3))
    assert c._sure_in is not None and c._sure_out is not None
    for a in (F(1, 1000), F(-1, 1000), F(1001, 1000000), F(999, 1000000), F(1, 10 ** 30), F(0)):
        assert c.accepts(a) == (abs(a) <= F(1, 1000))
    assert not Criterion.of(F(0), Tolerance(sig_figs=3)).accepts(F(1, 10 ** 30))
    # an abs tolerance too small for floats leaves everything to exact work
    assert float_bounds(0.0, True, _tol_cached(Tolerance(abs=F(1, 10 ** 400)))) == (None, None)
    assert Criterion.of(F(0), Tolerance(abs=F(1, 10 ** 400))).accepts(F(1, 10 ** 401))


def test_tolerance_entry_is_a_record_read_by_name():
    # it was a 9-tuple read by position (e[4], e[7], …) with one slot nobody read
    e = _tol_cached(Tolerance(rel=1e-3, abs=F(1, 100), sig_figs=3))
    assert (e.rel, e.abs, e.sig_figs) == (F(1, 1000), F(1, 100), 3)
    assert (e.relf, e.absf) == (1e-3, 0.01) and e.sig_factor == 10.0 ** (2 - 3)
    assert e.zero_bounds == (0.01 * (1 - 1e-6), 0.01 * (1 + 1e-6))
    assert _tol_cached(e.tol) is e  # cached by the tolerance's identity


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
