"""`vgp prove`: checked proofs of the facts behind the vanishing gradient problem.

Parses, calls :mod:`vgp_symbolic.proofs`, prints. Exit code 0 when every step was verified,
1 when some step was not (the proof is printed with the failing steps marked), 2 on bad input.
"""
from __future__ import annotations

import click

from ._common import echo_json, fail

_DEPTH_OPTS = ("activation", "weight_norm", "layers", "below", "above", "factor")


def _number(value, option, positive=False, nonnegative=False):
    from ..core.network import to_number  # exact: "0.1" is 1/10, "1e-6" is 1/1000000, "1/4" too
    try:
        q = to_number(str(value).strip(), option)
    except ValueError as e:
        fail(str(e))
    if positive and q <= 0:
        fail(f"{option} must be positive, got {value}")
    if nonnegative and q < 0:
        fail(f"{option} must be ≥ 0, got {value}")
    return q


def _layers(value):
    try:
        n = int(str(value).strip())
    except ValueError:
        fail(f"--layers must be a whole number of layers, got {value!r}")
    if n < 1:
        fail(f"--layers must be at least 1 (a depth counts layers), got {n}")
    if n > 10_000:
        fail(f"--layers is at most 10000 (table rows), got {n}")
    return n


@click.command(context_settings={"ignore_unknown_options": False})
@click.argument("targets", nargs=-1, metavar="ACTIVATION... | depth | all | rnn | residual | lstm")
@click.option("--format", "fmt", type=click.Choice(["text", "latex", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--summary", is_flag=True, help="One line per activation: range of f′, sup, "
              "saturation (e.g. `vgp prove sigmoid tanh relu --summary`).")
@click.option("--slope", default=None, metavar="Q", help="leaky_relu's negative slope (default 1/100).")
@click.option("--alpha", default=None, metavar="Q", help="elu's α (default 1).")
@click.option("--activation", default=None, metavar="NAME", help="depth: the activation f [sigmoid].")
@click.option("--weight-norm", default=None, metavar="X",
              help="depth: bound ‖W‖₂ (|w| for a chain) on every weight matrix [1].")
@click.option("--layers", default=None, metavar="N", help="depth: table rows n = 1…N [10].")
@click.option("--below", default=None, metavar="X", help="depth: threshold for the vanishing depth [1e-6].")
@click.option("--above", default=None, metavar="X", help="depth: bound for the exploding depth [1e6].")
@click.option("--factor", default=None, metavar="Q",
              help="depth: use this per-layer factor q instead of sup|f′|·‖W‖ (e.g. 0.1).")
def prove(targets, fmt, summary, slope, alpha, activation, weight_norm, layers, below, above,
          factor):
    """Prove sup/inf/saturation of an activation's derivative, or the depth bound.

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
    """
    from ..core.activations import ACTIVATIONS, UnknownActivation, get_activation

    if any(t.strip().lower() in _ARCH for t in targets):
        _architecture(targets, fmt, activation=activation, weight_norm=weight_norm,
                      layers=layers, below=below, above=above, factor=factor, slope=slope,
                      alpha=alpha, summary=summary or None)
        return
    if not targets:
        fail("name what to prove: an activation (" + ", ".join(ACTIVATIONS)
             + "), 'all', or 'depth'")
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
    given = {k: v for k, v in dict(activation=activation, weight_norm=weight_norm, layers=layers,
                                   below=below, above=above, factor=factor).items()
             if v is not None}
    if given and "depth" not in names:
        opts = ", ".join("--" + k.replace("_", "-") for k in given)
        fail(f"{opts} only apply to `vgp prove depth`")
    dact = None
    if "depth" in names:
        try:
            dact = get_activation(given.get("activation", "sigmoid")).name
        except UnknownActivation as e:
            fail(f"--activation: {e}")
    for opt, val, owner in (("--slope", slope, "leaky_relu"), ("--alpha", alpha, "elu")):
        if val is not None and owner not in names and not (
                dact == owner):
            fail(f"{opt} applies to {owner} only")
    kw = {}
    if slope is not None:
        kw["slope"] = _number(slope, "--slope")
    if alpha is not None:
        kw["alpha"] = _number(alpha, "--alpha")

    from ..proofs import depth_report, prove_activation

    results = []
    for name in names:
        try:
            if name == "depth":
                act = get_activation(dact)
                dkw = {k: v for k, v in kw.items()
                       if (k == "slope" and act.name == "leaky_relu")
                       or (k == "alpha" and act.name == "elu")}
                results.append(depth_report(
                    act.name,
                    weight_norm=_number(given.get("weight_norm", "1"), "--weight-norm",
                                        nonnegative=True),
                    layers=_layers(given.get("layers", "10")),
                    below=_number(given.get("below", "1e-6"), "--below", positive=True),
                    above=_number(given.get("above", "1e6"), "--above", positive=True),
                    factor=(None if "factor" not in given
                            else _number(given["factor"], "--factor", positive=True)),
                    **dkw))
            else:
                akw = {k: v for k, v in kw.items()
                       if (k == "slope" and name == "leaky_relu") or (k == "alpha" and name == "elu")}
                results.append(prove_activation(name, **akw))
        except UnknownActivation as e:
            fail(str(e))
        except ValueError as e:
            fail(str(e))

    _print(results, fmt, summary)
    _exit_if_unverified(results)


_ARCH = ("rnn", "residual", "lstm")


def _architecture(targets, fmt, **opts):
    """`vgp prove rnn|residual|lstm` (vgp_symbolic.proofs.recurrent, .residual, .lstm)."""
    names = [t.strip().lower() for t in targets]
    others = [t for t in names if t not in _ARCH]
    if others:
        fail(f"prove {', '.join(others)} separately from {', '.join(t for t in names if t in _ARCH)}")
    given = {k: v for k, v in opts.items() if v is not None}
    allowed = {"activation", "weight_norm", "layers", "below", "above"} if names == ["rnn"] else set()
    if set(given) - allowed:
        bad = ", ".join("--" + k.replace("_", "-") for k in sorted(set(given) - allowed))
        verb = "does" if len(set(given) - allowed) == 1 else "do"
        fail(f"{bad} {verb} not apply to `vgp prove {' '.join(names)}`" + ("; `vgp prove rnn` takes --activation, --weight-norm "
                                         "(λ₁), --layers (rows T − t), --below, --above"
                                         if "rnn" in names else ""))
    from ..proofs.lstm import lstm_cell_proof
    from ..proofs.recurrent import rnn_report
    from ..proofs.residual import residual_proof

    results = []
    for name in names:
        if name == "rnn":
            try:
                results.append(rnn_report(
                    given.get("activation", "tanh").strip().lower(),
                    weight_norm=_number(given.get("weight_norm", "0.9"), "--weight-norm",
                                        nonnegative=True),
                    steps=_layers(given.get("layers", "20")),
                    below=_number(given.get("below", "1e-6"), "--below", positive=True),
                    above=_number(given.get("above", "1e6"), "--above", positive=True)))
            except ValueError as e:  # includes UnknownActivation (a UserError)
                fail(str(e))
        else:
            results.append((residual_proof if name == "residual" else lstm_cell_proof)().verify())
    _print(results, fmt, False)
    _exit_if_unverified(results)


def _exit_if_unverified(results):
    if not all(r.verified for r in results):
        click.echo("Error: some steps were NOT verified (marked ✗ above); the claim is not proved.",
                   err=True)
        raise SystemExit(1)


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


def _print(results, fmt, summary):
    from ..proofs import ActivationBound

    if summary:
        acts = [r for r in results if isinstance(r, ActivationBound)]
        others = [r for r in results if not isinstance(r, ActivationBound)]
        if fmt == "json":
            objs = [_summary_json(b) for b in acts] + [r.to_json() for r in others]
            echo_json(objs[0] if len(objs) == 1 else objs)
            return
        for line in _summary_rows(acts) if acts else []:
            click.echo(line)
        results = others
        if not results:
            return
    if fmt == "json":
        objs = [r.to_json() for r in results]
        echo_json(objs[0] if len(objs) == 1 else objs)
    elif fmt == "latex":
        click.echo("% vgp prove: needs \\usepackage{amsmath,amssymb}")
        click.echo("\n\n".join(r.to_latex() for r in results))
    else:
        click.echo("\n\n".join(r.to_text() for r in results))
