"""Checks on matrices and small generic cells that the recurrent, residual and LSTM proofs run.

Each returns a zero-argument check in the style of :mod:`.checks`: it computes, and passes only
on a definite answer.

>>> import sympy as sp
>>> a, b = sp.symbols("a b", real=True)
>>> matrices_identical(sp.Matrix([[a + b]]), sp.Matrix([[b + a]]))()
(True, 'all 1 entries agree')
>>> fprime(sp.Function("f"), a)
Subs(Derivative(f(_xi), _xi), _xi, a)
"""
from __future__ import annotations

import sympy as sp

from . import checks as C

__all__ = ["matrices_identical", "fprime", "generic_cell", "submultiplicative_samples"]

_XI = sp.Symbol("_xi", real=True)


def fprime(f, z):
    """f′(z) for an undefined function f, as SymPy writes the chain rule's factor."""
    return sp.Subs(sp.Derivative(f(_XI), _XI), _XI, z)


def matrices_identical(A, B):
    """Every entry of A − B reduces to 0 (after ``doit``, expansion or cancellation)."""
    def check():
        A_, B_ = sp.Matrix(A), sp.Matrix(B)
        if A_.shape != B_.shape:
            return False, f"shapes {A_.shape} and {B_.shape} differ"
        for i, (x, y) in enumerate(zip(A_, B_)):
            d = sp.expand((x - y).doit())
            if d != 0 and sp.simplify(d) != 0:
                return False, f"entry {i} differs by {d}"
        return True, f"all {len(A_)} entries agree"
    return C.kind("identity")(check)


def generic_cell(n: int = 2, f=None):
    """A vanilla cell h ↦ f(W h + U x + b) on n units with an undefined f and symbolic W, U, b.

    Returns ``(step, W, f)``; ``step(h, x)`` gives the next state as a column matrix.
    """
    f = f or sp.Function("f")
    W = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"W{i + 1}{j + 1}", real=True))
    U = sp.Matrix(n, 1, lambda i, j: sp.Symbol(f"U{i + 1}", real=True))
    b = sp.Matrix(n, 1, lambda i, j: sp.Symbol(f"b{i + 1}", real=True))

    def step(h, x):
        return (W * h + U * x + b).applyfunc(f)
    return step, W, f


def _norm2_sq_interval(A: sp.Matrix):
    """A certified enclosure of ‖A‖₂² for a rational 2×2 A: (t + √(t² − 4d))/2 with t = ‖A‖_F²,
    d = det(A)² (the larger eigenvalue of AᵀA), in mpmath interval arithmetic."""
    from mpmath import iv

    t = sum(e**2 for e in A)
    d = A.det() ** 2
    T = iv.mpf([t.p, t.p]) / t.q
    D = iv.mpf([d.p, d.p]) / d.q
    return (T + iv.sqrt(T * T - 4 * D)) / 2


def submultiplicative_samples(count: int = 40, seed: int = 1):
    """‖AB‖₂ ≤ ‖A‖₂‖B‖₂ on random rational 2×2 pairs, each decided by a certified interval
    enclosure (an undecided pair -- equality -- fails the check rather than passing)."""
    import random

    from mpmath import iv

    def check():
        rng = random.Random(seed)
        old, iv.dps = iv.dps, 60
        try:
            for _ in range(count):
                A, B = (sp.Matrix(2, 2, lambda i, j: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)))
                        for _ in range(2))
                gap = _norm2_sq_interval(A) * _norm2_sq_interval(B) - _norm2_sq_interval(A * B)
                if not gap.a >= 0:
                    return False, f"not decided for A = {A.tolist()}, B = {B.tolist()}"
        finally:
            iv.dps = old
        return True, f"certified interval enclosures on {count} random rational pairs"
    return C.kind("inequality")(check)
