"""Line numbers in TOML text, for error messages: tomllib reports no positions.

One lookup for every reader of TOML (network specs, problem types, assignments), so that an
error names the same line however the file was written: ``key = …``, a dotted ``key.sub = …``,
a quoted ``"key" = …`` or an inline-table entry ``{key = …}``.

>>> lines = '''[network]
... inputs = 2
... layers = [
...   {units = 3, activation = "tanh"},
...   {units = 1},
... ]
... [values]
... x = [1, 2]
... '''.splitlines()
>>> key_line(lines, "x"), key_line(lines, "inputs", after=1), header_line(lines, "[values]")
(8, 2, 7)
>>> key_line(lines, "x", after=1) is None     # x is not in the [network] table
True
>>> item_line(lines, "layers", 2, "units")     # the second layer's table
5
"""
from __future__ import annotations

import re

__all__ = ["key_line", "header_line", "item_line"]

_HEADER = re.compile(r"^\s*\[")


def _key(key: str) -> tuple[re.Pattern, re.Pattern]:
    k = re.escape(key)
    return re.compile(rf"^\s*(\"?){k}\1\s*[=.]"), re.compile(rf"[{{,]\s*{k}\s*=")


def key_line(lines: list[str], key: str, after: int | None = None) -> int | None:
    """The line (1-based) of the first ``key =`` (or ``key.``, ``"key" =``, ``{key =``).

    From the whole text; with ``after``, from that line on and within its table (the search
    stops at the next table header).
    """
    own, inline = _key(key)
    start = after or 1
    for n in range(start, len(lines) + 1):
        ln = lines[n - 1]
        if after and n > start and _HEADER.match(ln):
            break
        if own.match(ln) or inline.search(ln):
            return n
    return None


def header_line(lines: list[str], header: str, index: int = 0) -> int | None:
    """The line of the ``index``-th (0-based) table header ``header``, e.g. ``[[problems]]``."""
    pat = re.compile(rf"^\s*{re.escape(header)}\s*(#.*)?$")
    hits = (n for n, ln in enumerate(lines, 1) if pat.match(ln))
    return next((n for i, n in enumerate(hits) if i == index), None)


def item_line(lines: list[str], key: str, index: int, item_key: str) -> int | None:
    """The line of the ``index``-th (1-based) inline table of the array ``key``, found by its
    ``item_key`` (the k-th ``units`` after ``layers =``); the array's own line when the text
    has fewer."""
    line = key_line(lines, key)
    if line is None:
        return None
    word = re.compile(rf"\b{re.escape(item_key)}\b")
    seen = 0
    for n in range(line, len(lines) + 1):
        ln = lines[n - 1] if n > line else lines[n - 1].split("=", 1)[1]
        seen += len(word.findall(ln))
        if seen >= index:
            return n
    return line
