"""``vgp derive``: the chain rule for ∂L/∂w, step by step."""
from __future__ import annotations

import click

from ..core.backprop import EvaluationError
from ..core.chain import SEED_EXAMPLE, factor_chain
from ..core.derive import derive as build_derivation
from ..core.evaluate import evaluate
from ..examples import EXAMPLES, load_example
from ..core.network import SpecError, load_spec
from ..report import (chain_dict, chain_latex, chain_text, derivation_dict, derivation_latex,
                      derivation_text)
from ._common import echo_json, fail

_EXAMPLE_HELP = "; ".join(f"{k}: {v}" for k, v in EXAMPLES.items())


@click.command()
@click.argument("spec", required=False, type=click.Path(dir_okay=False))
@click.option("--wrt", help="Parameter: w<layer>_<i><j> (w2_11; w1_3_12 for two-digit indices) or "
              "b<layer>_<j> [w1_11]; recurrent: W_ij, U_ij, b_i, gated Wf_ij, Uf_ij, bf_i … [W_11]")
@click.option("--route", help="One route: the unit of each layer from the parameter up to the "
                              "output, e.g. 1,1,1 (i, j, output). Default: the sum over all routes.")
@click.option("--example", type=click.Choice(list(EXAMPLES)), help=_EXAMPLE_HELP)
@click.option("--factors", help="Hand-made chain: multiply these factors, e.g. 0.20,0.5,0.02.")
@click.option("--old", help="With --factors: the weight before the update, e.g. 2.5.")
@click.option("--lr", help="Learning rate η for the update (overrides the spec's lr).")
@click.option("--precision", type=click.IntRange(10, 10000),
              help="Evaluate in mpmath with this many significant digits.")
@click.option("--symbolic", is_flag=True, help="Ignore the spec's numbers: formulas only.")
@click.option("--no-check", is_flag=True, help="Skip the finite-difference check.")
@click.option("--format", "fmt", type=click.Choice(["text", "latex", "json"]), default="text",
              show_default=True)
def derive(spec, wrt, route, example, factors, old, lr, precision, symbolic, no_check, fmt):
    """Derive ∂L/∂w by the chain rule: forward pass, each factor, the total, the update.

    \b
      vgp derive --example seed
      vgp derive --factors 0.20,0.5,0.02 --old 2.5 --lr 1
      vgp derive NET.toml --wrt w1_11 [--route 1,1,1] [--format json]
    """
    chosen = [n for n, v in (("SPEC", spec), ("--example", example), ("--factors", factors)) if v]
    if len(chosen) != 1:
        fail("give exactly one of SPEC, --example or --factors "
             f"({'none' if not chosen else ' and '.join(chosen)} given)")
    try:
        if factors or example == "seed":
            _chain(factors, old, lr, fmt)
            return
        if old is not None:
            fail("--old goes with --factors; a network takes the weight's value from its spec")
        if spec and _architecture(spec, wrt, lr, precision, symbolic, no_check, fmt):
            return
        wrt = wrt or "w1_11"
        if spec:
            net, values = load_spec(spec)
        else:
            net, values, _ = load_example(example)
        d = build_derivation(net, wrt, route)
        if symbolic or not values.complete(net):
            result = d
        else:
            result = evaluate(d, values, lr=_number(lr, "--lr"), precision=precision,
                              check=not no_check)
    except (SpecError, EvaluationError, ValueError) as e:
        fail(str(e))
    if fmt == "json":
        echo_json(derivation_dict(result))
    elif fmt == "latex":
        click.echo(derivation_latex(result, standalone=True))
    else:
        click.echo(derivation_text(result))
    check = getattr(result, "check", None)
    if check is not None and check.agrees is False:
        # not the user's input: the derivation and its independent check disagree (a bug)
        click.echo(f"Error: the gradient DISAGREES with its independent check ({check.method}, "
                   f"relative difference {check.relative_error:.1e}); please report this", err=True)
        raise SystemExit(1)


def _architecture(spec, wrt, lr, precision, symbolic, no_check, fmt) -> bool:
    """A residual or recurrent spec (``kind = "recurrent"``, ``residual = true``): derive and
    print it, return True; a dense spec: return False."""
    from ..core.arch_derive import derive_arch, evaluate_arch
    from ..core.arch_spec import load_architecture
    from ..arch_report import arch_dict, arch_latex, arch_text

    arch = load_architecture(spec)
    if arch is None:
        return False
    d = derive_arch(arch, wrt)
    result = d if symbolic or not arch.complete else evaluate_arch(
        d, lr=_number(lr, "--lr"), precision=precision, check=not no_check)
    out = {"json": lambda r: echo_json(arch_dict(r)),
           "latex": lambda r: click.echo(arch_latex(r, standalone=True))}
    out.get(fmt, lambda r: click.echo(arch_text(r)))(result)
    return True


def _number(text, where):
    if text is None:
        return None
    from ..core.network import to_number
    return to_number(text, where)


def _chain(factors, old, lr, fmt):
    seed = SEED_EXAMPLE if not factors else None
    if seed:
        c = factor_chain(seed["factors"], seed["old"], seed["lr"], seed["names"])
    else:
        c = factor_chain(factors, old, lr if lr is not None else (1 if old is not None else None))
    if fmt == "json":
        echo_json(chain_dict(c, seed))
    elif fmt == "latex":
        click.echo(chain_latex(c))
    else:
        click.echo(chain_text(c, seed))
