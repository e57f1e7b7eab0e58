r"""How checked proofs show themselves beyond plain text: the depth table, Markdown for Jupyter.

The proofs (:mod:`vgp_symbolic.proofs`) are data; this module decides how their numbers read.
The depth table has one number style: the exact power when it is short enough to read, and
always the same ten significant figures beside it, so row 20 reads like row 19.

>>> from vgp_symbolic.proofs import depth_report
>>> print("\n".join(depth_table_text(depth_report("tanh", weight_norm="1.5", layers=20))[-2:]))
    19  1162261467/524288     ≈ 2216.837820
    20  3486784401/1048576    ≈ 3325.256730
"""
from __future__ import annotations

import mpmath

from .mathtext import num_text

__all__ = ["depth_table_text", "depth_table_latex", "proofs_markdown"]

_EXACT_CHARS = 24  # an exact power longer than this is not worth reading


def _exact(row) -> str | None:
    q = row.exact
    if q is None:
        return None
    s = str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"
    return s if len(s) <= _EXACT_CHARS else None


def _value(row) -> tuple[str, str]:
    """("=", exact decimal) when it has at most ten figures, else ("≈", ten figures)."""
    from .numbers import exact_decimal
    if row.exact is not None:
        dec = exact_decimal(row.exact)
        if dec is not None and len(dec.lstrip("-0.").replace(".", "")) <= 10:
            return "=", dec
    v = row.exact if row.exact is not None else row.enclosure.mid
    return "≈", num_text(mpmath.mpf(v.numerator) / v.denominator, 10, strip=False)


def depth_table_text(report, head: tuple[str, str] = ("n", "qⁿ")) -> list[str]:
    """The rows n, qⁿ of ``vgp prove depth`` (exact, then ≈ ten significant figures); the
    same for ``vgp prove rnn``'s rows T − t, ηᵀ⁻ᵗ (``head``)."""
    rows = report.table
    width = max([len(_exact(r) or "") for r in rows] + [2])
    out = [f"{head[0]:>6}  {head[1]}"]
    for r in rows:
        rel, val = _value(r)
        ex = _exact(r)
        cell = ex if ex == val else f"{ex or '':<{width}}  {rel} {val}"
        out.append(f"{r.n:>6}  {cell}".rstrip())
    return out


def depth_table_latex(report, head: tuple[str, str] = ("n", "q^n")) -> list[str]:
    """The same table as a LaTeX ``tabular`` (``head``: the columns' math)."""
    out = [r"\begin{tabular}{rll}", f"${head[0]}$ & ${head[1]}$ & \\\\ \\hline"]
    for r in report.table:
        ex, (rel, val) = _exact(r), _value(r)
        val = val.replace("−", "-")
        mant, _, e = val.partition(" × 10")
        if e:
            e = e.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))
            val = rf"{mant} \times 10^{{{int(e)}}}"
        exact = ex or ""  # a/b: a \frac in a table row is too small to read
        rel = rel.replace("≈", r"\approx")
        out.append(f"{r.n} & {f'${exact}$' if exact else ''} & ${rel} {val}$ \\\\")
    return out + [r"\end{tabular}"]


def _steps_markdown(checked) -> list[str]:
    lines = [f"**{checked.proof.title}**", "",
             f"*Claim.* ${checked.proof.statement_latex}$", ""]
    from .proofs.steps import kind_note
    for r in checked.results:
        mark = ("*(definition)*" if r.step.kind == "definition" else
                "✓" if r.verified else "✗ **not verified**")
        how = "; ".join(x for x in (kind_note(r.step), r.step.method) if x)
        lines.append(f"{r.number}. {mark} ${r.step.latex}$" + (f" — *{how}*" if how else ""))
    lines += ["", checked.summary()]
    return lines


def proofs_markdown(results) -> str:
    """Markdown with MathJax for a list of activation bounds and depth reports (Jupyter)."""
    out = []
    for r in results:
        if hasattr(r, "table"):  # a depth report
            out += [f"### Depth bound: {r.regime}", ""] + _steps_markdown(r.checked) + [
                "", f"Per-layer factor q = {r.factor_source} = {r.factor_text()}", "",
                "| n | qⁿ |", "|---:|:---|"]
            out += [f"| {line.split(maxsplit=1)[0]} | {line.split(maxsplit=1)[1]} |"
                    for line in depth_table_text(r)[1:]]
            out += [""] + _steps_markdown(r.facts)
        else:
            out += [f"### {r.activation}: $f'(z) = {r.derivative_latex}$", ""]
            out += _steps_markdown(r.checked)
        out.append("")
    return "\n".join(out)
