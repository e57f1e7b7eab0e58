"""`vgp prove` (placeholder until its issue lands)."""
import click

from ._common import fail


@click.command()
def prove():
    """Not built yet."""
    fail("vgp prove is not built yet")
