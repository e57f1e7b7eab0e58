"""The proof machinery: a check is executed, and a false claim is never marked verified."""
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from vgp_symbolic.proofs import Proof, Step
from vgp_symbolic.proofs import checks as C
from vgp_symbolic.numbers import sig_decimal as round_sig  # the proofs' decimal rounding
from vgp_symbolic.proofs.intervals import (Enclosure, enclose, iv_erf, iv_sigmoid,
                                           sign_change, sign_scan)
from vgp_symbolic.proofs.steps import run_check

z = sp.Symbol("z", real=True)
s = sp.Symbol("s", real=True)
sig = 1 / (1 + sp.exp(-z))


def _verify(*steps):
    return Proof("t", "t", "t", tuple(steps)).verify()


def test_true_identity_verified():
    r = _verify(Step("σ′ = σ(1 − σ)", "", C.identical(sp.diff(sig, z), sig * (1 - sig))))
    assert r.verified and r.results[0].verified


def test_deliberately_false_sigmoid_bound_is_not_verified():
    # "σ′ ≤ 1/5" via the wrong square: 1/5 − s(1 − s) is not (s − 1/2)²
    false = Step("1/5 − s(1 − s) = (s − 1/2)²", "",
                 C.identical(sp.Rational(1, 5) - s * (1 - s), (s - sp.Rational(1, 2))**2))
    follow = Step("hence σ′ ≤ 1/5", "", None, premises=(1,), kind="conclusion")
    r = _verify(false, follow)
    assert [x.verified for x in r.results] == [False, False]
    assert not r.verified
    assert "not 0" in r.results[0].detail
    assert "relies on step(s) 1" in r.results[1].detail
    text = r.to_text()
    assert "[✗]" in text and "NOT VERIFIED" in text and "NOT a complete proof" in text
    assert "not verified" in r.to_latex()
    assert [d["verified"] for d in r.to_json()["steps"]] == [False, False]
    assert r.to_json()["verified"] is False


@pytest.mark.parametrize("check", [
    C.identical(sp.tanh(z), 1 - sp.tanh(z)**2),
    C.is_positive(z),                       # undecidable sign: not a proof
    C.is_nonnegative(sp.exp(z) - 1),
    C.limit_is(sig, z, sp.oo, 0),           # the limit is 1
    C.solutions_are(sig - sp.Rational(1, 2), z, {1}),
    C.holds(sp.Lt(sp.Rational(1, 4)**10, sp.Rational(1, 10**7))),
    C.range_is(sig, z, sp.S.Reals, sp.Interval(0, 1)),  # (0, 1) is open
    lambda: None, lambda: 1, lambda: (False, "no"), lambda: 1 / 0,
])
def test_false_or_undecided_claims_are_not_verified(check):
    ok, _ = run_check(check)
    assert ok is False


def test_sympy_limit_disagreement_is_caught():
    # SymPy 1.14's limit() says 0 here; gruntz says 1 (correct). Either way: not silently passed.
    d = sig * (1 + z * (1 - sig))
    ok_true, _ = run_check(C.limit_is(d, z, sp.oo, 1))
    ok_false, _ = run_check(C.limit_is(d, z, sp.oo, 0))
    assert not ok_false
    assert ok_true or "gruntz" in run_check(C.limit_is(d, z, sp.oo, 1))[1]


def test_premise_must_precede():
    r = _verify(Step("a", "", C.follows({}), premises=(2,)), Step("b", "", lambda: True, kind="identity"))
    assert not r.results[0].verified


def test_interval_tools():
    e = enclose(iv_erf, 1)
    with mpmath.workdps(80):
        ref = mpmath.erf(1)
        assert mpmath.mpf(e.lo.numerator) / e.lo.denominator <= ref
        assert ref <= mpmath.mpf(e.hi.numerator) / e.hi.denominator
    assert 0 < e.width < Fraction(1, 10**40)
    assert e.sig_digits(10) == "0.8427007929"
    assert sign_change(lambda x: x * x - 2, 1, 2)
    assert not sign_change(lambda x: x * x + 1, -1, 1)
    assert not sign_change(lambda x: x, -1, 0)  # 0 is not certified negative/positive
    pos, neg, und = sign_scan(lambda x: 2 * iv_sigmoid(x) - 1, -1, 1)
    assert all(hi <= 0 for _, hi in neg) and all(lo >= 0 for lo, _ in pos)
    assert all(lo <= 0 <= hi for lo, hi in und)
    with pytest.raises(ValueError):
        enclose(iv_erf, 3)


def test_round_sig_directed():
    q = Fraction(2, 3)
    assert round_sig(q, 3) == "0.667"
    assert round_sig(q, 3, "down") == "0.666" and round_sig(q, 3, "up") == "0.667"
    assert round_sig(-q, 3, "down") == "-0.667" and round_sig(-q, 3, "up") == "-0.666"
    assert round_sig(Fraction(9995, 1000), 3) == "10.0"
    assert Enclosure(Fraction(1, 3), Fraction(1, 3)).sig_digits(4) == "0.3333"
