"""JSON as every ``--format json`` prints it: the top two levels indented, deeper values, lists
of numbers or names and short tables on one line each; a list or table of tables (a proof's
steps, the lab's layers, a batch's symbols) one table per line.

``json.dumps(indent=2)`` runs Python's pure-Python encoder: for a 10⁵-layer derivation it spent
1.9 s of a 9 s run laying out 10⁶ lines. Here the C encoder writes each value below the second
level whole, so a derivation's ``layers`` and ``symbols`` read one entry per line.

>>> rows = [{"layer": k, "delta_norm": 0.25 ** k, "mean_abs_fprime": 0.2} for k in (1, 2)]
>>> print(json_text({"wrt": "w1_11", "route": [1, 1], "layers": rows, "check": None}))
{
  "wrt": "w1_11",
  "route": [1, 1],
  "layers": [
    {"layer": 1, "delta_norm": 0.25, "mean_abs_fprime": 0.2},
    {"layer": 2, "delta_norm": 0.0625, "mean_abs_fprime": 0.2}
  ],
  "check": null
}
"""
from __future__ import annotations

import json

__all__ = ["json_text"]

_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode  # non-JSON numbers as text


def json_text(obj, levels: int = 2, _pad: str = "") -> str:
    """``obj`` as JSON text, indented by two spaces for ``levels`` levels (see the module)."""
    if not isinstance(obj, (dict, list, tuple)) or not obj:
        return _ENCODE(obj)
    if levels <= 0 and not (len(_pad) <= 8 and _tables(obj)):
        return _ENCODE(obj)
    if isinstance(obj, (list, tuple)) and not any(isinstance(v, (dict, list, tuple)) for v in obj):
        return _ENCODE(obj)  # numbers or names: one line ("route", a 10⁵-layer route too)
    if len(obj) <= 8:  # a short table reads best on its line
        short = _ENCODE(obj)
        if len(_pad) + len(short) <= 72:
            return short
    inner = _pad + "  "
    if isinstance(obj, dict):
        items = (f"{inner}{_ENCODE(str(k))}: {json_text(v, levels - 1, inner)}"
                 for k, v in obj.items())
        return "{\n" + ",\n".join(items) + f"\n{_pad}}}"
    items = (inner + json_text(v, levels - 1, inner) for v in obj)
    return "[\n" + ",\n".join(items) + f"\n{_pad}]"


def _tables(obj) -> bool:
    """A list or a table of tables (proof steps, lab layers, a derivation's symbols) is written
    one table per line at any depth."""
    values = obj.values() if isinstance(obj, dict) else obj
    return len(obj) > 1 and all(isinstance(v, dict) for v in values)
