"""Residual (skip) connections in a dense network, as a :class:`Graph`.

A layer marked ``residual = true`` adds its input to its output::

    zᵏ = (Wᵏ)ᵀoᵏ⁻¹ + bᵏ,   aᵏ = f(zᵏ),   oᵏ = oᵏ⁻¹ + aᵏ

(W[i][j] from unit i of layer k−1 to unit j of layer k, as in every dense spec). When the widths
differ the skip needs a projection, ``projection = true``: oᵏ = (Pᵏ)ᵀoᵏ⁻¹ + aᵏ with Pᵏ given in
[values] as ``P<k>``. Differentiating, ∂oᵏ/∂oᵏ⁻¹ = I + diag(f′(zᵏ))(Wᵏ)ᵀ (or (Pᵏ)ᵀ + …): the
product over the blocks always contains the identity path, which is why the gradient of an early
layer does not have to vanish.

>>> from vgp_symbolic.core.network import Network
>>> rn = ResidualNet(Network.build(1, [(1, "sigmoid")] * 3, "mse"), (True, True, False), (False,) * 3)
>>> rn.describe()
'1 → 2 × [1 (sigmoid, residual)] → 1 (sigmoid), loss mse'
>>> g = build_residual(rn)
>>> g.nodes[g.of("o", 2)[0]].expr
a2_1 + o1_1
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from .derive import Names
from .graph import Graph
from .losses import VectorLoss
from .network import Network, Param, SpecError
from .softmax import CrossEntropyOp, SoftmaxOp

__all__ = ["ResidualNet", "build_residual"]

_P_RE = re.compile(r"^\s*[pP](\d+)_(\d+)(?:_(\d+))?\s*$")


@dataclass(frozen=True)
class ResidualNet:
    """A dense :class:`Network` with per-layer residual and projection flags."""

    net: Network
    residual: tuple[bool, ...]
    projection: tuple[bool, ...]
    # a softmax output with a vector loss (cross-entropy): the last layer of ``net`` then holds
    # the logits' place (its activation and ``net.loss`` are not used)
    head: VectorLoss | None = None

    def __post_init__(self):
        w = self.net.widths
        for k, (res, proj) in enumerate(zip(self.residual, self.projection), 1):
            if proj and not res:
                raise SpecError(f"layer {k}: projection = true needs residual = true",
                                key=f"layers[{k}]")
            if res and not proj and w[k - 1] != w[k]:
                raise SpecError(f"layer {k} is residual but its width {w[k]} differs from its "
                                f"input's {w[k - 1]}: add projection = true (and P{k}, a "
                                f"{w[k - 1]}×{w[k]} matrix, in [values]) or make the widths equal",
                                key=f"layers[{k}]")

    @property
    def default_param(self) -> str:
        return "w1_11"

    @property
    def steps(self) -> int:
        return self.net.depth

    def describe(self) -> str:
        parts, net = [], self.net
        for k, l in enumerate(net.layers, 1):
            tag = ", residual" + (" + projection" if self.projection[k - 1] else "") \
                if self.residual[k - 1] else ""
            parts.append(f"{l.units} ({l.activation.label}{tag})")
        if self.head is not None:
            parts[-1] = f"{net.outputs} ({self.head.output})"
        hidden, out = parts[:-1], parts[-1]
        if len(hidden) > 1 and len(set(hidden)) == 1:
            hidden = [f"{len(hidden)} × [{hidden[0]}]"]
        return " → ".join([str(net.inputs)] + hidden + [out]) + f", loss {self.loss}"

    @property
    def loss(self) -> str:
        return self.head.name if self.head is not None else self.net.loss

    def parse_param(self, name: str):
        """A dense parameter (``w2_11``, ``b1_2``) or a projection weight ``p2_11``."""
        m = _P_RE.match(name or "")
        if not m:
            return self.net.parse_param(name)
        k, a, b = int(m.group(1)), m.group(2), m.group(3)
        if not 1 <= k <= self.net.depth or not self.projection[k - 1]:
            raise SpecError(f"{name}: layer {k} has no projection", key="--wrt")
        i, j = (int(a), int(b)) if b is not None else (int(a[0]), int(a[1:]) if len(a) == 2 else -1)
        w = self.net.widths
        if not (1 <= i <= w[k - 1] and 1 <= j <= w[k]):
            raise SpecError(f"{name}: P{k} is {w[k - 1]}×{w[k]}", key="--wrt")
        return Param("p", k, i, j)

    def param_words(self, p: Param) -> str:
        if p.kind == "p":
            return (f"projection weight of the skip connection, unit {p.i} of layer {p.layer - 1} "
                    f"→ unit {p.j} of layer {p.layer}")
        if p.kind == "w":
            return f"weight from unit {p.i} of layer {p.layer - 1} to unit {p.j} of layer {p.layer}"
        return f"bias of unit {p.j} of layer {p.layer}"


def param_name(p: Param) -> str:
    """``p2_11`` for a projection weight, the dense name otherwise."""
    if p.kind != "p":
        return p.name
    sep = "" if p.i < 10 and p.j < 10 else "_"
    return f"p{p.layer}_{p.i}{sep}{p.j}"


def build_residual(rn: ResidualNet) -> Graph:
    """The graph of a dense network with skip connections; symbols as ``vgp derive`` names them
    (x_i, zk_j, ok_j, ŷ, wk_ij, bk_j), plus ak_j = f(zk_j) and pk_ij for residual layers."""
    net, g, n = rn.net, Graph(), Names(rn.net)
    w = net.widths

    def reg(sym, **meta):
        return g.leaf(sym.name, n.latex[sym], **meta)

    o = {(0, i): reg(n.x(i), group="o", step=0, unit=i) for i in range(1, w[0] + 1)}
    for k in range(1, net.depth + 1):
        for j in range(1, w[k] + 1):
            for i in range(1, w[k - 1] + 1):
                reg(n.w(k, i, j), group="param")
                if rn.projection[k - 1]:
                    s = sp.Symbol(param_name(Param("p", k, i, j)), real=True)
                    g.leaf(s.name, f"p^{{({k})}}_{{{n._ij(i, j)[1]}}}", group="param")
            reg(n.b(k, j), group="param")
    for k in range(1, net.depth + 1):
        act = net.activation(k)
        if k == net.depth and rn.head is not None:
            _softmax_head(g, n, rn.head, k)
            return g
        for j in range(1, w[k] + 1):
            meta = dict(step=k, unit=j)
            zs = n.z(k, j)
            z = g.define(zs.name, n.latex[zs], n.preactivation(k, j), group="z", shown=True, **meta)
            os_ = n.o(k, j)
            if not rn.residual[k - 1]:
                o[(k, j)] = g.activate(os_.name, n.latex[os_], act, z, group="o", shown=True, **meta)
                continue
            a = g.activate(f"a{k}_{j}", f"a^{{({k})}}_{{{j}}}", act, z, group="a", **meta)
            if rn.projection[k - 1]:
                skip = sp.Add(*[sp.Symbol(param_name(Param("p", k, i, j)), real=True) * o[(k - 1, i)]
                                for i in range(1, w[k - 1] + 1)])
            else:
                skip = o[(k - 1, j)]
            o[(k, j)] = g.define(os_.name, n.latex[os_], skip + a, group="o", shown=True, **meta)
    for j in range(1, net.outputs + 1):
        reg(n.y(j), group="y")
    g.define("L", "L", n.loss(), group="loss")
    return g


def _softmax_head(g: Graph, n: Names, loss: VectorLoss, K: int) -> None:
    """The output layer zᴷ = (Wᴷ)ᵀoᴷ⁻¹ + bᴷ, ŷ = softmax(zᴷ), and L = −Σ yⱼ log ŷⱼ."""
    m = n.net.outputs
    zs = tuple(g.define(n.z(K, j).name, n.latex[n.z(K, j)], n.preactivation(K, j), group="z",
                        shown=True, step=K, unit=j) for j in range(1, m + 1))
    probs = tuple(sp.Symbol(n.o(K, j).name, real=True) for j in range(1, m + 1))
    for j, s in enumerate(probs):
        g.define_op(s.name, n.latex[n.o(K, j + 1)], SoftmaxOp(zs, j, s, probs), group="o",
                    shown=True, step=K, unit=j + 1)
    ys = tuple(g.leaf(n.y(j).name, n.latex[n.y(j)], group="y") for j in range(1, m + 1))
    g.define_op("L", "L", CrossEntropyOp(loss, zs, ys, probs), group="loss")
