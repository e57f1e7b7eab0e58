"""Checks on matrices and small generic cells that the recurrent, residual and LSTM proofs run,
and the operator-norm steps both matrix proofs share.

Each check is a zero-argument function in the style of :mod:`.checks`: it computes, and passes
only on a definite answer.

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
from .steps import Step

__all__ = ["matrices_identical", "fprime", "generic_cell", "operator_norm_definition",
           "submultiplicativity"]

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


def operator_norm_definition(gives_key: str = "‖Au‖ ≤ ‖A‖₂‖u‖") -> Step:
    """The operator norm, as a definition (never "verified"): ‖Au‖ ≤ ‖A‖₂‖u‖ for every u.

    That ‖·‖₂ so defined equals the largest singular value is a standard fact; the printed step
    says it is cited, not checked.
    """
    return Step("‖A‖₂ = max over v ≠ 0 of ‖Av‖/‖v‖ (the operator norm of the Euclidean norm), so "
                "‖Au‖ ≤ ‖A‖₂‖u‖ for every u; ‖A‖₂ equals A's largest singular value (a standard "
                "fact of linear algebra: cited, not checked here)",
                r"\|A\|_2 = \max_{v\ne 0}\frac{\|Av\|}{\|v\|},\quad \|Au\| \le \|A\|_2\,\|u\|",
                None, "definition of the operator norm; its equality with the largest singular "
                "value is cited", kind="definition", gives={gives_key: True})


def submultiplicativity(definition: int) -> Step:
    """‖AB‖₂ ≤ ‖A‖₂‖B‖₂ for matrices of any size, derived from the operator norm's definition
    (step ``definition`` of the proof): the check verifies the algebra that turns the two uses
    of the definition into the claim, with every quantity a non-negative symbol.

    >>> submultiplicativity(1).check()
    (True, 'lhs − rhs reduces to 0; SymPy: (A*e_2 + e_1).is_nonnegative is True')
    """
    nA, nB, nv, e1, e2 = sp.symbols("A B v e_1 e_2", nonnegative=True)
    Bv = nB * nv - e2  # ‖Bv‖ = ‖B‖‖v‖ − e₂, e₂ ≥ 0 (the definition at u = v)
    ABv = nA * Bv - e1  # ‖A(Bv)‖ = ‖A‖‖Bv‖ − e₁, e₁ ≥ 0 (the definition at u = Bv)
    return Step("‖AB‖₂ ≤ ‖A‖₂‖B‖₂: the definition at u = Bv and at u = v gives ‖ABv‖ = "
                "‖A‖₂‖Bv‖ − e₁ and ‖Bv‖ = ‖B‖₂‖v‖ − e₂ with e₁, e₂ ≥ 0, so ‖A‖₂‖B‖₂‖v‖ − ‖ABv‖ = "
                "e₁ + ‖A‖₂e₂ ≥ 0 for every v; the max over v ≠ 0 of ‖ABv‖/‖v‖ is ‖AB‖₂",
                r"\|AB\|_2 \le \|A\|_2\,\|B\|_2",
                C.all_of(C.identical(nA * nB * nv - ABv, e1 + nA * e2), C.is_nonnegative(e1 + nA * e2)),
                f"expand ‖A‖‖B‖‖v‖ − ‖ABv‖ with the two slacks of step {definition}; a sum of "
                "products of non-negative symbols (any sizes of A and B)", premises=(definition,),
                gives={"‖AB‖₂ ≤ ‖A‖₂‖B‖₂": True})
