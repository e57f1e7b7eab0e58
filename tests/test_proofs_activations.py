"""Each activation's proof: verified, and the facts it establishes are the right ones."""
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from vgp_symbolic.core.activations import ACTIVATIONS, get_activation
from vgp_symbolic.proofs import prove_activation, sup_abs_derivative

JSON_KEYS = {"activation", "derivative", "sup", "sup_float", "argmax", "saturates", "steps"}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_every_step_verified(name):
    b = prove_activation(name)
    assert b.verified, b.checked.to_text()
    assert all(r.verified for r in b.checked.results)
    d = b.to_json()
    assert JSON_KEYS <= set(d)
    assert all({"claim", "verified"} <= set(st) for st in d["steps"])
    assert b.sup_enclosure.lo <= b.sup_enclosure.hi


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_sup_against_a_dense_grid(name):
    """Independent numeric cross-check: the float derivative never exceeds the proven sup."""
    act = get_activation(name)
    b = prove_activation(name)
    zz = np.concatenate([np.linspace(-40, 40, 200001), [0.0, 2.399357280515467, np.sqrt(2)]])
    with np.errstate(all="ignore"):
        d = np.abs(act.np_df(zz, act.np_f(zz)))
    hi = float(b.sup_enclosure.hi)
    assert d.max() <= hi * (1 + 1e-12)
    if b.sup_attained:
        assert d.max() >= hi * (1 - 1e-9)
    else:
        assert d.max() >= hi * (1 - 1e-6)  # approached: softplus at z = 40


def test_sigmoid_seed_claims():
    b = prove_activation("sigmoid")
    assert b.sup == sp.Rational(1, 4) and b.to_json()["sup"] == "1/4"
    assert b.to_json()["sup_float"] == 0.25
    assert b.argmax == "z = 0" and b.to_json()["argmax"] == "0" and b.sup_attained
    assert b.range_text == "(0, 1/4]"
    assert b.inf == 0 and not b.inf_attained
    assert b.saturates and b.saturates_at == ["-oo", "+oo"]
    assert b.derivative == "σ(z)(1 − σ(z))"
    claims = [r.step.claim for r in b.checked.results]
    assert any("1/4 − s(1 − s) = (s − 1/2)²" in c for c in claims)
    assert any("z = 0" in c for c in claims)


def test_tanh_and_relu_seed_claims():
    t, r = prove_activation("tanh"), prove_activation("relu")
    assert (t.sup, t.range_text, t.argmax, t.saturates) == (1, "(0, 1]", "z = 0", True)
    assert t.derivative == "1 − tanh²(z)"
    assert r.range_text == "{0, 1}" and r.sup == 1 and r.inf == 0 and r.inf_attained
    assert r.saturates_at == ["-oo"] and not r.saturates


def test_piecewise_family():
    lk = prove_activation("leaky_relu", slope=Fraction(1, 5))
    assert lk.verified and lk.range_text == "{1/5, 1}" and lk.inf == sp.Rational(1, 5)
    e2 = prove_activation("elu", alpha=2)
    assert e2.verified and e2.sup == 2 and e2.argmax.startswith("z = 0")
    e1 = prove_activation("elu")
    assert e1.sup == 1 and e1.range_text == "(0, 1]" and e1.argmax == "every z ≥ 0"
    se = prove_activation("selu")
    from vgp_symbolic.core.activations import SELU_ALPHA, SELU_LAMBDA
    assert sp.simplify(se.sup - SELU_LAMBDA * SELU_ALPHA) == 0
    assert se.sup_digits == "1.758099341" and se.argmax.startswith("z = 0")
    lin = prove_activation("linear")
    assert lin.range_text == "{1}" and lin.saturates_at == []


def test_softplus_sup_not_attained():
    b = prove_activation("softplus")
    assert b.sup == 1 and not b.sup_attained and "z → +∞" in b.argmax
    assert b.range_text == "(0, 1)" and b.saturates_at == ["-oo"]


def test_swish_certified_maximum():
    b = prove_activation("swish")
    assert b.sup is None and not b.sup_exact
    assert b.sup_digits == "1.099839320"
    assert b.argmax_enclosure.sig_digits(10) == "2.399357281"
    assert b.to_json()["argmax"] == "2.399357281"
    with mpmath.workdps(50):
        f = lambda x: x / (1 + mpmath.exp(-x))  # noqa: E731
        zs = mpmath.findroot(lambda x: mpmath.diff(f, x, 2), 2.4)
        M = mpmath.diff(f, zs)
    assert abs(float(b.sup_enclosure.mid) - float(M)) < 1e-14
    assert b.sup_enclosure.width < Fraction(1, 10**30)
    assert b.inf == 0 and b.inf_attained and b.argmin_enclosure.sig_digits(6) == "-1.27846"
    methods = " ".join(r.step.method for r in b.checked.results)
    assert "interval" in methods and "bisection" in methods


def test_gelu_exact_maximum():
    b = prove_activation("gelu")
    assert sp.simplify(b.sup - ((1 + sp.erf(1)) / 2 + sp.exp(-1) / sp.sqrt(sp.pi))) == 0
    assert b.sup_digits == "1.128904145"
    assert b.to_json()["argmax"] == "sqrt(2)" and b.argmax_enclosure.sig_digits(6) == "1.41421"
    assert b.inf == 0 and b.argmin_enclosure.sig_digits(6) == "-0.751792"


def test_sup_abs_derivative_api():
    assert sup_abs_derivative("sigmoid")[0] == sp.Rational(1, 4)
    exact, enc = sup_abs_derivative("swish")
    assert exact is None and enc.sig_digits(10) == "1.099839320"


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_registry_claims_agree(name):
    assert prove_activation(name).registry_agrees


def test_text_and_latex_render():
    b = prove_activation("sigmoid")
    t = b.to_text()
    assert "σ′(z) ∈ (0, 1/4]" in t and "8/8 steps verified" in t
    tex = b.to_latex()
    assert "\\begin{enumerate}" in tex and "\\checkmark" in tex


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "elu", "selu"])
def test_piecewise_conclusion_is_checked_against_its_premises(name):
    # issue 12: the conclusion checked Eq(whole.sup, sup) with sup taken from whole.sup, so it
    # verified nothing; with a wrong bound in the record the conclusion must now fail
    import dataclasses
    from vgp_symbolic.proofs.activation_bounds import _piecewise
    act = get_activation(name)
    assert _piecewise(act).proof.verify().verified
    wrong = dataclasses.replace(act, sup_abs=act.sup_abs + 1)
    checked = _piecewise(wrong).proof.verify()
    last = checked.results[-1]
    assert last.step.kind == "conclusion" and not last.verified
