"""Text, LaTeX and JSON for derivations (:mod:`~vgp_symbolic.core.derive` and
:mod:`~vgp_symbolic.core.evaluate`) and for hand-made chains of factors.

One derivation, three readers: the terminal (Unicode mathematics, :mod:`~vgp_symbolic.mathtext`),
a LaTeX document (a :class:`~vgp_symbolic.latex.Latex` fragment whose long equations break across
lines) and a program (JSON whose expression SymPy parses back, with the definition of every
symbol in it). The homework solutions embed :func:`derivation_latex`, so a student's worked
solution shows the same steps as ``vgp derive``.

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

import decimal
import math
from fractions import Fraction
from functools import lru_cache

from ._lazy import lazy_import
from .core.chain import FactorChain, rounding_note
from .core.derive import Derivation, Names
from .core.evaluate import Evaluation, log10_abs
from .core.network import Param
from .latex import Latex, breakable, equation, equations, tex_text
from .mathtext import expr_text, long_sum, names_text, num_text
from .numbers import to_mpf
from .symbol_table import SymbolTable, symbol_value

mpmath = lazy_import("mpmath")
sp = lazy_import("sympy")

__all__ = ["derivation_text", "derivation_tex", "derivation_latex", "derivation_markdown",
           "derivation_dict", "chain_text", "chain_tex", "chain_latex", "chain_markdown",
           "chain_dict", "number_json", "number_latex", "update_digits", "expr_text",
           "expr_latex", "recurrence_lines", "EXPRESSION_SYNTAX"]

_MODES = {"exact": "exact rationals", "float": "float64", "mp": "mpmath"}
_SHOW_UNITS = 12  # print every unit of the forward pass up to this many units
# A longer route (a chain through more than 23 layers) prints its first and last 24 factors in
# text and LaTeX: 2·10⁵ lines help nobody, and TeX cannot hold them. JSON lists every factor.
_SHOW_FACTORS = 48
# Words for whoever reads the JSON: how THEY may load our own expression. vgp never parses text
# (tests/test_no_code_from_text.py scans the package's syntax tree for any such call).
EXPRESSION_SYNTAX = ("SymPy: sympy.parse_expr(text, local_dict={name: sympy.Symbol(name, "
                     "real=True) for name in symbols}); 'symbols' defines every symbol in it (see "
                     "'symbols_note')")


# -- expressions -----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _tex_printer():
    """The LaTeX printer class, built on first use (SymPy is imported only then)."""
    from sympy.printing.latex import LatexPrinter

    class _Tex(LatexPrinter):
        """SymPy's LaTeX with the network's symbol spellings, positive terms first, relu′ as the
        Iverson bracket [z > 0], and a break allowed between the factors of a product (juxtaposed
        factors otherwise never break)."""

        def __init__(self, names: Names, breaks: bool = True):
            super().__init__({"symbol_names": names.latex, "long_frac_ratio": 2,
                              "mul_symbol": r"\allowbreak " if breaks else None})

        def _as_ordered_terms(self, expr, order=None):
            return sorted(super()._as_ordered_terms(expr, order),
                          key=lambda t: t.could_extract_minus_sign())

        def _print_Add(self, expr, order=None):
            short = long_sum(expr, self._print, r"\cdots")
            return super()._print_Add(expr, order) if short is None else short

        def _print_Piecewise(self, expr):
            (a, cond), (b, _) = expr.args[0], expr.args[-1]
            if len(expr.args) == 2 and a == 1 and b == 0:
                return rf"[{self._print(cond)}]"
            return super()._print_Piecewise(expr)

    return _Tex


@lru_cache(maxsize=4096)
def expr_latex(names: Names, expr) -> str:
    """LaTeX with the network's symbol spellings, positive terms first (for a display).

    Cached per (names, expression): a homework prints the same formulas for every student.
    """
    return _tex_printer()(names, breaks=False).doprint(expr)


@lru_cache(maxsize=4096)
def _tex_breakable(names: Names, expr) -> str:
    return breakable(_tex_printer()(names).doprint(expr))


def recurrence_lines(d: Derivation, latex: bool = True) -> tuple:
    """(text, LaTeX) of each δ layer the total uses, output first (the text alone when not
    ``latex``: JSON lists 10⁵ of them)."""
    net, K = d.net, d.net.depth
    lines = []
    for m in d.recurrence:
        f = net.activation(m).symbol
        if m == K:
            text = f"δ{K} = ∂L/∂ŷ ⊙ {f}'(z{K})"
            tex = (rf"\delta^{{({K})}} = \frac{{\partial L}}{{\partial \hat{{y}}}}"
                   rf" \odot {_ftex(f)}'(z^{{({K})}})") if latex else None
        else:
            text = f"δ{m} = {f}'(z{m}) ⊙ (W{m + 1} δ{m + 1})"
            tex = (rf"\delta^{{({m})}} = {_ftex(f)}'(z^{{({m})}}) \odot "
                   rf"W^{{({m + 1})}} \delta^{{({m + 1})}}") if latex else None
        lines.append((text, tex) if latex else text)
    return tuple(lines)


def _ftex(symbol: str) -> str:
    return {"σ": r"\sigma", "tanh": r"\tanh"}.get(symbol, rf"\operatorname{{{symbol}}}")


# -- numbers ---------------------------------------------------------------------------------
def number_json(v):
    """A JSON-safe float, or a string when float64 cannot hold it (1e-400, 1/3 stays float).

    >>> number_json(Fraction(1, 500)), number_json(mpmath.mpf("1e-400")), number_json(10**400)
    (0.002, '1.0e-400', '1.0e+400')
    >>> number_json(-Fraction(2, 10**598)), number_json(-0.0)
    ('-2.0e-598', 0.0)

    """
    if v is None:
        return None
    if type(v) is float:   # the common cases first: a 10⁵-layer JSON holds 10⁶ numbers
        if v == 0:  # a float zero here is a true zero (underflow goes to mpmath): no sign
            return 0.0
        return v if not math.isinf(v) else mpmath.nstr(mpmath.mpf(v), 15)
    raw = getattr(v, "_mpf_", None)
    if raw is not None:   # mpmath: 2^(exp + bc) bounds it; far outside float64, no float()
        _, man, exp, bc = raw
        if man and not -1080 < exp + bc < 1030:
            return _sci(v)
        f = float(v)
        return _sci(v) if (f == 0 and man) or math.isinf(f) else f
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2 ** 53:
        return v
    try:
        f = float(v)
    except OverflowError:
        f = math.inf
    if (f == 0 and v != 0) or math.isinf(f):
        return _sci(to_mpf(v) if not isinstance(v, int) else mpmath.mpf(v))
    return f


_DEC = decimal.Context(prec=40)


def _sci(v) -> str:
    """``mpmath.nstr(v, 15)`` for a number outside float64's range, 25 times faster: δ of a
    10⁵-layer chain lies below 1e-308 in most layers, and nstr's exact digits cost 20 µs each.
    Forty decimal digits of v, rounded to fifteen, are the same fifteen digits (no binary
    number this small or large lies within 1e-39 of a decimal tie).

    >>> _sci(mpmath.mpf("-1.234567890123456789e-5000")), _sci(mpmath.mpf(2) ** 4000)
    ('-1.23456789012346e-5000', '1.31820409343094e+1204')
    """
    sign, man, exp, _ = v._mpf_
    if not man:   # ±inf, nan
        return mpmath.nstr(v, 15)
    q, r = divmod(exp, 256)   # 2^exp = 2^r · (2^256)^q; neighbouring layers share q
    d = _DEC.multiply(decimal.Decimal(man << r), _pow2_256(q))
    mant, _, e = f"{d:.14e}".partition("e")
    mant = mant.rstrip("0")
    return ("-" if sign else "") + mant + ("0" if mant.endswith(".") else "") + "e" + e


@lru_cache(maxsize=4096)
def _pow2_256(q: int):
    return _DEC.power(decimal.Decimal(2), q << 8)


def _exact_text(v) -> str | None:
    if type(v) is float:  # most values of a float64 pass, cheaply
        return None
    return str(v) if isinstance(v, Fraction) else None  # "2/5", and "7" for an integer


def _exact_note(v) -> str:
    """ "   (exact: a/b)" for text, or nothing when a/b has more than 40 characters."""
    s = _exact_text(v)
    return f"   (exact: {s.replace('-', '−')})" if s and len(s) <= 40 else ""


def number_latex(v, digits: int = 6) -> str:
    r"""LaTeX for a number: exact decimals or \frac, else ``digits`` significant figures.

    >>> number_latex(Fraction(1, 3)), number_latex(3.2e-7), number_latex(Fraction(-1249, 500))
    ('\\frac{1}{3} \\approx 0.333333', '3.2 \\times 10^{-7}', '-2.498')
    >>> number_latex(Fraction(2 * 10**999))
    '2 \\times 10^{999}'
    """
    try:     # a class's worked solutions repeat many numbers (weights, slopes, ½, ¼)
        return _number_latex(type(v), v, digits)
    except TypeError:    # unhashable
        return _number_latex.__wrapped__(type(v), v, digits)


@lru_cache(maxsize=65536)
def _number_latex(_type, v, digits: int) -> str:    # the type: 0.5 and Fraction(1, 2) differ
    s = num_text(v, digits).replace("−", "-")
    if " ≈ " in s:  # a short fraction a/b ≈ decimal
        sign = "-" if v < 0 else ""
        return (rf"{sign}\frac{{{abs(v.numerator)}}}{{{v.denominator}}} \approx "
                + number_latex(to_mpf(v), digits))
    if "10^(" in s:  # 10 to a power beyond 10¹²: its exponent in figures (see num_text)
        sign, _, power = s.partition("10^(")
        return rf"{sign}10^{{{_sci_latex(power[:-1])}}}"
    return _sci_latex(s)


def _sci_latex(s: str) -> str:
    """num_text's "−4.34294 × 10⁹⁹⁷" (minus already "-") as LaTeX."""
    mant, _, exp = s.partition(" × 10")
    if not exp:
        return s
    return rf"{mant} \times 10^{{{int(exp.translate(_SUPS))}}}"


_SUPS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def update_digits(old, new, base: int = 6) -> int:
    """Significant figures that show ``old`` and ``new`` as different numbers (at least ``base``).

    w ← 0.15 − 0.1 × 2.09 × 10⁻⁸ reads "= 0.15" at six figures; at eleven it is 0.14999999791.

    >>> update_digits(0.15, 0.15 - 2.09e-9), update_digits(2.5, 2.498)
    (11, 7)
    """
    if old == new or old == 0:
        return base
    if type(old) is not type(new):  # an exact weight, an mpmath gradient
        old, new = to_mpf(old), to_mpf(new)
    gap = log10_abs(old) - log10_abs(old - new)
    if math.isinf(gap):  # the change is below the working precision: no figure can show it
        return base
    return max(base, min(40, math.ceil(gap) + 3))


# -- descriptions ----------------------------------------------------------------------------
def _param_words(p: Param) -> str:
    if p.kind == "w":
        return f"weight from unit {p.i} of layer {p.layer - 1} to unit {p.j} of layer {p.layer}"
    return f"bias of unit {p.j} of layer {p.layer}"


def _route_units(d: Derivation) -> list[tuple[int, int]]:
    """(layer, unit) of each output along the route, from the parameter's input up."""
    p = d.param
    return ([(p.layer - 1, p.i)] if p.kind == "w" else []) + \
        list(zip(range(p.layer, d.net.depth + 1), d.route))


def _route_text(d: Derivation, show, sep: str, dots: str) -> str:
    """The route's outputs through ``show(layer, unit)``, the middle of a long one left out."""
    units = _route_units(d)
    return _elided(_shown(len(units), _SHOW_FACTORS // 2), lambda i: show(*units[i]), sep, dots)


def _mode_words(ev: Evaluation) -> str:
    return _MODES[ev.mode] + (f", {ev.run.dps} digits" if ev.mode == "mp" else "")


def _split(x):
    ev = x if isinstance(x, Evaluation) else None
    return ev, (ev.derivation if ev else x)


def _routes_text(d: Derivation, latex: bool = False) -> str:
    """The route count: 1 000 routes in full, 5.63 × 10¹¹² beyond 10¹² (in a LaTeX heading in
    math: as Unicode text pdflatex printed it "5.63 Ö 10¹¹²", lualatex "5.63 Œ 10źźš")."""
    n = d.n_routes
    if n < 10 ** 12:
        return f"{n:,}".replace(",", r"\," if latex else " ")
    big = float(n) if n < 10 ** 300 else Fraction(n)
    return f"${number_latex(big, 3)}$" if latex else num_text(big, 3)


def _show_value(shown: str, value: str) -> bool:
    """False when the formula already is its value (∂ŷ/∂z = 1, not "1 = 1")."""
    return shown.replace("−", "-") != value.replace("−", "-")


def _layer_rows(ev: Evaluation, limit: int = 24) -> list[dict]:
    rows = sorted(ev.layers(), key=lambda r: r["layer"])
    if len(rows) <= limit:
        return rows
    step = max(1, len(rows) // (limit - 6))
    keep = set(range(0, 4)) | set(range(len(rows) - 3, len(rows))) | set(range(0, len(rows), step))
    return [r for i, r in enumerate(rows) if i in keep]


def _pow10(lg: float):
    """10^lg for a log10 that may lie far outside float64 (the Jacobian norms)."""
    return 0 if lg == -math.inf else mpmath.power(10, mpmath.mpf(lg))


# -- derivation: text ------------------------------------------------------------------------
def derivation_text(x: Derivation | Evaluation) -> str:
    """The step-by-step derivation as plain text in mathematical notation."""
    ev, d = _split(x)
    n, p, net = d.names, d.param, d.net
    T = expr_text
    out = [f"Network    {net.describe()}: L = {T(n.loss())}",
           f"Parameter  {T(d.symbol)}: {_param_words(p)}"]
    if ev:
        out.append(f"Numbers    {_mode_words(ev)}")
    if ev and sum(net.widths[1:]) <= _SHOW_UNITS:
        out += ["", "Forward pass"] + _forward_text(ev)
    elif ev:
        out += ["", f"Forward pass: L = {T(n.loss())} = {num_text(ev.run.loss)}, "
                    f"ŷ = {', '.join(num_text(v) for v in ev.run.o[-1])}"]
    g = f"∂L/∂{T(d.symbol)}"
    shown = _shown(len(d.factors))
    names = {i: names_text(d.factors[i].name) for i in shown if i is not None}
    shared = d.route is not None and d.n_routes > 1
    if d.route is not None:
        route = _route_text(d, lambda k, j: T(n.o(k, j)), " → ", "…")
        out += ["", f"Chain rule along the route {route}"
                + (f", one of {_routes_text(d)}" if shared else ", the only one")]
        lhs = "route share" if shared else g
    else:
        out += ["", f"Chain rule summed over all {_routes_text(d)} routes "
                    "(backpropagated, never enumerated)"]
        lhs = g
    out.append(f"  {lhs} = " + _elided(shown, names.get, " · "))
    width = max(len(s) for s in list(names.values()) + ["route share" if shared else ""])
    for i in shown:
        if i is None:
            out.append(f"  ⋮   ({_hidden(d)})")
            continue
        formula = T(d.factors[i].expression)
        line = f"  {names[i]:<{width}} = {formula}"
        if ev and _show_value(formula, num_text(ev.factor_values[i])):
            line += f" = {num_text(ev.factor_values[i])}"
        out.append(line)
    if d.route is None:
        out += ["  where, layer by layer from the output:"] + \
            [f"    {names_text(t)}" for t, _ in recurrence_lines(d)]
    if ev and d.route is not None:
        product = _elided(shown, lambda i: _paren(ev.factor_values[i]), " × ")
        out.append(f"  {lhs:<{width}} = {product} = {num_text(ev.route_product)}")
        if shared:
            out.append(f"  (one route's share; ∂L/∂{T(d.symbol)} sums all "
                       f"{_routes_text(d)} routes)")
    out += ["", f"{g} = {T(d.expression)}" + ("" if not shared else "   (all routes)")]
    if ev:
        exact = _exact_text(ev.gradient)
        out.append(f"{' ' * len(g)} = {num_text(ev.gradient)}"
                   + (_exact_note(ev.gradient) if exact and "/" not in num_text(ev.gradient) else ""))
    if not d.expanded:
        out.append("  (δ symbols stand for the backpropagated ∂L/∂z of the layer above)")
    if ev:
        out += _update_text(ev, g) + _layers_text(ev) + _check_text(ev)
    return "\n".join(out)


def _shown(n: int, limit: int = _SHOW_FACTORS) -> list:
    """Indices of the factors printed, None where the middle of a long route is left out."""
    if n <= limit:
        return list(range(n))
    h = limit // 2
    return list(range(h)) + [None] + list(range(n - h, n))


def _elided(shown: list, show, sep: str, dots: str = "…") -> str:
    """The shown items joined by ``sep``, ``dots`` where some are left out."""
    return sep.join(dots if i is None else show(i) for i in shown)


def _hidden(d: Derivation) -> str:
    h = len(d.factors) - _SHOW_FACTORS
    return (f"{h:,} more factors: f′(z) and w of each layer between; "
            "--format json lists every one").replace(",", " ")


def _paren(v) -> str:
    s = num_text(v)
    return f"({s})" if s.startswith("−") else s


def _forward_text(ev: Evaluation) -> list[str]:
    d, run, n = ev.derivation, ev.run, ev.derivation.names
    lines = []
    for k in range(1, d.net.depth + 1):
        f = d.net.activation(k).symbol
        for j in range(1, d.net.widths[k] + 1):
            z = n.z(k, j)
            lines.append(f"  {expr_text(z)} = {expr_text(n.preactivation(k, j))} = "
                         f"{num_text(run.z[k][j - 1])}")
            lines.append(f"  {expr_text(n.o(k, j))} = {f}({expr_text(z)}) = "
                         f"{num_text(run.o[k][j - 1])}")
    lines.append(f"  L = {expr_text(n.loss())} = {num_text(run.loss)}")
    return lines


def _update_text(ev: Evaluation, g: str) -> list[str]:
    u = ev.update
    if not u:
        return []
    s = expr_text(ev.derivation.symbol)
    dg = update_digits(u.old, u.new)
    line = (f"  {s} ← {s} − η·{g} = {num_text(u.old, dg)} − {num_text(u.lr)} × "
            f"{_paren(ev.gradient)} = {num_text(u.new, dg)}")
    if isinstance(u.new, Fraction):
        line += _exact_note(u.new)
    out = ["", f"Update (η = {num_text(u.lr)})", line]
    if u.new == u.old and ev.gradient != 0:
        out.append("  (the change is below float64's resolution: use --precision 30)")
    return out


def _layers_text(ev: Evaluation) -> list[str]:
    net = ev.derivation.net
    if net.depth < 3:
        return []
    out = ["", "Per layer (vanishing shows as shrinking norms toward layer 0)",
           "  layer  activation   mean |f′(z)|   ‖δ‖₂ = ‖∂L/∂z‖₂   ‖∂ŷ/∂o‖₂ (Jacobian product)"]
    prev = None
    for r in _layer_rows(ev):
        k = r["layer"]
        if prev is not None and k != prev + 1:
            out.append("  …")
        prev = k
        jac = num_text(_pow10(r["jacobian_norm_log10"]), 4)
        if k == 0:
            out.append(f"  {k:>5}  {'(input)':<11} {'':>12}   {'':>16}   {jac:>14}")
        else:
            out.append(f"  {k:>5}  {net.activation(k).label:<11} "
                       f"{num_text(r['mean_abs_fprime'], 4):>12}   "
                       f"{num_text(r['delta_norm'], 4):>16}   {jac:>14}")
    return out


def _check_text(ev: Evaluation) -> list[str]:
    c = ev.check
    if not c:
        return []
    if c.agrees is None:  # nothing to compare (e.g. at a kink): the method says why
        return ["", f"Check      {c.method}"]
    mark = "agrees" if c.agrees else "DISAGREES"
    return ["", f"Check      {c.method}: {num_text(c.value)}; relative difference "
                f"{num_text(c.relative_error, 2)} — {mark}"]


# -- derivation: LaTeX -----------------------------------------------------------------------
def _gl(d: Derivation) -> str:
    return rf"\frac{{\partial L}}{{\partial {d.names.latex[d.symbol]}}}"


_FORMULAS: dict = {}


def _formulas(d: Derivation, breaks: bool):
    """``T(key, make)``: the LaTeX of the formula ``make()``, typeset once per derivation.

    A derivation is typeset for every student with the same formulas and new numbers (a class
    of 200 would build and print each SymPy formula 200 times). ``breaks``: a document may break
    a line between factors; a MathJax display may not."""
    key = (id(d), breaks)
    hit = _FORMULAS.get(key)
    if hit is None or hit[0] is not d:      # the derivation itself is kept, so ids stay unique
        if len(_FORMULAS) > 256:
            _FORMULAS.clear()
        memo: dict = {}
        n = d.names

        def T(k, make):
            if k not in memo:
                e = make()
                memo[k] = _tex_breakable(n, e) if breaks else expr_latex(n, e)
            return memo[k]
        hit = _FORMULAS[key] = (d, T)
    return hit[1]


def _sections(x, breaks: bool = True) -> list[tuple[str, list]]:
    """The derivation as (heading, rows); a row is (side, side, …, note) of one equation."""
    ev, d = _split(x)
    n, gl, net = d.names, _gl(d), d.net
    T = _formulas(d, breaks)
    out = []
    if ev and sum(net.widths[1:]) <= _SHOW_UNITS:
        rows = []
        for k in range(1, net.depth + 1):
            f = net.activation(k)
            for j in range(1, net.widths[k] + 1):
                rows.append((T(("z", k, j), lambda: n.z(k, j)),
                             T(("pre", k, j), lambda: n.preactivation(k, j)),
                             number_latex(ev.run.z[k][j - 1]), ""))
                rows.append((T(("o", k, j), lambda: n.o(k, j)),
                             T(("f", k, j), lambda: f.expr(n.z(k, j))),
                             number_latex(ev.run.o[k][j - 1]), ""))
        rows.append(("L", T("loss", n.loss), number_latex(ev.run.loss), ""))
        out.append(("Forward pass", rows))
    elif ev:
        out.append(("Forward pass", [("L", T("loss", n.loss), number_latex(ev.run.loss), "")]))
    shared = d.route is not None and d.n_routes > 1
    lhs = r"r_{\text{route}}" if shared else gl
    shown = _shown(len(d.factors))
    rows = [(lhs, _elided(shown, lambda i: d.factors[i].latex, r" \cdot ", r"\cdots"),
             f"one route's share of {_routes_text(d)}" if shared else "")]
    for i in shown:
        if i is None:
            rows.append((r"\vdots", _hidden(d)))
            continue
        f = d.factors[i]
        formula = T(("factor", i), lambda: f.expression)
        val = number_latex(ev.factor_values[i]) if ev else None
        rows.append((f.latex, formula) + ((val,) if val and _show_value(formula, val) else ())
                    + ("",))
    if d.route is None:
        rows += [(t, "") for _, t in recurrence_lines(d)]
    if ev and d.route is not None:
        fv = ev.factor_values
        rows.append((lhs, _elided(shown, lambda i: rf"({number_latex(fv[i])})" if fv[i] < 0
                                  else number_latex(fv[i]), r" \times ", r"\cdots"),
                     number_latex(ev.route_product), "this route only" if shared else ""))
    if d.route is not None:
        route = _route_text(d, lambda k, j: n.latex[n.o(k, j)], r" \to ", r"\cdots")
        head = (rf"Chain rule along the route ${route}$"
                + (f", one of {_routes_text(d, latex=True)}" if shared else ""))
    else:
        head = f"Chain rule, summed over all {_routes_text(d, latex=True)} routes by backpropagation"
    out.append((head, rows))
    total = (gl, T("total", lambda: d.expression)) + ((number_latex(ev.gradient),) if ev else ())
    rows = [total + ("sum over all routes" if shared else "",)]
    if ev and ev.update:
        u, s = ev.update, n.latex[d.symbol]
        dg = update_digits(u.old, u.new)
        grad = number_latex(ev.gradient)
        rows.append((rf"{s} \leftarrow {s} - \eta\,{gl}",
                     rf"{number_latex(u.old, dg)} - {number_latex(u.lr)} \times "
                     + (f"({grad})" if ev.gradient < 0 else grad),
                     number_latex(u.new, dg), ""))
    out.append(("Gradient" + (" and update" if ev and ev.update else ""), rows))
    return out


def derivation_tex(x: Derivation | Evaluation) -> Latex:
    r"""The derivation as a LaTeX fragment for an ``article`` page (amsmath; see
    :mod:`vgp_symbolic.latex`): headed groups of equations that break across lines.

    >>> from vgp_symbolic.core.network import Network
    >>> from vgp_symbolic.core.derive import derive
    >>> t = derivation_tex(derive(Network.build(1, [(1, "tanh")]), "b1_1"))
    >>> t.packages, "\\documentclass" in t.body
    (('amsmath', 'amssymb'), False)
    """
    ev, d = _split(x)
    parts = [rf"{{\raggedright\noindent Network {tex_text(d.net.describe())}; parameter "
             rf"${d.names.latex[d.symbol]}$ "
             f"({tex_text(_param_words(d.param))})"
             + (f"; numbers in {tex_text(_mode_words(ev))}." if ev else ".") + r"\par}"]
    for head, rows in _sections(x):
        parts.append(rf"\par\medskip\noindent\textbf{{{head}}}\par\smallskip"
                     + "\n" + equations([_eq(r) for r in rows]))
    if not d.expanded:
        parts.append(r"\noindent {\small ($\delta$ stands for the backpropagated "
                     r"$\partial L/\partial z$ of its layer.)}")
    if ev:
        parts += _layers_tex(ev) + _check_tex(ev)
    return Latex("\n".join(parts) + "\n")


def _eq(row) -> tuple:
    *sides, note = row
    return equation(*[s for s in sides if s != ""], note=note)


def _layers_tex(ev: Evaluation) -> list[str]:
    net = ev.derivation.net
    if net.depth < 3:
        return []
    rows = [r"\par\medskip\noindent\textbf{Per layer} (vanishing shows as shrinking norms "
            r"toward layer 0)\par\smallskip",
            r"\noindent\begin{tabular}{rlrrr}",
            r"layer & activation & mean $|f'(z)|$ & $\|\delta\|_2$ & "
            r"$\|\partial\hat{y}/\partial o\|_2$ \\ \hline"]
    for r in _layer_rows(ev):
        k = r["layer"]
        jac = number_latex(_pow10(r["jacobian_norm_log10"]), 4)
        if k == 0:
            rows.append(rf"0 & (input) & & & ${jac}$ \\")
        else:
            rows.append(rf"{k} & {tex_text(net.activation(k).label)} & "
                        rf"${number_latex(r['mean_abs_fprime'], 4)}$ & "
                        rf"${number_latex(r['delta_norm'], 4)}$ & ${jac}$ \\")
    return rows + [r"\end{tabular}"]


def _check_tex(ev: Evaluation) -> list[str]:
    c = ev.check
    if not c:
        return []
    if c.agrees is None:
        return [rf"\par\medskip\noindent Check: {tex_text(c.method)}."]
    return [rf"\par\medskip\noindent Check by {tex_text(c.method)}: "
            rf"${number_latex(c.value)}$, relative difference "
            rf"${number_latex(c.relative_error, 2)}$ --- "
            + ("agrees." if c.agrees else r"\textbf{disagrees}.")]


def derivation_latex(x: Derivation | Evaluation, standalone: bool = False) -> str:
    """:func:`derivation_tex` as a string: the fragment's body, or a whole document."""
    t = derivation_tex(x)
    return t.document() if standalone else t.body


def _aligned_row(row) -> str:
    """One row of an ``aligned`` display: ``lhs &= a = b``, with its note."""
    *sides, note = row
    sides = [s for s in sides if s != ""]
    rhs = " = ".join(sides[1:])
    return f"{sides[0]} " + (f"&= {rhs}" if rhs else "&") + (
        rf" \quad \text{{({note})}}" if note else "")


def derivation_markdown(x: Derivation | Evaluation) -> str:
    r"""Markdown with MathJax displays (what Jupyter shows): one ``aligned`` block per group.

    >>> from vgp_symbolic.core.network import Network
    >>> from vgp_symbolic.core.derive import derive
    >>> print(derivation_markdown(derive(Network.build(1, [(1, "linear")]), "b1_1"))[:40])
    **Network** 1 → 1 (linear), loss mse; **
    """
    ev, d = _split(x)
    out = [f"**Network** {d.net.describe()}; **parameter** ${d.names.latex[d.symbol]}$ "
           f"({_param_words(d.param)})" + (f"; {_mode_words(ev)}" if ev else "")]
    for head, rows in _sections(x, breaks=False):
        lines = [_aligned_row(row) for row in rows]
        out += [f"**{head}**", "$$\n\\begin{aligned}\n" + " \\\\\n".join(lines)
                + "\n\\end{aligned}\n$$"]
    if ev and ev.check:
        out.append(_check_text(ev)[-1].replace("Check      ", "**Check** "))
    return "\n\n".join(out)


# -- derivation: JSON ------------------------------------------------------------------------
def derivation_dict(x: Derivation | Evaluation, full_symbols: bool | None = None) -> dict:
    """A JSON-ready dict: the gradient's expression (SymPy syntax, see ``expression_syntax``),
    the definition of every symbol in it, the factors and, with numbers, every value.

    ``symbols`` lists every symbol the expression and the factors use and every symbol their
    definitions use, down to the inputs and weights; in a network of more than
    :data:`~vgp_symbolic.symbol_table.SYMBOL_LIMIT` named quantities only the expression's
    (``symbols_complete`` false, ``symbols_note`` says so; ``full_symbols`` forces the choice).
    With numbers, each layer's z, o and δ are in ``layers`` (up to :data:`UNIT_LIMIT` units).

    >>> from vgp_symbolic.core.network import Network
    >>> from vgp_symbolic.core.derive import derive
    >>> d = derivation_dict(derive(Network.build(1, [(1, "tanh")]), "b1_1"))
    >>> d["expression"], d["symbols"]["ŷ"]["definition"], d["symbols_complete"]
    ('2*(1 - ŷ**2)*(-y + ŷ)', 'tanh(z1_1)', True)
    """
    ev, d = _split(x)
    n, net = d.names, d.net
    table = SymbolTable(d, full_symbols)
    units_listed = sum(net.widths) <= UNIT_LIMIT if ev else None
    values = ev.factor_values if ev else [None] * len(d.factors)
    out = {
        "wrt": d.param.name,
        "network": {"inputs": net.inputs,
                    "layers": [{"units": l.units, "activation": l.activation.label}
                               for l in net.layers],
                    "loss": net.loss},
        "loss": net.loss,
        "loss_formula": net.loss_fn.formula,
        "routes": number_json(d.n_routes),
        "route": list(d.route) if d.route is not None else None,
        "expression": sp.sstr(d.expression),
        "expression_syntax": EXPRESSION_SYNTAX,
        "expression_latex": expr_latex(n, d.expression),
        "expression_text": expr_text(d.expression),
        "expanded": d.expanded,
        "symbols": _symbols_json(table, ev),
        "symbols_complete": table.complete,
        "symbols_note": _symbols_note(table, units_listed),
        "recurrence": list(recurrence_lines(d, latex=False)),
        "factors": [{"name": f.name, "latex": f.latex, "expression": table.factor_expression(f),
                     "value": number_json(v), "exact": _exact_text(v)}
                    for f, v in zip(d.factors, values)],
    }
    if ev:
        _add_values(out, ev, units_listed)
    return out


def _symbols_json(table: SymbolTable, ev: Evaluation | None) -> dict:
    spell, biases, out = table.names.spell, {}, {}
    for key in table.keys:
        name, tex = spell(key)
        entry = out[name] = {"meaning": table.meaning(key), "latex": tex,
                             "definition": table.definition(key)}
        if ev:
            v = symbol_value(ev, key, biases)
            entry["value"], entry["exact"] = number_json(v), _exact_text(v)
    return out


def _symbols_note(table: SymbolTable, units_listed: bool | None) -> str:
    if table.complete:
        return ("every symbol of the expression and the factors, and every symbol their "
                "definitions use, down to the inputs and weights")
    units = {None: "",
             True: "every unit's z, o and δ are in 'layers', ",
             False: f"the network has more than {UNIT_LIMIT} units: 'layers' does not list "
                    "their z, o and δ, "}[units_listed]
    return (f"the {len(table.keys)} symbols of the expression, with their definitions; the "
            f"network has {table.in_network} named quantities, too many to list one by one "
            f"(above {table.limit}), so the further symbols those definitions use are not "
            f"listed: {units}the factors carry their own values, the weights and biases are "
            "the spec's (from Python, vgp_symbolic.derive(spec, wrt).to_dict(full_symbols=True) "
            "lists every symbol)")


# Per-unit values (z, o, δ) go into 'layers' up to this many units: 10⁴ units cost 0.1 s, but
# 10⁵ one-unit layers would add 1.4 s to a 6 s derivation (δ there lies beyond float64).
UNIT_LIMIT = 50_000


def _add_values(out: dict, ev: Evaluation, units_listed: bool) -> None:
    run = ev.run
    out.update(
        mode=ev.mode, digits=ev.run.dps,
        gradient=number_json(ev.gradient), exact=_exact_text(ev.gradient),
        gradient_text=num_text(ev.gradient, 17).replace("−", "-"),
        route_product=number_json(ev.route_product),
        loss_value=number_json(ev.run.loss),
        output=[number_json(v) for v in ev.run.o[-1]],
        layers=[_layer_json(r, run, units_listed)
                for r in sorted(ev.layers(), key=lambda r: r["layer"])])
    out.update(outcome_json(ev.update, ev.check))
    if ev.update:
        out["update"]["new_exact"] = _exact_text(ev.update.new)


def _layer_json(r: dict, run, units_listed: bool) -> dict:
    """One row of 'layers': its norms and, up to UNIT_LIMIT units, every unit's z, o and δ."""
    k = r["layer"]
    row = {"layer": k, "mean_abs_fprime": r.get("mean_abs_fprime"),
           "delta_norm": number_json(r["delta_norm"]) if "delta_norm" in r else None,
           "jacobian_norm_log10": (None if r["jacobian_norm_log10"] == -math.inf
                                   else r["jacobian_norm_log10"])}
    if units_listed:
        row.update(z=_vector_json(run.z[k]), o=_vector_json(run.o[k]),
                   delta=_vector_json(run.delta[k]))
    return row


def _vector_json(a) -> list | None:
    """A layer's values (a float64 array, or exact / mpmath numbers) as JSON numbers."""
    if a is None:
        return None
    return [number_json(v) for v in (a.tolist() if hasattr(a, "tolist") else a)]


def outcome_json(update, check) -> dict:
    """The JSON fields of an evaluation's update and independent check (each when present):
    one schema for dense, architecture and batch derivations.

    >>> outcome_json(None, None)
    {}
    """
    out = {}
    if update:
        out["update"] = {"lr": number_json(update.lr), "old": number_json(update.old),
                         "new": number_json(update.new)}
    if check:
        out["check"] = {"method": check.method, "value": number_json(check.value),
                        "relative_error": check.relative_error, "agrees": check.agrees}
    return out


# -- factor chains ---------------------------------------------------------------------------
def _lr(c: FactorChain):
    return c.lr if c.lr is not None else Fraction(1)


def chain_text(c: FactorChain, seed: dict | None = None) -> str:
    """The product of a chain of factors and the resulting update, as plain text."""
    title = "Seed 004's worked example, one route" if seed else f"Chain of {len(c.factors)} factors"
    out = [title]
    width = max(len(nm) for nm in c.names + ("product",))
    values = [num_text(f) for f in c.factors]
    vwidth = max(map(len, values))  # the seed's meanings start in one column
    for i, (v, nm) in enumerate(zip(values, c.names)):
        line = f"  {nm:<{width}} = {v}"
        if seed:
            line += f"{'':<{vwidth - len(v)}}   {seed['meaning'][i]}"
        out.append(line)
    out.append(f"  {'product':<{width}} = {' × '.join(_paren(f) for f in c.factors)} = "
               f"{num_text(c.product)}{_exact_note(c.product)}")
    if c.new is not None:
        out += ["", f"Update (η = {num_text(_lr(c))})",
                f"  w_new = w_old − η × product = {num_text(c.old)} − {num_text(_lr(c))} × "
                f"{_paren(c.product)} = {num_text(c.new)}{_exact_note(c.new)}"]
        if seed:
            note = rounding_note(c.new, seed["seed_says"])
            if note:
                out.append(f'  The seed writes "≈ {seed["seed_says"]}": {note}.')
    if c.notes:
        out += [""] + [f"Note: {t}" for t in c.notes]
    return "\n".join(out)


def _chain_rows(c: FactorChain) -> list[tuple]:
    g = r"\frac{\partial L}{\partial w}"
    rows = [(g, r" \times ".join(rf"({number_latex(f)})" if f < 0 else number_latex(f)
                                 for f in c.factors), number_latex(c.product), "")]
    if c.new is not None:
        p = number_latex(c.product)
        rows.append((r"w_{\text{new}}", rf"w_{{\text{{old}}}} - \eta\,{g}",
                     rf"{number_latex(c.old)} - {number_latex(_lr(c))} \times "
                     + (f"({p})" if c.product < 0 else p), number_latex(c.new), ""))
    return rows


def chain_tex(c: FactorChain) -> Latex:
    r"""The chain and update as a LaTeX fragment (amsmath).

    >>> from vgp_symbolic.core.chain import factor_chain
    >>> "0.2 \\times 0.5" in chain_tex(factor_chain("0.2,0.5")).body
    True
    """
    return Latex(equations([_eq(r) for r in _chain_rows(c)]), ("amsmath",))


def chain_latex(c: FactorChain) -> str:
    """:func:`chain_tex`'s body (the homework solutions embed it)."""
    return chain_tex(c).body


def chain_markdown(c: FactorChain) -> str:
    """Markdown with a MathJax display of the chain and update (Jupyter)."""
    lines = [_aligned_row(row) for row in _chain_rows(c)]
    notes = "".join(f"\n\n*Note:* {t}" for t in c.notes)
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}\n$$" + notes


def chain_dict(c: FactorChain, seed: dict | None = None) -> dict:
    """JSON-ready dict of a factor chain; ``expression`` is in SymPy syntax."""
    out = {"mode": "factors",
           "factors": [{"name": nm, "value": float(f), "exact": _exact_text(f)}
                       for f, nm in zip(c.factors, c.names)],
           "gradient": float(c.product), "exact": _exact_text(c.product),
           "expression": "*".join(f"({_exact_text(f)})" for f in c.factors),
           # words for the reader, like EXPRESSION_SYNTAX: nothing here parses text
           "expression_syntax": "SymPy: sympy.parse_expr(text) is the exact product",
           "notes": list(c.notes)}
    if c.new is not None:
        out["update"] = {"lr": float(_lr(c)), "old": float(c.old), "new": float(c.new),
                         "new_exact": _exact_text(c.new)}
    if seed:
        out["seed_note"] = rounding_note(c.new, seed["seed_says"]) if c.new is not None else None
    return out
