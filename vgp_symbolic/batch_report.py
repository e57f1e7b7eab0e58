"""Text, LaTeX and JSON for a batch derivation (:mod:`.core.batch`): the one-sample chain rule
(as :mod:`.report` or :mod:`.arch_report` print it), each sample's numbers and check, the mean
∂L/∂θ = (1/N) Σₙ ∂Lₙ/∂θ, the update and the check of the mean.

>>> from vgp_symbolic.core.batch import parse_batch, derive_batch, evaluate_batch
>>> b = parse_batch('[network]\\ninputs = 1\\nlayers = [{units = 1, activation = "linear"}]\\n'
...                 '[values]\\nW1 = [[1]]\\n[[samples]]\\nx = [1]\\ny = [0]\\n'
...                 '[[samples]]\\nx = [2]\\ny = [0]\\n')
>>> print(batch_text(evaluate_batch(derive_batch(b))).splitlines()[0])
Batch      N = 2 samples: L = (1/N)·Σₙ Lₙ, the mean of the samples' losses
"""
from __future__ import annotations

from .core.batch import BatchDerivation, BatchEvaluation
from .latex import Latex, equations, tex_text
from .mathtext import names_text, num_text, sub

__all__ = ["batch_text", "batch_tex", "batch_dict", "batch_markdown"]

_HEAD = "the mean of the samples' losses"


def _split(x):
    return (x, x.derivation) if isinstance(x, BatchEvaluation) else (None, x)


def _one(bd: BatchDerivation):
    """The one-sample renderers: (text, tex, dict) of :mod:`.report` or :mod:`.arch_report`."""
    if bd.batch.dense:
        from .report import derivation_dict, derivation_tex, derivation_text
        return derivation_text, derivation_tex, derivation_dict
    from .arch_report import arch_dict, arch_tex, arch_text
    return arch_text, arch_tex, arch_dict


def _vec(v, number=num_text) -> str:
    return "(" + ", ".join(number(e) for e in v) + ")"


def _sample_io(bd: BatchDerivation, n: int, number=num_text) -> tuple[str, str]:
    """(x, y) of sample n, each number written by ``number`` (text, or LaTeX math)."""
    s = bd.batch.samples[n]
    if bd.batch.dense:
        return _vec(s.x, number), _vec(s.y, number)
    num = s.numbers
    xs = sorted((k for k in num if k.startswith("x")), key=_natural)
    ys = sorted((k for k in num if k.startswith("y")), key=_natural)
    return _vec((num[k] for k in xs), number), _vec((num[k] for k in ys), number)


def _natural(name: str):
    import re
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def _sample_lines(ev: BatchEvaluation) -> list[str]:
    bd = ev.derivation
    d, p = bd.derivation, _param_text(bd)
    out = []
    for n, e in enumerate(ev.samples):
        x, y = _sample_io(bd, n)
        loss = e.run.loss if bd.batch.dense else e.loss
        out.append(f"  sample {n + 1}: x = {x}, y = {y}; L{sub(n + 1)} = {num_text(loss)}")
        if bd.batch.dense:
            parts = [f"{names_text(f.name)} = {num_text(v)}" for f, v in zip(d.factors, e.factor_values)]
        else:
            parts = [f"{'time step' if d.recurrent else 'layer'} {t}: {num_text(v)}"
                     for t, v in e.term_values]
        out.append("    " + "; ".join(parts))
        c = e.check
        mark = "" if c is None else (" (check: agrees)" if c.agrees else
                                     " (check: not resolved)" if c.agrees is None else
                                     " (check: DISAGREES)")
        out.append(f"    ∂L{sub(n + 1)}/∂{p} = {num_text(e.gradient)}{mark}")
    return out


def _param_text(bd: BatchDerivation) -> str:
    """w1_11 as the one-sample chain above it writes it (w⁽¹⁾₁₁); a recurrent W_11 as it is."""
    return names_text(bd.param, layered=not getattr(bd.derivation, "recurrent", False))


def batch_text(x: BatchDerivation | BatchEvaluation) -> str:
    """The batch derivation as plain text."""
    ev, bd = _split(x)
    N, p = bd.batch.size, _param_text(bd)
    text, _, _ = _one(bd)
    out = [f"Batch      N = {N} samples: L = (1/N)·Σₙ Lₙ, {_HEAD}",
           f"           so ∂L/∂{p} = (1/N)·Σₙ ∂Lₙ/∂{p}; every sample has the chain below, in "
           "its own numbers", "", "One sample's chain rule (symbols of sample n)"]
    out += ["  " + line if line else "" for line in text(bd.derivation).splitlines()]
    if not ev:
        return "\n".join(out)
    out += ["", f"Per sample ({'exact rationals' if ev.exact else 'numbers'})"] + _sample_lines(ev)
    terms = " + ".join(_paren(e.gradient) for e in ev.samples)
    out += ["", f"Mean       ∂L/∂{p} = (1/{N})·({terms}) = {num_text(ev.gradient)}",
            f"           L = {num_text(ev.loss)}"]
    if ev.update:
        u = ev.update
        out += [f"Update     {p} ← {p} − η·∂L/∂{p} = {num_text(u.old)} − {num_text(u.lr)} × "
                f"{_paren(ev.gradient)} = {num_text(u.new)}"]
    c = ev.check
    if c:
        out.append(f"Check      {c.method}" + ("" if c.agrees is None else
                   f": {num_text(c.value)}; relative difference {num_text(c.relative_error, 2)}"
                   f" — {'agrees' if c.agrees else 'DISAGREES'}"))
    return "\n".join(out)


def _paren(v) -> str:
    s = num_text(v)
    return f"({s})" if s.startswith("−") else s


def _tex_num(v, digits: int = 6) -> str:
    from .report import number_latex
    return number_latex(v, digits)


def batch_tex(x: BatchDerivation | BatchEvaluation) -> Latex:
    """The batch as a LaTeX fragment: the one-sample derivation, then a table of the samples,
    the mean, the update and the check."""
    ev, bd = _split(x)
    N, d = bd.batch.size, bd.derivation
    _, tex, _ = _one(bd)
    sym = (d.names.latex[d.symbol] if bd.batch.dense else d.graph.latex[d.symbol])
    g = rf"\frac{{\partial L}}{{\partial {sym}}}"
    head = (rf"{{\raggedright\noindent A batch of $N = {N}$ samples: $L = \frac{{1}}{{N}}"
            rf"\sum_n L_n$, the mean of the samples' losses, so ${g} = \frac{{1}}{{N}}\sum_n "
            rf"\frac{{\partial L_n}}{{\partial {sym}}}$. One sample's chain rule (in the "
            r"symbols of sample $n$):\par}")
    body = tex(d)
    parts = [head, body.body]
    if ev:
        rows = [r"\par\medskip\noindent\textbf{Per sample}\par\smallskip",
                r"\noindent\begin{tabular}{rllrr}",
                rf"$n$ & $x$ & $y$ & $L_n$ & $\partial L_n/\partial {sym}$ \\ \hline"]
        for n, e in enumerate(ev.samples):
            xv, yv = _sample_io(bd, n, _tex_num)
            loss = e.run.loss if bd.batch.dense else e.loss
            rows.append(rf"{n + 1} & ${xv}$ & ${yv}$ & ${_tex_num(loss)}$ & "
                        rf"${_tex_num(e.gradient)}$ \\")
        rows.append(r"\end{tabular}")
        terms = " + ".join(_tex_num(e.gradient) if not str(_tex_num(e.gradient)).startswith("-")
                           else f"({_tex_num(e.gradient)})" for e in ev.samples)
        eqs = [(g, rf"\frac{{1}}{{{N}}}\left({terms}\right)", _tex_num(ev.gradient))]
        if ev.update:
            u = ev.update
            eqs.append((rf"{sym} \leftarrow {sym} - \eta\,{g}",
                        rf"{_tex_num(u.old)} - {_tex_num(u.lr)} \times ({_tex_num(ev.gradient)})",
                        _tex_num(u.new)))
        rows += [r"\par\medskip\noindent\textbf{Mean over the batch}\par\smallskip",
                 equations(eqs)]
        c = ev.check
        if c:
            rows.append(rf"\par\medskip\noindent Check: {tex_text(c.method)}"
                        + ("." if c.agrees is None else
                           rf": ${_tex_num(c.value)}$, relative difference "
                           rf"${_tex_num(c.relative_error, 2)}$ --- "
                           + ("agrees." if c.agrees else r"\textbf{disagrees}.")))
        parts += rows
    return Latex("\n".join(parts) + "\n", body.packages)


def batch_dict(x: BatchDerivation | BatchEvaluation) -> dict:
    """JSON: ``derivation`` (one sample's, symbolic), ``samples`` (each sample's full evaluation,
    as ``vgp derive --format json`` gives one), the mean ``gradient``, ``update`` and ``check``."""
    from .report import number_json, outcome_json
    ev, bd = _split(x)
    _, _, as_dict = _one(bd)
    out = {"batch": bd.batch.size, "reduction": "mean", "wrt": bd.param,
           "derivation": as_dict(bd.derivation)}
    if ev:
        out["samples"] = [as_dict(e) for e in ev.samples]
        out.update(gradient=number_json(ev.gradient), exact=ev.exact,
                   loss_value=number_json(ev.loss))
        if ev.exact:
            out["gradient_exact"] = str(ev.gradient)
        out.update(outcome_json(ev.update, ev.check))
    return out


def batch_markdown(x: BatchDerivation | BatchEvaluation) -> str:
    """Markdown for Jupyter: the text in a code block."""
    return "```\n" + batch_text(x) + "\n```"
