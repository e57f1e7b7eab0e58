"""Text, LaTeX and JSON for residual and recurrent derivations (:mod:`.core.arch_derive`),
in the same shape as :mod:`.report` gives dense ones.

>>> from vgp_symbolic.core.arch_spec import parse_arch_spec
>>> from vgp_symbolic.core.arch_derive import derive_arch
>>> d = derive_arch(parse_arch_spec('[network]\\nkind = "rnn"\\ninputs = 1\\nhidden = 1\\nsteps = 2'))
>>> print(arch_text(d).splitlines()[0])
Network    vanilla RNN (tanh), 1 input → 1 hidden unit, T = 2 steps, loss mse on h_T
>>> arch_dict(d)["terms"][0]["expression"]
'h0_1*δz1_1'
"""
from __future__ import annotations

import mpmath
import sympy as sp

from .core.arch_derive import ArchDerivation, ArchEvaluation
from .mathtext import num_text
from .latex import Latex, equations, tex_text
from .report import (_aligned_row, _eq, _tex_breakable, expr_latex, expr_text, number_json,
                     number_latex, outcome_json, update_digits)

__all__ = ["arch_text", "arch_tex", "arch_latex", "arch_math", "arch_dict", "step_formula"]

_SHOW_NODES = 40  # print the forward pass node by node up to this many nodes
_SHOW_ROWS = 16  # rows of the recurrence and of the per-step table before eliding
_SHOW_ENTRIES = 9  # print a Jacobian's symbolic entries up to this many
_MATRIX_CHARS = 420  # LaTeX source of a matrix that still fits an article's line (measured)


def _text(e, d: ArchDerivation | None = None) -> str:
    """A formula in text; a recurrent network's names keep their time steps (z3_1, o3_1)."""
    return expr_text(e, layered=d is None or not d.recurrent)


def _tex(d: ArchDerivation, e) -> str:
    return expr_latex(d.graph, sp.ImmutableMatrix(e) if isinstance(e, sp.MatrixBase) else e)


def _num(v) -> str:
    return num_text(v, 10) if v is not None else "—"


def step_formula(d: ArchDerivation) -> tuple[str, str]:
    """The general step factor in words and LaTeX (what the product over steps is made of)."""
    m = d.model
    if d.head is not None:
        return ("∂oᵏ/∂oᵏ⁻¹ = diag(f′(zᵏ))(Wᵏ)ᵀ for a hidden layer (I + … for a residual block); "
                "the softmax output's is (diag(ŷ) − ŷŷᵀ)(Wᴷ)ᵀ -- not diagonal: every ŷⱼ "
                "depends on every logit",
                r"\frac{\partial o^{(k)}}{\partial o^{(k-1)}} = \operatorname{diag}\bigl("
                r"f'(z^{(k)})\bigr)W^{(k)\mathsf T},\quad \frac{\partial \hat y}{\partial "
                r"o^{(K-1)}} = \bigl(\operatorname{diag}(\hat y) - \hat y\hat y^{\mathsf T}\bigr)"
                r"W^{(K)\mathsf T}")
    if not d.recurrent:
        return ("∂oᵏ/∂oᵏ⁻¹ = I + diag(f′(zᵏ))(Wᵏ)ᵀ for a residual block ((Pᵏ)ᵀ instead of I "
                "with a projection), diag(f′(zᵏ))(Wᵏ)ᵀ for a plain layer: the identity path "
                "survives every product",
                r"\frac{\partial o^{(k)}}{\partial o^{(k-1)}} = I + "
                r"\operatorname{diag}\bigl(f'(z^{(k)})\bigr)\,W^{(k)\mathsf T}")
    if m.cell == "rnn":
        return ("∂hₜ/∂hₜ₋₁ = diag(f′(zₜ)) W, so ∂L/∂hₜ₋₁ = Wᵀ(f′(zₜ) ⊙ ∂L/∂hₜ) and "
                "∂h_T/∂hₜ = ∏ₛ diag(f′(zₛ)) W over s = t+1…T",
                r"\frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}\bigl(f'(z_t)\bigr)W,"
                r"\quad \frac{\partial h_T}{\partial h_t} = \prod_{s=t+1}^{T}"
                r"\operatorname{diag}\bigl(f'(z_s)\bigr)W")
    if m.cell == "lstm":
        return ("cell path ∂cₜ/∂cₜ₋₁ = diag(fₜ) (hₜ₋₁ held fixed), so along it ∂c_T/∂cₜ = "
                "∏ₛ diag(fₛ): no weight matrix, no squashing derivative -- forget gates near 1 "
                "keep the gradient; the hidden path goes through σ′, tanh′ and the W's",
                r"\frac{\partial c_t}{\partial c_{t-1}}\Big|_{h_{t-1}} = \operatorname{diag}(f_t),"
                r"\quad \prod_{s=t+1}^{T}\operatorname{diag}(f_s)")
    return ("∂hₜ/∂hₜ₋₁ = diag(uₜ) + (terms through the gates): the update gate's identity "
            "path diag(uₜ) carries the gradient when uₜ is near 1",
            r"\frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}(u_t) + \dots")


def _matrix_text(M: sp.Matrix, d: ArchDerivation | None = None) -> str:
    if M.shape == (1, 1):
        return _text(M[0, 0], d)
    return "[" + "; ".join(", ".join(_text(e, d) for e in M.row(i)) for i in range(M.rows)) + "]"


def _values_text(V) -> str:
    if len(V) == 1 and len(V[0]) == 1:
        return _num(V[0][0])
    return "[" + "; ".join(", ".join(num_text(v, 6) for v in r) for r in V) + "]"


def _elide(items, limit=_SHOW_ROWS):
    """First and last items of a long list, with None where some were left out."""
    if len(items) <= limit:
        return list(items)
    half = limit // 2
    return list(items[:half]) + [None] + list(items[-half:])


def _forward_lines(ev: ArchEvaluation) -> list[str]:
    g, out = ev.derivation.graph, []
    for s, n in g.nodes.items():
        if n.expr is None:
            continue
        rhs = f"{n.act.symbol}({n.arg})" if n.act is not None else _text(n.expr, ev.derivation)
        out.append(f"  {s} = {rhs} = {_num(ev.values[s])}")
    return out


def arch_text(x: ArchDerivation | ArchEvaluation) -> str:
    """The derivation as plain text (symbolic only for a bare derivation)."""
    ev = x if isinstance(x, ArchEvaluation) else None
    d = ev.derivation if ev else x
    g = d.graph
    out = [f"Network    {d.model.describe()}",
           f"Parameter  {d.param}: {d.words}"]
    if ev:
        out.append(f"Numbers    mpmath, {ev.dps} digits")
        if len(g.nodes) <= _SHOW_NODES:
            out += ["", "Forward pass"] + _forward_lines(ev)
        else:
            out += ["", f"Forward pass: L = {_num(ev.loss)}"]
    words, _ = step_formula(d)
    out += ["", "Per-step factor (the chain's factors)", f"  {words}"]
    for i, f in enumerate(d.factors):
        line = f"  {f.name}"
        if len(f.matrix) <= _SHOW_ENTRIES:
            line += f" = {_matrix_text(f.matrix, d)}"
        if ev:
            V = ev.factor_values[i]
            if len(V) * len(V[0]) <= _SHOW_ENTRIES:
                line += f" = {_values_text(V)}"
            line += f"   ‖·‖₂ = {num_text(ev.rows[f.step]['step_norm'], 6)}" \
                if ev.rows[f.step].get("step_norm") is not None else ""
        out.append(line)
        if f.cell_path is not None and len(f.cell_path) <= _SHOW_ENTRIES:
            out.append(f"    cell path ∂c{f.step}/∂c{f.step - 1} (h{f.step - 1} fixed) = "
                       f"{_matrix_text(f.cell_path, d)}")
    if len(d.factors) < d.model.steps and d.factors:
        out.append(f"  (steps 2…{d.model.steps - 1} have the same form)")
    out += _head_text(d, ev)
    gname = f"∂L/∂{d.param}"
    what = "time step" if d.recurrent else "layer"
    out += ["", f"Chain rule: one term per {what} that uses {d.param}"
                + (" (backpropagation through time)" if d.recurrent else ""),
            f"  {gname} = {_text(d.expression, d)}"]
    for (t, e) in d.terms:
        val = f" = {_num(dict(ev.term_values).get(t))}" if ev else ""
        out.append(f"    {what} {t}: {_text(e, d)}{val}")
    out.append("  where, from the output back:")
    for item in _elide(d.recurrence):
        if item is None:
            out.append("    ...")
            continue
        ds, s, e = item
        val = f" = {_num(ev.adjoints[s])}" if ev else ""
        out.append(f"    {ds} = {_text(e, d)}{val}")
    if d.expanded is not None:
        out += ["", f"{gname} = {_text(d.expanded, d)}"]
    if ev:
        out.append(f"{gname} = {_num(ev.gradient)}")
        if ev.update:
            u = ev.update
            out += ["", f"Update (η = {num_text(u.lr)})",
                    f"  {d.param} ← {d.param} − η·{gname} = {num_text(u.old)} − {num_text(u.lr)} × "
                    f"({_num(ev.gradient)}) = {_num(u.new)}"]
        out += [""] + _table_text(ev)
        c = ev.check
        if c:
            out += ["", f"Check      {c.method}: {_num(c.value)}; relative difference "
                        f"{num_text(c.relative_error, 2)} — {'agrees' if c.agrees else 'DISAGREES'}"]
    return "\n".join(out)


def _vec_text(v) -> str:
    return "[" + ", ".join(_text(e) for e in v) + "]"


def _nums_text(v) -> str:
    return "[" + ", ".join(num_text(e, 6) for e in v) + "]"


_HEAD_WORDS = ("Softmax with cross-entropy (the output layer; Σⱼ yⱼ = 1)", "",
               "SymPy reduces the product to ŷ − y once Σy = 1",
               "NOT reduced to ŷ − y by SymPy")


def _head_text(d: ArchDerivation, ev: ArchEvaluation | None) -> list[str]:
    h = d.head
    if h is None:
        return []
    K = d.model.steps
    nums = ev.head_numbers() if ev else None
    out = ["", _HEAD_WORDS[0],
           f"  ∂L/∂ŷ = −y/ŷ = {_vec_text(h.dL_dyhat)}"
           + (f" = {_nums_text(nums['dL_dyhat'])}" if nums else ""),
           f"  ∂ŷ/∂z{K} = diag(ŷ) − ŷŷᵀ"
           + (f" = {_matrix_text(h.jacobian)}" if len(h.jacobian) <= _SHOW_ENTRIES else "")
           + (f" = {_values_text(nums['jacobian'])}" if nums and len(h.jacobian) <= _SHOW_ENTRIES else ""),
           f"  ∂L/∂z{K} = (∂ŷ/∂z{K})ᵀ·∂L/∂ŷ = {_vec_text(h.product)}",
           f"           = ŷ − y   ({_HEAD_WORDS[2] if h.reduces else _HEAD_WORDS[3]})"]
    if nums:
        out.append(f"           = {_nums_text(nums['product'])}   (ŷ − y = "
                   f"{_nums_text(nums['residual'])}; backward pass δz{K} = "
                   f"{_nums_text(nums['delta'])})")
    return out


def _table_text(ev: ArchEvaluation) -> list[str]:
    d = ev.derivation
    s, lstm = d.state, d.recurrent and d.model.cell == "lstm"
    T = d.model.steps
    end = f"{s}_T" if d.recurrent else "ŷ"
    idx = "t" if d.recurrent else "k"
    head = (f"Per {'step' if d.recurrent else 'layer'} (vanishing shows as ‖∂{end}/∂{s}_{idx}‖ "
            f"shrinking away from {'T' if d.recurrent else 'the output'})")
    cols = f"  {idx:>4}  {'‖∂' + end + '/∂' + s + '_' + idx + '‖₂':>14}  {'‖∂L/∂' + s + '_' + idx + '‖₂':>14}" \
           f"  {'step factor ‖·‖₂':>16}  {'share of ∂L/∂' + d.param:>22}"
    if lstm:
        cols += f"  {'∏ f (cell path)':>16}  {'‖∂c_T/∂c_t‖₂':>13}"
    if not d.recurrent:
        cols += f"  {'‖branch‖₂':>10}"
    out = [head, cols]
    for r in _elide(ev.rows, 2 * _SHOW_ROWS):
        if r is None:
            out.append("   ...")
            continue
        line = (f"  {r['t']:>4}  {num_text(r['jac_norm'], 6):>14}  {num_text(r['dL_norm'], 6):>14}  "
                f"{'' if r['step_norm'] is None else num_text(r['step_norm'], 6):>16}  "
                f"{'' if r['term'] is None else num_text(r['term'], 6):>22}")
        if lstm:
            line += f"  {num_text(r['cell_path'], 6):>16}  {num_text(r['dc_norm'], 6):>13}"
        if not d.recurrent:
            b = r.get("branch_norm")
            line += f"  {'' if b is None else num_text(b, 4):>10}"
        out.append(line.rstrip())
    if d.recurrent and T > 1:
        first, last = ev.rows[0]["jac_norm"], ev.rows[-1]["jac_norm"]
        trend = "falls" if first < last else "grows"
        out.append(f"  from t = T back to t = 0, ‖∂h_T/∂h_t‖₂ {trend} from {last:.3g} to {first:.3g}")
    return out


# -- LaTeX -----------------------------------------------------------------------------------
def _sections(x, breaks: bool) -> list[tuple[str, list[tuple]]]:
    """The step factor, the chain-rule sum with its recurrence, and the numbers, as (heading,
    rows); a row is (side, side, …, note) of one equation. ``breaks`` lets a document break long
    sums (a MathJax display cannot)."""
    ev = x if isinstance(x, ArchEvaluation) else None
    d = ev.derivation if ev else x
    sym = d.graph.latex[d.symbol]
    gl = rf"\frac{{\partial L}}{{\partial {sym}}}"

    def T(e):
        if isinstance(e, sp.MatrixBase):  # a small matrix: its brackets must stay \left…\right
            return _tex(d, e)
        return _tex_breakable(d.graph, e) if breaks else _tex(d, e)
    rows, out = [(step_formula(d)[1], "")], []
    for i, f in enumerate(d.factors):
        M = f.matrix
        if len(M) > _SHOW_ENTRIES:
            continue
        if len(M) == 1:
            rows.append((f.latex, T(M[0, 0]))
                        + ((number_latex(ev.factor_values[i][0][0]),) if ev else ()) + ("",))
        elif not breaks or len(_tex(d, M)) <= _MATRIX_CHARS:
            rows.append((f.latex, T(M), ""))
        else:  # a matrix never breaks across lines: too wide for the page, it goes entry by entry
            rows += [(rf"\left({f.latex}\right)_{{{r + 1}{c + 1}}}", T(M[r, c]), "")
                     for r in range(M.rows) for c in range(M.cols)]
    what = "time step" if d.recurrent else "layer"
    out.append(("Per-step factor (the chain's factors)", rows))
    if d.head is not None:
        out.append(_head_section(d, ev, T))
    rows = [(gl, T(d.expression), "")]
    for item in _elide(d.recurrence):
        if item is None:
            rows.append((r"\vdots", ""))
            continue
        ds, s, e = item
        rows.append((T(ds), T(e)) + ((number_latex(ev.adjoints[s]),) if ev else ()) + ("",))
    if d.expanded is not None:
        rows.append((gl, T(d.expanded), ""))
    out.append((f"Chain rule: one term per {what}"
                + (" (backpropagation through time)" if d.recurrent else "")
                + ", then the backpropagated values from the output back", rows))
    if ev:
        rows = [(gl, number_latex(ev.gradient), "")]
        if ev.update:
            u = ev.update
            dg, grad = update_digits(u.old, u.new), number_latex(ev.gradient)
            rows.append((rf"{sym} \leftarrow {sym} - \eta\,{gl}",
                         rf"{number_latex(u.old, dg)} - {number_latex(u.lr)} \times "
                         + (f"({grad})" if ev.gradient < 0 else grad), number_latex(u.new, dg), ""))
        out.append(("Gradient" + (" and update" if ev.update else ""), rows))
    return out


def _head_section(d: ArchDerivation, ev, T) -> tuple[str, list]:
    h, K = d.head, d.model.steps
    nums = ev.head_numbers() if ev else None
    zK = rf"z^{{({K})}}"

    def col(v):
        return _tex(d, sp.Matrix(v))

    def ncol(v):
        return r"\begin{pmatrix}" + r"\\ ".join(number_latex(e) for e in v) + r"\end{pmatrix}"
    rows = [(r"\frac{\partial L}{\partial \hat y}", col(h.dL_dyhat))
            + ((ncol(nums["dL_dyhat"]),) if nums else ()) + ("",),
            (rf"\frac{{\partial \hat y}}{{\partial {zK}}}",
             r"\operatorname{diag}(\hat y) - \hat y\hat y^{\mathsf T}", ""),
            (rf"\frac{{\partial L}}{{\partial {zK}}}",
             rf"\Bigl(\frac{{\partial \hat y}}{{\partial {zK}}}\Bigr)^{{\mathsf T}}"
             r"\frac{\partial L}{\partial \hat y}", col(h.product), r"\hat y - y"
             + ((" = " + ncol(nums["product"])) if nums else ""), "")]
    title = (r"Softmax with cross-entropy (the output layer; $\sum_j y_j = 1$): "
             + (r"the Jacobian route reduces to $\hat y - y$" if h.reduces
                else r"NOT reduced to $\hat y - y$ by SymPy"))
    return title, rows


def arch_tex(x: ArchDerivation | ArchEvaluation) -> Latex:
    r"""The derivation as a LaTeX fragment whose long sums break across lines (as
    :func:`.report.derivation_tex` for a dense network).

    >>> from vgp_symbolic.core.arch_spec import parse_arch_spec
    >>> from vgp_symbolic.core.arch_derive import derive_arch
    >>> t = arch_tex(derive_arch(parse_arch_spec('[network]\nkind = "rnn"\ninputs = 1\nhidden = 1\nsteps = 2')))
    >>> t.packages, "align" in t.body
    (('amsmath', 'amssymb'), False)
    """
    d = x.derivation if isinstance(x, ArchEvaluation) else x
    # "on h_T" / "every h_t": a subscript the Unicode text cannot write, set as math here
    net = tex_text(d.model.describe()).replace(r"h\_T", "$h_T$").replace(r"h\_t", "$h_t$")
    head = (rf"{{\raggedright\noindent Network {net}; parameter "
            rf"${d.graph.latex[d.symbol]}$ ({tex_text(d.words)}).\par}}")
    parts = [head] + [rf"\par\medskip\noindent\textbf{{{h}}}\par\smallskip" + "\n"
                      + equations([_eq(r) for r in rows]) for h, rows in _sections(x, True)]
    return Latex("\n".join(parts))


def arch_latex(x: ArchDerivation | ArchEvaluation, standalone: bool = False) -> str:
    """:func:`arch_tex` as a string: the fragment's body, or a whole document."""
    t = arch_tex(x)
    return t.document() if standalone else t.body


def arch_math(x: ArchDerivation | ArchEvaluation) -> str:
    """One MathJax ``aligned`` display (what Jupyter shows; a display does not break lines)."""
    rows = [r for _, rs in _sections(x, False) for r in rs]
    return ("$$\n\\begin{aligned}\n" + " \\\\\n".join(_aligned_row(r) for r in rows)
            + "\n\\end{aligned}\n$$")


# -- JSON ------------------------------------------------------------------------------------
def arch_dict(x: ArchDerivation | ArchEvaluation) -> dict:
    """A JSON-ready dict with the same core keys as ``vgp derive --format json`` for a dense
    network (wrt, expression, factors, gradient, update, check) plus terms and per-step rows."""
    ev = x if isinstance(x, ArchEvaluation) else None
    d = ev.derivation if ev else x
    m = d.model
    if d.recurrent:
        network = {"kind": "recurrent", "cell": m.cell, "inputs": m.inputs, "hidden": m.hidden,
                   "steps": m.steps, "activation": m.activation.label if m.cell == "rnn" else None,
                   "loss": m.loss, "output": m.output}
    else:
        network = {"kind": "dense", "inputs": m.net.inputs, "loss": m.loss,
                   "layers": [{"units": l.units, "activation": l.activation.label,
                               "residual": r, "projection": p}
                              for l, r, p in zip(m.net.layers, m.residual, m.projection)]}
        if m.head is not None:
            network["layers"][-1]["activation"] = m.head.output
    words, tex = step_formula(d)
    tv = dict(ev.term_values) if ev else {}
    out = {
        "wrt": d.param, "description": m.describe(), "network": network,
        "expression": sp.sstr(d.expression), "expression_latex": _tex(d, d.expression),
        "expanded": sp.sstr(d.expanded) if d.expanded is not None else None,
        "step_factor": words, "step_factor_latex": tex,
        "factors": [{"step": f.step, "name": f.name, "latex": f.latex,
                     "expression": [[sp.sstr(e) for e in f.matrix.row(i)] for i in range(f.matrix.rows)],
                     "value": ([[number_json(v) for v in r] for r in ev.factor_values[i]]
                               if ev else None)}
                    for i, f in enumerate(d.factors)],
        "terms": [{"step": t, "expression": sp.sstr(e), "value": number_json(tv.get(t))}
                  for t, e in d.terms],
        "recurrence": [{"delta": str(ds), "expression": sp.sstr(e),
                        "value": number_json(ev.adjoints[s]) if ev else None}
                       for ds, s, e in d.recurrence],
    }
    if d.head is not None:
        h = d.head
        nums = ev.head_numbers() if ev else None
        out["softmax"] = {
            "loss": d.model.loss, "targets_sum_to_one": True,
            "dL_dyhat": [sp.sstr(e) for e in h.dL_dyhat],
            "jacobian": [[sp.sstr(e) for e in h.jacobian.row(i)] for i in range(h.jacobian.rows)],
            "product": [sp.sstr(e) for e in h.product],
            "simplified": [sp.sstr(p - y) for p, y in zip(h.probs, h.targets)],
            "reduces_to_yhat_minus_y": h.reduces,
            "values": None if nums is None else {
                k: ([[number_json(e) for e in r] for r in v] if k == "jacobian"
                    else [number_json(e) for e in v]) for k, v in nums.items()}}
    if ev:
        out.update(mode="mp", digits=ev.dps, gradient=number_json(ev.gradient),
                   gradient_text=mpmath.nstr(ev.gradient, 17), loss_value=number_json(ev.loss),
                   steps=[{k: (number_json(v) if k in ("term", "dL_norm") else v) for k, v in r.items()}
                          for r in ev.rows])
        out.update(outcome_json(ev.update, ev.check))
    return out
