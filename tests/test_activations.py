"""Every activation's four faces agree: SymPy definition, textbook derivative, numpy, mpmath."""
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from vgp_symbolic.core.activations import ACTIVATIONS, UnknownActivation, get_activation

z = sp.Symbol("z", real=True)
POINTS = [-7.5, -2.0, -0.3, 0.4, 1.0, 3.25, 9.0]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_textbook_derivative_equals_diff(name):
    act = get_activation(name)
    f, d = act.expr(z), act.deriv(z)
    # away from the kink the derivative of the definition must equal the textbook form
    for p in POINTS:
        want = sp.diff(f, z).subs(z, sp.Rational(str(p)))
        got = d.subs(z, sp.Rational(str(p)))
        assert abs(float((want - got).evalf(30))) < 1e-25, (name, p)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus", "swish"])
def test_smooth_derivatives_identical_symbolically(name):
    act = get_activation(name)
    assert sp.simplify(sp.diff(act.expr(z), z) - act.deriv(z)).rewrite(sp.exp).simplify() == 0


@pytest.mark.parametrize("name", ACTIVATIONS)
@settings(max_examples=40, deadline=None)
@given(x=st.floats(-30, 30, allow_nan=False))
def test_numpy_matches_sympy(name, x):
    act = get_activation(name)
    f = sp.lambdify(z, act.expr(z), "mpmath")
    df = sp.lambdify(z, act.deriv(z), "mpmath")
    # the reference must not cancel: exp(z) − 1 for z ~ 1e-300, 1 + erf(z/√2) ~ e^{-z²/2} for z ≪ 0
    with mpmath.workdps(250 + (int(-mpmath.log10(abs(x))) if 0 < abs(x) < 1 else 0)):
        want_f, want_df = float(f(mpmath.mpf(x))), float(df(mpmath.mpf(x)))
    o = act.np_f(np.array([x]))
    assert o[0] == pytest.approx(want_f, rel=1e-12, abs=1e-300)
    assert act.np_df(np.array([x]), o)[0] == pytest.approx(want_df, rel=1e-11, abs=1e-15)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_mpmath_versions(name):
    act = get_activation(name)
    with mpmath.workdps(40):
        for p in POINTS:
            v = mpmath.mpf(p)
            o = act.mp_f(v)
            assert float(o) == pytest.approx(float(act.np_f(np.array([p]))[0]), rel=1e-14)
            assert float(act.mp_df(v, o)) == pytest.approx(
                float(act.np_df(np.array([p]), np.array([float(o)]))[0]), rel=1e-13)


def test_no_overflow_warnings_at_extremes():
    big = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    # underflow to 0 is the right answer far out in the tails; overflow or NaN would be a bug
    with np.errstate(over="raise", invalid="raise"):
        for name in ACTIVATIONS:
            act = get_activation(name)
            o = act.np_f(big)
            assert np.all(np.isfinite(act.np_df(big, o)))


@pytest.mark.parametrize("name,left", [("relu", 0), ("leaky_relu", Fraction(1, 100)), ("linear", 1)])
def test_exact_piecewise_linear(name, left):
    act = get_activation(name)
    assert act.piecewise_linear
    assert act.exact_value(Fraction(-3, 2)) == Fraction(-3, 2) * left
    assert act.exact_value(Fraction(5, 7)) == Fraction(5, 7)
    assert act.exact_derivative(Fraction(0)) == left  # left branch at the kink
    assert act.exact_derivative(Fraction(1, 10**9)) == 1


def test_kink_convention_matches_sympy_definition():
    # relu'(0) = 0 and leaky'(0) = slope: the Piecewise derivative takes the left branch at 0
    assert get_activation("relu").deriv(z).subs(z, 0) == 0
    assert get_activation("leaky_relu").deriv(z).subs(z, 0) == sp.Rational(1, 100)


def test_sup_abs_values():
    assert get_activation("sigmoid").sup_abs == sp.Rational(1, 4)
    assert get_activation("tanh").sup_abs == 1
    gelu = get_activation("gelu")
    assert float(gelu.sup_abs) == pytest.approx(1.1289, abs=1e-4)
    assert float(gelu.deriv(z).subs(z, sp.sqrt(2))) == pytest.approx(float(gelu.sup_abs))


def test_parameters_and_errors():
    assert get_activation("leaky_relu", slope=Fraction(1, 5)).slopes == (Fraction(1, 5), 1)
    assert get_activation("elu", alpha=2).sup_abs == 2
    assert get_activation("SiLU").name == "swish"
    with pytest.raises(UnknownActivation, match="softmax"):
        get_activation("softmax")
    with pytest.raises(ValueError, match="slope"):
        get_activation("relu", slope=0.2)
    with pytest.raises(ValueError, match="slope must be"):
        get_activation("leaky_relu", slope=2)
