"""``vgp derive``: the chain rule for ∂L/∂w, step by step."""
from __future__ import annotations

import click

from ..examples import EXAMPLES
from ._common import EXACT, ExactList, echo_json, fail

_EXAMPLE_HELP = "; ".join(f"{k}: {v}" for k, v in EXAMPLES.items())


@click.command()
@click.argument("spec", required=False, type=click.Path(dir_okay=False))
@click.option("--wrt", help="Parameter: w<layer>_<i><j> (w2_11; w1_3_12 for two-digit indices) or "
              "b<layer>_<j> [w1_11]; recurrent: W_ij, U_ij, b_i, gated Wf_ij, Uf_ij, bf_i … [W_11]")
@click.option("--route", help="One route: the unit of each layer from the parameter up to the "
                              "output, e.g. 1,1,1 (i, j, output). Default: the sum over all routes.")
@click.option("--example", type=click.Choice(list(EXAMPLES)), help=_EXAMPLE_HELP)
@click.option("--factors", type=ExactList(),
              help="Hand-made chain: multiply these factors, e.g. 0.20,0.5,0.02.")
@click.option("--old", type=EXACT, help="With --factors: the weight before the update, e.g. 2.5.")
@click.option("--lr", type=EXACT,
              help="Learning rate η for the update (overrides the spec's lr; with --factors it "
                   "needs --old).")
@click.option("--precision", type=click.IntRange(10, 10000),
              help="Evaluate in mpmath with this many significant digits.")
@click.option("--symbolic", is_flag=True, help="Ignore the spec's numbers: formulas only.")
@click.option("--no-check", is_flag=True, help="Skip the finite-difference check.")
@click.option("--format", "fmt", type=click.Choice(["text", "latex", "json"]), default="text",
              show_default=True,
              help="latex: a fragment whose first line names the packages it needs.")
@click.option("--standalone", is_flag=True,
              help="With --format latex: a complete document pdflatex compiles as is.")
def derive(spec, wrt, route, example, factors, old, lr, precision, symbolic, no_check, fmt,
           standalone):
    """Derive ∂L/∂w by the chain rule: forward pass, each factor, the total, the update.

    \b
      vgp derive --example seed
      vgp derive --factors 0.20,0.5,0.02 --old 2.5 --lr 1
      vgp derive NET.toml --wrt w1_11 [--route 1,1,1] [--format json]
      vgp derive --example deep --format latex --standalone > deep.tex
    """
    from .. import api

    chosen = [n for n, v in (("SPEC", spec), ("--example", example), ("--factors", factors)) if v]
    if len(chosen) != 1:
        fail("give exactly one of SPEC, --example or --factors "
             f"({'none' if not chosen else ' and '.join(chosen)} given)")
    if standalone and fmt != "latex":
        fail("--standalone goes with --format latex")
    if factors or example == "seed":
        if lr is not None and old is None:
            fail("--lr needs --old: the update w − η·product needs the weight before it")
        result = api.chain(factors, old=old, lr=lr)
    else:
        if old is not None:
            fail("--old goes with --factors; a network takes the weight's value from its spec")
        result = api.derive(spec or example, wrt, route=route, lr=lr, precision=precision,
                            symbolic=symbolic, check=not no_check)
    if fmt == "json":
        echo_json(result.to_dict())
    elif fmt == "latex":
        tex = result.to_latex()
        click.echo(tex.document() if standalone else tex.fragment(), nl=False)
    else:
        click.echo(result.to_text())
    check = getattr(result, "check", None)
    if check is not None and check.agrees is False:
        # not the user's input: the derivation and its independent check disagree (a bug)
        click.echo(f"Error: the gradient DISAGREES with its independent check ({check.method}, "
                   f"relative difference {check.relative_error:.1e}); please report this", err=True)
        raise SystemExit(1)
