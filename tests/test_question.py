"""question.Tolerance: the one acceptance rule and the precision instruction students read."""
from fractions import Fraction as F

import pytest
from hypothesis import given, strategies as st

from vgp_symbolic.question import Tolerance, exact


@pytest.mark.parametrize("tol,answer,value,ok", [
    # the window is centred on the true value: ½ unit of its n-th significant figure
    (Tolerance(sig_figs=3), "2.495", F(24949999, 10 ** 7), True),    # across a rounding boundary
    (Tolerance(sig_figs=3), "2.4950", F(24949999, 10 ** 7), True),
    (Tolerance(sig_figs=3), "2.49", F(24949999, 10 ** 7), True),
    (Tolerance(sig_figs=3), "2.50", F(24949999, 10 ** 7), False),
    (Tolerance(sig_figs=3), "2.49", 2.485, True),       # the float 2.485 is the decimal 2.485
    (Tolerance(sig_figs=3), "2.48", 2.485, True),
    (Tolerance(sig_figs=3), "2.491", 2.485, False),
    (Tolerance(sig_figs=3), "10.0", F(9996, 1000), True),
    (Tolerance(rel=1e-3), "1.001", 1, True),             # 1e-3 is exactly 1/1000
    (Tolerance(rel=1e-3), "1.0011", 1, False),
    (Tolerance(abs=1e-4), "-1.6615", F(-108, 65), True),
    (Tolerance(abs=0), "0.1", 0.1, True),
    (Tolerance(), "2.50", F(1249, 500), True),          # nothing given: 3 significant figures
])
def test_accepts(tol, answer, value, ok):
    assert tol.accepts(answer, value) is ok


def test_near_is_accepts_with_the_separation_margin():
    t = Tolerance(rel=1e-3)
    assert t.near(F(1000), F(1001)) and t.near(F(1001), F(1000))
    assert t.near(F(1000), F(100101, 100))              # 1.01 windows
    assert not t.near(F(1000), F(100102, 100))
    assert not t.accepts(F(100101, 100), F(1000))


@given(st.fractions(min_value=-1000, max_value=1000), st.fractions(min_value=-1000, max_value=1000),
       st.sampled_from([Tolerance(rel=1e-3), Tolerance(abs=1e-4), Tolerance(sig_figs=3),
                        Tolerance(rel=0.01, abs=1e-6)]))
def test_near_agrees_with_the_exact_rule(a, b, t):
    from vgp_symbolic.question import SEPARATION
    assert t.near(a, b) == (t.accepts(a, b, SEPARATION) or t.accepts(b, a, SEPARATION))
    assert t.near(float(a), float(b)) == (t.accepts(float(a), float(b), SEPARATION)
                                          or t.accepts(float(b), float(a), SEPARATION))


@pytest.mark.parametrize("tol,words", [
    (Tolerance(rel=1e-3), "give at least 4 significant figures"),
    (Tolerance(rel=2e-3), "give at least 4 significant figures"),
    (Tolerance(rel=5e-3), "give at least 3 significant figures"),
    (Tolerance(rel=1e-2), "give at least 3 significant figures"),
    (Tolerance(abs=1e-4), "give at least 4 decimal places"),
    (Tolerance(abs=1e-5), "give at least 5 decimal places"),
    (Tolerance(abs=1e-3), "give at least 3 decimal places"),
    (Tolerance(abs=0.0), "give the exact value (a fraction such as 1/3, or a terminating decimal)"),
    (Tolerance(sig_figs=3), "give 3 significant figures"),
    (Tolerance(rel=1e-3, abs=1e-6), "give at least 4 significant figures or at least 6 decimal places"),
])
def test_instruction(tol, words):
    assert tol.instruction() == words


@given(st.fractions(min_value=F(-10 ** 6), max_value=F(10 ** 6)).filter(bool),
       st.sampled_from([Tolerance(rel=1e-3), Tolerance(rel=2e-3), Tolerance(rel=1e-2),
                        Tolerance(rel=5e-3), Tolerance(abs=1e-4), Tolerance(abs=1e-5),
                        Tolerance(abs=1e-3), Tolerance(sig_figs=3), Tolerance(sig_figs=2)]))
def test_following_the_instruction_is_always_accepted(x, tol):
    """What the instruction asks for is always enough: the example it gives is accepted."""
    assert tol.accepts(tol.example(x), x)


def test_example_keeps_trailing_zeros():
    assert Tolerance(rel=1e-3).example(F(5, 2)) == "2.500"
    assert Tolerance(abs=1e-4).example(F(-108, 65)) == "-1.6615"
    assert Tolerance(sig_figs=3).example(F(1, 500)) == "0.00200"


def test_exact_reads_floats_as_their_shortest_decimal():
    assert exact(2.485) == F(497, 200) and exact(0.1) == F(1, 10) and exact("1e-3") == F(1, 1000)
    with pytest.raises(ValueError):
        exact(float("nan"))
