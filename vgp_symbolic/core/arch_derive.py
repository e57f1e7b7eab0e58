"""∂L/∂θ for residual and recurrent networks: the chain rule through a :class:`~.graph.Graph`.

What ``vgp derive`` shows for these architectures:

* the **gradient** as a sum of one term per use of θ -- for a recurrent weight, one per time
  step (backpropagation through time): ∂L/∂W_ij = Σₜ δzₜ,ᵢ · hₜ₋₁,ⱼ;
* the **δ recurrence** backwards through time (or depth), in named symbols;
* the **factors** of the chain: the per-step Jacobian ∂hₜ/∂hₜ₋₁ = diag(f′(zₜ)) W (for a
  residual block ∂oᵏ/∂oᵏ⁻¹ = I + diag(f′(zᵏ))(Wᵏ)ᵀ; for an LSTM the cell path ∂cₜ/∂cₜ₋₁ = diag(fₜ)
  beside the hidden path);
* with numbers: every δ, each step's share of the gradient, ‖∂h_T/∂hₜ‖₂ and ‖∂L/∂hₜ‖₂ per t, the
  update, and a central finite difference as an independent check.

>>> from vgp_symbolic.core.arch_spec import parse_arch_spec
>>> spec = parse_arch_spec('[network]\\nkind = "rnn"\\ninputs = 1\\nhidden = 1\\nsteps = 3')
>>> d = derive_arch(spec, "W_11")
>>> d.expression
h0_1*δz1_1 + h1_1*δz2_1 + h2_1*δz3_1
>>> [str(f.matrix[0, 0]) for f in d.factors][:1]
['W_11*(1 - h1_1**2)']
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from .arch_spec import ArchSpec
from .evaluate import Check, Update
from .graph import Graph
from .network import Param, SpecError
from .recurrent import RecurrentNet
from .residual import param_name
from .softmax import jacobian_route

__all__ = ["StepFactor", "SoftmaxRoute", "ArchDerivation", "ArchEvaluation", "derive_arch",
           "evaluate_arch", "EXPAND_NODES"]

EXPAND_NODES = 40  # expand δ into named quantities only for graphs this small
_SHOW_FACTORS = 6  # symbolic Jacobians for every step up to this many steps, else first and last


@dataclass(frozen=True)
class StepFactor:
    """The Jacobian of one step, ∂Sₜ/∂Sₜ₋₁, for the carried state S (h; h and c; or oᵏ)."""

    step: int
    name: str
    latex: str
    matrix: sp.Matrix
    cell_path: sp.Matrix | None = None  # LSTM: ∂cₜ/∂cₜ₋₁ with hₜ₋₁ held fixed


@dataclass(frozen=True)
class SoftmaxRoute:
    """The softmax–cross-entropy output by its Jacobian route: ∂L/∂ŷ = −y/ŷ, ∂ŷ/∂z =
    diag(ŷ) − ŷŷᵀ, and their product (∂ŷ/∂z)ᵀ∂L/∂ŷ, which SymPy reduces to ŷ − y given Σy = 1
    (``reduces``)."""

    logits: tuple
    probs: tuple
    targets: tuple
    dL_dyhat: sp.Matrix
    jacobian: sp.Matrix
    product: sp.Matrix
    reduces: bool


@dataclass(frozen=True)
class ArchDerivation:
    spec: ArchSpec
    param: str
    words: str
    symbol: sp.Symbol
    terms: tuple  # ((step, expr), ...): ∂L/∂θ = Σ expr
    expression: sp.Expr
    expanded: sp.Expr | None
    recurrence: tuple  # ((δ symbol, node symbol, expr), ...), output first
    factors: tuple[StepFactor, ...]
    head: SoftmaxRoute | None = None

    @property
    def graph(self) -> Graph:
        return self.spec.graph

    @property
    def model(self):
        return self.spec.model

    @property
    def recurrent(self) -> bool:
        return isinstance(self.model, RecurrentNet)

    @property
    def state(self) -> str:
        """The carried quantity's letter: h (recurrent) or o (residual)."""
        return "h" if self.recurrent else "o"


def states(d_or_spec, t: int) -> list:
    """The carried state at step t: hₜ (and cₜ for an LSTM), or oᵗ (o⁰ = x)."""
    spec = getattr(d_or_spec, "spec", d_or_spec)
    g, m = spec.graph, spec.model
    groups = m.state_groups if isinstance(m, RecurrentNet) else ("o",)
    return [s for grp in groups for s in g.of(grp, t)]


def derive_arch(spec: ArchSpec, wrt: str | None = None) -> ArchDerivation:
    """The symbolic chain rule for one parameter of a residual or recurrent network."""
    model, g = spec.model, spec.graph
    p = model.parse_param(wrt or model.default_param)
    name = param_name(p) if isinstance(p, Param) else p.name
    sym = sp.Symbol(name, real=True)
    if sym not in g.nodes:
        raise SpecError(f"{wrt}: not a parameter of this network", key="--wrt")
    L = sp.Symbol("L", real=True)
    seeds = {L: sp.S.One}
    by_step: dict = {}
    for c in g.consumers(sym):
        n = g.nodes[c]
        down = g.delta(c) if n.shown else g.adjoint(c, seeds)
        by_step[n.step] = by_step.get(n.step, 0) + g.local(c, sym) * down
    terms = tuple(sorted(by_step.items()))
    expression = sp.Add(*[e for _, e in terms])
    head = _softmax_route(spec)
    expanded = None
    if len(g.nodes) <= EXPAND_NODES:
        # with a softmax head, ∂L/∂zᴷ = ŷ − y seeds the expansion (the route reduces to it)
        outer = seeds if head is None else {
            z: p - y for z, p, y in zip(head.logits, head.probs, head.targets)}
        full = g.adjoint(sym, outer, through_shown=False)
        if sp.count_ops(full) <= 120:
            expanded = full
    first = min(by_step) if by_step else 0
    rec = tuple((g.delta(s), s, g.adjoint(s, seeds))
                for s in reversed(list(g.nodes)) if g.nodes[s].shown and g.nodes[s].step >= first)
    return ArchDerivation(spec, name, model.param_words(p), sym, terms, expression, expanded,
                          rec, _factors(spec), head)


def _softmax_route(spec: ArchSpec) -> SoftmaxRoute | None:
    if getattr(spec.model, "head", None) is None:
        return None
    g, K = spec.graph, spec.model.steps
    probs, logits, targets = tuple(g.of("o", K)), tuple(g.of("z", K)), tuple(g.of("y"))
    dLds, J, product, ok = jacobian_route(probs, targets)
    return SoftmaxRoute(logits, probs, targets, dLds, J, product, ok)


def _factors(spec: ArchSpec) -> tuple[StepFactor, ...]:
    g, m = spec.graph, spec.model
    T = m.steps
    shown = range(1, T + 1) if T <= _SHOW_FACTORS else (1, T)
    out = []
    rec = isinstance(m, RecurrentNet)
    for t in shown:
        J = g.jacobian(states(spec, t), states(spec, t - 1))
        cell = None
        if rec and m.cell == "lstm":
            H = m.hidden
            cell = J[H:, H:]
        letter = "h" if rec else "o"
        name = (f"∂{letter}{t}/∂{letter}{t - 1}" if not (rec and m.cell == "lstm")
                else f"∂(h{t},c{t})/∂(h{t - 1},c{t - 1})")
        sup = f"^{{({t})}}"
        latex = (rf"\frac{{\partial {letter}{sup}}}{{\partial {letter}^{{({t - 1})}}}}")
        out.append(StepFactor(t, name, latex, J, cell))
    return tuple(out)


# -- numbers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArchEvaluation:
    derivation: ArchDerivation
    dps: int
    values: dict  # node symbol → mpf
    adjoints: dict  # node symbol → ∂L/∂node
    gradient: object
    term_values: tuple  # ((step, value), ...)
    rows: tuple  # per step: dict(t, jac_norm, dL_norm, step_norm, term, cell_path)
    factor_values: tuple  # numeric Jacobians of the shown factors
    update: Update | None
    check: Check | None

    @property
    def loss(self):
        return self.values[sp.Symbol("L", real=True)]

    def head_numbers(self) -> dict | None:
        """The softmax route in numbers: ∂L/∂ŷ, ∂ŷ/∂z, their product, ŷ − y and the backward
        pass's δz (the last three agree); None without a softmax head."""
        h = self.derivation.head
        if h is None:
            return None
        from .graph import evaluate_expr
        with mpmath.workdps(self.dps):
            def num(M):
                return [[evaluate_expr(M[i, j], self.values) for j in range(M.cols)]
                        for i in range(M.rows)]
            return {"dL_dyhat": [r[0] for r in num(h.dL_dyhat)], "jacobian": num(h.jacobian),
                    "product": [r[0] for r in num(h.product)],
                    "residual": [self.values[p] - self.values[y] for p, y in zip(h.probs, h.targets)],
                    "delta": [self.adjoints[z] for z in h.logits]}


def _norm2(M) -> float:
    if not M or not M[0]:
        return 0.0
    return float(np.linalg.norm(np.array([[float(v) for v in r] for r in M]), 2))


def _matmul(A, B):
    return [[mpmath.fsum(A[i][k] * B[k][j] for k in range(len(B))) for j in range(len(B[0]))]
            for i in range(len(A))]


def evaluate_arch(d: ArchDerivation, lr=None, precision: int | None = None,
                  check: bool = True) -> ArchEvaluation:
    """Forward pass, adjoints, per-step norms, update and finite-difference check in mpmath
    (``precision`` significant digits, 30 by default).

    >>> from vgp_symbolic.core.arch_spec import parse_arch_spec
    >>> spec = parse_arch_spec('[network]\\nkind = "rnn"\\ninputs = 1\\nhidden = 1\\nsteps = 2\\n'
    ...                        '[values]\\nx = [1, 0]\\ny = [0.5]\\nW = [[0.5]]\\nU = [[1]]')
    >>> ev = evaluate_arch(derive_arch(spec, "U_11"))
    >>> ev.check.agrees, [r["t"] for r in ev.rows]
    (True, [0, 1, 2])
    """
    spec, g = d.spec, d.graph
    if not spec.complete:
        raise SpecError("the spec does not give every number (x, y and every weight matrix); "
                        "derive symbolically with --symbolic", key="values")
    dps = precision or 30
    L = sp.Symbol("L", real=True)
    leaves = spec.leaves()
    with mpmath.workdps(dps):
        vals = g.forward(leaves)
        adj = g.backward(vals, {L: mpmath.mpf(1)})
        grad = adj[d.symbol]
        by_step: dict = {}
        for c in g.consumers(d.symbol):
            n = g.nodes[c]
            by_step[n.step] = by_step.get(n.step, 0) + g.local_value(c, d.symbol, vals) * adj[c]
        rows, fvals = _rows(d, vals, adj, by_step)
        upd = None
        rate = lr if lr is not None else spec.lr
        if rate is not None:
            old = leaves[d.symbol]
            upd = Update(rate, old, _mp(old) - _mp(rate) * grad)
    chk = _check(d, leaves, vals[L], grad) if check else None
    return ArchEvaluation(d, dps, vals, adj, grad, tuple(sorted(by_step.items())), rows, fvals,
                          upd, chk)


def _mp(v):
    return mpmath.mpf(v.numerator) / v.denominator if hasattr(v, "numerator") else mpmath.mpf(v)


def _rows(d: ArchDerivation, vals, adj, by_step):
    spec, g, m = d.spec, d.graph, d.model
    T = m.steps
    rec = isinstance(m, RecurrentNet)
    lstm = rec and m.cell == "lstm"
    H = m.hidden if rec else None
    jac = {t: g.jacobian_value(states(spec, t), states(spec, t - 1), vals) for t in range(1, T + 1)}
    out_state = states(spec, T)
    n_out = len(out_state)
    P = [[mpmath.mpf(int(i == j)) for j in range(n_out)] for i in range(n_out)]
    rows = []
    forget = [mpmath.mpf(1)] * (H or 0)
    for t in range(T, -1, -1):
        st = states(spec, t)
        hs = st[:H] if lstm else st
        blockP = [r[:H] for r in P[:H]] if lstm else P
        row = {"t": t,
               "jac_norm": _norm2(blockP),
               # mpmath: a softmax output's ∂L/∂ŷ = −y/ŷ reaches e^900 where float64 cannot
               "dL_norm": mpmath.norm([adj[s] for s in hs]),
               "step_norm": _norm2([r[:H] for r in jac[t][:H]] if lstm else jac[t]) if t >= 1 else None,
               "term": by_step.get(t)}
        if lstm:
            row["cell_path"] = max(abs(float(f)) for f in forget)
            row["dc_norm"] = _norm2([r[H:] for r in P[H:]])
            if t >= 1:
                forget = [f * vals[sp.Symbol(f"f{t}_{i}", real=True)]
                          for i, f in enumerate(forget, 1)]
        if not rec and t >= 1 and m.residual[t - 1]:
            J = jac[t]
            skip = [[J[i][j] - (1 if (i == j and not m.projection[t - 1]) else 0)
                     for j in range(len(J[0]))] for i in range(len(J))]
            row["branch_norm"] = _norm2(skip)
        rows.append(row)
        if t >= 1:
            P = _matmul(P, jac[t])
    fvals = tuple(jac[f.step] for f in d.factors)
    return tuple(reversed(rows)), fvals


def _check(d: ArchDerivation, leaves: dict, loss, grad) -> Check:
    """Central difference in mpmath with h = 1e-20: independent of the graph's backward pass."""
    g = d.graph
    L = sp.Symbol("L", real=True)
    with mpmath.workdps(30):
        gap = 0 if grad == 0 or loss == 0 else max(
            0, math.ceil(float(mpmath.log10(abs(loss)) - mpmath.log10(abs(grad)))))
    dps = 50 + gap
    with mpmath.workdps(dps):
        w = _mp(leaves[d.symbol])
        h = mpmath.mpf("1e-20") * max(1, abs(w))
        up = g.forward({**leaves, d.symbol: w + h})[L]
        dn = g.forward({**leaves, d.symbol: w - h})[L]
        fd = (up - dn) / (2 * h)
        scale = max(abs(grad), abs(fd))
        rel = float(abs(grad - fd) / scale) if scale else 0.0
    return Check(f"central finite difference (mpmath, {dps} digits)", fd, rel, rel <= 1e-12)
