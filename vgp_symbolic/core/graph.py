"""A computation as a graph of named SymPy symbols: the common engine of residual and recurrent
derivations (:mod:`.residual`, :mod:`.recurrent`).

Every quantity -- an input ``x2_1``, a hidden state ``h3_1``, a gate ``f3_2``, a weight
``W_12`` -- is a symbol; a non-leaf node carries its defining expression in the symbols before
it. An activation node ``h = f(z)`` keeps the textbook derivative (tanh′ = 1 − h²), so that the
chain rule reads in the names a student writes. From this one description the graph gives

* local derivatives ∂node/∂dep (symbolic, cached),
* the forward pass and reverse-mode adjoints in mpmath,
* ∂L/∂θ and the δ recurrence in named symbols (:meth:`Graph.adjoint`),
* Jacobians between groups of nodes, symbolically (:meth:`Graph.jacobian`).

>>> from vgp_symbolic.core.activations import get_activation
>>> g = Graph()
>>> x, w = g.leaf("x", "x"), g.leaf("w", "w")
>>> z = g.define("z", "z", w * x)
>>> h = g.activate("h", "h", get_activation("tanh"), z, shown=False)
>>> L = g.define("L", "L", h**2)
>>> g.local(h, z), g.adjoint(w, {L: 1})
(1 - h**2, 2*h*x*(1 - h**2))
>>> vals = g.forward({x: 1, w: mpmath.mpf("0.5")})
>>> adj = g.backward(vals, {L: 1})
>>> mpmath.nstr(adj[w], 8) == mpmath.nstr(2 * mpmath.tanh(0.5) * (1 - mpmath.tanh(0.5)**2), 8)
True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp

from ..numbers import to_mpf
from .activations import Activation

__all__ = ["Node", "Graph", "evaluate_expr"]


@dataclass
class Node:
    """One named quantity; ``expr`` is None for a leaf (input, parameter, initial state)."""

    sym: sp.Symbol
    expr: sp.Expr | None = None
    act: Activation | None = None  # when set, sym = act(arg)
    arg: sp.Symbol | None = None
    group: str = ""  # "x", "h", "c", "z", "gate", "param", "loss", ...
    step: int = 0  # time step or layer
    unit: int = 0  # 1-based unit index within its group
    shown: bool = False  # gets its own δ symbol in the printed recurrence
    deps: tuple = field(default_factory=tuple)
    # a vector operation (softmax, cross-entropy from logits): computes its value and its local
    # derivatives itself, where the expression alone would be unstable or unreadable
    op: object | None = None


class Graph:
    """Named nodes in topological order (a node may only use nodes defined before it)."""

    def __init__(self):
        self.nodes: dict[sp.Symbol, Node] = {}
        self.latex: dict[sp.Symbol, str] = {}
        self._local: dict = {}
        self._consumers: dict | None = None
        self._groups: dict | None = None

    # -- building ------------------------------------------------------------------------
    def _add(self, name: str, tex: str, node_kw) -> sp.Symbol:
        s = sp.Symbol(name, real=True)
        if s in self.nodes:
            raise ValueError(f"node {name} defined twice")
        self.nodes[s] = Node(s, **node_kw)
        self.latex[s] = tex
        self._consumers = self._groups = None
        return s

    def leaf(self, name: str, tex: str, **meta) -> sp.Symbol:
        """An input, parameter or initial state."""
        return self._add(name, tex, meta)

    def define(self, name: str, tex: str, expr, **meta) -> sp.Symbol:
        """A node defined by a polynomial expression of earlier nodes."""
        expr = sp.sympify(expr, strict=True)
        deps = tuple(sorted(expr.free_symbols & self.nodes.keys(), key=str))
        missing = expr.free_symbols - self.nodes.keys()
        if missing:
            raise ValueError(f"{name} uses undefined symbol(s) {sorted(map(str, missing))}")
        return self._add(name, tex, dict(meta, expr=expr, deps=deps))

    def activate(self, name: str, tex: str, act: Activation, arg: sp.Symbol, **meta) -> sp.Symbol:
        """A node ``name = act(arg)`` whose derivative is kept in textbook form."""
        meta.setdefault("shown", False)
        return self._add(name, tex, dict(meta, expr=act.expr(arg), act=act, arg=arg, deps=(arg,)))

    def define_op(self, name: str, tex: str, op, **meta) -> sp.Symbol:
        """A node computed by ``op``: an object with ``deps`` (symbols defined before it),
        ``expr`` (its definition, for display), ``value(vals)``, ``local(dep)`` (∂/∂dep in named
        symbols) and ``local_value(dep, vals)`` -- see :mod:`.softmax`."""
        missing = set(op.deps) - self.nodes.keys()
        if missing:
            raise ValueError(f"{name} uses undefined symbol(s) {sorted(map(str, missing))}")
        return self._add(name, tex, dict(meta, expr=op.expr, op=op, deps=tuple(op.deps)))

    def of(self, group: str, step: int | None = None) -> list[sp.Symbol]:
        """The symbols of one group (and step), in unit order."""
        if self._groups is None:  # indexed once: unrolled graphs ask for every step's states
            self._groups = {}
            for n in self.nodes.values():
                self._groups.setdefault((n.group, n.step), []).append(n.sym)
                self._groups.setdefault((n.group, None), []).append(n.sym)
        return list(self._groups.get((group, step), []))

    # -- symbolic ------------------------------------------------------------------------
    def local(self, node: sp.Symbol, dep: sp.Symbol) -> sp.Expr:
        """∂node/∂dep holding every other direct input fixed (textbook form for activations)."""
        key = (node, dep)
        if key not in self._local:
            n = self.nodes[node]
            if n.op is not None:
                self._local[key] = n.op.local(dep) if dep in n.deps else sp.S.Zero
            elif n.act is not None:
                self._local[key] = n.act.deriv(n.arg, n.sym) if dep == n.arg else sp.S.Zero
            else:
                self._local[key] = _diff(n.expr, dep)
        return self._local[key]

    def consumers(self, sym: sp.Symbol) -> list[sp.Symbol]:
        """The nodes that use ``sym`` directly, in graph order."""
        if self._consumers is None:
            cons: dict = {s: [] for s in self.nodes}
            for n in self.nodes.values():
                for d in n.deps:
                    cons[d].append(n.sym)
            self._consumers = cons
        return self._consumers[sym]

    def delta(self, sym: sp.Symbol) -> sp.Symbol:
        """The symbol δ<name> standing for ∂L/∂<name>."""
        d = sp.Symbol(f"δ{sym.name}", real=True)
        self.latex.setdefault(d, rf"\delta {self.latex[sym]}")
        return d

    def adjoint(self, sym: sp.Symbol, seeds: dict, through_shown: bool = True) -> sp.Expr:
        """∂L/∂sym in named symbols: Σ over consumers c of ∂c/∂sym · (δc if c is shown, else
        c's own adjoint, expanded). ``seeds`` maps the loss node (or any output) to its seed."""
        memo: dict = {}

        def A(s):
            if s in memo:
                return memo[s]
            total = sp.sympify(seeds.get(s, 0), strict=True)
            for c in self.consumers(s):
                down = self.delta(c) if (through_shown and self.nodes[c].shown) else A(c)
                if down != 0:
                    total += self.local(c, s) * down
            memo[s] = total
            return total
        return A(sym)

    def jacobian(self, outs: list, ins: list) -> sp.Matrix:
        """∂outs/∂ins (symbolic): forward-mode through the nodes between them. Each of ``ins``
        is an independent variable (pass hₜ₋₁ *and* cₜ₋₁ for an LSTM's partial derivatives);
        nodes not downstream of ``ins`` count as constants."""
        index = {s: k for k, s in enumerate(ins)}
        tangent: dict = {}
        n_in = len(ins)
        zero = [sp.S.Zero] * n_in
        order = list(self.nodes)
        start = min(order.index(s) for s in ins)
        stop = max(order.index(s) for s in outs)
        for s in order[start:stop + 1]:
            if s in index:
                t = list(zero)
                t[index[s]] = sp.S.One
                tangent[s] = t
                continue
            n = self.nodes[s]
            acc = list(zero)
            live = False
            for d in n.deps:
                if d in tangent:
                    loc = self.local(s, d)
                    acc = [a + loc * td for a, td in zip(acc, tangent[d])]
                    live = True
            if live:
                tangent[s] = acc
        return sp.Matrix([tangent.get(o, zero) for o in outs])

    # -- numbers -------------------------------------------------------------------------
    def forward(self, leaves: dict) -> dict:
        """Every node's value in mpmath (at the current ``mp.dps``); ``leaves`` maps leaf
        symbols to numbers (Fractions are converted exactly)."""
        vals = {s: to_mpf(v) if isinstance(v, Fraction) else mpmath.mpf(v)
                for s, v in leaves.items()}
        for s, n in self.nodes.items():
            if n.expr is None:
                if s not in vals:
                    raise KeyError(f"no value for {s}")
                continue
            vals[s] = (n.op.value(vals) if n.op is not None else n.act.mp_f(vals[n.arg])
                       if n.act is not None else evaluate_expr(n.expr, vals))
        return vals

    def backward(self, vals: dict, seeds: dict) -> dict:
        """Reverse-mode adjoints ∂(Σ seed·node)/∂s for every node s, in mpmath."""
        adj = {s: mpmath.mpf(0) for s in self.nodes}
        for s, v in seeds.items():
            adj[s] += v
        for s in reversed(list(self.nodes)):
            a = adj[s]
            if a == 0:
                continue
            for d in self.nodes[s].deps:
                adj[d] += self.local_value(s, d, vals) * a
        return adj

    def jacobian_value(self, outs: list, ins: list, vals: dict) -> list[list]:
        """The numbers of :meth:`jacobian` at ``vals`` (forward mode, mpmath)."""
        index = {s: k for k, s in enumerate(ins)}
        order = list(self.nodes)
        start, stop = min(order.index(s) for s in ins), max(order.index(s) for s in outs)
        zero = [mpmath.mpf(0)] * len(ins)
        tangent: dict = {}
        for s in order[start:stop + 1]:
            if s in index:
                tangent[s] = list(zero)
                tangent[s][index[s]] = mpmath.mpf(1)
                continue
            live = [d for d in self.nodes[s].deps if d in tangent]
            if live:
                acc = list(zero)
                for d in live:
                    loc = self.local_value(s, d, vals)
                    acc = [a + loc * t for a, t in zip(acc, tangent[d])]
                tangent[s] = acc
        return [list(tangent.get(o, zero)) for o in outs]

    def local_value(self, node, dep, vals):
        """The number ∂node/∂dep at ``vals``."""
        n = self.nodes[node]
        if n.op is not None:
            return n.op.local_value(dep, vals)
        if n.act is not None:
            return n.act.mp_df(vals[n.arg], vals[node])
        return evaluate_expr(self.local(node, dep), vals)


def _diff(e: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """∂e/∂x for the sums and products nodes are made of, by the sum and product rules directly
    (sympy.diff's general machinery costs milliseconds per call; an LSTM over 40 steps has
    thousands of edges); anything else goes to sympy.diff.

    >>> a, b, c = sp.symbols("a b c")
    >>> _diff(a * b + c * b**2 - 3, b), _diff(a * b + c, x=sp.Symbol("d"))
    (a + 2*b*c, 0)
    """
    if e == x:
        return sp.S.One
    if e.is_Atom or x not in e.free_symbols:
        return sp.S.Zero
    if e.is_Add:
        return sp.Add(*[_diff(a, x) for a in e.args if x in a.free_symbols])
    if e.is_Mul:
        args = e.args
        return sp.Add(*[sp.Mul(*args[:i], _diff(a, x), *args[i + 1:])
                        for i, a in enumerate(args) if x in a.free_symbols])
    if e.is_Pow and e.exp.is_Number:
        return e.exp * e.base ** (e.exp - 1) * _diff(e.base, x)
    return sp.diff(e, x)


def evaluate_expr(e: sp.Expr, env: dict):
    """Evaluate a polynomial in named symbols with mpmath numbers (no lambdify: one call per
    node of a long unrolled sequence would cost milliseconds each).

    >>> a, b = sp.symbols("a b")
    >>> evaluate_expr(2 * a * b**2 - a / 4 + 1, {a: mpmath.mpf(2), b: mpmath.mpf(3)})
    mpf('36.5')
    """
    if e.is_Symbol:
        return env[e]
    if e.is_Number:
        return mpmath.mpf(e.p) / e.q if e.is_Rational else mpmath.mpf(e)
    if e.is_Add:
        return mpmath.fsum(evaluate_expr(a, env) for a in e.args)
    if e.is_Mul:
        return mpmath.fprod(evaluate_expr(a, env) for a in e.args)
    if e.is_Pow:
        return mpmath.power(evaluate_expr(e.base, env), evaluate_expr(e.exp, env))
    syms = sorted(e.free_symbols, key=str)  # one order for the lambda and its arguments
    return sp.lambdify(syms, e, "mpmath")(*[env[s] for s in syms])
