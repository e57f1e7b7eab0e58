"""One base class for the user's mistakes.

Anything raised as a :class:`UserError` is bad input — a spec, a roster, an answers file, an option —
and its message names the file, line and problem. The CLI prints it and exits with code 2; any
other exception is a bug and shows as one (a traceback, exit code 1).

>>> issubclass(UserError, ValueError)
True
"""
from __future__ import annotations

__all__ = ["UserError"]


class UserError(ValueError):
    """Bad input from the user; ``str()`` is the whole message (file, line, problem)."""
