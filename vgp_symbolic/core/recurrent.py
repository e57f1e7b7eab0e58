"""A recurrent layer unrolled through time -- vanilla RNN, LSTM or GRU -- as a :class:`Graph`.

Vanilla cell (Elman; PyTorch's ``nn.RNN``), for t = 1…T::

    zₜ = W hₜ₋₁ + U xₜ + b,   hₜ = f(zₜ)          (f = tanh unless the spec says otherwise)

W[i][j] takes unit j of hₜ₋₁ to unit i of hₜ (rows are receiving units, as in PyTorch's
``weight_hh``), U[i][j] takes input j to unit i. So ∂hₜ/∂hₜ₋₁ = diag(f′(zₜ)) W and
backpropagation runs through Wᵀ: ∂L/∂hₜ₋₁ = Wᵀ (f′(zₜ) ⊙ ∂L/∂hₜ) (+ the loss's own term).

LSTM (no peepholes; PyTorch's gate order i, f, g, o)::

    iₜ = σ(Wᵢhₜ₋₁ + Uᵢxₜ + bᵢ)   fₜ = σ(W_f hₜ₋₁ + U_f xₜ + b_f)
    gₜ = tanh(W_g hₜ₋₁ + U_g xₜ + b_g)   oₜ = σ(W_o hₜ₋₁ + U_o xₜ + b_o)
    cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ gₜ,   hₜ = oₜ ⊙ tanh(cₜ)

GRU (PyTorch's form; its update gate z is called u here, z being a pre-activation)::

    rₜ = σ(W_r hₜ₋₁ + U_r xₜ + b_r)   uₜ = σ(W_u hₜ₋₁ + U_u xₜ + b_u)
    nₜ = tanh(U_n xₜ + b_n + rₜ ⊙ (W_n hₜ₋₁ + b_hn)),   hₜ = (1 − uₜ) ⊙ nₜ + uₜ ⊙ hₜ₋₁

The loss is on the hidden state itself: on h_T (``output = "last"``) or summed over every step
(``output = "every"``); ``mse`` averages (h − y)² over the hidden units, ``half_mse`` halves it.

>>> net = RecurrentNet("rnn", inputs=1, hidden=1, steps=3)
>>> net.describe()
'vanilla RNN (tanh), 1 input → 1 hidden unit, T = 3 steps, loss mse on h_T'
>>> net.parse_param("W_11").name, net.default_param
('W_11', 'W_11')
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from .activations import Activation, get_activation
from .graph import Graph
from .network import SpecError

__all__ = ["CELLS", "GATES", "RecurrentNet", "RecurrentParam", "build_recurrent"]

CELLS = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}
# Each cell's gates: a weight matrix W<g> (hidden → hidden), U<g> (input → hidden), bias b<g>
GATES = {"rnn": ("",), "lstm": ("i", "f", "g", "o"), "gru": ("r", "u", "n")}
_GATE_WORDS = {"": "", "i": "input gate", "f": "forget gate", "g": "cell candidate",
               "o": "output gate", "r": "reset gate", "u": "update gate", "n": "new state"}
OUTPUTS = ("last", "every")
RECURRENT_LOSSES = ("mse", "half_mse")


@dataclass(frozen=True)
class RecurrentParam:
    """``W<g>_ij``, ``U<g>_ij``, ``b<g>_i`` or the GRU's ``bhn_i`` (1-based)."""

    matrix: str  # "W", "U", "b" or "bhn"
    gate: str
    i: int
    j: int | None = None

    @property
    def key(self) -> str:
        """The [values] key holding it: ``W``, ``Uf``, ``bhn``."""
        return self.matrix + self.gate

    @property
    def name(self) -> str:
        if self.j is None:
            return f"{self.key}_{self.i}"
        sep = "" if self.i < 10 and self.j < 10 else "_"
        return f"{self.key}_{self.i}{sep}{self.j}"


_PARAM_RE = re.compile(r"^\s*(bhn|[WUb])([ifgorun]?)_(\d+)(?:_(\d+))?\s*$")


@dataclass(frozen=True)
class RecurrentNet:
    """A single recurrent layer over ``steps`` time steps."""

    cell: str
    inputs: int
    hidden: int
    steps: int
    activation: Activation = get_activation("tanh")
    loss: str = "mse"
    output: str = "last"

    def __post_init__(self):
        if self.cell not in CELLS:
            raise SpecError(f"unknown cell {self.cell!r}; choose one of {', '.join(CELLS)}",
                            key="cell")
        for name in ("inputs", "hidden", "steps"):
            if getattr(self, name) < 1:
                raise SpecError(f"{name} must be at least 1, got {getattr(self, name)}", key=name)

    @property
    def gates(self) -> tuple[str, ...]:
        return GATES[self.cell]

    @property
    def default_param(self) -> str:
        """The parameter derived when none is named: the first recurrent weight."""
        return {"rnn": "W_11", "lstm": "Wf_11", "gru": "Wu_11"}[self.cell]

    @property
    def state_groups(self) -> tuple[str, ...]:
        """What is carried from one step to the next."""
        return ("h", "c") if self.cell == "lstm" else ("h",)

    def describe(self) -> str:
        act = f" ({self.activation.label})" if self.cell == "rnn" else ""
        units = "unit" if self.hidden == 1 else "units"
        ins = "input" if self.inputs == 1 else "inputs"
        where = "h_T" if self.output == "last" else "every h_t"
        return (f"{CELLS[self.cell]}{act}, {self.inputs} {ins} → {self.hidden} hidden {units}, "
                f"T = {self.steps} steps, loss {self.loss} on {where}")

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Every [values] key and its shape (rows, columns) or (length,)."""
        H, I = self.hidden, self.inputs
        out = {}
        for g in self.gates:
            out[f"W{g}"], out[f"U{g}"], out[f"b{g}"] = (H, H), (H, I), (H,)
        if self.cell == "gru":
            out["bhn"] = (H,)
        return out

    def parse_param(self, name: str) -> RecurrentParam:
        """``W_12``, ``Uf_21``, ``bf_1``, ``bhn_2`` (``W_1_12`` for two-digit indices).

        >>> RecurrentNet("lstm", 2, 2, 3).parse_param("Ug_21")
        RecurrentParam(matrix='U', gate='g', i=2, j=1)
        >>> RecurrentNet("rnn", 1, 1, 3).parse_param("Wf_11")
        Traceback (most recent call last):
        ...
        vgp_symbolic.core.network.SpecError: <spec>, --wrt: Wf_11: a vanilla RNN has no gate 'f'; its parameters are W_ij, U_ij, b_i
        """
        m = _PARAM_RE.match(name or "")
        listing = ", ".join(f"{m_}{g}_{'i' if m_ in ('b', 'bhn') else 'ij'}"
                            for g in self.gates for m_ in ("W", "U", "b")) \
            + (", bhn_i" if self.cell == "gru" else "")
        if not m:
            raise SpecError(f"{name!r} is not a parameter of this {CELLS[self.cell]}; "
                            f"its parameters are {listing}", key="--wrt")
        mat, gate, a, b = m.groups()
        valid = (self.cell == "gru" and not gate) if mat == "bhn" else gate in self.gates
        if not valid:
            what = f"gate {gate!r}" if gate else "ungated parameter"
            raise SpecError(f"{name}: a {CELLS[self.cell]} has no {what}; its parameters are "
                            f"{listing}", key="--wrt")
        cols = {"W": self.hidden, "U": self.inputs}.get(mat)
        if cols is None:
            if b is not None:
                raise SpecError(f"{name}: a bias has one index", key="--wrt")
            p = RecurrentParam(mat, gate, int(a))
        elif b is not None:
            p = RecurrentParam(mat, gate, int(a), int(b))
        elif len(a) == 2:
            p = RecurrentParam(mat, gate, int(a[0]), int(a[1]))
        else:
            raise SpecError(f"{name}: write the two indices separated ({mat}{gate}_i_j) when "
                            "either has more than one digit", key="--wrt")
        if not 1 <= p.i <= self.hidden:
            raise SpecError(f"{name}: i = {p.i}, but the hidden units are 1..{self.hidden}",
                            key="--wrt")
        if p.j is not None and not 1 <= p.j <= cols:
            what = "hidden units" if mat == "W" else "inputs"
            raise SpecError(f"{name}: j = {p.j}, but the {what} are 1..{cols}", key="--wrt")
        return p

    def param_words(self, p: RecurrentParam) -> str:
        gate = _GATE_WORDS[p.gate]
        gate = f" of the {gate}" if gate else ""
        if p.matrix == "W":
            return f"recurrent weight{gate}: unit {p.j} of hₜ₋₁ → unit {p.i}, shared by all {self.steps} steps"
        if p.matrix == "U":
            return f"input weight{gate}: input {p.j} of xₜ → unit {p.i}, shared by all {self.steps} steps"
        if p.matrix == "bhn":
            return f"hidden-side bias of the new state, unit {p.i} (inside r ⊙ (W_n h + b_hn))"
        return f"bias{gate} of unit {p.i}, shared by all {self.steps} steps"


def _ij(i, j):
    return (f"{i}{j}", f"{i}{j}") if i < 10 and j < 10 else (f"{i}_{j}", f"{i},{j}")


def build_recurrent(net: RecurrentNet) -> Graph:
    """The unrolled graph: leaves x, y, h0 (and c0), the parameters; nodes per step; ``L``.

    >>> g = build_recurrent(RecurrentNet("rnn", 1, 1, 2))
    >>> [str(s) for s in g.of("h")], g.nodes[g.of("z", 2)[0]].expr
    (['h0_1', 'h1_1', 'h2_1'], U_11*x2_1 + W_11*h1_1 + b_1)
    """
    g = Graph()
    H, I, T = net.hidden, net.inputs, net.steps
    P = {}
    for key, shape in net.shapes().items():
        mat, gate = ("bhn", "") if key == "bhn" else (key[0], key[1:])
        tex_base = {"W": "W", "U": "U", "b": "b", "bhn": "b"}[mat]
        sub = gate if mat != "bhn" else "hn"
        for i in range(1, shape[0] + 1):
            for j in (range(1, shape[1] + 1) if len(shape) == 2 else [None]):
                p = RecurrentParam(mat, gate, i, j)
                idx = str(i) if j is None else _ij(i, j)[1]
                tex = f"{tex_base}_{{{sub + ',' if sub else ''}{idx}}}"
                P[(key, i, j)] = g.leaf(p.name, tex, group="param")
    x = {(t, i): g.leaf(f"x{t}_{i}", f"x^{{({t})}}_{{{i}}}", group="x", step=t, unit=i)
         for t in range(1, T + 1) for i in range(1, I + 1)}
    h = {(0, i): g.leaf(f"h0_{i}", f"h^{{(0)}}_{{{i}}}", group="h", step=0, unit=i)
         for i in range(1, H + 1)}
    c = {}
    if net.cell == "lstm":
        c.update({(0, i): g.leaf(f"c0_{i}", f"c^{{(0)}}_{{{i}}}", group="c", step=0, unit=i)
                  for i in range(1, H + 1)})

    def pre(gate, t, i, with_w=True, with_b=True):
        e = sp.Add(*[P[(f"U{gate}", i, j)] * x[(t, j)] for j in range(1, I + 1)])
        if with_w:
            e += sp.Add(*[P[(f"W{gate}", i, j)] * h[(t - 1, j)] for j in range(1, H + 1)])
        return e + (P[(f"b{gate}", i, None)] if with_b else 0)

    sig, tanh = get_activation("sigmoid"), get_activation("tanh")
    for t in range(1, T + 1):
        for i in range(1, H + 1):
            meta = dict(step=t, unit=i)
            if net.cell == "rnn":
                z = g.define(f"z{t}_{i}", f"z^{{({t})}}_{{{i}}}", pre("", t, i), group="z",
                             shown=True, **meta)
                h[(t, i)] = g.activate(f"h{t}_{i}", f"h^{{({t})}}_{{{i}}}", net.activation, z,
                                       group="h", **meta)
                continue
            gates = {}
            for gate in net.gates:
                if net.cell == "gru" and gate == "n":
                    hn = g.define(f"hn{t}_{i}", f"m^{{({t})}}_{{{i}}}", pre("n", t, i)
                                  - pre("n", t, i, with_w=False) + P[("bhn", i, None)],
                                  group="pre", **meta)
                    e = pre("n", t, i, with_w=False) + gates["r"] * hn
                else:
                    e = pre(gate, t, i)
                z = g.define(f"z{gate}{t}_{i}", f"z^{{({t})}}_{{{gate},{i}}}", e, group="pre", **meta)
                act = tanh if gate in ("g", "n") else sig
                gates[gate] = g.activate(f"{gate}{t}_{i}", f"{gate}^{{({t})}}_{{{i}}}", act, z,
                                         group="gate", **meta)
            if net.cell == "lstm":
                c[(t, i)] = g.define(f"c{t}_{i}", f"c^{{({t})}}_{{{i}}}",
                                     gates["f"] * c[(t - 1, i)] + gates["i"] * gates["g"],
                                     group="c", shown=True, **meta)
                tc = g.activate(f"tanh(c{t}_{i})", rf"\tanh c^{{({t})}}_{{{i}}}", tanh,
                                c[(t, i)], group="tc", **meta)
                h[(t, i)] = g.define(f"h{t}_{i}", f"h^{{({t})}}_{{{i}}}", gates["o"] * tc,
                                     group="h", shown=True, **meta)
            else:
                h[(t, i)] = g.define(f"h{t}_{i}", f"h^{{({t})}}_{{{i}}}",
                                     (1 - gates["u"]) * gates["n"] + gates["u"] * h[(t - 1, i)],
                                     group="h", shown=True, **meta)
    _loss(g, net, h)
    return g


def _loss(g: Graph, net: RecurrentNet, h):
    H, T = net.hidden, net.steps
    half = sp.Rational(1, 2) if net.loss == "half_mse" else 1
    terms = []
    for t in ([T] if net.output == "last" else range(1, T + 1)):
        for i in range(1, H + 1):
            if net.output == "last":
                y = g.leaf(f"y_{i}", f"y_{{{i}}}", group="y", step=t, unit=i)
            else:
                y = g.leaf(f"y{t}_{i}", f"y^{{({t})}}_{{{i}}}", group="y", step=t, unit=i)
            terms.append(half * (h[(t, i)] - y) ** 2 / H)
    g.define("L", "L", sp.Add(*terms), group="loss")
