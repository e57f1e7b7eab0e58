"""vgp_symbolic: teach and assess the vanishing gradient problem with exact mathematics.

Data flows one way: ``core`` (spec → symbolic chain → numbers)
→ ``report`` / ``proofs`` / homework / grading / lab. ``cli`` only parses, calls and prints.

The Python API (:mod:`vgp_symbolic.api`), loaded on first use so that ``import vgp_symbolic``
and ``vgp --help`` stay fast (SymPy takes about a second to import)::

    from vgp_symbolic import Network, derive, prove, lab
    derive("net", "w1_11")          # a built-in example, a spec path or a Network
    prove("sigmoid")                # σ′ ≤ 1/4, every step checked
    lab.run(lab.LabConfig(depth=8)) # the numpy experiment
"""
__version__ = "0.1.0"

__all__ = ["Network", "derive", "chain", "prove", "lab", "__version__"]

_API = {"Network", "derive", "chain", "prove"}


def __getattr__(name):
    # PEP 562: the API's heavy imports (SymPy, numpy) happen on first use, not on import
    if name in _API:
        from . import api
        return getattr(api, name)
    if name == "lab":
        import importlib
        return importlib.import_module(".lab", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(__all__))
