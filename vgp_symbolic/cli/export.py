"""``vgp export``: N variants of an assignment for Moodle, Canvas or a QTI 2.1 system."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["moodle", "canvas", "qti21"]))
@click.argument("assignment", type=click.Path(dir_okay=False))
@click.option("--variants", "n", type=int, default=10, show_default=True,
              help="Variants per problem, drawn like students with ids v001, v002, ….")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The file to write: .xml for moodle, .zip for canvas and qti21.")
@click.option("--seed", "class_seed", type=int, default=None,
              help="Class seed for the draws (default: the assignment's).")
def export(fmt, assignment, n, out, class_seed):
    """Export ASSIGNMENT as an LMS question pool: FORMAT is moodle, canvas or qti21.

    \b
      vgp export moodle vgp_symbolic/problems/hw1.toml --variants 20 --out hw1_moodle.xml
      vgp export canvas vgp_symbolic/problems/hw1.toml --variants 20 --out hw1_canvas.zip
      vgp export qti21  vgp_symbolic/problems/hw1.toml --variants 20 --out hw1_qti21.zip

    The LMS picks a variant per student; `vgp import` grades the responses exported back.
    """
    from ..fileio import atomic_write_bytes
    from ..lms.export import export_assignment
    data, summary = export_assignment(fmt, assignment, n, class_seed)
    atomic_write_bytes(Path(out), data)
    click.echo(summary)
    click.echo(f"wrote {out} ({len(data)} bytes)")
