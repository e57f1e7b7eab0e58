"""The chain rule for ∂L/∂w, built symbolically one factor at a time.

Every quantity of the network gets a named SymPy symbol (``x_1``, ``z1_1``, ``o1_1``, ``ŷ``,
``w2_11``, ``δ2_1``), and the gradient is expressed through them rather than expanded, so it stays
readable and cheap at any depth: the backward recurrence δᵏ = f'(zᵏ) ⊙ Wᵏ⁺¹ δᵏ⁺¹ is kept per layer.

Two views of the same gradient:

* one **route** (the seeds' "take one route for better understanding"): the product
  ∂L/∂ŷ · ∂ŷ/∂z · ∂z/∂o · … · ∂o/∂w along one unit per layer;
* the **total** over every route, as ∂L/∂zᵏ_j · ∂zᵏ_j/∂w with ∂L/∂zᵏ_j = δᵏ_j backpropagated.

When only one route exists (3 → 2 → 1, first-layer weight) the two coincide.

>>> from vgp_symbolic.core.network import Network
>>> net = Network.build(3, [(2, "sigmoid"), (1, "sigmoid")], "mse")
>>> d = derive(net, "w1_11")
>>> [f.name for f in d.factors]
['∂L/∂ŷ', '∂ŷ/∂z2_1', '∂z2_1/∂o1_1', '∂o1_1/∂w1_11']
>>> d.expression
2*o1_1*w2_11*x_1*ŷ*(1 - o1_1)*(1 - ŷ)*(-y + ŷ)
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import partial
from math import prod

from .._lazy import lazy_import
from .network import Network, Param, SpecError

sp = lazy_import("sympy")

__all__ = ["Names", "Kind", "Factor", "Derivation", "derive", "parse_route", "composed_loss",
           "EXPAND_LIMIT"]

# Expand δ into o, w, x, y only while the result stays small enough to read:
# at most this many routes (terms) and four layers above the parameter.
EXPAND_LIMIT = 64


class Names:
    """The named symbols of a network, with their LaTeX spellings.

    >>> from vgp_symbolic.core.network import Network
    >>> n = Names(Network.build(2, [(3, "tanh"), (1, "sigmoid")]))
    >>> n.o(1, 2), n.o(2, 1), n.w(1, 2, 3), n.latex[n.w(1, 2, 3)]
    (o1_2, ŷ, w1_23, 'w^{(1)}_{23}')
    """

    def __init__(self, net: Network):
        self.net = net
        self.latex: dict[sp.Symbol, str] = {}
        self.keys: dict[sp.Symbol, tuple] = {}  # symbol -> its key, see spell()
        self._cache: dict[tuple, sp.Symbol] = {}

    def _sym(self, key: tuple) -> sp.Symbol:
        s = self._cache.get(key)
        if s is None:
            name, tex = self.spell(key)
            s = self._cache[key] = sp.Symbol(name, real=True)
            self.latex[s] = tex
            self.keys[s] = key
        return s

    def spell(self, key: tuple) -> tuple[str, str]:
        """(text, LaTeX) of the symbol with ``key``: ("x", i), ("y", j), ("w", k, i, j),
        ("b", k, j), ("z", k, j), ("o", k, j) (k ≥ 1), ("δ", k, j) or ("L",). Building no SymPy
        symbol, a JSON symbol table of 10⁵ entries costs only string formatting.

        >>> from vgp_symbolic.core.network import Network
        >>> n = Names(Network.build(2, [(3, "tanh"), (1, "sigmoid")]))
        >>> n.spell(("w", 1, 2, 3)), n.spell(("o", 2, 1))[0], n.keys[n.delta(1, 2)]
        (('w1_23', 'w^{(1)}_{23}'), 'ŷ', ('δ', 1, 2))
        """
        kind = key[0]
        if kind == "x":
            return self.spell_x(key[1])
        if kind == "y":
            return ("y", "y") if self.net.outputs == 1 else (f"y_{key[1]}", f"y_{{{key[1]}}}")
        if kind == "w":
            return self.spell_w(*key[1:])
        if kind == "δ":
            return f"δ{key[1]}_{key[2]}", rf"\delta^{{({key[1]})}}_{{{key[2]}}}"
        if kind == "L":
            return "L", "L"
        return {"b": self.spell_b, "z": self.spell_z, "o": self.spell_o}[kind](*key[1:])

    @staticmethod
    def o_key(k: int, j: int) -> tuple:
        """The key of oᵏ_j: layer 0's outputs are the inputs x."""
        return ("x", j) if k == 0 else ("o", k, j)

    @staticmethod
    def _ij(i, j) -> tuple[str, str]:
        two = i >= 10 or j >= 10
        return (f"{i}_{j}", f"{i},{j}") if two else (f"{i}{j}", f"{i}{j}")

    # (text, LaTeX) spellings: a factor's name needs them, not a SymPy symbol (10⁵-layer chains)
    def spell_x(self, i):
        return f"x_{i}", f"x_{{{i}}}"

    def spell_o(self, k, j):
        if k == 0:
            return self.spell_x(j)
        if k == self.net.depth:
            single = self.net.outputs == 1
            return ("ŷ" if single else f"ŷ_{j}", r"\hat{y}" if single else rf"\hat{{y}}_{{{j}}}")
        return f"o{k}_{j}", f"o^{{({k})}}_{{{j}}}"

    def spell_z(self, k, j):
        return f"z{k}_{j}", f"z^{{({k})}}_{{{j}}}"

    def spell_w(self, k, i, j):
        t, tex = self._ij(i, j)
        return f"w{k}_{t}", f"w^{{({k})}}_{{{tex}}}"

    def spell_b(self, k, j):
        return f"b{k}_{j}", f"b^{{({k})}}_{{{j}}}"

    def spell_param(self, p: Param):
        return self.spell_w(p.layer, p.i, p.j) if p.kind == "w" else self.spell_b(p.layer, p.j)

    @property
    def L(self):
        return self._sym(("L",))

    def x(self, i):
        return self._sym(("x", i))

    def y(self, j=1):
        return self._sym(("y", j if self.net.outputs > 1 else 1))

    def o(self, k, j):
        return self._sym(self.o_key(k, j))

    def z(self, k, j):
        return self._sym(("z", k, j))

    def w(self, k, i, j):
        return self._sym(("w", k, i, j))

    def b(self, k, j):
        return self._sym(("b", k, j))

    def delta(self, k, j):
        return self._sym(("δ", k, j))

    def param(self, p: Param):
        return self.w(p.layer, p.i, p.j) if p.kind == "w" else self.b(p.layer, p.j)

    def preactivation(self, k, j) -> sp.Expr:
        """zᵏ_j = Σ_i wᵏ_ij oᵏ⁻¹_i + bᵏ_j."""
        return sp.Add(*[self.w(k, i, j) * self.o(k - 1, i)
                        for i in range(1, self.net.widths[k - 1] + 1)], self.b(k, j))

    def fprime(self, k, j) -> sp.Expr:
        """f'(zᵏ_j) in textbook form (σ' = o(1 − o))."""
        return self.net.activation(k).deriv(self.z(k, j), self.o(k, j))

    def dL_dyhat(self, j) -> sp.Expr:
        """∂L/∂ŷ_j for the network's loss (losses are averaged over the m outputs)."""
        return self.net.loss_fn.deriv(self.o(self.net.depth, j), self.y(j)) / self.net.outputs

    def loss(self) -> sp.Expr:
        """L in terms of ŷ and y."""
        K, m, loss = self.net.depth, self.net.outputs, self.net.loss_fn
        return sp.Add(*[loss.expr(self.o(K, j), self.y(j)) for j in range(1, m + 1)]) / m


class Kind(Enum):
    """What a factor of the chain is, so that :mod:`~vgp_symbolic.core.evaluate` can look its
    number up in a forward/backward pass."""

    DL = "dL"  # ∂L/∂ŷ_j
    FPRIME = "fprime"  # f'(zᵏ_j)
    WEIGHT = "weight"  # wᵏ_ij
    LOCAL = "local"  # f'(zᵏ_j)·oᵏ⁻¹_i (i = None for a bias)
    DELTA = "delta"  # δᵏ_j = ∂L/∂zᵏ_j
    INPUT = "input"  # oᵏ_i, the input a weight multiplies (i = None for a bias: 1)


class Factor:
    """One factor of the chain: its name (text and LaTeX), formula, and which number it is.

    ``kind`` with ``layer``, ``i`` and ``j`` tell :mod:`vgp_symbolic.core.evaluate` where the
    number lives in a forward/backward pass (``i`` is None where it does not apply). The formula
    is built on first use: a 10⁵-layer route has 2·10⁵ factors, and most outputs print a few.

    >>> from vgp_symbolic.core.network import Network
    >>> f = derive(Network.build(1, [(1, "tanh")]), "b1_1").factors[1]
    >>> f.name, f.kind, f.expression
    ('∂ŷ/∂b1_1', <Kind.LOCAL: 'local'>, 1 - ŷ**2)
    """

    __slots__ = ("name", "latex", "kind", "layer", "i", "j", "_make", "_expr")

    def __init__(self, name: str, latex: str, expression, kind: "Kind", layer: int | None = None,
                 i: int | None = None, j: int | None = None):
        # expression: a SymPy expression, or a function of no arguments that builds it
        self.name, self.latex, self.kind, self.layer, self.i, self.j = name, latex, kind, layer, i, j
        self._make, self._expr = (expression, None) if callable(expression) else (None, expression)

    @property
    def expression(self) -> sp.Expr:
        if self._expr is None:
            self._expr = self._make()
        return self._expr

    def __repr__(self) -> str:
        return f"Factor({self.name!r}, {self.kind}, layer={self.layer}, i={self.i}, j={self.j})"


@dataclass(frozen=True)
class Derivation:
    """The symbolic chain rule for one parameter; see :func:`derive`."""

    net: Network
    param: Param
    names: Names
    route: tuple[int, ...] | None  # output-ward units j_k, j_{k+1}, …, j_K of the route shown
    n_routes: int
    factors: tuple[Factor, ...]
    expression: sp.Expr  # ∂L/∂param: through δ symbols for deep nets, expanded for small ones
    expanded: bool
    recurrence: tuple[int, ...]  # the layers whose δ the total uses, output first

    @property
    def symbol(self) -> sp.Symbol:
        return self.names.param(self.param)


def _frac(num: str, den: str) -> tuple[str, str]:
    return f"∂{num}/∂{den}", rf"\frac{{\partial {num}}}{{\partial {den}}}"


def parse_route(net: Network, p: Param, route) -> tuple[int, ...]:
    """Normalise ``--route``: the units of layers k..K (or k-1..K for a weight, starting i, j).

    >>> from vgp_symbolic.core.network import Network
    >>> net = Network.build(3, [(2, "sigmoid"), (1, "sigmoid")])
    >>> parse_route(net, net.parse_param("w1_11"), "1,1,1")
    (1, 1)
    """
    if isinstance(route, str):
        try:
            route = [int(t) for t in route.replace(" ", "").split(",") if t]
        except ValueError:
            raise SpecError(f"--route takes unit numbers separated by commas, got {route!r}",
                            key="--route") from None
    route = list(route)
    k, K = p.layer, net.depth
    if p.kind == "w" and len(route) == K - k + 2:
        if route[0] != p.i:
            raise SpecError(f"route starts at unit {route[0]} of layer {k - 1}, but "
                            f"{p.name} leaves unit {p.i}", key="--route")
        route = route[1:]
    if len(route) == K - k:
        route = [p.j] + route
    if len(route) != K - k + 1:
        raise SpecError(f"a route for {p.name} names one unit in each of layers {k}..{K} "
                        f"({K - k + 1} numbers), got {len(route)}", key="--route")
    if route[0] != p.j:
        raise SpecError(f"route starts at unit {route[0]} of layer {k}, but {p.name} enters "
                        f"unit {p.j}", key="--route")
    for m, u in zip(range(k, K + 1), route):
        if not 1 <= u <= net.widths[m]:
            raise SpecError(f"route unit {u} does not exist in layer {m} "
                            f"(units 1..{net.widths[m]})", key="--route")
    return tuple(route)


def derive(net: Network, param, route=None) -> Derivation:
    """Build the chain rule for ∂L/∂``param`` (a name like ``"w1_11"`` or a :class:`Param`).

    With one route through the network, or with ``route`` given, the factors are the seeds'
    chain ∂L/∂ŷ · ∂ŷ/∂z · ∂z/∂o · … · ∂o/∂w; otherwise they are δᵏ_j · ∂zᵏ_j/∂w with δ
    backpropagated over every route. Cost is linear in depth: nothing is enumerated.

    >>> from vgp_symbolic.core.network import Network
    >>> deep = Network.build(2, [(10, "sigmoid")] * 200 + [(1, "sigmoid")], "bce")
    >>> d = derive(deep, "w1_11")
    >>> d.n_routes == 10 ** 199, [f.name for f in d.factors]
    (True, ['∂L/∂z1_1', '∂z1_1/∂w1_11'])
    """
    p = param if isinstance(param, Param) else net.parse_param(param)
    names = Names(net)
    k, K = p.layer, net.depth
    n_routes = prod(net.widths[k + 1:]) if k < K else 1
    if route is None and n_routes == 1:
        route = [1] * (K - k)  # every layer above has a single unit
    if route is not None:
        units = parse_route(net, p, route)
        factors = _route_factors(names, p, units)
    else:
        units = None
        factors = _total_factors(names, p)
    expression, expanded = _gradient_expression(names, p)
    return Derivation(net, p, names, units, n_routes, tuple(factors), expression, expanded,
                      tuple(range(K, k - 1, -1)))


def _route_factors(n: Names, p: Param, units) -> list[Factor]:
    K, k = n.net.depth, p.layer
    uK = units[-1]
    out = [_named(("L", "L"), n.spell_o(K, uK), partial(n.dL_dyhat, uK), Kind.DL, K, None, uK)]
    # walk down from the output: ∂oᵐ/∂zᵐ = f'(zᵐ), then ∂zᵐ/∂oᵐ⁻¹ = wᵐ
    for m in range(K, k, -1):
        jm, jprev = units[m - k], units[m - k - 1]
        o_s, z_s, prev = n.spell_o(m, jm), n.spell_z(m, jm), n.spell_o(m - 1, jprev)
        out.append(_named(o_s, z_s, partial(n.fprime, m, jm), Kind.FPRIME, m, None, jm))
        out.append(_named(z_s, prev, partial(n.w, m, jprev, jm), Kind.WEIGHT, m, jprev, jm))
    out.append(_named(n.spell_o(k, p.j), n.spell_param(p), partial(_local, n, p), Kind.LOCAL, k,
                      p.i, p.j))
    return out


def _local(n: Names, p: Param) -> sp.Expr:
    """∂oᵏ_j/∂w = f'(zᵏ_j)·oᵏ⁻¹_i (for a bias, f'(zᵏ_j))."""
    return n.fprime(p.layer, p.j) * (n.o(p.layer - 1, p.i) if p.kind == "w" else 1)


def _named(num, den, expr, kind, layer, i, j) -> Factor:
    """A factor ∂num/∂den from the (text, LaTeX) spellings of num and den."""
    text, _ = _frac(num[0], den[0])
    _, tex = _frac(num[1], den[1])
    return Factor(text, tex, expr, kind, layer, i, j)


def _total_factors(n: Names, p: Param) -> list[Factor]:
    k, j = p.layer, p.j
    z = n.spell_z(k, j)
    d = _named(("L", "L"), z, partial(_delta_step, n, k, j), Kind.DELTA, k, None, j)
    if p.kind == "w":
        last = _named(z, n.spell_param(p), partial(n.o, k - 1, p.i), Kind.INPUT, k - 1, p.i, None)
    else:
        last = _named(z, n.spell_param(p), sp.Integer(1), Kind.INPUT, k - 1, None, None)
    return [d, last]


def _delta_step(n: Names, k: int, j: int) -> sp.Expr:
    """δᵏ_j in terms of the next layer's named δ (or ∂L/∂ŷ at the output)."""
    if k == n.net.depth:
        return n.dL_dyhat(j) * n.fprime(k, j)
    nxt = range(1, n.net.widths[k + 1] + 1)
    return n.fprime(k, j) * sp.Add(*[n.w(k + 1, j, l) * n.delta(k + 1, l) for l in nxt])


def _gradient_expression(n: Names, p: Param) -> tuple[sp.Expr, bool]:
    net, k = n.net, p.layer
    tail = n.o(k - 1, p.i) if p.kind == "w" else sp.Integer(1)
    if prod(net.widths[k + 1:]) > EXPAND_LIMIT or net.depth - k > 4:
        return tail * _delta_step(n, k, p.j), False
    # small network: substitute δ layer by layer down to o, w, x, y
    deltas = {}
    for m in range(net.depth, k, -1):
        for l in range(1, net.widths[m] + 1):
            deltas[n.delta(m, l)] = _delta_step(n, m, l).xreplace(deltas)
    return tail * _delta_step(n, k, p.j).xreplace(deltas), True


def composed_loss(net: Network, names: Names | None = None) -> sp.Expr:
    """The loss as ONE expression in x, y, w, b -- the naive approach, for tests and benchmarks.

    Its size grows exponentially with depth (each layer repeats the one below in every unit),
    which is exactly why :func:`derive` never builds it.

    >>> from vgp_symbolic.core.network import Network
    >>> net = Network.build(1, [(1, "linear")], "half_mse")
    >>> composed_loss(net)
    (b1_1 + w1_11*x_1 - y)**2/2
    """
    n = names or Names(net)
    o = [n.x(i) for i in range(1, net.inputs + 1)]
    for k in range(1, net.depth + 1):
        act = net.activation(k)
        o = [act.expr(sp.Add(*[n.w(k, i, j) * o[i - 1] for i in range(1, net.widths[k - 1] + 1)],
                             n.b(k, j)))
             for j in range(1, net.widths[k] + 1)]
    reps = {n.o(net.depth, j): o[j - 1] for j in range(1, net.outputs + 1)}
    return n.loss().xreplace(reps)
