"""`vgp prove`: checked proofs of the facts behind the vanishing gradient problem.

Parses, calls :mod:`vgp_symbolic.proofs`, prints. Exit code 0 when every step was verified,
1 when some step was not (the proof is printed with the failing steps marked), 2 on bad input.
"""
from __future__ import annotations

import click

from ._common import EXACT, NONNEGATIVE, POSITIVE, echo_json, fail

_DEPTH_OPTS = ("activation", "weight_norm", "layers", "below", "above", "factor")


@click.command(context_settings={"ignore_unknown_options": False})
@click.argument("targets", nargs=-1, metavar="ACTIVATION... | depth | all | rnn | residual | lstm")
@click.option("--format", "fmt", type=click.Choice(["text", "latex", "json"]), default="text",
              show_default=True, help="Output format (latex: a fragment; see --standalone).")
@click.option("--standalone", is_flag=True,
              help="With --format latex: a complete document instead of a fragment.")
@click.option("--summary", is_flag=True, help="One line per activation: range of f′, sup, "
              "saturation (e.g. `vgp prove sigmoid tanh relu --summary`).")
@click.option("--slope", type=EXACT, default=None, metavar="Q",
              help="leaky_relu's negative slope (default 1/100).")
@click.option("--alpha", type=EXACT, default=None, metavar="Q", help="elu's α (default 1).")
@click.option("--activation", default="sigmoid", show_default=True, metavar="NAME",
              help="depth: the activation f.")
@click.option("--weight-norm", type=NONNEGATIVE, default="1", show_default=True, metavar="X",
              help="depth: bound ‖W‖₂ (|w| for a chain) on every weight matrix.")
@click.option("--layers", type=click.IntRange(1, 10_000), default=10, show_default=True,
              metavar="N", help="depth: table rows n = 1…N.")
@click.option("--below", type=POSITIVE, default="1e-6", show_default=True, metavar="X",
              help="depth: threshold for the vanishing depth.")
@click.option("--above", type=POSITIVE, default="1e6", show_default=True, metavar="X",
              help="depth: bound for the exploding depth.")
@click.option("--factor", type=POSITIVE, default=None, metavar="Q",
              help="depth: use this per-layer factor q instead of sup|f′|·‖W‖ (e.g. 0.1).")
@click.pass_context
def prove(ctx, targets, fmt, standalone, summary, slope, alpha, activation, weight_norm, layers,
          below, above, factor):
    """Prove sup/inf/saturation of an activation's derivative, the depth bound, or the RNN,
    residual and LSTM bounds.

    \b
      vgp prove sigmoid                    σ′ = σ(1 − σ) ∈ (0, 1/4], every step checked
      vgp prove sigmoid tanh relu --summary
      vgp prove all --format json
      vgp prove depth --layers 10 --below 1e-6
      vgp prove depth --factor 0.1 --layers 4          0.1⁴ = 1/10000 = 0.0001
      vgp prove depth --activation tanh --weight-norm 1.5
      vgp prove rnn --weight-norm 0.9 --layers 30    ‖∂h_T/∂hₜ‖ ≤ (γλ₁)^(T−t), tanh by default
      vgp prove residual                   ‖∏(I + Jₖ)‖ ≥ 1 − Σ‖Jₖ‖
      vgp prove lstm                       ∂c_T/∂cₜ = ∏ diag(fₛ)
      vgp prove sigmoid --format latex --standalone > sigmoid.tex
    """
    from ..core.activations import get_activation

    given = [k for k in _DEPTH_OPTS + ("slope", "alpha", "summary")
             if ctx.get_parameter_source(k) is not click.core.ParameterSource.DEFAULT]
    if standalone and fmt != "latex":
        fail("--standalone goes with --format latex")
    if any(t.strip().lower() in _ARCH for t in targets):
        results = _architecture(targets, {k: ctx.params[k] for k in given})
        _print(results, fmt, False, standalone)
        _exit_if_unverified(results)
        return
    names = _targets(targets)
    given = [k for k in given if k in _DEPTH_OPTS]
    if given and "depth" not in names:
        fail(", ".join("--" + k.replace("_", "-") for k in given)
             + " only apply to `vgp prove depth`")
    dact = get_activation(activation).name if "depth" in names else None
    for opt, val, owner in (("--slope", slope, "leaky_relu"), ("--alpha", alpha, "elu")):
        if val is not None and owner not in names and dact != owner:
            fail(f"{opt} applies to {owner} only")

    from ..api import prove as prove_all

    depth = (dict(activation=dact, weight_norm=weight_norm, layers=layers, below=below,
                  above=above, factor=factor) if dact else {})
    results = prove_all(*names, slope=slope, alpha=alpha, **depth).results
    _print(results, fmt, summary, standalone)
    _exit_if_unverified(results)


def _exit_if_unverified(results):
    if not all(r.verified for r in results):
        click.echo("Error: some steps were NOT verified (marked ✗ above); the claim is not proved.",
                   err=True)
        raise SystemExit(1)


_ARCH = ("rnn", "residual", "lstm")


def _architecture(targets, given: dict) -> list:
    """`vgp prove rnn|residual|lstm` (vgp_symbolic.proofs.recurrent, .residual, .lstm)."""
    from fractions import Fraction

    names = [t.strip().lower() for t in targets]
    others = [t for t in names if t not in _ARCH]
    if others:
        fail(f"prove {', '.join(others)} separately from {', '.join(t for t in names if t in _ARCH)}")
    allowed = {"activation", "weight_norm", "layers", "below", "above"} if names == ["rnn"] else set()
    if set(given) - allowed:
        bad = ", ".join("--" + k.replace("_", "-") for k in sorted(set(given) - allowed))
        verb = "does" if len(set(given) - allowed) == 1 else "do"
        fail(f"{bad} {verb} not apply to `vgp prove {' '.join(names)}`"
             + ("; `vgp prove rnn` takes --activation, --weight-norm (λ₁), --layers (rows T − t), "
                "--below, --above" if "rnn" in names else ""))
    from ..proofs.lstm import lstm_cell_proof
    from ..proofs.recurrent import rnn_report
    from ..proofs.residual import residual_proof

    return [rnn_report(given.get("activation", "tanh").strip().lower(),
                       weight_norm=given.get("weight_norm", Fraction(9, 10)),
                       steps=given.get("layers", 20), below=given.get("below", Fraction(1, 10**6)),
                       above=given.get("above", Fraction(10**6)))
            if name == "rnn" else
            (residual_proof if name == "residual" else lstm_cell_proof)().verify()
            for name in names]


def _targets(targets) -> list[str]:
    """The activations (canonical names) and 'depth' named on the command line."""
    from ..core.activations import ACTIVATIONS, UnknownActivation, get_activation

    if not targets:
        fail("name what to prove: an activation (" + ", ".join(ACTIVATIONS)
             + "), 'all' (every activation), 'depth', 'rnn', 'residual' or 'lstm'")
    names: list[str] = []
    for t in targets:
        key = t.strip().lower()
        if key == "all":
            names += list(ACTIVATIONS)
        elif key == "depth":
            names.append("depth")
        else:
            try:
                names.append(get_activation(key).name)
            except UnknownActivation as e:
                fail(f"{e}; or 'depth' for the depth bound, 'all' for every activation, "
                     "'rnn', 'residual' or 'lstm' for the architectures' theorems")
    return names


def _summary_rows(bounds) -> list[str]:
    """One aligned line per activation: f′(z) ∈ range, sup |f′| and where, saturation."""
    rows = []
    for b in bounds:
        p = b.symbol + "′"
        where = ("at " if b.sup_attained else "") + b.argmax
        sat = " and ".join({"-oo": "−∞", "+oo": "+∞"}[k] for k in b.saturates_at)
        ok, total = b.checked.count
        rng = b.range_text.split(" ≈ ")[0]  # swish, gelu: "[1 − M, M]", with M given next
        sup = ("M = " if "M" in rng else "") + b.sup_short
        rows.append((f"{p}(z) ∈ {rng}", f"sup |{p}| = {sup}", where,
                     f"→ 0 at {sat}" if sat else "no saturation",
                     f"[{'✓' if ok == total else '✗'} {ok}/{total} steps verified]"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return ["  ".join(c.ljust(w) for c, w in zip(r[:4], widths)) + "  " + r[4] for r in rows]


def _summary_json(b) -> dict:
    d = b.to_json()
    return {k: d[k] for k in ("activation", "derivative", "range", "sup", "sup_float", "argmax",
                              "inf", "saturates", "saturates_at", "verified")}


def _print(results, fmt, summary, standalone):
    from ..api import ProofResult
    from ..latex import Latex
    from ..proofs import ActivationBound

    if summary:
        acts = [r for r in results if isinstance(r, ActivationBound)]
        others = [r for r in results if not isinstance(r, ActivationBound)]
        if fmt == "json":
            objs = [_summary_json(b) for b in acts] + [r.to_json() for r in others]
            echo_json(objs[0] if len(objs) == 1 else objs)
            return
        rows = _summary_rows(acts) if acts else []
        if fmt == "latex":
            from ..latex import tex_text
            body = "\\begin{flushleft}\\small\n" + "\\\\\n".join(
                tex_text(" ".join(r.split())) for r in rows) + "\n\\end{flushleft}\n"
            results = others
        else:
            for line in rows:
                click.echo(line)
            results = others
            if not results:
                return
    if fmt == "json":
        objs = [r.to_json() for r in results]
        echo_json(objs[0] if len(objs) == 1 else objs)
    elif fmt == "latex":
        tex = ProofResult(tuple(results)).to_latex()
        if summary:
            tex = Latex(body) + tex if results else Latex(body)
        click.echo(tex.document() if standalone else tex.fragment(), nl=False)
    else:
        click.echo("\n\n".join(r.to_text() for r in results))
