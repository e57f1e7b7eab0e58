"""For each activation f: f′ in closed form, sup |f′| and where it is attained, inf |f′|,
the limits of f′ at ±∞ (saturation) -- each with a proof whose every step SymPy checks.

One builder per activation; :func:`prove_activation` runs the checks (cached) and returns an
:class:`ActivationBound`. Where the maximum has no closed form (swish) it is located by a
certified sign change of f″ and enclosed with interval arithmetic (:mod:`.intervals`); the
argument why it is the *global* maximum is the sign pattern of f″, proved step by step.

>>> b = prove_activation("sigmoid")
>>> b.sup, b.argmax, b.range_text, b.saturates, b.verified
(1/4, 'z = 0', '(0, 1/4]', True, True)
>>> prove_activation("swish").sup_digits
'1.099839320'
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp
from mpmath import iv

from ..core.activations import Activation, get_activation
from . import checks as C
from ..latex import short_floats
from .activation_facts import (ActivationBound, _num_latex, _num_text, _point, _set_text,
                               _uni)
from ..numbers import sig_decimal
from .intervals import Enclosure, enclose, iv_erf, iv_sigmoid, sign_change, sign_scan
from .steps import Proof, Step

__all__ = ["ActivationBound", "prove_activation", "sup_abs_derivative"]

z = sp.Symbol("z", real=True)
_t = sp.Symbol("t", positive=True)  # t = e^{−z}: turns sign questions into rational functions
_s = sp.Symbol("s", real=True)  # s = σ(z)
_u = sp.Symbol("u", real=True)  # u = tanh(z)
_zp = sp.Symbol("z", positive=True)
_eps = sp.Symbol("epsilon", negative=True)  # a left-hand difference quotient's step
oo = sp.oo


def _latex(e) -> str:
    """LaTeX of a claim's expression; SELU's 32-digit λ, α read as 10 significant figures."""
    return sp.latex(short_floats(sp.sympify(e, strict=True), 10))


def _sig(x):
    return 1 / (1 + sp.exp(-x))


def _limits_step(symbol, d, lo_val, hi_val, d_right=None) -> Step:
    """f′ → lo_val at −∞ and hi_val at +∞; for a piecewise f′ pass the left branch as ``d``
    and the right one as ``d_right`` (sympy.limit does not take limits of Piecewise at ±∞)."""
    p = symbol + "′"
    words = []
    for v, where in ((lo_val, "−∞"), (hi_val, "+∞")):
        words.append(f"{p}(z) → {_num_text(v)} as z → {where}")
    lat = (f"\\lim_{{z\\to-\\infty}} f'(z) = {_num_latex(lo_val)},\\quad "
           f"\\lim_{{z\\to+\\infty}} f'(z) = {_num_latex(hi_val)}")
    return Step("; ".join(words), lat,
                C.all_of(C.limit_is(d, z, -oo, lo_val),
                         C.limit_is(d if d_right is None else d_right, z, oo, hi_val)),
                "sympy.limit at −∞ and +∞" + ("" if d_right is None else
                                              " (of the branch in force there)"),
                gives={"limit at −∞": lo_val, "limit at +∞": hi_val})


# -- sigmoid ---------------------------------------------------------------------------------

def _sigmoid(act: Activation) -> ActivationBound:
    f = act.expr(z)
    d = act.deriv(z)  # σ(1 − σ) with σ substituted
    q = sp.Rational(1, 4)
    steps = (
        Step("σ′(z) = σ(z)(1 − σ(z))", r"\sigma'(z) = \sigma(z)\bigl(1-\sigma(z)\bigr)",
             C.identical(sp.diff(f, z), d), "simplify(d/dz σ − σ(1 − σ)) = 0"),
        Step("with t = e^(−z) > 0: σ′(z) = t/(1 + t)² > 0 for every real z",
             r"\sigma'(z) = \frac{t}{(1+t)^2} > 0,\quad t = e^{-z} > 0",
             C.all_of(C.identical(d, sp.exp(-z) / (1 + sp.exp(-z))**2),
                      C.is_positive(_t / (1 + _t)**2)),
             "simplify; t/(1+t)² > 0 from t > 0 (SymPy assumptions)", gives={"f′ > 0": True}),
        Step("for every real s: 1/4 − s(1 − s) = (s − 1/2)²",
             r"\tfrac14 - s(1-s) = \left(s-\tfrac12\right)^2",
             C.identical(q - _s * (1 - _s), (_s - sp.Rational(1, 2))**2), "expand both sides"),
        Step("(s − 1/2)² ≥ 0, so with s = σ(z): σ′(z) = σ(1 − σ) ≤ 1/4",
             r"\left(s-\tfrac12\right)^2 \ge 0 \;\Rightarrow\; \sigma'(z) \le \tfrac14",
             C.is_nonnegative((_s - sp.Rational(1, 2))**2), "a real square is ≥ 0 (SymPy)",
             premises=(1, 3), gives={"upper bound": q}),
        Step("equality iff σ(z) = 1/2 iff z = 0",
             r"\left(\sigma-\tfrac12\right)^2 = 0 \iff \sigma(z) = \tfrac12 \iff z = 0",
             C.all_of(C.solutions_are((_s - sp.Rational(1, 2))**2, _s, {sp.Rational(1, 2)}),
                      C.solutions_are(sp.Eq(f, sp.Rational(1, 2)), z, {0})),
             "solveset over the reals"),
        Step("σ′(0) = 1/4: the bound is attained, at z = 0 only", r"\sigma'(0) = \tfrac14",
             C.identical(d.subs(z, 0), q), "substitute z = 0", premises=(5,),
             gives={"f′ at the bound's equality point": q, "equality point": 0}),
        _limits_step("σ", d, 0, 0),
        Step("hence σ′(ℝ) = (0, 1/4]: sup |σ′| = max σ′ = 1/4 at z = 0; inf |σ′| = 0, "
             "approached as z → ±∞ but never attained (σ′ > 0)",
             r"\sigma'(\mathbb{R}) = \left(0, \tfrac14\right]",
             C.follows({"f′ > 0": True, "upper bound": q, "f′ at the bound's equality point": q,
                        "equality point": 0, "limit at −∞": 0, "limit at +∞": 0},
                       also=C.holds(sp.Eq(q, act.sup_abs))),
             "sup = the bound, attained; inf = the limits, never attained (σ′ > 0); σ′ is "
             "continuous, so it takes every value in between", premises=(2, 4, 6, 7)),
    )
    return ActivationBound(
        act.label, "σ", "σ(z) = 1/(1 + e^(−z))", "σ(z)(1 − σ(z))",
        r"\sigma(z)\bigl(1-\sigma(z)\bigr)", d, q, _point(q), True, "z = 0", _point(0),
        sp.Integer(0), False, "approached as z → ±∞ (not attained)", None,
        "(0, 1/4]", _latex(sp.Interval.Lopen(0, q)), {"-oo": sp.Integer(0), "+oo": sp.Integer(0)},
        act.sup_abs,
        Proof("σ′ = σ(1 − σ) ∈ (0, 1/4], maximum 1/4 at z = 0",
              "0 < σ′(z) = σ(z)(1 − σ(z)) ≤ 1/4, with equality iff z = 0; σ′ → 0 at ±∞",
              r"0 < \sigma'(z) = \sigma(z)(1-\sigma(z)) \le \tfrac14,\ \text{equality iff } z=0",
              steps), argmax_expr=sp.Integer(0))


# -- tanh ------------------------------------------------------------------------------------

def _tanh(act: Activation) -> ActivationBound:
    f = act.expr(z)
    d = act.deriv(z)
    one = sp.Integer(1)
    steps = (
        Step("tanh′(z) = 1 − tanh²(z)", r"\tanh'(z) = 1-\tanh^2 z",
             C.identical(sp.diff(f, z), d, rewrite=sp.exp), "simplify(d/dz tanh − (1 − tanh²)) = 0"),
        Step("1 − tanh²(z) = 1/cosh²(z) > 0 for every real z",
             r"1-\tanh^2 z = \frac{1}{\cosh^2 z} > 0",
             C.all_of(C.identical(d, 1 / sp.cosh(z)**2, rewrite=sp.exp),
                      C.is_positive(1 / sp.cosh(z)**2)),
             "simplify; cosh z > 0 for real z (SymPy assumptions)", gives={"f′ > 0": True}),
        Step("for every real u: 1 − (1 − u²) = u² ≥ 0, so with u = tanh z: tanh′(z) ≤ 1",
             r"1-(1-u^2) = u^2 \ge 0 \;\Rightarrow\; \tanh'(z) \le 1",
             C.all_of(C.identical(1 - (1 - _u**2), _u**2), C.is_nonnegative(_u**2)),
             "expand; a real square is ≥ 0", premises=(1,), gives={"upper bound": one}),
        Step("equality iff tanh z = 0 iff z = 0", r"\tanh z = 0 \iff z = 0",
             C.solutions_are(sp.tanh(z), z, {0}), "solveset over the reals"),
        Step("tanh′(0) = 1: the bound is attained, at z = 0 only", r"\tanh'(0) = 1",
             C.identical(d.subs(z, 0), one), "substitute z = 0", premises=(4,),
             gives={"f′ at the bound's equality point": one, "equality point": 0}),
        _limits_step("tanh", d, 0, 0),
        Step("hence tanh′(ℝ) = (0, 1]: sup |tanh′| = 1 at z = 0; inf |tanh′| = 0, approached as "
             "z → ±∞ but never attained", r"\tanh'(\mathbb{R}) = (0, 1]",
             C.follows({"f′ > 0": True, "upper bound": one, "f′ at the bound's equality point": one,
                        "equality point": 0, "limit at −∞": 0, "limit at +∞": 0},
                       also=C.holds(sp.Eq(one, act.sup_abs))),
             "sup = the bound, attained; inf = the limits, never attained (tanh′ > 0)",
             premises=(2, 3, 5, 6)),
    )
    return ActivationBound(
        act.label, "tanh", "tanh(z) = (e^z − e^(−z))/(e^z + e^(−z))", "1 − tanh²(z)",
        r"1-\tanh^2 z", d, one, _point(one), True, "z = 0", _point(0),
        sp.Integer(0), False, "approached as z → ±∞ (not attained)", None,
        "(0, 1]", _latex(sp.Interval.Lopen(0, 1)), {"-oo": sp.Integer(0), "+oo": sp.Integer(0)},
        act.sup_abs,
        Proof("tanh′ = 1 − tanh² ∈ (0, 1], maximum 1 at z = 0",
              "0 < tanh′(z) = 1 − tanh²(z) ≤ 1, with equality iff z = 0; tanh′ → 0 at ±∞",
              r"0 < \tanh'(z) = 1-\tanh^2 z \le 1,\ \text{equality iff } z=0", steps),
        argmax_expr=sp.Integer(0))


# -- the piecewise family: relu, leaky_relu, elu, selu ---------------------------------------

def _piecewise(act: Activation) -> ActivationBound:
    """f = R(z) for z > 0, L(z) for z ≤ 0; f′ = r (a constant) on the right, h(z) on the left.

    SELU's constants have no closed form, so its proof runs with symbols λ > 0, α > 0 and puts
    in the numbers only to compare λα with λ; the symbolic f is first checked against the
    registry's definition.
    """
    sym = act.symbol
    p = sym + "′"
    f, params, steps = _piecewise_definition(act)
    br = _Branches.of(f, params)
    n0 = len(steps)
    steps.extend(_branch_steps(act, br, n0))
    whole = sp.Union(br.right_set, br.left_set)
    whole_num = sp.Union(br.right_set.subs(params), br.left_set.subs(params))
    sup, inf = whole_num.sup, whole_num.inf
    r_n, h0_n = br.r.subs(params), br.h0.subs(params)
    if act.name == "selu":
        steps.append(Step(
            "λα > λ because α > 1 (α ≈ 1.6733): the left branch's value at 0 exceeds the right's",
            r"\lambda\alpha > \lambda \iff \alpha > 1",
            C.holds(sp.Gt(h0_n, r_n)), "compare the constants exactly"))
    argmax, arg_enc = _piecewise_argmax(br, sup)
    argmin, inf_att = _piecewise_argmin(br, inf)
    lim_lo = sp.limit(br.h, z, -oo)
    d_expr = sp.Piecewise((br.r, z > 0), (br.h, True)).subs(params)
    steps.append(_limits_step(sym, br.h.subs(params), lim_lo.subs(params), r_n, br.r.subs(params)))
    steps.append(Step(
        f"hence {p}(ℝ) = {_set_text(whole_num)}: sup |{p}| = {_num_text(sup)} ({argmax}); "
        f"inf |{p}| = {_num_text(inf)} ({argmin}); {p} ≥ 0 everywhere, so |{p}| = {p}",
        f"f'(\\mathbb{{R}}) = {_latex(whole)},\\ \\sup|f'| = {_num_latex(sup)}",
        _from_branch_ranges(params, whole_num, act.sup_abs, lim_lo.subs(params), r_n),
        "the union of the branch ranges the cited steps established is the stated set; its sup "
        "is the registry's; its inf ≥ 0; the limits are the stated ones",
        premises=tuple(range(n0 + 1, len(steps) + 1))))
    definition, deriv_text = _piecewise_texts(act.name, br)
    stmt = f"{p}(z) ∈ {_set_text(whole_num)}; sup |{p}| = {_num_text(sup)}"
    return ActivationBound(
        act.label, sym, definition, deriv_text, _latex(d_expr), d_expr,
        sup, _point(sup), True, argmax, arg_enc, inf, inf_att, argmin, None,
        _set_text(whole_num), _latex(whole_num), {"-oo": lim_lo.subs(params), "+oo": r_n},
        act.sup_abs,
        Proof(f"{p} ∈ {_set_text(whole_num)}", stmt, f"f'(z) \\in {_latex(whole_num)}",
              tuple(steps)), notes=_piecewise_notes(act.name, sup),
        argmax_expr=sp.Integer(0) if arg_enc else None)


def _piecewise_definition(act: Activation) -> tuple[sp.Expr, dict, list[Step]]:
    """(f folded into its two branches, SELU's symbols → numbers, the steps that define f)."""
    if act.name != "selu":
        return sp.piecewise_fold(act.expr(z)), {}, []
    from ..core.activations import SELU_ALPHA, SELU_LAMBDA
    lam, al = sp.Symbol("lambda", positive=True), sp.Symbol("alpha", positive=True)
    params = {lam: SELU_LAMBDA, al: SELU_ALPHA}
    f = lam * sp.Piecewise((z, z > 0), (al * (sp.exp(z) - 1), True))
    step = Step(
        "selu(z) = λz for z > 0, λα(e^z − 1) for z ≤ 0, with λ ≈ 1.0507, α ≈ 1.6733",
        r"\operatorname{selu}(z) = \lambda z\ (z>0),\quad \lambda\alpha(e^z-1)\ (z\le 0)",
        C.identical(f.subs(params), act.expr(z)),
        "equals the registry's definition with λ, α substituted")
    return sp.piecewise_fold(f), params, [step]


@dataclass(frozen=True)
class _Branches:
    """f = R on z > 0 and L on z ≤ 0, f′ = r and h there; ``params`` puts in SELU's numbers."""

    R: sp.Expr
    L: sp.Expr
    r: sp.Expr
    h: sp.Expr
    params: dict

    @classmethod
    def of(cls, f: sp.Expr, params: dict) -> "_Branches":
        (R, _), (L, _) = f.args
        return cls(R, L, sp.diff(R, z), sp.diff(L, z), params)

    @property
    def h0(self) -> sp.Expr:
        """The left branch's f′ at 0 (the left-branch convention's f′(0))."""
        return self.h.subs(z, 0)

    @property
    def smooth(self) -> bool:
        """Do the one-sided derivatives agree at 0?"""
        return sp.simplify(self.h0 - self.r) == 0

    @property
    def right_set(self) -> sp.Set:
        return sp.FiniteSet(self.r)

    @property
    def left_set(self) -> sp.Set:
        return sp.Interval.Lopen(0, self.h0) if self.h.has(z) else sp.FiniteSet(self.h)  # c·e^z


def _branch_steps(act: Activation, br: _Branches, n0: int) -> list[Step]:
    """f′ on each branch (checked against the registry), the kink at 0, each branch's range;
    ``n0`` steps come before these (SELU's definition)."""
    sym, params = act.symbol, br.params
    p = sym + "′"
    (r_reg, _), (h_reg, _) = sp.piecewise_fold(act.deriv(z)).args
    R, L, r, h, h0 = br.R, br.L, br.r, br.h, br.h0
    left_q = (L.subs(z, _eps) - L.subs(z, 0)) / _eps
    right_q = (R.subs(z, -_eps) - L.subs(z, 0)) / (-_eps)
    same = br.smooth
    return [
        Step(f"for z > 0: {p}(z) = d/dz {_uni(R)} = {_uni(r)}", f"f'(z) = {_latex(r)}\\quad (z>0)",
             C.identical(r.subs(params), r_reg), "differentiate the branch; equals the "
             "registry's derivative"),
        Step(f"for z < 0: {p}(z) = d/dz {_uni(L)} = {_uni(h)}", f"f'(z) = {_latex(h)}\\quad (z<0)",
             C.identical(h.subs(params), h_reg), "differentiate the branch; equals the "
             "registry's derivative"),
        Step(f"at z = 0: left derivative {_uni(h0)}, right derivative {_uni(r)}; "
             + (f"{sym} is differentiable at 0" if same else
                f"{sym} has a kink at 0, and by the left-branch convention {p}(0) = {_uni(h0)}"),
             (f"f'(0^-) = {_latex(h0)},\\ f'(0^+) = {_latex(r)}"
              + ("" if same else f",\\ f'(0) := {_latex(h0)}")),
             C.all_of(C.identical(R.subs(z, 0), L.subs(z, 0)),
                      C.limit_is(left_q, _eps, 0, h0), C.limit_is(right_q, _eps, 0, r)),
             "continuity at 0; one-sided difference quotients by sympy.limit"),
        Step(f"{p}((0, ∞)) = {_uni(_set_text(br.right_set))} and "
             f"{p}((−∞, 0]) = {_uni(_set_text(br.left_set))}",
             f"f'((0,\\infty)) = {_latex(br.right_set)},\\quad "
             f"f'((-\\infty,0]) = {_latex(br.left_set)}",
             C.all_of(C.range_is(r, z, sp.Interval.open(0, oo), br.right_set),
                      C.range_is(h, z, sp.Interval(-oo, 0), br.left_set)),
             "sympy function_range on each branch", premises=(n0 + 1, n0 + 2, n0 + 3),
             gives={"f′((0, ∞))": br.right_set, "f′((−∞, 0])": br.left_set}),
    ]


def _piecewise_argmax(br: _Branches, sup) -> tuple[str, Enclosure | None]:
    """Where sup |f′| is attained: the right branch, 0 (both sides or the kink), or both."""
    r_n, h0_n = br.r.subs(br.params), br.h0.subs(br.params)
    if sp.simplify(r_n - sup) == 0 and sp.simplify(h0_n - sup) == 0:
        return "every z ≥ 0", None
    if sp.simplify(r_n - sup) == 0:
        return "every z > 0", None
    return "z = 0" + ("" if br.smooth else " (kink; by the left-branch convention)"), _point(0)


def _piecewise_argmin(br: _Branches, inf) -> tuple[str, bool]:
    """Where inf |f′| is attained, and whether it is."""
    if br.h.has(z):
        return "approached as z → −∞ (not attained)", False
    if br.r == br.h:
        return "every z", True
    return ("every z ≤ 0" if sp.simplify(br.h - inf) == 0 else "every z > 0"), True


def _piecewise_texts(name: str, br: _Branches) -> tuple[str, str]:
    """(f, f′) in words, as the student reads them."""
    h, h0 = br.h, br.h0
    return {"relu": ("relu(z) = max(0, z)", "1 if z > 0, 0 if z ≤ 0"),
            "leaky_relu": (f"lrelu(z) = z if z > 0, {h}·z if z ≤ 0", f"1 if z > 0, {h} if z ≤ 0"),
            "elu": (f"elu(z) = z if z > 0, {_num_text(h0)}(e^z − 1) if z ≤ 0",
                    f"1 if z > 0, {h} if z ≤ 0"),
            "selu": ("selu(z) = λz if z > 0, λα(e^z − 1) if z ≤ 0",
                     "λ if z > 0, λα·e^z if z ≤ 0  (λ ≈ 1.0507, α ≈ 1.6733)")}[name]


def _piecewise_notes(name: str, sup) -> list[str]:
    if name == "selu":
        return [f"sup |selu′| = λα = {_num_text(sup)}: attained at z = 0 only by the "
                "left-branch convention (the left limit of selu′ at 0); λα > 1, so SELU "
                "can amplify gradients"]
    if name == "elu" and sup > 1:
        return ["α > 1: sup |elu′| = α, at z = 0 by the left-branch convention"]
    return []


def _from_branch_ranges(params, whole, registry_sup, lim_lo, lim_hi):
    """The piecewise conclusion's check: f′(ℝ) is the union of the two branch ranges the cited
    steps established (not the union computed beforehand: that would check a value against
    itself), its sup is the registry's, and it never goes below 0."""
    def check(facts):
        need = ("f′((0, ∞))", "f′((−∞, 0])", "limit at −∞", "limit at +∞")
        missing = [k for k in need if k not in facts]
        if missing:
            return False, f"no cited step establishes {', '.join(missing)}"
        union = sp.Union(facts[need[0]].subs(params), facts[need[1]].subs(params))
        ok = (union == whole and sp.simplify(union.sup - registry_sup) == 0
              and union.inf.is_nonnegative is True
              and sp.simplify(facts[need[2]] - lim_lo) == 0 and sp.simplify(facts[need[3]] - lim_hi) == 0)
        return ok, f"union of the cited branch ranges = {union}, sup {union.sup}, inf {union.inf}"
    return C.kind("conclusion")(check)


# -- softplus --------------------------------------------------------------------------------

def _softplus(act: Activation) -> ActivationBound:
    f = act.expr(z)
    d = act.deriv(z)
    steps = (
        Step("softplus′(z) = 1/(1 + e^(−z)) = σ(z)", r"\operatorname{softplus}'(z) = \sigma(z)",
             C.identical(sp.diff(f, z), d), "simplify(d/dz log(1 + e^z) − σ) = 0"),
        Step("with t = e^(−z) > 0: softplus′ = 1/(1 + t) > 0 and 1 − softplus′ = t/(1 + t) > 0,"
             " so 0 < softplus′(z) < 1",
             r"0 < \frac{1}{1+t} < 1,\quad t = e^{-z} > 0",
             C.all_of(C.identical(1 - d, sp.exp(-z) / (1 + sp.exp(-z))),
                      C.is_positive(1 / (1 + _t)), C.is_positive(_t / (1 + _t))),
             "simplify; signs from t > 0 (SymPy assumptions)", premises=(1,),
             gives={"0 < f′ < 1": True}),
        Step("softplus″(z) = σ(z)(1 − σ(z)) = t/(1 + t)² > 0: softplus′ is strictly increasing",
             r"\operatorname{softplus}''(z) = \frac{t}{(1+t)^2} > 0",
             C.all_of(C.identical(sp.diff(d, z), sp.exp(-z) / (1 + sp.exp(-z))**2),
                      C.is_positive(_t / (1 + _t)**2)), "simplify; t > 0",
             gives={"f′ strictly increasing": True}),
        _limits_step("softplus", d, 0, 1),
        Step("hence softplus′(ℝ) = (0, 1): sup |softplus′| = 1, approached as z → +∞ but never "
             "attained; inf = 0, approached as z → −∞", r"\operatorname{softplus}'(\mathbb{R}) = (0,1)",
             C.follows({"0 < f′ < 1": True, "f′ strictly increasing": True, "limit at −∞": 0,
                        "limit at +∞": 1},
                       also=C.range_is(d, z, sp.S.Reals, sp.Interval.open(0, 1))),
             "strict bounds, increasing, and the limits give (0, 1), ends never attained; "
             "cross-checked with sympy function_range", premises=(2, 3, 4)),
    )
    return ActivationBound(
        act.label, "softplus", "softplus(z) = log(1 + e^z)", "1/(1 + e^(−z)) = σ(z)",
        r"\frac{1}{1+e^{-z}} = \sigma(z)", d, sp.Integer(1), _point(1), False,
        "approached as z → +∞ (not attained)", None, sp.Integer(0), False,
        "approached as z → −∞ (not attained)", None, "(0, 1)", _latex(sp.Interval.open(0, 1)),
        {"-oo": sp.Integer(0), "+oo": sp.Integer(1)}, act.sup_abs,
        Proof("softplus′ = σ ∈ (0, 1)", "0 < softplus′(z) = σ(z) < 1, sup 1 approached as z → +∞",
              r"0 < \operatorname{softplus}'(z) = \sigma(z) < 1", steps))


# -- linear ----------------------------------------------------------------------------------

def _linear(act: Activation) -> ActivationBound:
    f = act.expr(z)
    one = sp.Integer(1)
    steps = (
        Step("id′(z) = 1 for every z", r"\operatorname{id}'(z) = 1",
             C.all_of(C.identical(sp.diff(f, z), one), C.identical(act.deriv(z), one)),
             "differentiate z; equals the registry's derivative", gives={"f′ everywhere": one}),
        _limits_step("id", one, one, one),
        Step("hence id′(ℝ) = {1}: sup = inf = 1, attained everywhere; no saturation, and no "
             "damping either: a deep linear chain multiplies only the weights",
             r"\operatorname{id}'(\mathbb{R}) = \{1\}",
             C.follows({"f′ everywhere": one, "limit at −∞": one, "limit at +∞": one},
                       also=C.holds(sp.Eq(one, act.sup_abs))),
             "a constant f′ is its own sup and inf", premises=(1, 2)),
    )
    return ActivationBound(
        act.label, "id", "id(z) = z", "1", "1", one, one, _point(one), True, "every z", None,
        one, True, "every z", None, "{1}", r"\left\{1\right\}", {"-oo": one, "+oo": one},
        act.sup_abs, Proof("id′ = 1", "id′(z) = 1 for every z", r"\operatorname{id}'(z) = 1", steps))


# -- swish (β = 1): no closed form for the maximum --------------------------------------------

_ROOT_HALF_WIDTH = Fraction(1, 10**40)


def _mp_root(fn, guess) -> Fraction:
    with mpmath.workdps(80):
        return Fraction(*mpmath.libmp.to_rational(mpmath.findroot(fn, guess)._mpf_))


def _swish_iv():
    def g(x):  # f″/(σ(1−σ)) = 2 + z(1 − 2σ)
        s = iv_sigmoid(x)
        return 2 + x * (1 - 2 * s)

    def gp(x):  # g′ = 1 − 2σ − 2zσ(1 − σ)
        s = iv_sigmoid(x)
        return 1 - 2 * s - 2 * x * s * (1 - s)

    def fp(x):  # f′ = σ(1 + z(1 − σ))
        s = iv_sigmoid(x)
        return s * (1 + x * (1 - s))
    return g, gp, fp


@functools.lru_cache(maxsize=None)
def _swish_numbers():
    """z* (root of g), z₀ (zero of f′), each bracketed; computed once (cached)."""
    sig = lambda x: 1 / (1 + mpmath.exp(-x))  # noqa: E731
    zs = _mp_root(lambda x: 2 + x * (1 - 2 * sig(x)), mpmath.mpf("2.4"))
    z0 = _mp_root(lambda x: sig(x) * (1 + x * (1 - sig(x))), mpmath.mpf("-1.28"))
    return zs, z0


_SYMMETRIC = "f′(−z) = 1 − f′(z)"
_TURNS = "f′ increases between its turning points ±z*, decreases outside; z* in"


def _larger_than_its_mirror(M: Enclosure):
    """|1 − M| < M for every M in the enclosure: the maximum M, not |min f′| = M − 1, is sup|f′|."""
    return C.kind("inequality")(lambda: (M.lo > 1 and M.hi - 1 < M.lo,
                                         f"M ∈ [{float(M.lo):.10f}, {float(M.hi):.10f}]: M − 1 < M"))


def _swish(act: Activation) -> ActivationBound:
    f = act.expr(z)
    d = act.deriv(z)
    zs, z0 = _swish_numbers()
    zs_enc = Enclosure(zs - _ROOT_HALF_WIDTH, zs + _ROOT_HALF_WIDTH)
    z0_enc = Enclosure(z0 - _ROOT_HALF_WIDTH, z0 + _ROOT_HALF_WIDTH)
    M = enclose(_swish_iv()[2], zs_enc.lo, zs_enc.hi)  # f′ over the whole bracket of z*: ∋ f′(z*)
    steps = _swish_shape_steps(f, d, zs, zs_enc) + _swish_max_steps(d, M, zs_enc, z0, z0_enc)
    M10 = M.sig_digits(10)
    return ActivationBound(
        act.label, "swish", "swish(z) = z·σ(z) (β = 1, SiLU)", "σ(z)(1 + z(1 − σ(z)))",
        r"\sigma(z)\bigl(1 + z(1-\sigma(z))\bigr)", d, None, M, True,
        f"z* ≈ {zs_enc.sig_digits(10)}", zs_enc,
        sp.Integer(0), True, f"z₀ ≈ {z0_enc.sig_digits(10)} (the zero of swish′)", z0_enc,
        f"[1 − M, M] ≈ [{sig_decimal(1 - M.hi, 10)}, {M10}]",
        rf"[1-M,\,M],\ M \approx {M10}", {"-oo": sp.Integer(0), "+oo": sp.Integer(1)},
        act.sup_abs,
        notes=["z* is the positive root of z·tanh(z/2) = 2; M has no known closed form"],
        proof=Proof("sup |swish′| = M ≈ 1.0998 at z* ≈ 2.3994 (no closed form)",
              f"max swish′ = M = swish′(z*) ≈ {M10}, where z* ≈ {zs_enc.sig_digits(10)} is the "
              "positive root of z·tanh(z/2) = 2; sup |swish′| = M",
              r"\sup_z |f'(z)| = f'(z^*),\ z^*\tanh(z^*/2) = 2", steps))


def _swish_bisection(L: int, a: Fraction, b: Fraction):
    """The check that g = f″/(σ(1 − σ)) is > 0 on [0, z*) and < 0 on (z*, L], by interval
    bisection, with one gap around [a, b] ∋ z* where g′ < 0."""
    g_iv, gp_iv, _ = _swish_iv()

    def bisection():
        pos, neg, und = sign_scan(g_iv, 0, L, Fraction(1, 1000))
        lo, hi = min(u[0] for u in und), max(u[1] for u in und)
        ok = (max(p[1] for p in pos) <= lo and min(n[0] for n in neg) >= hi
              and lo <= a and b <= hi and hi - lo <= Fraction(1, 100)
              and enclose(gp_iv, lo, hi).hi < 0)  # g strictly decreasing across the gap
        return ok, (f"g > 0 on [0, {float(lo):.4f}], g < 0 on [{float(hi):.4f}, {L}] "
                    f"({len(pos) + len(neg)} certified pieces); g′ < 0 on the gap")
    return bisection


def _swish_shape_steps(f, d, zs: Fraction, zs_enc: Enclosure) -> tuple[Step, ...]:
    """Steps 1–9: f′, its symmetry, and the sign pattern of f″ (turning points ±z*)."""
    s = _sig(z)
    g = 2 + z * (1 - 2 * s)
    g_iv = _swish_iv()[0]
    a, b = zs_enc.lo, zs_enc.hi
    L = 40  # bisection range; beyond it the analytic tail bound takes over
    bisection = _swish_bisection(L, a, b)
    return (
        Step("swish′(z) = σ(z) + zσ(z)(1 − σ(z)) = σ(z)(1 + z(1 − σ(z)))",
             r"f'(z) = \sigma(z)\bigl(1 + z(1-\sigma(z))\bigr)",
             C.all_of(C.identical(sp.diff(f, z), d), C.identical(d, s * (1 + z * (1 - s)))),
             "simplify(lhs − rhs) = 0"),
        Step("symmetry: swish′(−z) = 1 − swish′(z)", r"f'(-z) = 1 - f'(z)",
             C.identical(d.subs(z, -z), 1 - d), "simplify", gives={_SYMMETRIC: True}),
        Step("swish″(z) = σ(z)(1 − σ(z))·g(z) with g(z) = 2 + z(1 − 2σ(z)) = 2 − z·tanh(z/2)",
             r"f''(z) = \sigma(1-\sigma)\,g(z),\quad g(z) = 2 - z\tanh\tfrac z2",
             C.all_of(C.identical(sp.diff(d, z), s * (1 - s) * g),
                      C.identical(1 - 2 * s, -sp.tanh(z / 2), rewrite=sp.exp)),
             "simplify (tanh rewritten with exp)"),
        Step("σ(1 − σ) = t/(1 + t)² > 0 (t = e^(−z)), so sign swish″ = sign g",
             r"\sigma(1-\sigma) = \tfrac{t}{(1+t)^2} > 0",
             C.all_of(C.identical(s * (1 - s), sp.exp(-z) / (1 + sp.exp(-z))**2),
                      C.is_positive(_t / (1 + _t)**2)), "simplify; t > 0", premises=(3,),
             gives={"sign f″ = sign g": True}),
        Step("g is even: g(−z) = g(z)", r"g(-z) = g(z)", C.identical(g.subs(z, -z), g), "simplify",
             gives={"g even": True}),
        Step("h(z) = z·tanh(z/2) is strictly increasing for z > 0: "
             "h′(z) = tanh(z/2) + z/(2cosh²(z/2)) > 0; so g = 2 − h is strictly decreasing there",
             r"h'(z) = \tanh\tfrac z2 + \frac{z}{2\cosh^2(z/2)} > 0\quad(z>0)",
             C.all_of(C.identical(sp.diff(_zp * sp.tanh(_zp / 2), _zp),
                                  sp.tanh(_zp / 2) + _zp / (2 * sp.cosh(_zp / 2)**2), rewrite=sp.exp),
                      C.is_positive(sp.tanh(_zp / 2) + _zp / (2 * sp.cosh(_zp / 2)**2))),
             "simplify; each term positive for z > 0 (SymPy assumptions)"),
        Step(f"g(a) > 0 > g(b) for a = z̃ − 10⁻⁴⁰, b = z̃ + 10⁻⁴⁰, z̃ = {mpmath.nstr(_mpq(zs), 20)}: "
             "g has exactly one root z* on (0, ∞), z* ∈ [a, b]; by evenness the roots of g are "
             "±z*", r"g(a) > 0 > g(b),\quad z^* \in [a,b],\ b-a = 2\cdot 10^{-40}",
             lambda: (sign_change(g_iv, a, b), "signs certified with mpmath.iv"),
             "mpmath interval arithmetic (intermediate value theorem); uniqueness from step 6",
             premises=(5, 6), kind="inequality", gives={"the positive root z* of g lies in": zs_enc}),
        Step(f"cross-check without step 6: interval bisection of [0, {L}] certifies the sign of g "
             f"on every piece except one gap around z* where g′ < 0; for z ≥ {L}, "
             f"g(z) ≤ 2 − {L}·tanh({L // 2}) < 0",
             rf"g>0 \text{{ on }} [0,z^*),\ g<0 \text{{ on }} (z^*, {L}],\ g({L})<0",
             C.all_of(bisection, C.holds(sp.Lt(2 - L * sp.tanh(L // 2), 0)),
                      C.identical(sp.diff(g, z), 1 - 2 * s - 2 * z * s * (1 - s))),
             "mpmath.iv bisection; the tail from h increasing (step 6)", premises=(6,),
             kind="inequality"),
        Step("so swish″ > 0 on (−z*, z*) and < 0 for |z| > z*: swish′ increases on [−z*, z*] "
             "and decreases on (−∞, −z*] and on [z*, ∞)",
             r"f'' > 0 \text{ on } (-z^*, z^*),\quad f'' < 0 \text{ on } |z| > z^*",
             C.follows({"sign f″ = sign g": True, "g even": True,
                        "the positive root z* of g lies in": zs_enc}),
             "f″ changes sign exactly where g does: at ±z*", premises=(4, 5, 7),
             gives={_TURNS: zs_enc}),
    )


def _swish_max_steps(d, M: Enclosure, zs_enc: Enclosure, z0: Fraction,
                     z0_enc: Enclosure) -> tuple[Step, ...]:
    """Steps 10–13: the limits, M = f′(z*), sup |f′| = M, and the zero z₀ of f′."""
    s = _sig(z)
    fp_iv = _swish_iv()[2]
    c, e = z0_enc.lo, z0_enc.hi
    return (
        Step("swish′(z) = σ(z) + z·e^(−z)/(1 + e^(−z))², whose terms tend to 0 and 0 as z → −∞, "
             "to 1 and 0 as z → +∞: swish′ → 0 as z → −∞, swish′ → 1 as z → +∞",
             r"\lim_{z\to-\infty} f'(z) = 0,\quad \lim_{z\to+\infty} f'(z) = 1",
             C.all_of(C.identical(d, s + z * sp.exp(-z) / (1 + sp.exp(-z))**2),
                      C.limit_is(s, z, -oo, 0), C.limit_is(s, z, oo, 1),
                      C.limit_is(z * sp.exp(-z) / (1 + sp.exp(-z))**2, z, -oo, 0),
                      C.limit_is(z * sp.exp(-z) / (1 + sp.exp(-z))**2, z, oo, 0)),
             "simplify; sympy.limit term by term (limit of the whole sum is computed wrongly "
             "by SymPy 1.14)", gives={"limit at −∞": 0, "limit at +∞": 1}),
        Step(f"M := swish′(z*) ∈ {M.short(20)}, i.e. M = {M.sig_digits(10)} "
             "(10 significant digits, certified)",
             rf"M = f'(z^*) \in {_latex_enc(M)}",
             lambda: (M.sig_digits(10) is not None and M.lo > 1,
                      "enclosure of f′ over [a, b] by mpmath.iv; M > 1"),
             "mpmath interval arithmetic", premises=(7,), kind="inequality",
             gives={"M = f′(z*) lies in": M, "M > 1": True}),
        Step("so max swish′ = M at z*, min swish′ = swish′(−z*) = 1 − M ≈ −0.09983932013; since "
             "M > 1 > M − 1, sup |swish′| = M, attained at z* only",
             r"\min f' = 1-M,\ \max f' = M,\ \sup|f'| = M",
             C.follows({_SYMMETRIC: True, _TURNS: zs_enc, "limit at −∞": 0, "limit at +∞": 1,
                        "M = f′(z*) lies in": M, "M > 1": True}, also=_larger_than_its_mirror(M)),
             "max = M (increasing up to z*, decreasing after, limits below M), min = 1 − M by "
             "symmetry; |1 − M| < M", premises=(2, 9, 10, 11)),
        Step(f"swish′ has one zero z₀ ∈ [c, d], z₀ ≈ {mpmath.nstr(_mpq(z0), 12)}: sign change "
             "certified, unique because swish′ increases on [−z*, z*], is < 0 on (−∞, −z*] "
             "and > 1 on [z*, ∞); so inf |swish′| = 0, attained at z₀",
             r"f'(z_0) = 0,\ z_0 \in [c,d]",
             lambda: (sign_change(fp_iv, c, e), "signs certified with mpmath.iv"),
             "mpmath interval arithmetic", premises=(9, 10), kind="inequality"),
    )


def _mpq(q: Fraction):
    with mpmath.workdps(50):
        return mpmath.mpf(q.numerator) / q.denominator


def _latex_enc(e: Enclosure) -> str:
    return rf"[{sig_decimal(e.lo, 16)},\ {sig_decimal(e.hi, 16)}]"


# -- GELU (exact, with Φ the standard normal CDF) ---------------------------------------------

def _gelu_fp_iv(x):
    s2 = iv.sqrt(2)
    return (1 + iv_erf(x / s2)) / 2 + x * iv.exp(-x * x / 2) / iv.sqrt(2 * iv.pi)


@functools.lru_cache(maxsize=None)
def _gelu_zero() -> Fraction:
    return _mp_root(lambda x: mpmath.ncdf(x) + x * mpmath.npdf(x), mpmath.mpf("-0.75"))


def _gelu(act: Activation) -> ActivationBound:
    f = act.expr(z)
    d = act.deriv(z)
    r2 = sp.sqrt(2)
    phi = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
    Mx = sp.Rational(1, 2) + sp.erf(1) / 2 + sp.exp(-1) / sp.sqrt(sp.pi)
    M = enclose(lambda one: (1 + iv_erf(one)) / 2 + iv.exp(-one) / iv.sqrt(iv.pi), 1)
    z0 = _gelu_zero()
    c, e = z0 - _ROOT_HALF_WIDTH, z0 + _ROOT_HALF_WIDTH
    z0_enc = Enclosure(c, e)
    steps = (
        Step("gelu′(z) = Φ(z) + z·φ(z), Φ(z) = (1 + erf(z/√2))/2, φ(z) = e^(−z²/2)/√(2π)",
             r"f'(z) = \Phi(z) + z\varphi(z)", C.identical(sp.diff(f, z), d),
             "simplify(d/dz zΦ(z) − (Φ + zφ)) = 0"),
        Step("symmetry: gelu′(−z) = 1 − gelu′(z)", r"f'(-z) = 1 - f'(z)",
             C.identical(d.subs(z, -z), 1 - d), "simplify (erf is odd)", gives={_SYMMETRIC: True}),
        Step("gelu″(z) = φ(z)(2 − z²)", r"f''(z) = \varphi(z)\,(2 - z^2)",
             C.identical(sp.diff(d, z), phi * (2 - z**2)), "simplify",
             gives={"f″ = φ·(2 − z²)": True}),
        Step("φ(z) > 0, and 2 − z² > 0 exactly for |z| < √2, = 0 at z = ±√2",
             r"\varphi > 0;\ 2 - z^2 > 0 \iff |z| < \sqrt2",
             C.all_of(C.is_positive(phi), C.solutions_are(2 - z**2 > 0, z, sp.Interval.open(-r2, r2)),
                      C.solutions_are(2 - z**2, z, {-r2, r2})),
             "SymPy assumptions; solveset over the reals",
             gives={"φ > 0": True, "2 − z² > 0 exactly on": sp.Interval.open(-r2, r2)}),
        Step("so gelu′ increases on [−√2, √2] and decreases on (−∞, −√2] and on [√2, ∞)",
             r"f'' > 0 \text{ on } (-\sqrt2,\sqrt2),\ f'' < 0 \text{ on } |z| > \sqrt2",
             C.follows({"f″ = φ·(2 − z²)": True, "φ > 0": True,
                        "2 − z² > 0 exactly on": sp.Interval.open(-r2, r2)}),
             "sign f″ = sign(2 − z²)", premises=(3, 4), gives={_TURNS: r2}),
        _limits_step("gelu", d, 0, 1),
        Step("M := gelu′(√2) = 1/2 + erf(1)/2 + e^(−1)/√π", r"M = f'(\sqrt2) = " + _latex(Mx),
             C.all_of(C.identical(d.subs(z, r2), Mx), C.identical(Mx, act.sup_abs)),
             "substitute z = √2 and simplify; equals the registry's value",
             gives={"M = f′(z*)": Mx}),
        Step(f"M ∈ {M.short(20)}, i.e. M = {M.sig_digits(10)} (certified; erf by its alternating "
             "series with remainder bound, in mpmath.iv)", rf"M \in {_latex_enc(M)}",
             lambda: (M.sig_digits(10) is not None and M.lo > 1, "enclosure width "
                      f"{float(M.width):.1e}; M > 1"), "mpmath interval arithmetic", premises=(7,),
             kind="inequality", gives={"M = f′(z*) lies in": M, "M > 1": True}),
        Step("so max gelu′ = M at z = √2, min gelu′ = gelu′(−√2) = 1 − M ≈ −0.1289041452; "
             "since M > 1 > M − 1, sup |gelu′| = M, attained at z = √2 only",
             r"\min f' = 1-M,\ \max f' = M = \sup|f'|",
             C.follows({_SYMMETRIC: True, _TURNS: r2, "limit at −∞": 0, "limit at +∞": 1,
                        "M = f′(z*)": Mx, "M = f′(z*) lies in": M, "M > 1": True},
                       also=_larger_than_its_mirror(M)),
             "max = M (increasing up to √2, decreasing after, limits below M), min = 1 − M by "
             "symmetry; |1 − M| < M", premises=(2, 5, 6, 7, 8)),
        Step(f"gelu′ has one zero z₀ ≈ {mpmath.nstr(_mpq(z0), 12)} (certified sign change on an "
             "interval of width 2·10⁻⁴⁰; unique by the monotonicity of step 5): "
             "inf |gelu′| = 0, attained at z₀",
             r"f'(z_0) = 0", lambda: (sign_change(_gelu_fp_iv, c, e), "mpmath.iv"),
             "mpmath interval arithmetic", premises=(5, 6), kind="inequality"),
    )
    M10 = M.sig_digits(10)
    return ActivationBound(
        act.label, "gelu", "gelu(z) = z·Φ(z) (exact, Φ the standard normal CDF)",
        "Φ(z) + z·φ(z)", r"\Phi(z) + z\,\varphi(z)", d, Mx, M, True, "z = √2", enclose(iv.sqrt, 2),
        sp.Integer(0), True, f"z₀ ≈ {z0_enc.sig_digits(10)} (the zero of gelu′)", z0_enc,
        f"[1 − M, M] ≈ [{sig_decimal(1 - M.hi, 10)}, {M10}]",
        rf"[1-M,\,M],\ M = {_latex(Mx)}", {"-oo": sp.Integer(0), "+oo": sp.Integer(1)},
        act.sup_abs, argmax_expr=r2,
        proof=Proof("sup |gelu′| = 1/2 + erf(1)/2 + e^(−1)/√π ≈ 1.1289 at z = √2",
              f"max gelu′ = gelu′(√2) = 1/2 + erf(1)/2 + e^(−1)/√π ≈ {M10} = sup |gelu′|",
              r"\sup_z |f'(z)| = f'(\sqrt2) = " + _latex(Mx), steps))


# -- entry points ----------------------------------------------------------------------------

_BUILDERS = {"sigmoid": _sigmoid, "tanh": _tanh, "relu": _piecewise, "leaky_relu": _piecewise,
             "elu": _piecewise, "selu": _piecewise, "swish": _swish, "gelu": _gelu,
             "softplus": _softplus, "linear": _linear}


@functools.lru_cache(maxsize=None)
def _prove(name: str, slope, alpha) -> ActivationBound:
    act = get_activation(name, slope=slope, alpha=alpha)
    bound = _BUILDERS[act.name](act)
    bound.checked = bound.proof.verify()
    return bound


def prove_activation(name: str, slope=None, alpha=None) -> ActivationBound:
    """Build and verify the proof for one activation (cached per name and parameters).

    ``slope`` (leaky_relu) and ``alpha`` (elu) are exact rationals, e.g. ``Fraction(1, 5)``.

    >>> b = prove_activation("tanh")
    >>> b.sup, b.range_text, b.checked.count
    (1, '(0, 1]', (7, 7))
    >>> prove_activation("relu").range_text
    '{0, 1}'
    """
    key = get_activation(name, slope=slope, alpha=alpha)  # validates: UnknownActivation, ValueError
    return _prove(key.name, None if slope is None else Fraction(slope),
                  None if alpha is None else Fraction(alpha))


def sup_abs_derivative(name: str, slope=None, alpha=None) -> tuple[sp.Expr | None, Enclosure]:
    """(exact sup |f′| or None, certified enclosure) -- what depth bounds multiply.

    >>> sup_abs_derivative("sigmoid")
    (1/4, Enclosure(lo=Fraction(1, 4), hi=Fraction(1, 4)))
    """
    b = prove_activation(name, slope=slope, alpha=alpha)
    return b.sup, b.sup_enclosure
