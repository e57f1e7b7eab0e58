"""Run the docstring examples of every module in the package (they are documentation too)."""
import doctest
import importlib
import pkgutil

import pytest

import vgp_symbolic

MODULES = sorted(m.name for m in pkgutil.walk_packages(vgp_symbolic.__path__, "vgp_symbolic."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"

