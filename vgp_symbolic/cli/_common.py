"""Helpers shared by the subcommands: failing with exit code 2, printing JSON."""
from __future__ import annotations

import json

import click

__all__ = ["fail", "echo_json", "BadInput"]


class BadInput(click.ClickException):
    """Bad input: the message is printed as ``Error: ...`` and the exit code is 2."""

    exit_code = 2


def fail(message: str):
    """Stop with a clear message and exit code 2 (no traceback)."""
    raise BadInput(message)


def echo_json(obj) -> None:
    """Print ``obj`` as indented JSON; non-JSON numbers are written as strings."""
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False, default=str))
