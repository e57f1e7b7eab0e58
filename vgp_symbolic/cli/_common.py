"""Helpers shared by the subcommands: failing with exit code 2, exact-number options, JSON."""
from __future__ import annotations

from fractions import Fraction

import click

__all__ = ["fail", "echo_json", "BadInput", "ExactNumber", "ExactList", "EXACT", "POSITIVE", "NONNEGATIVE"]


class BadInput(click.ClickException):
    """Bad input: the message is printed as ``Error: ...`` and the exit code is 2."""

    exit_code = 2


def fail(message: str):
    """Stop with a clear message and exit code 2 (no traceback)."""
    raise BadInput(message)


class ExactNumber(click.ParamType):
    """An option read as an exact rational: ``0.1`` is 1/10, ``1e-6`` is 1/1000000, ``1/4`` too.

    Floats would turn 0.1 into 0.1000000000000000055…; the derivations and proofs are exact, so
    their options are as well. ``minimum`` (with ``strict``) rejects values below a bound.

    >>> ExactNumber().convert("1e-3", None, None), ExactNumber().convert("2/8", None, None)
    (Fraction(1, 1000), Fraction(1, 4))
    >>> ExactNumber(minimum=0, strict=True).convert("0", None, None)
    Traceback (most recent call last):
    click.exceptions.BadParameter: must be positive, got 0
    """

    name = "number"

    def __init__(self, minimum: Fraction | int | None = None, strict: bool = False):
        self.minimum, self.strict = minimum, strict

    def convert(self, value, param, ctx):
        if isinstance(value, Fraction):
            return value
        from ..core.network import to_number  # lazy: keeps `vgp --help` fast
        try:
            q = to_number(str(value).strip(), "value")
        except ValueError:
            self.fail(f"{value!r} is not a number (write 0.25, 1e-3 or 1/4)", param, ctx)
        if self.minimum is not None and (q < self.minimum or (self.strict and q == self.minimum)):
            words = ("positive" if self.minimum == 0 and self.strict else
                     "≥ 0" if self.minimum == 0 else
                     f"{'>' if self.strict else '≥'} {self.minimum}")
            self.fail(f"must be {words}, got {value}", param, ctx)
        return q


class ExactList(ExactNumber):
    """Comma-separated exact numbers, at least one: ``0.20,0.5,0.02``.

    >>> ExactList().convert("0.2, 1/2", None, None)
    (Fraction(1, 5), Fraction(1, 2))
    """

    name = "numbers"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        items = [t for t in str(value).replace(" ", "").split(",") if t]
        if not items:
            self.fail("needs at least one number, e.g. 0.20,0.5,0.02", param, ctx)
        return tuple(super(ExactList, self).convert(t, param, ctx) for t in items)


EXACT = ExactNumber()
POSITIVE = ExactNumber(minimum=0, strict=True)
NONNEGATIVE = ExactNumber(minimum=0)


def echo_json(obj) -> None:
    """Print ``obj`` as JSON (:func:`~vgp_symbolic.jsontext.json_text`); non-JSON numbers are
    written as strings."""
    from ..jsontext import json_text
    click.echo(json_text(obj))
