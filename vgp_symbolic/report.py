"""Text, LaTeX and JSON for derivations (:mod:`derive`/:mod:`evaluate`) and factor chains.

The homework solutions embed :func:`derivation_latex`, so a student's worked solution shows the
same steps as ``vgp derive``.

>>> from vgp_symbolic.core.chain import factor_chain
>>> print(chain_text(factor_chain("0.1,0.1,0.1,0.1")))
Chain of 4 factors
  factor 1 = 0.1
  factor 2 = 0.1
  factor 3 = 0.1
  factor 4 = 0.1
  product  = 0.1 × 0.1 × 0.1 × 0.1 = 0.0001   (exact: 1/10000)
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

from ._lazy import lazy_import
from .numbers import fmt, to_mpf
from .core.chain import FactorChain, rounding_note
from .core.derive import Derivation, Names
from .core.evaluate import Evaluation, log10_abs
from .core.network import Param

mpmath = lazy_import("mpmath")

__all__ = ["derivation_text", "derivation_latex", "derivation_dict", "chain_text",
           "chain_latex", "chain_dict", "number_json", "number_latex", "expr_text",
           "expr_latex", "recurrence_lines"]

_MODES = {"exact": "exact rationals", "float": "float64", "mp": "mpmath"}
_SHOW_UNITS = 12  # print every unit of the forward pass up to this many units


# -- expressions -----------------------------------------------------------------------------
def _positive_first(terms):
    # stable: keeps SymPy's order otherwise, so output stays deterministic
    return sorted(terms, key=lambda t: t.could_extract_minus_sign())


@lru_cache(maxsize=1)
def _printers():
    """The text and LaTeX printers, built on first use (SymPy is imported only then)."""
    from sympy.printing.latex import LatexPrinter
    from sympy.printing.str import StrPrinter

    class _TextPrinter(StrPrinter):
        def _as_ordered_terms(self, expr, order=None):
            return _positive_first(super()._as_ordered_terms(expr, order))

        def _print_Piecewise(self, expr):
            # relu'(z) reads as the Iverson bracket [z > 0], not Piecewise((1, z > 0), (0, True))
            (a, cond), (b, _) = expr.args[0], expr.args[-1]
            if len(expr.args) == 2 and a == 1 and b == 0:
                return f"[{self._print(cond)}]"
            if len(expr.args) == 2:
                return f"({self._print(a)} if {self._print(cond)} else {self._print(b)})"
            return super()._print_Piecewise(expr)

    class _LatexPrinter(LatexPrinter):
        def _as_ordered_terms(self, expr, order=None):
            return _positive_first(super()._as_ordered_terms(expr, order))

    return _TextPrinter, _LatexPrinter


def expr_text(expr) -> str:
    """Plain-text form, positive terms first (``ŷ - y``, not SymPy's ``-y + ŷ``).

    >>> import sympy as sp
    >>> y, yh = sp.symbols("y ŷ")
    >>> expr_text(yh * (1 - yh) - y)
    'ŷ*(1 - ŷ) - y'
    """
    return _printers()[0]().doprint(expr)


@lru_cache(maxsize=4096)
def expr_latex(names: Names, expr) -> str:
    """LaTeX with the network's symbol spellings, positive terms first.

    Cached per (names, expression): a homework prints the same formulas for every student.
    """
    return _printers()[1]({"symbol_names": names.latex}).doprint(expr)


def recurrence_lines(d: Derivation) -> tuple[tuple[str, str], ...]:
    """(text, LaTeX) of each δ layer the total uses, output first."""
    net, K = d.net, d.net.depth
    lines = []
    for m in d.recurrence:
        f = net.activation(m).symbol
        if m == K:
            lines.append((f"δ{K} = ∂L/∂ŷ ⊙ {f}'(z{K})",
                          rf"\delta^{{({K})}} = \frac{{\partial L}}{{\partial \hat{{y}}}}"
                          rf" \odot {_ftex(f)}'(z^{{({K})}})"))
        else:
            lines.append((f"δ{m} = {f}'(z{m}) ⊙ (W{m + 1} δ{m + 1})",
                          rf"\delta^{{({m})}} = {_ftex(f)}'(z^{{({m})}}) \odot "
                          rf"W^{{({m + 1})}} \delta^{{({m + 1})}}"))
    return tuple(lines)


def _ftex(symbol: str) -> str:
    return {"σ": r"\sigma", "tanh": r"\tanh"}.get(symbol, rf"\operatorname{{{symbol}}}")


# -- numbers ---------------------------------------------------------------------------------
def number_json(v):
    """A JSON-safe float, or a string when float64 cannot hold it (1e-400, 1/3 stays float).

    >>> number_json(Fraction(1, 500)), number_json(mpmath.mpf("1e-400")), number_json(-Fraction(2, 10**598))
    (0.002, '1.0e-400', '-2.0e-598')
    """
    if v is None:
        return None
    try:
        f = float(v)
    except OverflowError:  # a Fraction beyond float64
        f = math.inf
    if (f == 0 and v != 0) or math.isinf(f):  # never "-0.0" for −2e-598, nor "inf" for 1e999
        return mpmath.nstr(to_mpf(v), 15)
    return f


def number_latex(v, digits: int = 6) -> str:
    r"""LaTeX for a number: exact decimals or \frac, else ``digits`` significant figures.

    >>> number_latex(Fraction(1, 3)), number_latex(3.2e-7), number_latex(Fraction(-1249, 500))
    ('\\frac{1}{3} \\approx 0.333333', '3.2 \\times 10^{-7}', '-2.498')
    """
    if isinstance(v, Fraction):
        s = fmt(v)
        if "/" not in s:
            return s
        sign = "-" if v < 0 else ""
        return rf"{sign}\frac{{{abs(v.numerator)}}}{{{v.denominator}}} \approx {fmt(float(v), digits)}"
    lg = log10_abs(v)
    if v == 0 or -4 <= lg < 6:
        return fmt(v, digits)
    m = mpmath.nstr(to_mpf(v), digits, min_fixed=1, max_fixed=0)
    mant, _, exp = m.partition("e")
    mant = mant.rstrip("0").rstrip(".") if "." in mant else mant
    return rf"{mant} \times 10^{{{int(exp)}}}"


def _exact_text(v) -> str | None:
    return str(v) if isinstance(v, Fraction) else None  # "2/5", and "7" for an integer


# -- descriptions ----------------------------------------------------------------------------
def _param_words(p: Param) -> str:
    if p.kind == "w":
        return f"weight from unit {p.i} of layer {p.layer - 1} to unit {p.j} of layer {p.layer}"
    return f"bias of unit {p.j} of layer {p.layer}"


def _route_words(d: Derivation) -> str:
    n, p = d.names, d.param
    steps = ([expr_text(n.o(p.layer - 1, p.i))] if p.kind == "w" else []) + \
        [expr_text(n.o(m, u)) for m, u in zip(range(p.layer, d.net.depth + 1), d.route)]
    return " → ".join(steps)


def _mode_words(ev: Evaluation) -> str:
    return _MODES[ev.mode] + (f", {ev.run.dps} digits" if ev.mode == "mp" else "")


def _forward_lines(ev: Evaluation) -> list[str]:
    d, run, n = ev.derivation, ev.run, ev.derivation.names
    lines = []
    for k in range(1, d.net.depth + 1):
        f = d.net.activation(k).symbol
        for j in range(1, d.net.widths[k] + 1):
            z = n.z(k, j)
            lines.append(f"  {z} = {expr_text(n.preactivation(k, j))} = {fmt(run.z[k][j - 1])}")
            lines.append(f"  {n.o(k, j)} = {f}({z}) = {fmt(run.o[k][j - 1])}")
    lines.append(f"  L = {expr_text(n.loss())} = {fmt(run.loss)}")
    return lines


def _layer_rows(ev: Evaluation, limit: int = 24) -> list[dict]:
    rows = sorted(ev.layers(), key=lambda r: r["layer"])
    if len(rows) <= limit:
        return rows
    step = max(1, len(rows) // (limit - 6))
    keep = set(range(0, 4)) | set(range(len(rows) - 3, len(rows))) | set(range(0, len(rows), step))
    return [r for i, r in enumerate(rows) if i in keep]


def _layer_table_text(ev: Evaluation) -> list[str]:
    net = ev.derivation.net
    out = ["Per layer (vanishing shows as shrinking norms toward layer 0)",
           "  layer  activation   mean|f′(z)|   ‖δ‖₂ = ‖∂L/∂z‖   ‖∂ŷ/∂o‖₂ (Jacobian product)"]
    prev = None
    for r in _layer_rows(ev):
        k = r["layer"]
        if prev is not None and k != prev + 1:
            out.append("  ...")
        prev = k
        jac = _pow10(r["jacobian_norm_log10"])
        if k == 0:
            out.append(f"  {k:>5}  {'(input)':<11} {'':>12}   {'':>16}   {jac:>12}")
        else:
            out.append(f"  {k:>5}  {net.activation(k).label:<11} {r['mean_abs_fprime']:>12.4g}   "
                       f"{fmt(r['delta_norm'], 4):>16}   {jac:>12}")
    return out


def _pow10(lg: float) -> str:
    if lg == -math.inf:
        return "0"
    e = math.floor(lg)
    return f"{10 ** (lg - e):.3g}e{e:+d}" if not -4 <= lg < 4 else f"{10 ** lg:.4g}"


# -- derivation: text ------------------------------------------------------------------------
def derivation_text(x: Derivation | Evaluation) -> str:
    """The step-by-step derivation as plain text (symbolic only for a bare Derivation)."""
    ev = x if isinstance(x, Evaluation) else None
    d = ev.derivation if ev else x
    n, p, net = d.names, d.param, d.net
    out = [f"Network    {net.describe()}: L = {expr_text(n.loss())}",
           f"Parameter  {p.name}: {_param_words(p)}"]
    if ev:
        out.append(f"Numbers    {_mode_words(ev)}")
    if ev and sum(net.widths[1:]) <= _SHOW_UNITS:
        out += ["", "Forward pass"] + _forward_lines(ev)
    elif ev:
        out += ["", f"Forward pass: L = {expr_text(n.loss())} = {fmt(ev.run.loss)}, "
                    f"ŷ = {', '.join(fmt(v) for v in ev.run.o[-1])}"]
    gname = f"∂L/∂{p.name}"
    if d.route is not None:
        head = (f"Chain rule along 1 route ({_route_words(d)})" if d.n_routes == 1 else
                f"Chain rule along one route ({_route_words(d)}) of {d.n_routes}")
    else:
        head = (f"Chain rule summed over all {d.n_routes} routes "
                f"(backpropagated, never enumerated)")
    out += ["", head, f"  {gname} = " + " · ".join(f.name for f in d.factors)]
    width = max(len(f.name) for f in d.factors)
    for i, f in enumerate(d.factors):
        line = f"  {f.name:<{width}} = {expr_text(f.expression)}"
        if ev:
            line += f" = {fmt(ev.factor_values[i])}"
        out.append(line)
    if d.route is None:
        out += ["  where, layer by layer from the output:"] + [f"    {t}" for t, _ in recurrence_lines(d)]
    if ev and d.route is not None:
        prod = ev.route_product
        out.append(f"  {'product':<{width}} = {' × '.join(fmt(v) for v in ev.factor_values)}"
                   f" = {fmt(prod)}")
        if d.n_routes > 1:
            out.append(f"  (this route's share; the gradient sums all {d.n_routes} routes)")
    out += ["", f"{gname} = {expr_text(d.expression)}"]
    if ev:
        exact = _exact_text(ev.gradient)
        out.append(f"{' ' * len(gname)} = {fmt(ev.gradient)}"
                   + (f"   (exact: {exact})" if exact and "/" not in fmt(ev.gradient) else ""))
    if not d.expanded:
        out.append("  (δ symbols stand for the backpropagated ∂L/∂z of the layer above)")
    if ev:
        if ev.update:
            u = ev.update
            out += ["", f"Update (η = {fmt(u.lr)})",
                    f"  {p.name} ← {p.name} − η·{gname} = {fmt(u.old)} − {fmt(u.lr)} × "
                    f"({fmt(ev.gradient)}) = {fmt(u.new)}"
                    + (f"   (exact: {_exact_text(u.new)})" if isinstance(u.new, Fraction) else "")]
        if net.depth >= 3:
            out += [""] + _layer_table_text(ev)
        if ev.check:
            c = ev.check
            if c.agrees is None:
                out += ["", f"Check      {c.method}"]
            else:
                mark = "agrees" if c.agrees else "DISAGREES"
                out += ["", f"Check      {c.method}: {fmt(c.value)}; relative difference "
                            f"{c.relative_error:.1e} — {mark}"]
    return "\n".join(out)


# -- derivation: LaTeX -----------------------------------------------------------------------
def derivation_latex(x: Derivation | Evaluation, standalone: bool = False) -> str:
    r"""The derivation as LaTeX ``align*`` blocks (a full document with ``standalone``).

    Needs only amsmath. Symbols are typeset as w^{(k)}_{ij}, o^{(k)}_{j}, \hat{y}.
    """
    ev = x if isinstance(x, Evaluation) else None
    d = ev.derivation if ev else x
    n, p = d.names, d.param
    def tex(e):
        return expr_latex(n, e)

    gl = rf"\frac{{\partial L}}{{\partial {n.latex[d.symbol]}}}"
    parts = []
    if ev and sum(d.net.widths[1:]) <= _SHOW_UNITS:
        rows = []
        for k in range(1, d.net.depth + 1):
            f = d.net.activation(k)
            for j in range(1, d.net.widths[k] + 1):
                z = n.z(k, j)
                rows.append(rf"{tex(z)} &= {tex(n.preactivation(k, j))} = "
                            rf"{number_latex(ev.run.z[k][j - 1])}")
                rows.append(rf"{tex(n.o(k, j))} &= {tex(f.expr(z))} = "
                            rf"{number_latex(ev.run.o[k][j - 1])}")
        rows.append(rf"L &= {tex(n.loss())} = {number_latex(ev.run.loss)}")
        parts.append("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}")
    rows = [rf"{gl} &= " + r" \cdot ".join(f.latex for f in d.factors)]
    for i, f in enumerate(d.factors):
        val = rf" = {number_latex(ev.factor_values[i])}" if ev else ""
        rows.append(rf"{f.latex} &= {tex(f.expression)}{val}")
    if d.route is None:
        rows += [rf"&\text{{with }} {t}" for _, t in recurrence_lines(d)]
    parts.append("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}")
    rows = [rf"{gl} &= {tex(d.expression)}"]
    if ev:
        if d.route is not None:
            rows.append(r"&= " + r" \times ".join(f"\\left({number_latex(v)}\\right)"
                                                  if _neg(v) else number_latex(v)
                                                  for v in ev.factor_values)
                        + ("" if d.n_routes == 1 else r" \quad\text{(one route)}"))
        rows.append(rf"&= {number_latex(ev.gradient)}")
        if ev.update:
            u, s = ev.update, n.latex[d.symbol]
            rows.append(rf"{s} &\leftarrow {s} - \eta\,{gl} = {number_latex(u.old)} - "
                        rf"{number_latex(u.lr)} \times \left({number_latex(ev.gradient)}\right) "
                        rf"= {number_latex(u.new)}")
    parts.append("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}")
    body = "\n".join(parts)
    if not standalone:
        return body
    return ("\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
            f"{body}\n\\end{{document}}\n")


def _neg(v) -> bool:
    return v < 0


# -- derivation: JSON ------------------------------------------------------------------------
def derivation_dict(x: Derivation | Evaluation) -> dict:
    """A JSON-ready dict: wrt, loss, gradient, exact, expression, factors, update, ...

    >>> from vgp_symbolic.core.network import Network
    >>> from vgp_symbolic.core.derive import derive
    >>> sorted(derivation_dict(derive(Network.build(1, [(1, "tanh")]), "b1_1")))[:4]
    ['expanded', 'expression', 'expression_latex', 'factors']
    """
    ev = x if isinstance(x, Evaluation) else None
    d = ev.derivation if ev else x
    n, net = d.names, d.net
    out = {
        "wrt": d.param.name,
        "network": {"inputs": net.inputs,
                    "layers": [{"units": l.units, "activation": l.activation.label}
                               for l in net.layers],
                    "loss": net.loss},
        "loss": net.loss,
        "loss_formula": net.loss_fn.formula,
        "routes": d.n_routes,
        "route": list(d.route) if d.route is not None else None,
        "expression": expr_text(d.expression),
        "expression_latex": expr_latex(n, d.expression),
        "expanded": d.expanded,
        "recurrence": [t for t, _ in recurrence_lines(d)],
        "factors": [{"name": f.name, "latex": f.latex, "expression": expr_text(f.expression),
                     "value": number_json(ev.factor_values[i]) if ev else None,
                     "exact": _exact_text(ev.factor_values[i]) if ev else None}
                    for i, f in enumerate(d.factors)],
    }
    if ev:
        out.update(
            mode=ev.mode, digits=ev.run.dps,
            gradient=number_json(ev.gradient), exact=_exact_text(ev.gradient),
            gradient_text=fmt(ev.gradient, 17),
            route_product=number_json(ev.route_product),
            loss_value=number_json(ev.run.loss),
            output=[number_json(v) for v in ev.run.o[-1]],
            layers=[{"layer": r["layer"],
                     "mean_abs_fprime": r.get("mean_abs_fprime"),
                     "delta_norm": number_json(r["delta_norm"]) if "delta_norm" in r else None,
                     "jacobian_norm_log10": (None if r["jacobian_norm_log10"] == -math.inf
                                             else r["jacobian_norm_log10"])}
                    for r in sorted(ev.layers(), key=lambda r: r["layer"])],
        )
        if ev.update:
            u = ev.update
            out["update"] = {"lr": number_json(u.lr), "old": number_json(u.old),
                             "new": number_json(u.new), "new_exact": _exact_text(u.new)}
        if ev.check:
            c = ev.check
            out["check"] = {"method": c.method, "value": number_json(c.value),
                            "relative_error": c.relative_error, "agrees": c.agrees}
    return out


# -- factor chains ---------------------------------------------------------------------------
def chain_text(c: FactorChain, seed: dict | None = None) -> str:
    """The product of a chain of factors and the resulting update, as plain text."""
    title = "Seed 004's worked example, one route" if seed else f"Chain of {len(c.factors)} factors"
    out = [title]
    width = max(len(nm) for nm in c.names + ("product",))
    for i, (f, nm) in enumerate(zip(c.factors, c.names)):
        line = f"  {nm:<{width}} = {fmt(f)}"
        if seed:
            line += f"   {seed['meaning'][i]}"
        out.append(line)
    out.append(f"  {'product':<{width}} = {' × '.join(fmt(f) for f in c.factors)} = "
               f"{fmt(c.product)}   (exact: {_exact_text(c.product)})")
    if c.new is not None:
        lr = c.lr if c.lr is not None else Fraction(1)
        out += ["", f"Update (η = {fmt(lr)})",
                f"  w_new = w_old − η × product = {fmt(c.old)} − {fmt(lr)} × {fmt(c.product)} "
                f"= {fmt(c.new)}   (exact: {_exact_text(c.new)})"]
        if seed:
            note = rounding_note(c.new, seed["seed_says"])
            if note:
                out.append(f'  The seed writes "≈ {seed["seed_says"]}": {note}.')
    if c.notes:
        out += [""] + [f"Note: {t}" for t in c.notes]
    return "\n".join(out)


def chain_latex(c: FactorChain) -> str:
    r"""The chain and update as one ``align*`` block."""
    rows = [r"\frac{\partial L}{\partial w} &= " + r" \times ".join(number_latex(f) for f in c.factors)
            + rf" = {number_latex(c.product)}"]
    if c.new is not None:
        lr = c.lr if c.lr is not None else Fraction(1)
        rows.append(rf"w_{{\text{{new}}}} &= w_{{\text{{old}}}} - \eta\,\frac{{\partial L}}{{\partial w}}"
                    rf" = {number_latex(c.old)} - {number_latex(lr)} \times "
                    rf"{number_latex(c.product)} = {number_latex(c.new)}")
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


def chain_dict(c: FactorChain, seed: dict | None = None) -> dict:
    """JSON-ready dict of a factor chain."""
    out = {"mode": "factors",
           "factors": [{"name": nm, "value": float(f), "exact": _exact_text(f)}
                       for f, nm in zip(c.factors, c.names)],
           "gradient": float(c.product), "exact": _exact_text(c.product),
           "expression": " * ".join(str(f) for f in c.factors),
           "notes": list(c.notes)}
    if c.new is not None:
        lr = c.lr if c.lr is not None else Fraction(1)
        out["update"] = {"lr": float(lr), "old": float(c.old), "new": float(c.new),
                         "new_exact": _exact_text(c.new)}
    if seed:
        out["seed_note"] = rounding_note(c.new, seed["seed_says"]) if c.new is not None else None
    return out
