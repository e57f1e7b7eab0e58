"""The Loss records: derivative against SymPy's diff, and the number systems against each other."""
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from vgp_symbolic.core.losses import LOSSES, UnknownLoss, get_loss
from vgp_symbolic.errors import UserError


@pytest.mark.parametrize("name", list(LOSSES))
def test_derivative_is_the_derivative_of_the_definition(name):
    loss = get_loss(name)
    yh, y = sp.symbols("ŷ y", real=True)
    assert sp.simplify(sp.diff(loss.expr(yh, y), yh) - loss.deriv(yh, y)) == 0


@pytest.mark.parametrize("name", list(LOSSES))
def test_number_systems_agree(name):
    loss = get_loss(name)
    a, b = Fraction(3, 10), Fraction(1)
    with mpmath.workdps(30):
        mp_v, mp_g = loss.mp_value(mpmath.mpf(a.numerator) / a.denominator, mpmath.mpf(1)), \
            loss.mp_grad(mpmath.mpf(a.numerator) / a.denominator, mpmath.mpf(1))
    np_v = loss.np_value(np.array([0.3]), np.array([1.0]))[0]
    np_g = loss.np_grad(np.array([0.3]), np.array([1.0]))[0]
    assert float(mp_v) == pytest.approx(np_v, rel=1e-15)
    assert float(mp_g) == pytest.approx(np_g, rel=1e-15)
    assert float(loss.grad(a, b)) == pytest.approx(np_g, rel=1e-15)


def test_bce_from_the_logit_never_takes_log_zero():
    bce = get_loss("bce")
    z = np.array([-800.0, 800.0, 0.0])
    L = bce.logit_value(z, np.array([1.0, 0.0, 1.0]))
    assert L.tolist() == [800.0, 800.0, pytest.approx(np.log(2))]


def test_unknown_loss_is_a_user_error():
    with pytest.raises(UnknownLoss) as e:
        get_loss("hinge")
    assert isinstance(e.value, UserError) and "mse, half_mse, bce" in str(e.value)
