"""The symbol table of a derivation's JSON: which named quantities it lists, what each one is and
its definition in SymPy syntax, printed without building or printing a SymPy expression per symbol.

A symbol is known by its key (see :meth:`~vgp_symbolic.core.derive.Names.spell`). Definitions are
string formatting: SymPy prints each activation's f(z) and f'(z) once, with placeholder symbols
that sort as the real names do, and the names are put in; a weighted sum is written term by term
in SymPy's order. So a table of 10⁵ symbols costs a fraction of a second where printing each
definition with SymPy took minutes (depth 1000 × width 10: 46 s).

Which symbols: while the network has at most :data:`SYMBOL_LIMIT` named quantities, those the
gradient's expression and the factors use and every symbol their definitions reach, down to the
inputs and weights, so that a program can evaluate the expression from the table alone. Beyond
the limit that closure is the whole network (2·10⁶ weights at depth 50 × width 200), and a
route's factors name two symbols per layer (2·10⁵ for 10⁵ layers); the table then holds the
symbols of the expression, with their definitions, and says so.

>>> from vgp_symbolic.core.network import Network
>>> from vgp_symbolic.core.derive import derive
>>> t = SymbolTable(derive(Network.build(2, [(2, "tanh"), (1, "sigmoid")]), "w1_11"))
>>> t.complete, [t.names.spell(k)[0] for k in t.keys][:6]
(True, ['x_1', 'x_2', 'y', 'w1_11', 'w1_21', 'b1_1'])
>>> t.definition(("z", 1, 1)), t.definition(("o", 1, 1)), t.definition(("δ", 1, 1))
('b1_1 + w1_11*x_1 + w1_21*x_2', 'tanh(z1_1)', '(1 - o1_1**2)*w2_11*δ2_1')
"""
from __future__ import annotations

from ._lazy import lazy_import
from .core.derive import Derivation, Factor, Kind

sp = lazy_import("sympy")

__all__ = ["SymbolTable", "SYMBOL_LIMIT", "symbol_value"]

# Above this many named quantities in the network (x, y, w, b, z, o, δ, L) the table lists only
# the expression's symbols: 10⁴ entries are ~1 MB of JSON and ~0.1 s.
SYMBOL_LIMIT = 10_000
_SORT = {"x": 0, "y": 1, "L": 4}
_IN_UNIT = {"w": 0, "b": 1, "z": 2, "o": 3}


def _order(key: tuple) -> tuple:
    """The network's order: inputs, targets, layer by layer each unit's w, b, z, o; then δ from
    the output down; then L."""
    kind = key[0]
    if kind in _IN_UNIT:
        return (2, key[1], key[-1], _IN_UNIT[kind], key[2] if kind == "w" else 0)
    if kind == "δ":
        return (3, -key[1], key[2], 0, 0)
    return (_SORT[kind], 0, key[1] if len(key) > 1 else 0, 0, 0)


class _Template:
    """An activation's f(z) or f'(z, o) printed once by SymPy, with placeholders for z and o."""

    def __init__(self, expr, z, o):
        self.text = sp.sstr(expr)
        self._z, self._o = z.name, o.name
        free = expr.free_symbols
        self.uses_z, self.uses_o = z in free, o in free
        from sympy.printing.precedence import PRECEDENCE, precedence
        self.is_sum = precedence(expr) < PRECEDENCE["Mul"]  # needs parentheses in a product

    def render(self, names, k: int, j: int) -> str:
        """The printed form for unit j of layer k (``names``: the network's Names)."""
        out = self.text
        if self.uses_z:
            out = out.replace(self._z, names.spell_z(k, j)[0])
        if self.uses_o:
            out = out.replace(self._o, names.spell_o(k, j)[0])
        return out


class SymbolTable:
    """The symbols a derivation's JSON lists (``keys``, in the network's order) and their
    meanings and definitions; ``complete`` tells whether every symbol the factors and the
    definitions use is listed too, or only the expression's. ``full`` forces the choice (None:
    complete up to :data:`SYMBOL_LIMIT` named quantities in the network)."""

    def __init__(self, d: Derivation, full: bool | None = None):
        self.d, self.names, self.net = d, d.names, d.net
        self.widths, self.K = d.net.widths, d.net.depth
        self._templates: dict = {}
        self.in_network, self.limit = self._count(), SYMBOL_LIMIT
        self.complete = self.in_network <= self.limit if full is None else full
        used = self._keys_of(d.expression.free_symbols)
        if self.complete:
            for f in d.factors:
                used.update(self.factor_uses(f))
            used = self._closure(used)
        self.keys = sorted(used, key=_order)

    def _count(self) -> int:
        """How many named quantities the network has (what a complete table may list)."""
        w, net = self.widths, self.net
        return (net.inputs + net.outputs + 1 + sum(w[k - 1] * w[k] + 3 * w[k]
                                                   for k in range(1, self.K + 1))
                + sum(w[self.d.param.layer:]))

    def _keys_of(self, symbols) -> set:
        return {self.names.keys[s] for s in symbols}

    def _closure(self, keys: set) -> set:
        seen, todo = set(keys), list(keys)
        while todo:
            for k in self.uses(todo.pop()):
                if k not in seen:
                    seen.add(k)
                    todo.append(k)
        return seen

    # -- templates ---------------------------------------------------------------------------
    def _template(self, k: int, what: str) -> _Template:
        act, out = self.net.activation(k), k == self.K
        tkey = (id(act), out, what)   # the network holds act: its id stays its own
        t = self._templates.get(tkey)
        if t is None:
            # placeholders whose first letter is the real names' ("o…" < "z…" < "ŷ…"), so
            # that SymPy orders the terms and factors exactly as for the real symbols
            z = sp.Symbol("z\0", real=True)
            o = sp.Symbol(("ŷ" if out else "o") + "\0", real=True)
            t = self._templates[tkey] = _Template(act.expr(z) if what == "f" else
                                                  act.deriv(z, o), z, o)
        return t

    def _render(self, k: int, j: int, what: str) -> str:
        return self._template(k, what).render(self.names, k, j)

    def _fprime_uses(self, k: int, j: int) -> list:
        t = self._template(k, "df")
        return ([("z", k, j)] if t.uses_z else []) + ([("o", k, j)] if t.uses_o else [])

    # -- what each symbol is -----------------------------------------------------------------
    def meaning(self, key: tuple) -> str:
        kind, net = key[0], self.net
        if kind == "x":
            return f"input {key[1]}"
        if kind == "y":
            return f"target {key[1]}"
        if kind == "w":
            _, k, i, j = key
            return f"weight from unit {i} of layer {k - 1} to unit {j} of layer {k}"
        if kind == "L":
            return f"the loss: {net.loss_fn.formula}"
        _, k, j = key
        if kind == "o":
            return f"output of unit {j} of layer {k} ({net.activation(k).label})"
        if kind == "z":
            return f"pre-activation of unit {j} of layer {k}"
        if kind == "b":
            return f"bias of unit {j} of layer {k}"
        return f"∂L/∂z of unit {j} of layer {k} (backpropagated)"

    def uses(self, key: tuple) -> list:
        """The keys of the symbols in the definition of ``key``."""
        kind, n = key[0], self.names
        if kind == "z":
            _, k, j = key
            return ([("w", k, i, j) for i in range(1, self.widths[k - 1] + 1)]
                    + [n.o_key(k - 1, i) for i in range(1, self.widths[k - 1] + 1)]
                    + [("b", k, j)])
        if kind == "o":
            return [("z",) + key[1:]]
        if kind == "δ":
            _, k, j = key
            if k == self.K:
                return sorted(self._keys_of(self._output_delta(j).free_symbols), key=_order)
            nxt = range(1, self.widths[k + 1] + 1)
            return (self._fprime_uses(k, j) + [("w", k + 1, j, l) for l in nxt]
                    + [("δ", k + 1, l) for l in nxt])
        if kind == "L":
            return sorted(self._keys_of(n.loss().free_symbols), key=_order)
        return []

    def definition(self, key: tuple) -> str | None:
        """``key``'s definition in SymPy syntax (None for an input, target, weight or bias)."""
        kind = key[0]
        if kind == "z":
            return self._preactivation(*key[1:])
        if kind == "o":
            return self._render(key[1], key[2], "f")
        if kind == "δ":
            return self._delta(*key[1:])
        if kind == "L":
            return sp.sstr(self.names.loss())
        return None

    def _preactivation(self, k: int, j: int) -> str:
        """zᵏ_j = Σ_i wᵏ_ij oᵏ⁻¹_i + bᵏ_j, each product's factors and the terms in SymPy's order
        (by name; a shorter name before its extensions since "*" sorts before any letter)."""
        n = self.names
        terms = ["*".join(sorted((n.spell_w(k, i, j)[0], n.spell_o(k - 1, i)[0])))
                 for i in range(1, self.widths[k - 1] + 1)]
        return " + ".join(sorted(terms + [n.spell_b(k, j)[0]]))

    def _output_delta(self, j: int):
        n = self.names
        return n.dL_dyhat(j) * n.fprime(self.K, j)

    def _delta(self, k: int, j: int) -> str:
        """δᵏ_j = f'(zᵏ_j)·Σ_l wᵏ⁺¹_jl δᵏ⁺¹_l (at the output ∂L/∂ŷ_j·f'(z), simplified by SymPy)."""
        if k == self.K:
            return sp.sstr(self._output_delta(j))
        n = self.names
        terms = sorted(f"{n.spell_w(k + 1, j, l)[0]}*δ{k + 1}_{l}"
                       for l in range(1, self.widths[k + 1] + 1))
        total = " + ".join(terms)
        t = self._template(k, "df")
        fp = self._render(k, j, "df")
        if fp == "1":
            return total
        return (f"({fp})" if t.is_sum else fp) + "*" + (f"({total})" if len(terms) > 1 else total)

    # -- factors -----------------------------------------------------------------------------
    def factor_expression(self, f: Factor) -> str:
        """A factor's formula in SymPy syntax; a route's 2·10⁵ f′ and w factors are formatted."""
        if f.kind is Kind.FPRIME:
            return self._render(f.layer, f.j, "df")
        if f.kind is Kind.WEIGHT:
            return self.names.spell_w(f.layer, f.i, f.j)[0]
        if f.kind is Kind.DELTA:
            return self._delta(f.layer, f.j)
        return sp.sstr(f.expression)

    def factor_uses(self, f: Factor) -> list | set:
        if f.kind is Kind.FPRIME:
            return self._fprime_uses(f.layer, f.j)
        if f.kind is Kind.WEIGHT:
            return [("w", f.layer, f.i, f.j)]
        if f.kind is Kind.DELTA:
            return self.uses(("δ", f.layer, f.j))
        return self._keys_of(f.expression.free_symbols)


def symbol_value(ev, key: tuple, biases: dict):
    """The number of the symbol ``key`` in evaluation ``ev`` (``biases`` caches each layer's)."""
    kind, run = key[0], ev.run
    if kind == "x":
        return run.o[0][key[1] - 1]
    if kind == "y":
        return ev.values.y[key[1] - 1]
    if kind == "w":
        _, k, i, j = key
        return ev.values.W[k][i - 1][j - 1]
    if kind == "L":
        return run.loss
    k, j = key[1:]
    if kind == "b":
        if k not in biases:
            biases[k] = ev.values.bias(k, ev.derivation.net.widths[k])
        return biases[k][j - 1]
    return {"z": run.z, "o": run.o, "δ": run.delta}[kind][k][j - 1]
