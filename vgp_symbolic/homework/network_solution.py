r"""What a network problem's template shows: the statement's numbers and diagram, each question in
LaTeX, and the worked solution -- the steps `vgp derive` prints, with this student's numbers.

The worked steps of a gradient are :func:`~vgp_symbolic.report.derivation_latex` of the core's
:func:`~vgp_symbolic.core.evaluate.evaluate` (checked against its independent finite
difference); the diagram is :func:`~vgp_symbolic.homework.diagram.network_tikz`, with δ per unit
in the solution. Costly pieces are computed only for the draw that is kept (``later``).
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache

from ..core.derive import Names
from ..core.evaluate import evaluate
from ..report import derivation_latex, expr_latex, number_latex
from .diagram import network_tikz
from .latex import TeX
from .replay import norm

__all__ = ["solution_context", "ask_tex"]


def _n(v, digits: int = 6) -> str:
    return number_latex(v, digits)


def _paren(v) -> str:
    return rf"\left({_n(v)}\right)" if v < 0 else _n(v)


def _vector(vs) -> str:
    if len(vs) == 1:
        return _n(vs[0])
    return r"\begin{pmatrix}" + r" \\ ".join(_n(v) for v in vs) + r"\end{pmatrix}"


def _matrix(rows) -> str:
    return (r"\begin{pmatrix}" + r" \\ ".join(" & ".join(_n(v) for v in r) for r in rows)
            + r"\end{pmatrix}")


@lru_cache(maxsize=64)
def describe(net) -> str:
    """The architecture in words and the loss as a formula (LaTeX, for the statement)."""
    names = Names(net)
    parts = [f"{net.inputs} input{'s' if net.inputs > 1 else ''}"]
    for k in range(1, net.depth):
        a = net.activation(k)
        parts.append(f"a hidden layer of {net.widths[k]} {_act_words(a)} unit"
                     f"{'s' if net.widths[k] > 1 else ''}")
    a = net.activation(net.depth)
    parts.append(f"{net.outputs} {_act_words(a)} output{'s' if net.outputs > 1 else ''}")
    return ", ".join(parts) + rf"; the loss is $L = {expr_latex(names, names.loss())}$"


def _act_words(a) -> str:
    w = {"sigmoid": r"sigmoid ($\sigma$)", "tanh": r"$\tanh$", "relu": "ReLU",
         "linear": "linear", "leaky_relu": "leaky ReLU"}.get(a.name, a.name.replace("_", " "))
    if a.params:
        w += " (" + ", ".join(f"{k} $= {_n(v)}$" for k, v in a.params) + ")"
    return w


def given(net, values) -> str:
    """x, W, b (when not all zero), y and η as displayed math."""
    items = [rf"x = {_vector(values.x)}"]
    for k in range(1, net.depth + 1):
        items.append(rf"W^{{({k})}} = {_matrix(values.W[k])}")
    for k in range(1, net.depth + 1):
        b = values.bias(k, net.widths[k])
        if any(v != 0 for v in b):
            items.append(rf"b^{{({k})}} = {_vector(b)}")
    items.append(rf"y = {_vector(values.y)}")
    if values.lr is not None:
        items.append(rf"\eta = {_n(values.lr)}")
    rows, row, width = [], [], 0
    for it in items:          # a few per line, so that wide matrices stay on the page
        w = max(1, it.count("&") // max(1, it.count(r"\\") + 1) + 1)
        if row and width + w > 7:
            rows.append(row)
            row, width = [], 0
        row.append(it)
        width += w
    rows.append(row)
    return (r"\begin{gather*}" + r" \\ ".join(r",\quad ".join(r) for r in rows)
            + r"\end{gather*}")


@lru_cache(maxsize=256)
def ask_tex(q, net) -> str:
    """The asked quantity in LaTeX (math mode included), with its route when one is given."""
    a, n = q.ask, Names(net)
    K = net.depth

    def frac(num, den):
        return rf"$\dfrac{{\partial {num}}}{{\partial {den}}}$"
    if a.kind in ("z", "o"):
        sym = n.z(a.layer, a.j) if a.kind == "z" else n.o(a.layer, a.j)
        return rf"${n.latex[sym]}$"
    if a.kind == "yhat":
        return rf"${n.latex[n.o(K, a.j)]}$, the network's output"
    if a.kind == "loss":
        return "the loss $L$"
    p = net.parse_param(a.param) if a.param else None
    if a.kind == "grad":
        out = frac("L", n.latex[n.param(p)])
        if q.route is not None:
            units = ", ".join(f"${n.latex[n.o(p.layer + m, u)]}$" for m, u in enumerate(q.route))
            out += f" along the route through {units} (highlighted)"
        return out
    if a.kind == "update":
        s = n.latex[n.param(p)]
        return (rf"${s}$ after one step of gradient descent, "
                rf"$ {s} \leftarrow {s} - \eta\,\partial L/\partial {s}$")
    if a.kind == "bound":
        return (rf"the value of the depth bound on $|\partial L/\partial {n.latex[n.param(p)]}|$ "
                "(the bound `vgp prove depth` proves) at these numbers")
    if a.kind == "norm":
        return rf"$\lVert \delta^{{({a.layer})}} \rVert_2$, the norm of layer {a.layer}'s $\delta$"
    if a.kind == "ratio":
        return (rf"$\lVert \partial L/\partial W^{{(1)}} \rVert_F \,/\, \lVert \partial L/\partial "
                rf"W^{{({K})}} \rVert_F$, the first layer's gradient norm over the last's")
    if a.kind == "dL":
        return frac("L", n.latex[n.o(K, a.j)])
    if a.kind == "delta":
        return frac("L", n.latex[n.z(a.layer, a.j)]) + rf" $= \delta^{{({a.layer})}}_{{{a.j}}}$"
    if a.kind == "fprime":
        return frac(n.latex[n.o(a.layer, a.j)], n.latex[n.z(a.layer, a.j)])
    if a.kind == "weight":
        return frac(n.latex[n.z(a.layer, a.j)], n.latex[n.o(a.layer - 1, a.i)])
    if a.kind == "local":
        return frac(n.latex[n.o(p.layer, p.j)], n.latex[n.param(p)])
    return frac(n.latex[n.z(p.layer, p.j)], n.latex[n.param(p)])   # input


def _highlight(spec, net_name: str, net):
    """Edges and units of the asked routes (gradients, updates, route factors)."""
    edges, units = set(), set()
    for q in spec.questions.values():
        if q.network != net_name or q.ask.param is None:
            continue
        p = net.parse_param(q.ask.param)
        if p.kind == "w":
            edges.add((p.layer, p.i, p.j))
            units.add((p.layer - 1, p.i))
        units.add((p.layer, p.j))
        if q.route is not None:
            for m in range(1, len(q.route)):
                edges.add((p.layer + m, q.route[m - 1], q.route[m]))
                units.add((p.layer + m, q.route[m]))
        elif q.ask.kind in ("grad", "update", "bound") and _few_routes(net, p):
            # every route from the unit up (in a large network: the parameter's edge only)
            w = net.widths
            edges |= {(p.layer + 1, p.j, j) for j in range(1, w[p.layer + 1] + 1)} \
                if p.layer < net.depth else set()
            edges |= {(m, i, j) for m in range(p.layer + 2, net.depth + 1)
                      for i in range(1, w[m - 1] + 1) for j in range(1, w[m] + 1)}
            units |= {(m, j) for m in range(p.layer + 1, net.depth + 1)
                      for j in range(1, w[m] + 1)}
    return edges, units


def _few_routes(net, p) -> bool:
    from .types.network_values import MAX_ROUTES, _n_routes
    return _n_routes(net, p) <= MAX_ROUTES


def solution_context(spec, nets: dict, answers: dict, extra: dict, p: dict):
    """(context, later) for the template; see the module doc. Only what every draw needs is
    made at once; the statement's matrices and diagrams wait for the draw that is kept."""
    shown = [""] + [name for name in spec.networks if name and any(
        q.network == name for q in spec.questions.values())]
    made: list = []

    def views():
        if not made:
            for name in shown:
                n = nets[name]
                edges, units = _highlight(spec, name, n.net)
                made.append({"name": name, "label": name.replace("_", " "),
                             "describe": TeX(describe(n.net)),
                             "given": TeX(given(n.net, n.values)),
                             "diagram": TeX(network_tikz(n.net, n.values.W, edges, units)),
                             "edges": edges, "units": units})
        return made
    asks = {k: TeX(ask_tex(q, spec.networks[q.network])) for k, q in spec.questions.items()}
    where = {k: (q.network.replace("_", " ") if q.network else "") for k, q in
             spec.questions.items()}
    ctx = {"asks": asks, "network_of": where,
           "compare_name": {k: q.compare.replace("_", " ") for k, q in spec.questions.items()
                            if q.compare}}

    def compare():
        return {k: _comparison(nets[q.network], nets[q.compare], extra[k])
                for k, q in spec.questions.items() if q.compare and extra[k]}

    def diagrams():
        return {v["name"]: TeX(network_tikz(nets[v["name"]].net, nets[v["name"]].values.W,
                                            v["edges"], v["units"], nets[v["name"]].run.delta))
                for v in views()}

    def steps():
        return _steps(spec, nets, answers)
    return ctx, {"networks": views, "compare": compare, "solution_diagrams": diagrams,
                 "steps": steps}


# -- worked steps ------------------------------------------------------------------------------
def _blocks(tex: str) -> list[str]:
    """The report's pieces: a heading paragraph (if any), then each ``align*``."""
    head, *rest = tex.split("\\begin{align*}")
    return ([head] if head.strip() else []) + ["\\begin{align*}" + b for b in rest]


def _steps(spec, nets: dict, answers: dict) -> dict:
    """{question key: TeX}: the derivation for gradients (the forward pass once per network),
    a formula with numbers for the other quantities."""
    from .types.network import _derivation   # one derivation per network shape, cached
    out, forward_shown = {}, set()
    for key, q in spec.questions.items():
        n = nets[q.network]
        a = q.ask
        if a.kind == "update" and any(o.ask.kind == "grad" and o.ask.param == a.param and
                                      o.network == q.network and o.route is None and o.key in out
                                      for o in spec.questions.values()):
            out[key] = TeX(_update_line(n, a.param, answers[key].value))
        elif a.kind in ("grad", "update", "delta", "local", "bound") or (
                a.kind in ("z", "o", "yhat", "loss") and q.network not in forward_shown):
            param = a.param or (f"b{a.layer}_{a.j}" if a.kind == "delta" else "w1_11")
            route = q.route if a.kind == "grad" else None
            ev = evaluate(_derivation(n.net, param, route), n.values, check=a.kind == "grad")
            if ev.check is not None and not ev.check.agrees:
                raise RuntimeError(f"gradient check failed for {key}: {ev.check}")
            if a.kind == "grad" and route is None and _update_asked(spec, q):
                ev = dataclasses.replace(ev, update=None)     # its own question shows it
            blocks = _blocks(_without_header(derivation_latex(ev)))
            fwd = [b for b in blocks if r"L &=" in b]
            has_forward = bool(fwd)
            if a.kind in ("z", "o", "yhat", "loss"):
                blocks = fwd
            elif has_forward and q.network in forward_shown:
                blocks = [b for b in blocks if b not in fwd]
            if has_forward:
                forward_shown.add(q.network)
            out[key] = TeX("\n".join(blocks) + _bound_tex(q, n, answers[key]))
        else:
            out[key] = TeX(_formula(q, n, answers[key]))
    return out


def _update_asked(spec, q) -> bool:
    """Is the update of ``q``'s parameter a question of its own (shown there, not twice)?"""
    return any(o.ask.kind == "update" and o.ask.param == q.ask.param and o.network == q.network
               for o in spec.questions.values())


def _without_header(tex: str) -> str:
    """The report's first paragraph names the network, the loss and the number system for a
    reader of `vgp derive`; the problem statement has said it all to the student."""
    head, sep, rest = tex.partition("\n")
    return rest if sep and head.startswith(r"{\raggedright\noindent Network") else tex


def _update_line(n, param: str, new) -> str:
    """w ← w − η ∂L/∂w with the numbers, the gradient being the previous question's."""
    names, p = Names(n.net), n.net.parse_param(param)
    s = names.latex[names.param(p)]
    g = n.run.gradient(p)
    return (rf"\[ {s} \leftarrow {s} - \eta\,\frac{{\partial L}}{{\partial {s}}} = "
            rf"{_n(n.values.get(p))} - {_n(n.values.lr)} \times {_paren(g)} = {_n(new)} \]")


def _bound_tex(q, n, answer) -> str:
    if q.ask.kind != "bound":
        return ""
    net, K = n.net, n.net.depth
    p = net.parse_param(q.ask.param)
    factors = [r"\lVert \partial L/\partial \hat{y} \rVert"]
    for m in range(K, p.layer, -1):
        factors.append(rf"s_{{{m}}} \lVert W^{{({m})}} \rVert_2")
    factors.append(rf"s_{{{p.layer}}}")
    inp = rf"|{Names(net).latex[Names(net).o(p.layer - 1, p.i)]}|\," if p.kind == "w" else ""
    return (r"\[ |\partial L/\partial " + Names(net).latex[Names(net).param(p)] + r"| \le "
            + inp + r" \cdot ".join(factors) + rf" = {_n(answer.value)} \]"
            + r"where $s_m = \sup|f_m'|$ is the proven bound of layer $m$'s activation and "
            r"$\lVert W \rVert_2$ the spectral norm.")


def _formula(q, n, answer) -> str:
    a, net, run = q.ask, n.net, n.run
    v = answer.value
    if a.kind == "norm":
        d = run.delta[a.layer]
        return (rf"\[ \lVert \delta^{{({a.layer})}} \rVert_2 = \sqrt{{"
                + " + ".join(rf"{_paren(x)}^2" for x in d) + rf"}} = {_n(v)} \]")
    if a.kind == "ratio":
        K = net.depth
        rows = []
        for k in (1, K):
            o, d = n.state.o[k - 1], n.state.delta[k]
            rows.append(rf"\lVert \partial L/\partial W^{{({k})}} \rVert_F &= \lVert o^{{({k - 1})}}"
                        rf"\rVert_2 \, \lVert \delta^{{({k})}} \rVert_2 = {_n(norm(o))} \times "
                        rf"{_n(norm(d))} = {_n(norm(o) * norm(d))}")
        rows.append(rf"\text{{ratio}} &= {_n(v)}")
        return ("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"
                + r"($\partial L/\partial W^{(k)} = o^{(k-1)} \otimes \delta^{(k)}$, an outer "
                r"product, so its Frobenius norm is the product of the two norms.)")
    return rf"\[ {_formula_head(q, net)} = {_n(v)} \]"


@lru_cache(maxsize=256)
def _formula_head(q, net) -> str:
    """The formula of a quantity other than a norm, up to its value: the same for everyone."""
    a, names = q.ask, Names(net)
    if a.kind in ("z", "o", "yhat", "loss"):   # the forward pass is shown above: its line
        k = net.depth if a.kind == "yhat" else a.layer
        if a.kind == "loss":
            lhs, e = "L", names.loss()
        elif a.kind == "z":
            lhs, e = names.latex[names.z(k, a.j)], names.preactivation(k, a.j)
        else:
            lhs, e = names.latex[names.o(k, a.j)], net.activation(k).expr(names.z(k, a.j))
        return f"{lhs} = {expr_latex(names, e)}"
    if a.kind == "dL":
        e = names.dL_dyhat(a.j)
    elif a.kind == "fprime":
        e = names.fprime(a.layer, a.j)
    elif a.kind == "weight":
        e = names.w(a.layer, a.i, a.j)
    else:
        p = net.parse_param(a.param)
        e = names.o(p.layer - 1, p.i) if p.kind == "w" else 1
    return f"{ask_tex(q, net).strip('$')} = {expr_latex(names, e) if e != 1 else '1'}"


def _comparison(n, other, extra) -> list[dict]:
    """The route's elementary factors in this network and in ``other``: which ones change."""
    from .types.network_values import _route_factors
    p, route = extra.get("param"), extra.get("route")
    if p is None or route is None:
        return []
    mine = _route_factors(n.net, n.state, p, route)
    theirs = _route_factors(other.net, other.state, p, route)
    nm, K, k = Names(n.net), n.net.depth, p.layer
    tex = [rf"\partial L/\partial {nm.latex[nm.o(K, route[-1])]}"]
    for m in range(K, k, -1):
        tex.append(rf"f'({nm.latex[nm.z(m, route[m - k])]})")
        tex.append(nm.latex[nm.w(m, route[m - k - 1], route[m - k])])
    tex.append(rf"f'({nm.latex[nm.z(k, p.j)]})")
    if p.kind == "w":
        tex.append(nm.latex[nm.o(k - 1, p.i)])
    return [{"tex": TeX(t), "this": a, "other": b, "changes": abs(float(a) - float(b)) > 1e-12}
            for t, (_, a), (_, b) in zip(tex, mine, theirs)]
