"""``vgp init DIR``: a starter assignment folder to edit and render."""
from __future__ import annotations

from pathlib import Path

import click


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False))
def init(folder):
    """Write a starter assignment folder: assignment.toml, roster.csv and templates/.

    \b
      vgp init course && cd course && vgp render
    """
    from ..homework.starter import write_starter

    files = write_starter(folder)
    folder = Path(folder)   # "course/" is named course/, not course//
    click.echo(f"Wrote {len(files)} files in {folder}/: assignment.toml, roster.csv (an example "
               "class) and templates/ (edit freely).")
    click.echo(f"Next: cd {folder} && vgp render    (PDFs in out/handouts/ and out/solutions/)")
