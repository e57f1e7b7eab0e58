r"""A TikZ diagram of a dense network: units as nodes, weights on the edges, a route highlighted.

Units are labelled as the derivation names them (x_1, o^{(1)}_1, \hat{y}); each edge carries the
weight the problem gives when the layer has few enough edges to read (else the weights are in
the statement's matrices and only highlighted edges are labelled). In a worked solution each
unit also shows its δ = ∂L/∂z, the backward pass on the diagram.

>>> from fractions import Fraction as F
>>> from vgp_symbolic.core.network import Network
>>> net = Network.build(1, [(1, "sigmoid")])
>>> tex = network_tikz(net, {1: [[F(1, 2)]]}, highlight={(1, 1, 1)})
>>> r"\begin{tikzpicture}" in tex and "0.5" in tex and "vgpHi" in tex
True
"""
from __future__ import annotations

from ..report import number_latex

__all__ = ["network_tikz", "LABEL_EDGES"]

LABEL_EDGES = 8          # label every edge of a layer with at most this many edges
_DX, _DY = 3.4, 1.45     # cm between layers, between units


def _node_label(net, k: int, j: int) -> str:
    if k == 0:
        return rf"x_{{{j}}}"
    if k == net.depth:
        return r"\hat{y}" if net.outputs == 1 else rf"\hat{{y}}_{{{j}}}"
    return rf"o^{{({k})}}_{{{j}}}"


def _y(n: int, j: int) -> float:
    return ((n - 1) / 2 - (j - 1)) * _DY


def network_tikz(net, W: dict, highlight=frozenset(), nodes_hi=frozenset(), deltas=None,
                 digits: int = 4) -> str:
    """The diagram as a ``tikzpicture``.

    ``W[k][i-1][j-1]`` are the weights to print; ``highlight`` holds edges (k, i, j) and
    ``nodes_hi`` units (k, j) to draw in the highlight colour; ``deltas[k][j-1]`` (optional)
    are printed under each unit.
    """
    out = [r"\colorlet{vgpHi}{red!75!black}\colorlet{vgpDelta}{blue!60!black}%",
           r"\begin{tikzpicture}[x=1cm,y=1cm,>=stealth,",
           r"  unit/.style={circle,draw,minimum size=9mm,inner sep=0pt,font=\small},",
           r"  hi/.style={draw=vgpHi,very thick},",
           r"  w/.style={font=\scriptsize,fill=white,inner sep=1pt,text=black}]"]
    widths = net.widths
    for k, n in enumerate(widths):
        for j in range(1, n + 1):
            style = "unit,hi" if (k, j) in nodes_hi else "unit"
            out.append(rf"\node[{style}] (u{k}_{j}) at ({k * _DX:.2f},{_y(n, j):.2f}) "
                       rf"{{${_node_label(net, k, j)}$}};")
        if k:
            act = net.activation(k)
            out.append(rf"\node[font=\scriptsize,gray] at ({k * _DX:.2f},"
                       rf"{_y(n, 1) + 0.8:.2f}) {{{_act_tex(act)}}};")
    for k in range(1, net.depth + 1):
        many = widths[k - 1] * widths[k] > LABEL_EDGES
        for i in range(1, widths[k - 1] + 1):
            for j in range(1, widths[k] + 1):
                hi = (k, i, j) in highlight
                style = "->,hi" if hi else "->,gray!70"
                label = ""
                if W.get(k) is not None and (hi or not many):
                    pos = 0.3 if (i + j) % 2 else 0.55   # stagger labels of crossing edges
                    label = (rf" node[w,pos={pos}] {{${number_latex(W[k][i - 1][j - 1], digits)}$}}")
                out.append(rf"\draw[{style}] (u{k - 1}_{i}) --{label} (u{k}_{j});")
    if deltas:
        for k in range(1, net.depth + 1):
            for j in range(1, widths[k] + 1):
                out.append(rf"\node[font=\scriptsize,text=vgpDelta,anchor=north] at (u{k}_{j}.south) "
                           rf"{{$\delta={number_latex(deltas[k][j - 1], 3)}$}};")
    out.append(r"\end{tikzpicture}")
    return "\n".join(out)


def _act_tex(act) -> str:
    names = {"sigmoid": r"$\sigma$", "tanh": r"$\tanh$", "relu": "ReLU", "linear": "linear",
             "leaky_relu": "leaky ReLU"}
    return names.get(act.name, act.name.replace("_", " "))
