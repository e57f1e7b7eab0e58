"""`vgp render` (placeholder until its issue lands)."""
import click

from ._common import fail


@click.command()
def render():
    """Not built yet."""
    fail("vgp render is not built yet")
