"""Import heavy libraries (sympy, numpy, mpmath) on first use, so that ``vgp --help`` is instant.

``np = lazy_import("numpy")`` at the top of a module reads like an import; the library is
imported the first time an attribute is used, and each attribute is then cached on the proxy,
so later uses cost a plain attribute lookup. Unlike :class:`importlib.util.LazyLoader`, nothing
is put in ``sys.modules`` before the real import.

>>> m = lazy_import("fractions")
>>> m.Fraction(1, 3)
Fraction(1, 3)
"""
from __future__ import annotations

import importlib

__all__ = ["lazy_import"]


class _LazyModule:
    def __init__(self, name: str):
        self.__dict__["_name"] = name

    def __getattr__(self, attr):
        # only reached for attributes not cached yet
        value = getattr(importlib.import_module(self._name), attr)
        self.__dict__[attr] = value
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_import(name: str):
    """A stand-in for ``import name`` that imports on first attribute access."""
    return _LazyModule(name)
