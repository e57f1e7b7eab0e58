"""Why depth makes gradients vanish (or explode): the bound, its proof, and the (1/4)ⁿ table.

Scalar chain of n layers, zᵏ = w_k·oᵏ⁻¹ + b_k, oᵏ = f(zᵏ), o⁰ = x, ŷ = oⁿ:

    |∂L/∂w₁| ≤ |∂L/∂ŷ| · (sup|f′|)ⁿ · |w₂|⋯|w_n| · |x|

(n factors f′, one per layer including the output layer; the weights *after* w₁ -- w₁ itself
does not appear). Dense layers, W^k[i][j] from unit i of layer k−1 to unit j of layer k:

    δᴷ = f′(zᴷ) ⊙ ∂L/∂ŷ,   δᵏ = f′(zᵏ) ⊙ (Wᵏ⁺¹ δᵏ⁺¹),   ∂L/∂Wᵏ = oᵏ⁻¹ (δᵏ)ᵀ,
    ‖δʲ‖₂ ≤ ‖∂L/∂ŷ‖₂ · ∏_{k=j..K} sup|f′_k| · ∏_{k=j+1..K} ‖Wᵏ‖₂,
    |∂L/∂wʲ_ab| ≤ |oʲ⁻¹_a| · ‖δʲ‖₂.

The exact numbers (qⁿ table, threshold depths) are in :mod:`.powers`.

>>> depth_bound_proof("tanh").verify().count   # (verified, checked); 1 definition apart
(12, 12)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from . import checks as C
from .activation_bounds import ActivationBound, prove_activation, sup_abs_derivative
from .intervals import Enclosure
from .powers import (PowerRow, _as_fraction, _enclosed_depth, _pow_less, explosion_depth,
                     power_table, q_text, sci, threshold_depth)
from ..latex import tex_text
from ..proof_display import depth_table_latex, depth_table_text
from .steps import CheckedProof, Proof, Step

__all__ = ["depth_bound_proof", "delta_bounds", "gradient_bound", "gradient_bounds",
           "DepthReport", "depth_report"]


# -- the proof -------------------------------------------------------------------------------

def _chain(n: int, f, x, ws, bs):
    o, zs = x, []
    for k in range(n):
        zk = ws[k] * o + bs[k]
        zs.append(zk)
        o = f(zk)
    return o, zs


def _scalar_chain_check(nmax: int = 4):
    """∂L/∂w₁ = L′(ŷ)·∏f′(zᵏ)·w₂⋯w_n·x for n = 1…nmax, by differentiating the composition."""
    def check():
        x, xi = sp.Symbol("x", real=True), sp.Symbol("xi", real=True)
        f, L = sp.Function("f"), sp.Function("L")
        for n in range(1, nmax + 1):
            ws = sp.symbols(f"w1:{n + 1}", real=True)
            bs = sp.symbols(f"b1:{n + 1}", real=True)
            yhat, zs = _chain(n, f, x, ws, bs)
            grad = sp.diff(L(yhat), ws[0])
            fp = [sp.Subs(sp.Derivative(f(xi), xi), xi, zk) for zk in zs]
            claim = sp.Subs(sp.Derivative(L(xi), xi), xi, yhat) * sp.Mul(*fp) * sp.Mul(*ws[1:]) * x
            if sp.expand((grad - claim).doit()) != 0:
                return False, f"differs for n = {n}"
        return True, f"checked for n = 1…{nmax}"
    return C.kind("identity")(check)


def _dense_recursion_check():
    """Backprop's recursion against direct differentiation on a 2-2-2 net, generic f."""
    def check():
        f = sp.Function("f")
        xi = sp.Symbol("xi", real=True)
        x = sp.symbols("x1:3", real=True)
        y = sp.symbols("y1:3", real=True)
        W1 = sp.Matrix(2, 2, sp.symbols("a11 a12 a21 a22", real=True))  # W1[i, j]: i → j
        W2 = sp.Matrix(2, 2, sp.symbols("c11 c12 c21 c22", real=True))
        X = sp.Matrix(x)
        z1 = W1.T * X
        o1 = z1.applyfunc(f)
        z2 = W2.T * o1
        o2 = z2.applyfunc(f)
        loss = sum((o2[j] - y[j])**2 for j in range(2)) / 2
        fp = lambda v: v.applyfunc(lambda e: sp.Subs(sp.Derivative(f(xi), xi), xi, e))  # noqa
        d2 = sp.matrix_multiply_elementwise(fp(z2), o2 - sp.Matrix(y))
        d1 = sp.matrix_multiply_elementwise(fp(z1), W2 * d2)
        for W, o_prev, d in ((W1, X, d1), (W2, o1, d2)):
            for i in range(2):
                for j in range(2):
                    if sp.expand((sp.diff(loss, W[i, j]) - o_prev[i] * d[j]).doit()) != 0:
                        return False, f"∂L/∂{W[i, j]} differs from o_i δ_j"
        return True, "all 8 weights of a 2-2-2 network agree"
    return C.kind("identity")(check)


# the facts the depth bound's conclusions rest on, as its steps establish them
_GRAD = "∂L/∂w₁ = L′(ŷ)·∏ₖ₌₁ⁿ f′(zᵏ)·∏ₖ₌₂ⁿ wₖ·x"
_ABS = "|∏pₖ| = ∏|pₖ|"
_MONO = "0 ≤ aₖ ≤ cₖ ⇒ ∏aₖ ≤ ∏cₖ"
_DELTA = "δᵏ = f′(zᵏ) ⊙ Wᵏ⁺¹δᵏ⁺¹, ∂L/∂Wᵏ = oᵏ⁻¹(δᵏ)ᵀ"
_DIAG = "‖Dv‖₂ ≤ max|dᵢ|·‖v‖₂"
_OPNORM = "‖Wv‖₂ ≤ ‖W‖₂‖v‖₂"
_DELTA_BOUND = "‖δʲ‖₂ ≤ ‖∂L/∂ŷ‖₂·∏sₖ·∏‖Wᵏ‖₂"


def depth_bound_proof(activation: str = "sigmoid", slope=None, alpha=None) -> Proof:
    """The chain bound and its matrix form, with every step checked.

    >>> depth_bound_proof("sigmoid").verify().verified
    True
    """
    bound = prove_activation(activation, slope=slope, alpha=alpha)
    s_txt = bound.sup_text if bound.sup is not None else f"{bound.sup_digits} (certified)"
    steps = _scalar_steps(bound, s_txt) + _dense_steps()
    return Proof(
        f"gradients through n layers of {bound.activation}",
        f"|∂L/∂w₁| ≤ |∂L/∂ŷ|·(sup|f′|)ⁿ·|w₂|⋯|w_n|·|x| with sup|f′| = {s_txt}; "
        "dense: ‖δ¹‖₂ ≤ ‖∂L/∂ŷ‖₂·∏s_k·∏_{k≥2}‖Wᵏ‖₂",
        r"\Bigl|\frac{\partial L}{\partial w_1}\Bigr| \le \Bigl|\frac{\partial L}{\partial\hat y}"
        r"\Bigr|\,(\sup|f'|)^{n}\prod_{k=2}^{n}|w_k|\,|x|",
        steps)


def _scalar_steps(bound: ActivationBound, s_txt: str) -> tuple[Step, ...]:
    """Steps 1–8: the scalar chain's gradient, its bound by sⁿ, and the bound's sharpness."""
    A, a, d1, d2 = sp.symbols("A a d_1 d_2", nonnegative=True)
    x, xi = sp.Symbol("x", real=True), sp.Symbol("xi", real=True)
    f, L = sp.Function("f"), sp.Function("L")
    w = sp.symbols("w1:4", real=True)
    b = sp.symbols("b1:4", real=True)
    u = sp.Function("u")
    reals = sp.symbols("p1:5", real=True)
    lin_yhat, _ = _chain(3, lambda e: e, x, w, b)
    lin_grad = sp.diff(L(lin_yhat), w[0])
    Lp = sp.Subs(sp.Derivative(L(xi), xi), xi, lin_yhat)
    return (
        Step("chain rule, first layer: ∂o¹/∂w₁ = f′(z¹)·x, where z¹ = w₁x + b₁",
             r"\frac{\partial o^1}{\partial w_1} = f'(z^1)\,x",
             C.identical(sp.diff(f(w[0] * x + b[0]), w[0]),
                         sp.Subs(sp.Derivative(f(xi), xi), xi, w[0] * x + b[0]) * x),
             "sympy.diff with an undefined f"),
        Step("chain rule, one more layer: if oᵏ⁺¹ = f(w_{k+1}oᵏ + b_{k+1}) then "
             "∂oᵏ⁺¹/∂w₁ = f′(zᵏ⁺¹)·w_{k+1}·∂oᵏ/∂w₁",
             r"\frac{\partial o^{k+1}}{\partial w_1} = f'(z^{k+1})\,w_{k+1}\,"
             r"\frac{\partial o^k}{\partial w_1}",
             C.identical(sp.diff(f(w[1] * u(w[0]) + b[1]), w[0]),
                         sp.Subs(sp.Derivative(f(xi), xi), xi, w[1] * u(w[0]) + b[1])
                         * w[1] * sp.diff(u(w[0]), w[0])),
             "sympy.diff with undefined f and oᵏ = u(w₁)"),
        Step("by induction: ∂L/∂w₁ = L′(ŷ)·f′(zⁿ)⋯f′(z¹)·w_n⋯w₂·x -- n derivative factors "
             "(the output layer's included) and the n − 1 weights after w₁",
             r"\frac{\partial L}{\partial w_1} = L'(\hat y)\prod_{k=1}^{n} f'(z^k)"
             r"\prod_{k=2}^{n} w_k\; x",
             _scalar_chain_check(4), "and differentiated directly for n = 1…4",
             premises=(1, 2), gives={_GRAD: True}),
        Step("|p₁p₂p₃p₄| = |p₁||p₂||p₃||p₄| (|·| is multiplicative)",
             r"\Bigl|\prod p_k\Bigr| = \prod |p_k|",
             C.identical(sp.Abs(sp.Mul(*reals)), sp.Mul(*[sp.Abs(r) for r in reals])),
             "SymPy Abs of a product of reals", gives={_ABS: True}),
        Step("lemma: 0 ≤ A ≤ A + d₁ and 0 ≤ a ≤ a + d₂ give (A + d₁)(a + d₂) − A·a = "
             "A·d₂ + d₁·a + d₁·d₂ ≥ 0; by induction, 0 ≤ a_k ≤ c_k implies ∏a_k ≤ ∏c_k",
             r"0\le a_k\le c_k \;\Rightarrow\; \prod a_k \le \prod c_k",
             C.all_of(C.identical((A + d1) * (a + d2) - A * a, A * d2 + d1 * a + d1 * d2),
                      C.is_nonnegative(A * d2 + d1 * a + d1 * d2)),
             "expand; sum of products of non-negative symbols", gives={_MONO: True}),
        Step(f"|f′(z)| ≤ s = sup|{bound.symbol}′| = {s_txt} for every z ({bound.activation})",
             r"|f'(z)| \le s = " + (sp.latex(bound.sup) if bound.sup is not None
                                     else bound.sup_digits),
             lambda: (bound.verified, f"the proof of `vgp prove {bound.activation}` "
                      f"({bound.checked.count[0]}/{bound.checked.count[1]} steps verified)"),
             f"vgp prove {bound.activation}", kind="inequality", gives={"sup|f′|": s_txt}),
        Step("therefore |∂L/∂w₁| ≤ |∂L/∂ŷ|·sⁿ·|w₂|⋯|w_n|·|x|",
             r"\Bigl|\frac{\partial L}{\partial w_1}\Bigr| \le \Bigl|\frac{\partial L}"
             r"{\partial \hat y}\Bigr|\, s^{n} \prod_{k=2}^{n}|w_k|\,|x|",
             C.follows({_GRAD: True, _ABS: True, _MONO: True, "sup|f′|": s_txt}),
             "take |·| of step 3's product factor by factor, bound each |f′| by s, multiply",
             premises=(3, 4, 5, 6)),
        Step("the bound is sharp: for f = id (s = 1), |∂L/∂w₁| = |L′(ŷ)|·|w₂||w₃|·|x| exactly "
             "(n = 3); with |w_k| = w > 1 this is wⁿ⁻¹ -- the exploding side",
             r"f=\mathrm{id}:\ \Bigl|\frac{\partial L}{\partial w_1}\Bigr| = |L'(\hat y)|\,"
             r"|w_2||w_3|\,|x|",
             C.identical(sp.Abs(lin_grad), sp.Abs(Lp) * sp.Abs(w[1]) * sp.Abs(w[2]) * sp.Abs(x)),
             "sympy.diff of the linear chain"),
    )


def _dense_steps() -> tuple[Step, ...]:
    """Steps 9–13: backprop's recursion for dense layers and the bound on ‖δʲ‖₂ (premises are
    numbered as the whole proof's: step 5 is the product lemma of :func:`_scalar_steps`)."""
    m = sp.Symbol("m", nonnegative=True)
    ds = sp.symbols("d1:4", real=True)
    vs = sp.symbols("v1:4", real=True)
    es = sp.symbols("e1:4", nonnegative=True)  # m² − dᵢ² ≥ 0
    return (
        Step("dense layers (W^k[i][j]: unit i of layer k−1 → unit j of layer k): δᴷ = f′(zᴷ) ⊙ "
             "∂L/∂ŷ, δᵏ = f′(zᵏ) ⊙ (Wᵏ⁺¹δᵏ⁺¹), ∂L/∂Wᵏ = oᵏ⁻¹(δᵏ)ᵀ",
             r"\delta^K = f'(z^K)\odot\frac{\partial L}{\partial\hat y},\ "
             r"\delta^k = f'(z^k)\odot W^{k+1}\delta^{k+1},\ "
             r"\frac{\partial L}{\partial W^k} = o^{k-1}(\delta^k)^{\mathsf T}",
             _dense_recursion_check(), "direct differentiation, L = ½‖ŷ − y‖², generic f",
             gives={_DELTA: True}),
        Step("for a diagonal D = diag(d_i) with |d_i| ≤ m: m²‖v‖² − ‖Dv‖² = ∑(m² − d_i²)v_i² ≥ 0, "
             "so ‖Dv‖₂ ≤ m‖v‖₂ (shown for 3 coordinates; each term is the same)",
             r"\|Dv\|_2 \le \max_i|d_i|\;\|v\|_2",
             C.all_of(C.identical(m**2 * sum(v**2 for v in vs) - sum((dd * v)**2 for dd, v in zip(ds, vs)),
                                  sum((m**2 - dd**2) * v**2 for dd, v in zip(ds, vs))),
                      C.is_nonnegative(sum(e * v**2 for e, v in zip(es, vs)))),
             "expand; e_i = m² − d_i² ≥ 0 times squares", gives={_DIAG: True}),
        Step("‖Wv‖₂ ≤ ‖W‖₂‖v‖₂, ‖W‖₂ the largest singular value (the operator norm)",
             r"\|Wv\|_2 \le \|W\|_2\,\|v\|_2", None, "definition of the operator norm",
             kind="definition", gives={_OPNORM: True}),
        Step("hence ‖δʲ‖₂ ≤ ‖∂L/∂ŷ‖₂ · ∏_{k=j}^{K} s_k · ∏_{k=j+1}^{K} ‖Wᵏ‖₂ (s_k = sup|f′| of "
             "layer k): every layer from j to the output contributes its f′, only the weight "
             "matrices after layer j contribute norms",
             r"\|\delta^j\|_2 \le \Bigl\|\frac{\partial L}{\partial\hat y}\Bigr\|_2"
             r"\prod_{k=j}^{K}s_k\prod_{k=j+1}^{K}\|W^k\|_2",
             C.follows({_MONO: True, _DELTA: True, _DIAG: True, _OPNORM: True}),
             "induction down from K: bound f′(zᵏ) ⊙ · by step 10, Wᵏ⁺¹ · by step 11",
             premises=(5, 9, 10, 11), gives={_DELTA_BOUND: True}),
        Step("|∂L/∂wʲ_ab| = |oʲ⁻¹_a|·|δʲ_b| ≤ |oʲ⁻¹_a|·‖δʲ‖₂; for the first layer oʲ⁻¹ = x: "
             "|∂L/∂w¹_ab| ≤ |x_a|·‖∂L/∂ŷ‖₂·∏_{k=1}^{K}s_k·∏_{k=2}^{K}‖Wᵏ‖₂",
             r"\Bigl|\frac{\partial L}{\partial w^1_{ab}}\Bigr| \le |x_a|\,"
             r"\Bigl\|\frac{\partial L}{\partial\hat y}\Bigr\|_2\prod_{k=1}^{K}s_k"
             r"\prod_{k=2}^{K}\|W^k\|_2",
             C.follows({_DELTA: True, _DELTA_BOUND: True},
                       also=C.is_nonnegative(sum(v**2 for v in vs[1:]))),
             "‖δ‖² − δ_b² is a sum of squares", premises=(9, 12)),
    )


# -- numeric bound for a concrete network (used by the property test, and by anyone) -------

def _mpf(v):
    if isinstance(v, Fraction):
        return mpmath.mpf(v.numerator) / v.denominator
    return mpmath.mpf(v)


def delta_bounds(net, p, sups: dict | None = None) -> dict[int, mpmath.mpf]:
    """B_j ≥ ‖δʲ‖₂ for each layer j, from a :class:`~vgp_symbolic.core.backprop.Pass`.

    ``sups`` maps a layer's activation label to sup|f′| (default: the proven values, rounded
    up). The spectral norms come from numpy (float64, relative error ~1e-15).
    """
    K = net.depth
    with mpmath.workdps(30):
        dl = mpmath.sqrt(sum(_mpf(v)**2 for v in p.dL_dyhat))
        B = {}
        acc = dl
        for j in range(K, 0, -1):
            act = net.activation(j)
            if sups is not None and act.label in sups:
                s = _mpf(sups[act.label])
            else:
                s = _mpf(_sup_of(act).hi)
            acc = acc * s
            B[j] = acc
            acc = acc * mpmath.mpf(float(np.linalg.norm(np.array(p.W[j], dtype=float), 2)))
    return B


def _sup_of(act) -> Enclosure:
    params = dict(act.params)
    return sup_abs_derivative(act.name, **{k: params[k] for k in ("slope", "alpha")
                                           if k in params})[1]


def gradient_bound(net, p, param, sups=None):
    """The theorem's bound on |∂L/∂param| (a weight w^j_ab or bias b^j_b) at this pass.

    >>> from vgp_symbolic.core.network import Network, random_values
    >>> from vgp_symbolic.core.backprop import forward_backward
    >>> net = Network.build(2, [(3, "sigmoid"), (1, "sigmoid")], "mse")
    >>> ps = forward_backward(net, random_values(net, seed=1))
    >>> w = net.parse_param("w1_21")
    >>> abs(float(ps.gradient(w))) <= float(gradient_bound(net, ps, w))
    True
    """
    return _bound(p, param, delta_bounds(net, p, sups))


def gradient_bounds(net, p, sups=None) -> dict:
    """{Param: bound} for every weight and bias of ``net`` (one pass over the layers)."""
    B = delta_bounds(net, p, sups)
    return {param: _bound(p, param, B) for param in net.params()}


def _bound(p, param, B: dict):
    """|∂L/∂bʲ_b| ≤ Bⱼ and |∂L/∂wʲ_ab| ≤ |oʲ⁻¹_a|·Bⱼ, from the layer bounds ``B``."""
    if param.kind == "b":
        return B[param.layer]
    return abs(_mpf(p.o[param.layer - 1][param.i - 1])) * B[param.layer]


# -- the report of `vgp prove depth` ---------------------------------------------------------

@dataclass
class DepthReport:
    """Bound + proof + table + threshold depth + exploding side."""

    activation: ActivationBound | None
    weight_norm: Fraction
    factor_exact: Fraction | None
    factor: Enclosure
    factor_source: str
    layers: int
    below: Fraction
    above: Fraction
    table: list[PowerRow]
    below_depth: int | None | tuple
    above_depth: int | None | tuple
    checked: CheckedProof
    facts: CheckedProof
    notes: list = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return self.checked.verified and self.facts.verified

    @property
    def regime(self) -> str:
        if self.factor.hi < 1:
            return "vanishing"
        if self.factor.lo > 1:
            return "exploding"
        return "neutral" if self.factor.lo == self.factor.hi == 1 else "borderline"

    def factor_text(self) -> str:
        if self.factor_exact is not None:
            return PowerRow(1, self.factor_exact, self.factor).text
        return self.factor.sig_digits(10) or sci(self.factor.mid)

    def to_json(self) -> dict:
        return {
            "activation": self.activation.activation if self.activation else None,
            "sup": self.activation.sup_text if self.activation else None,
            "weight_norm": str(self.weight_norm),
            "factor": str(self.factor_exact) if self.factor_exact is not None else self.factor_text(),
            "factor_exact": self.factor_exact is not None,
            "factor_float": float(self.factor.mid),
            "factor_source": self.factor_source,
            "regime": self.regime,
            "layers": self.layers,
            "table": [r.to_json() for r in self.table],
            "below": {"threshold": str(self.below), "depth": _json_depth(self.below_depth)},
            "above": {"bound": str(self.above), "depth": _json_depth(self.above_depth)},
            "bound": self.checked.proof.statement,
            "verified": self.verified,
            "steps": self.checked.steps_json() + self.facts.steps_json(),
        }

    def to_text(self) -> str:
        fac = self.factor_text()
        lines = [f"Depth bound: {self.checked.proof.statement}", "",
                 self.checked.to_text(), "",
                 f"Per-layer factor q = {self.factor_source} = {fac}  ({self.regime})"]
        lines += depth_table_text(self)
        lines.append("")
        lines.append(_depth_sentence(self.below_depth, "below", self.below, fac))
        lines.append(_depth_sentence(self.above_depth, "above", self.above, fac))
        if self.regime == "exploding":
            lines.append("Exploding side: q > 1, so the bound grows like qⁿ. It is an upper bound: "
                         "growth is possible, not forced; step 8 shows it is exact for a linear "
                         "chain.")
        elif self.regime == "vanishing":
            lines.append("Vanishing side: q < 1, so the bound -- and with it the gradient of every "
                         "early-layer weight -- shrinks at least geometrically with depth.")
        if self.factor_source.startswith("sup") and self.weight_norm > 0:
            lines.append("With every ‖Wᵏ‖₂ ≤ ‖W‖ the first-layer bound is |∂L/∂ŷ|·|x|·sⁿ·‖W‖ⁿ⁻¹ "
                         "= |∂L/∂ŷ|·|x|·qⁿ/‖W‖ (n factors f′, n − 1 weight matrices).")
        lines += ["", self.facts.to_text()]
        lines += self.notes
        return "\n".join(lines)

    def to_latex(self) -> str:
        out = ["\\subsection*{Depth bound}", self.checked.to_latex(), "",
               f"\\noindent Per-layer factor $q$: {tex_text(self.factor_source)} "
               f"= {tex_text(self.factor_text())} ({self.regime}).\\par\\smallskip",
               "\\noindent"] + depth_table_latex(self)
        out += ["", self.facts.to_latex()]
        return "\n".join(out)


def _json_depth(d):
    return list(d) if isinstance(d, tuple) else d


def _depth_sentence(d, kind, t, fac) -> str:
    rel = "<" if kind == "below" else ">"
    if d is None:
        return f"qⁿ {rel} {q_text(t)}: never (q = {fac})"
    if isinstance(d, tuple):
        return f"qⁿ {rel} {q_text(t)} first at some n between {d[0]} and {d[1]}"
    return f"qⁿ {rel} {q_text(t)} first at n = {d}"


def depth_report(activation: str = "sigmoid", weight_norm=1, layers: int = 10,
                 below=Fraction(1, 10**6), above=Fraction(10**6), factor=None,
                 slope=None, alpha=None) -> DepthReport:
    """Everything ``vgp prove depth`` prints; ``factor`` overrides sup|f′|·weight_norm.

    >>> r = depth_report("sigmoid", layers=10)
    >>> r.factor_exact, r.below_depth, r.table[-1].exact
    (Fraction(1, 4), 10, Fraction(1, 1048576))
    >>> depth_report(factor="0.1", layers=4).table[3].text
    '1/10000 = 0.0001'
    """
    if isinstance(layers, bool) or int(layers) != layers or layers < 1:
        raise ValueError(f"--layers must be a positive whole number, got {layers}")
    wn = _as_fraction(weight_norm)
    if wn < 0:
        raise ValueError(f"--weight-norm must be ≥ 0, got {wn}")
    t, B = _as_fraction(below), _as_fraction(above)
    if t <= 0:
        raise ValueError(f"--below must be positive, got {t}")
    if B <= 0:
        raise ValueError(f"--above must be positive, got {B}")
    bound = prove_activation(activation, slope=slope, alpha=alpha)
    proof = depth_bound_proof(activation, slope=slope, alpha=alpha).verify()
    if factor is not None:
        q = _as_fraction(factor)
        if q <= 0:
            raise ValueError(f"--factor must be positive, got {q}")
        exact, enc, source = q, Enclosure(q, q), f"the given factor {q_text(q)}"
    else:
        s = bound.sup_enclosure
        enc = Enclosure(s.lo * wn, s.hi * wn)
        # exact only for a rational sup (selu's λα is a product of decimal constants)
        exact = enc.lo if bound.sup is not None and bound.sup.is_Rational else None
        st = bound.sup_text
        st = st if bound.sup is None or bound.sup.is_Rational or bound.sup.is_Float else f"({st})"
        source = f"sup|{bound.symbol}′| · ‖W‖ = {st} · {q_text(wn)}"
    layers = int(layers)
    table = power_table(exact if exact is not None else enc, layers)
    if exact is not None:
        bd, ad = threshold_depth(exact, t), explosion_depth(exact, B)
    else:
        bd = _enclosed_depth(threshold_depth, enc, t)
        ad = _enclosed_depth(explosion_depth, enc, B)
    facts = _facts_proof(exact, enc, table, t, B, bd, ad).verify()
    return DepthReport(bound, wn, exact, enc, source, layers, t, B, table, bd, ad, proof, facts)


def _facts_proof(exact, enc, table, t, B, bd, ad) -> Proof:
    """The table's and the depths' claims, each an exact comparison SymPy evaluates."""
    steps = []
    if exact is not None:
        Q = sp.Rational(exact.numerator, exact.denominator)
        last = table[-1]
        steps.append(Step(
            f"q^{last.n} = {PowerRow(last.n, last.exact, last.enclosure).text}",
            f"q^{{{last.n}}} = {sp.latex(sp.Rational(last.exact.numerator, last.exact.denominator))}"
            if "e" not in last.text else f"q^{{{last.n}}} \\approx {last.sci}",
            C.identical(Q**last.n, sp.Rational(last.exact.numerator, last.exact.denominator)),
            "exact rational power"))
    for d, th, below in ((bd, t, True), (ad, B, False)):
        if d is None or isinstance(d, tuple):
            continue
        sym, neg = ("<", "≤") if below else (">", "≥")
        sym_tex, neg_tex = ("<", r"\le") if below else (">", r"\ge")
        # for an enclosure lo ≤ q ≤ hi, qⁿ is increasing in q: bound it by the right end
        first, prev = ((enc.hi, enc.lo) if below else (enc.lo, enc.hi))
        if exact is not None:
            first = prev = exact

        def check(d=d, th=th, below=below, first=first, prev=prev):
            now = _pow_less(first, d, th) if below else _pow_less(1 / first, d, 1 / th)
            before = d == 1 or (not _pow_less(prev, d - 1, th) if below
                                else not _pow_less(1 / prev, d - 1, 1 / th))
            return now and before, ("exact integer comparison" if exact is not None
                                    else "exact comparison at the ends of q's enclosure")
        steps.append(Step(
            f"q^{d} {sym} {q_text(th)}" + ("" if d == 1 else f" {neg} q^{d - 1}")
            + f": n = {d} is the first depth with qⁿ {sym} {q_text(th)}",
            f"q^{{{d}}} {sym_tex} {sp.latex(sp.Rational(th.numerator, th.denominator))}"
            + ("" if d == 1 else f" {neg_tex} q^{{{d - 1}}}"),
            check, "exact rational comparison" + ("" if exact is not None else
                                                  " (q enclosed in a certified interval)"),
            kind="inequality"))
    return Proof("the table and the threshold depths", "exact powers of q", "q^n", tuple(steps))
