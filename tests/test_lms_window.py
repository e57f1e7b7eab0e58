"""lms.window: the one tolerance → LMS interval conversion agrees with the grader."""
from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st

from vgp_symbolic.grade.compare import Criterion
from vgp_symbolic.lms.window import WindowError, decimal_text, lms_window, unscale_text
from vgp_symbolic.question import Tolerance

TOLS = [Tolerance(rel=1e-3), Tolerance(abs=1e-5), Tolerance(sig_figs=3), Tolerance(sig_figs=1),
        Tolerance(rel=1e-3, sig_figs=3), Tolerance(abs=1e-4, rel=1e-2), Tolerance()]


@settings(max_examples=300, deadline=None)
@given(num=st.integers(-10**6, 10**6).filter(bool), den=st.integers(1, 10**5),
       tol=st.sampled_from(TOLS), off=st.integers(-3000, 3000))
def test_window_is_the_acceptance_rule(num, den, tol, off):
    """Every value is inside the window exactly when the tolerance (the one acceptance rule
    of draws and grading) accepts it, both ends included."""
    x = F(num, den)
    w = lms_window(x, tol)
    s = F(10) ** w.exponent
    for a in (x + x * F(off, 10**6), w.lo * s, w.hi * s, w.lo * s - F(1, 10**30),
              w.hi * s + F(1, 10**30)):
        assert w.contains(a / s) == tol.accepts(a, x), (x, tol, a)
        if tol.given.sig_figs is None:  # the grader's Criterion agrees (rel/abs; sig figs too
            assert w.contains(a / s) == Criterion.of(x, tol).accepts(a)   # once it centres)


def test_sig_fig_window_is_an_absolute_interval_centred_on_the_value():
    w = lms_window(F(1249, 500), Tolerance(sig_figs=3))          # 2.498 ± 0.005
    assert (w.lo, w.hi, w.margin) == (F(2493, 1000), F(2503, 1000), F(5, 1000))
    w = lms_window(0.0123, Tolerance(sig_figs=2))                # a float as its decimal
    assert (w.value, w.margin) == (F(123, 10000), F(5, 10000))


def test_tiny_answers_are_asked_in_scaled_units():
    """Canvas types |x| < 1e-4 as 0 and Moodle widens by 1e-14: ask in units of 10^k."""
    w = lms_window(F(64, 10**6), Tolerance(rel=1e-3))
    assert (w.exponent, w.value, w.unit_text) == (-6, 64, "in units of 10⁻⁶")
    assert lms_window(F(3, 10**13), Tolerance(rel=1e-3)).exponent == -15
    assert lms_window(F(32, 10**5), Tolerance(rel=1e-3)).exponent == 0       # 3.2e-4 is fine
    # a window reaching from above 1e-4 down below it, not containing 0: scaled too
    assert lms_window(F(105, 10**6), Tolerance(rel=0.1)).exponent == -6
    assert lms_window(F(0), Tolerance(abs=1e-9)).exponent == -9


def test_scaled_response_is_graded_as_the_plain_answer():
    assert unscale_text("64.0", -6) == "64.0e-6"
    assert unscale_text(" -6.4E1 ", -6) == "-6.4e-5"
    assert unscale_text("0,5", -3) == "0,5e-3"
    assert unscale_text("1/2", -3) == "1/2"          # not a plain number: left for the grader
    from vgp_symbolic.grade import parse_answer
    assert parse_answer(unscale_text("64.0", -6)).value == F(64, 10**6)
    assert parse_answer(unscale_text("64.0", -6)).sig_figs == 3


def test_window_narrower_than_float_widening_is_refused():
    with pytest.raises(WindowError, match="narrower"):
        lms_window(F(1, 2), Tolerance(abs=1e-16))
    assert lms_window(F(5), Tolerance(abs=0)).margin == 0          # exact integers are fine
    assert lms_window(F(5), Tolerance(abs=0)).instruction == "give the exact value as a decimal"
    with pytest.raises(WindowError, match="no finite decimal"):     # 1/3 cannot be typed
        lms_window(F(1, 3), Tolerance(abs=0))


def test_decimal_text():
    assert decimal_text(F(1, 8)) == "0.125"
    assert float(decimal_text(F(10, 13))) == 10 / 13
