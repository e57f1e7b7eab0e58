"""The shared number helpers: one meaning of rounding and decimals across the package."""
from fractions import Fraction

import mpmath
from hypothesis import given
from hypothesis import strategies as st

from vgp_symbolic.numbers import (exact_decimal, fmt, magnitude, round_places, round_sig,
                                  to_mpf, trunc_sig)

fractions = st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**6).filter(bool)


@given(fractions, st.integers(1, 8))
def test_round_and_trunc_sig_bracket_the_value(x, n):
    r, t = round_sig(x, n), trunc_sig(x, n)
    unit = Fraction(10) ** (magnitude(x) - n + 1)
    assert abs(x - r) <= unit / 2 and abs(t) <= abs(x) < abs(t) + unit


@given(fractions)
def test_magnitude_is_floor_log10(x):
    e = magnitude(x)
    assert Fraction(10) ** e <= abs(x) < Fraction(10) ** (e + 1)


@given(fractions, st.integers(0, 6))
def test_round_places_halves_away_from_zero(x, places):
    r = round_places(x, places)
    q = Fraction(1, 10 ** places)
    assert abs(x - r) <= q / 2 and (r * 10 ** places).denominator == 1
    if abs(x - r) == q / 2:
        assert abs(r) > abs(x)


def test_exact_decimal_and_fmt():
    assert exact_decimal(Fraction(1249, 500)) == "2.498"
    assert exact_decimal(Fraction(1, 3)) is None
    assert exact_decimal(Fraction(1, 10 ** 30)) is None  # longer than 24 characters
    assert fmt(Fraction(-29, 40)) == "-0.725"
    assert fmt(Fraction(1, 3)) == "1/3 ≈ 0.3333333333"
    assert float(to_mpf(Fraction(1, 3))) == 1 / 3
    assert fmt(mpmath.mpf("1e-400")) == "1.0e-400"


@given(st.fractions(min_value=-10**9, max_value=10**9, max_denominator=10**12),
       st.integers(1, 25), st.sampled_from(["nearest", "down", "up"]))
def test_sig_decimal_writes_round_sig(q, n, mode):
    # one rounding to significant figures: the proofs' decimal text is round_sig's number
    from vgp_symbolic.numbers import sig_decimal
    s = sig_decimal(q, n, mode)
    r = round_sig(q, n, mode)
    assert Fraction(s) == r
    digits = s.lstrip("-").replace(".", "").lstrip("0")
    if r and "." in s:
        assert len(digits) == n  # exactly n significant digits, trailing zeros kept
    elif r:
        assert len(digits) >= n and set(digits[n:]) <= {"0"}
    if mode == "down":
        assert r <= q
    elif mode == "up":
        assert r >= q
    else:
        assert abs(r - q) <= abs(round_sig(q, n, "down") - round_sig(q, n, "up")) / 2 or r == q


def test_one_definition_of_round_sig():
    # proofs/intervals.py had its own round_sig (returning str) beside numbers.round_sig (Fraction)
    import pathlib
    import vgp_symbolic
    src = pathlib.Path(vgp_symbolic.__file__).parent
    defs = [p for p in src.rglob("*.py") if "def round_sig(" in p.read_text(encoding="utf-8")]
    assert [p.name for p in defs] == ["numbers.py"]


def test_one_reader_of_sympy_numbers():
    # homework's to_fraction (sp.Rational) and the proofs' _frac (to_rational) read SymPy
    # numbers separately; numbers.sympy_fraction is the one reader now
    import pytest
    import sympy as sp
    from vgp_symbolic.homework.types import base
    from vgp_symbolic.numbers import sympy_fraction
    assert base.to_fraction is sympy_fraction
    assert sympy_fraction(sp.Rational(-3, 8)) == Fraction(-3, 8)
    assert sympy_fraction(sp.Float(0.1)) == Fraction(0.1)  # the binary number it holds
    with pytest.raises(ValueError):
        sympy_fraction(sp.sqrt(2))
