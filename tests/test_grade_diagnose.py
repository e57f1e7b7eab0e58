"""Tolerances, partial credit and diagnosis: which step went wrong."""
from fractions import Fraction as F

import pytest

from grade_class import Mistake, Question, questions_for
from vgp_symbolic.grade.compare import (Criterion, Policy, PolicyError, Tolerance, judge, magnitude,
                                        round_sig, trunc_sig)
from vgp_symbolic.grade.diagnose import diagnose
from vgp_symbolic.grade.parse import parse_answer

X = F(1249, 500)      # 2.498, the seed's updated weight


def verdict(text, target=X, tol=None):
    return judge(parse_answer(text), Criterion.of(target, tol))


@pytest.mark.parametrize("text,expected", [
    ("2.498", "match"), ("2.4980", "match"), ("1249/500", "match"), ("2.50", "match"),
    ("2.502", "match"), ("2.5", "coarse"), ("2.49", "truncated"), ("2.4", "truncated"),
    ("2.0", None), ("2", None), ("3", None), ("2.51", None), ("2.48", None), ("-2.498", None),
])
def test_default_tolerance_is_three_significant_figures(text, expected):
    assert verdict(text) == expected


def test_exact_answers_need_no_extra_digits():
    assert verdict("0.002", F(1, 500)) == "match"
    assert verdict("2e-3", F(1, 500)) == "match"
    assert verdict("0.0020004", F(1, 500)) == "match"
    assert verdict("0.002", F(20004, 10 ** 7)) == "coarse"   # 0.0020004 needs 0.00200


def test_rel_and_abs():
    t = Tolerance(rel=1e-3)
    assert verdict("2.5", X, t) == "match"          # |0.002| <= 0.002498
    assert verdict("2.501", X, t) is None
    assert verdict("2.49", X, t) == "truncated"
    assert verdict("0.5", F(0), Tolerance(abs=0.5)) == "match"
    assert verdict("0.6", F(0), Tolerance(abs=0.5)) is None
    assert Criterion.of(X, Tolerance(rel=1e-3)).allowed == F(1249, 500000)   # 1e-3 read as 1/1000
    assert Criterion.of(F(0), Tolerance(sig_figs=3)).accepts(F(0))
    assert not Criterion.of(F(0), Tolerance(sig_figs=3)).accepts(F(1, 10 ** 30))


def test_float_targets_and_negative_values():
    assert verdict("0.1", 0.1, Tolerance(sig_figs=3)) == "match"
    assert verdict("-2.49", -X) == "truncated"
    assert verdict("-2.5", -X) == "coarse"


def test_rounding_helpers():
    assert [magnitude(F(v)) for v in ("0.001", "0.00999", "1", "9.99", "10", "123")] == \
        [-3, -3, 0, 0, 1, 2]
    assert round_sig(F("0.0125"), 2) == F("0.013")      # halves away from zero
    assert round_sig(F("-0.0125"), 2) == F("-0.013")
    assert round_sig(F("9.996"), 3) == F(10)
    assert trunc_sig(F("-2.498"), 2) == F("-2.4")


def test_policy_from_grading():
    p = Policy.from_grading({"mistake_credit": 0.25, "ecf_credit": 0.75, "rounding_credit": 1,
                             "something_else": "left alone"})
    assert (p.mistake_credit, p.ecf_credit, p.rounding_credit) == (0.25, 0.75, 1.0)
    assert Policy.from_grading(None) == Policy()
    for bad in ({"mistake_credit": 2}, {"ecf_credit": "full"}, {"rounding_credit": True},
                {"mistake_credit": {"sign_flipped": -1}}):
        with pytest.raises(PolicyError, match="from 0 to 1"):
            Policy.from_grading(bad)


# -- diagnosis --------------------------------------------------------------------------------
Q1, Q2, Q3 = questions_for(0)        # q1 = 0.2·0.5·0.2 = 0.02, q2 = 2.5 − 0.02 = 2.48
QX = Question("qx", X, Tolerance(sig_figs=3), 1.0)     # the seed's 2.498


def d(q, text, given=None, ok=None, policy=None):
    return diagnose(q, parse_answer(text), given, ok, policy)


def test_every_catalogued_mistake_is_named():
    for q in (Q1, Q2, Q3):
        for m in q.mistakes:
            r = d(q, str(m.value))
            assert (r.status, r.id, r.credit) == ("mistake", m.id, 0.5), (q.id, m.id, r)
            assert m.label in r.message


def test_generic_diagnoses():
    assert d(QX, "2.498").id == "correct"
    assert (d(QX, "2.49").id, d(QX, "2.49").credit) == ("truncated", 0.5)
    assert d(QX, "2.49").message == ('"2.49" is the answer truncated to 2 decimals instead of '
                                     'rounded (rounded: 2.50)')
    assert (d(QX, "2.5").id, d(QX, "2.5").credit) == ("too_few_sig_figs", 0.5)
    assert d(QX, "2.5").message == ('"2.5" is the answer rounded to 2 significant figures, too '
                                    'few: give 3 significant figures')   # the instruction's words
    assert (d(QX, "-2.498").id, d(QX, "-2.498").credit) == ("final_sign_flipped", 0.5)
    assert d(QX, "7").id == "wrong" and d(QX, "7").credit == 0
    assert d(QX, "7").expected == "2.498"
    # the message never repeats the correct value: the feedback shows it once, on its own line
    assert all("2.498" not in d(QX, t).message for t in ("2.49", "2.5", "-2.498", "7"))


def test_mistake_and_rounding_combined():
    r = d(Q2, "2.52")            # w + η·g
    assert r.id == "sign_flipped"
    q = Question("q", F(1249, 500), Tolerance(sig_figs=4), 1.0,
                 mistakes=(Mistake("lr_forgotten", "η was left out", F(249557, 100000)),))
    r = d(q, "2.495")            # 2.49557 truncated to 4 s.f. (2.4955's window holds 2.495)
    assert (r.status, r.id, r.rounding, r.credit) == ("mistake", "lr_forgotten", "truncated", 0.25)


def test_error_carried_forward():
    # q1 answered with σ for σ′ (0.08): q2 = 2.5 − 0.08 = 2.42 is right for that
    r = d(Q2, "2.42", {"q1": F(2, 25)}, {"q1": False})
    assert (r.status, r.id, r.credit) == ("ecf", "ecf", 1.0)
    assert "q1" in r.message
    assert d(Q2, "2.42", {"q1": F(2, 25)}, {"q1": False}, Policy(ecf_credit=0.5)).credit == 0.5
    # ECF with a truncation on top
    r = d(Q2, "2.41", {"q1": F(2, 25) + F(1, 500)}, {"q1": False})   # 2.418 truncated
    assert (r.id, r.rounding, r.credit) == ("ecf", "truncated", 0.5)
    # without a wrong earlier part there is nothing to carry forward
    assert d(Q2, "2.42", {"q1": F(1, 50)}, {"q1": True}).id == "wrong"
    # a recompute that fails on a strange value does not stop grading
    bad = Question("q2", X, depends_on=("q1",), recompute=lambda g: 1 / (g["q1"] - g["q1"]))
    assert d(bad, "1", {"q1": F(1)}, {"q1": False}).id == "wrong"


def test_mistake_indistinguishable_from_answer_is_ignored():
    q = Question("q", X, Tolerance(sig_figs=3), mistakes=(Mistake("m", "m", F(2501, 1000)),))
    assert d(q, "2.501").id == "correct"
    q = Question("q", X, mistakes=(Mistake("m", "m", float("nan")), Mistake("n", "n", None)))
    assert d(q, "3").id == "wrong"


def test_mistake_credit_overrides():
    p = Policy.from_grading({"mistake_credit": {"default": 0.2, "sign_flipped": 0.75}})
    assert d(Q2, "2.52", policy=p).credit == 0.75
    assert d(Q2, "-2.48", policy=p).credit == 0.2
    assert d(Q2, "2.46", policy=p).credit == 0.2           # lr_forgotten: default
