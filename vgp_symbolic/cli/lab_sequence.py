"""`vgp lab --task adding|first`: the long-range sequence experiment (parses, calls, prints)."""
from __future__ import annotations

import click

from ._common import echo_json, fail

# the dense lab's options that mean something here, and what they mean
_SHARED = {"width": "hidden", "epochs": "iterations", "lr": "lr", "clip": "clip",
           "batch_size": "batch_size", "seed": "seed"}
_ALWAYS = {"task", "lengths", "cells", "plot_dir", "fmt"}


def _ints(text: str, option: str) -> tuple[int, ...]:
    try:
        out = tuple(int(t) for t in text.split(",") if t.strip())
    except ValueError:
        fail(f"{option} takes whole numbers separated by commas, got {text!r}")
    if not out:
        fail(f"{option} is empty")
    return out


def sequence_lab(ctx: click.Context) -> None:
    """Run :func:`~vgp_symbolic.lab.long_range.run_long_range` from the `vgp lab` options."""
    from ..lab.long_range import SeqConfig, format_long_range, run_long_range

    params = ctx.params
    if params["task"] == "moons":
        fail("--lengths and --cells go with --task adding or --task first")
    given = {k for k in params if ctx.get_parameter_source(k).name != "DEFAULT"}
    stray = sorted(given - set(_SHARED) - _ALWAYS)
    if stray:
        fail(f"{', '.join('--' + k.replace('_', '-') for k in stray)} do(es) not apply to a "
             "sequence task; it takes --lengths, --cells, --width (hidden units), --epochs "
             "(iterations), --lr, --clip, --batch-size, --seed, --plot, --format")
    kw = {_SHARED[k]: params[k] for k in _SHARED if k in given}
    cells = tuple(c.strip().lower() for c in params["cells"].split(",") if c.strip())
    cfg = SeqConfig(task=params["task"], cells=cells, lengths=_ints(params["lengths"], "--lengths"),
                    **kw)
    cfg.check()  # a LabError is a UserError: the vgp group prints it and exits 2
    result = run_long_range(cfg)
    written = []
    if params["plot_dir"]:
        from ..lab.long_range_plots import plot_long_range
        try:
            written = plot_long_range(result, params["plot_dir"])
        except OSError as e:
            fail(f"cannot write plots to {params['plot_dir']}: {e.strerror or e}")
    if params["fmt"] == "json":
        echo_json({"long_range": result.to_dict(), "plots": [str(p) for p in written]})
        return
    click.echo(format_long_range(result))
    for p in written:
        click.echo(f"wrote {p}")
