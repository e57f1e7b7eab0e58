"""``vgp preview``: one problem and its worked solution as a PDF, in seconds."""
from __future__ import annotations

import click


@click.command()
@click.argument("problem", type=click.Path(dir_okay=False))
@click.option("--student", "student", default="s000000", show_default=True,
              help="The student id whose numbers are drawn.")
@click.option("--seed", type=int, default=0, show_default=True, help="Class seed.")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
              help="PDF to write (default: PROBLEM-preview.pdf here).")
def preview(problem, student, seed, out):
    """Render one problem file (statement, diagram, answers, worked solution) to PDF.

    \b
      vgp preview vgp_symbolic/problems/deep_tanh.toml --student s000042
    """
    from ..homework.preview import preview as run
    path = run(problem, out, student, seed)
    click.echo(f"Preview of {problem} for {student}: {path}")
