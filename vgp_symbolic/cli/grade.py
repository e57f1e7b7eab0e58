"""`vgp grade` (placeholder until its issue lands)."""
import click

from ._common import fail


@click.command()
def grade():
    """Not built yet."""
    fail("vgp grade is not built yet")
