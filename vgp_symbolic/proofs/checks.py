"""SymPy verifications that proof steps run: each returns a zero-argument check.

Every check *computes* something and passes only on a definite answer: an identity passes when
``simplify(lhs - rhs)`` is literally 0, a sign claim when SymPy's assumption system answers
``True`` (never ``None``), a limit when ``limit`` returns the stated value. They return
``(ok, detail)`` so that a failed step can say what SymPy found instead.

>>> import sympy as sp
>>> z = sp.Symbol("z", real=True)
>>> identical(sp.diff(sp.tanh(z), z), 1 - sp.tanh(z)**2)()
(True, 'lhs − rhs reduces to 0')
>>> limit_is(sp.exp(z), z, -sp.oo, 0)()
(True, 'limit = 0')
>>> is_positive(sp.exp(z) - 1)()[0]     # SymPy cannot decide the sign: not verified
False
"""
from __future__ import annotations

import sympy as sp

__all__ = ["identical", "is_positive", "is_nonnegative", "limit_is", "solutions_are",
           "range_is", "all_of", "holds", "follows", "kind"]


def kind(k: str):
    """Label a check with the kind of step it verifies (a step takes its kind from its check).

    >>> kind("inequality")(lambda: True).kind
    'inequality'
    """
    def label(check):
        check.kind = k
        return check
    return label


def identical(lhs, rhs, *, rewrite=None):
    """Check ``lhs == rhs`` as an identity: ``simplify(lhs − rhs)`` must be exactly 0.

    ``rewrite`` (e.g. ``sp.exp``) is tried as a second attempt: tanh, cosh and σ identities
    are decided more reliably once everything is written with exponentials.
    """
    def check():
        d = sp.sympify(lhs, strict=True) - sp.sympify(rhs, strict=True)
        # cheap normal forms first (each is a proof when it gives literally 0); simplify last
        for cheap in (lambda e: sp.expand(e.doit()), lambda e: sp.cancel(sp.together(e))):
            if cheap(d) == 0:
                return True, "lhs − rhs reduces to 0"
        attempts = [d] + ([d.rewrite(rewrite)] if rewrite is not None else [])
        last = None
        for a in attempts:
            last = sp.simplify(a)
            if last == 0:
                return True, "simplify(lhs − rhs) = 0"
        return False, f"simplify(lhs − rhs) = {last}, not 0"
    return kind("identity")(check)


def is_positive(expr):
    """Check ``expr > 0`` from the symbols' assumptions (e.g. ``t`` declared positive)."""
    def check():
        e = sp.sympify(expr, strict=True)
        ans = e.is_positive
        if ans is not True:
            ans = sp.factor(sp.simplify(e)).is_positive
        return ans is True, f"SymPy: ({e}).is_positive is {ans}"
    return kind("inequality")(check)


def is_nonnegative(expr):
    """Check ``expr ≥ 0`` from the symbols' assumptions (e.g. a real square)."""
    def check():
        e = sp.sympify(expr, strict=True)
        ans = e.is_nonnegative
        return ans is True, f"SymPy: ({e}).is_nonnegative is {ans}"
    return kind("inequality")(check)


def limit_is(expr, z, point, value, direction=None):
    """Check ``limit(expr, z → point) == value`` (``direction`` '+' or '-' for one-sided).

    At ±∞ the answer of ``sympy.limit`` must agree with ``gruntz`` (the algorithm underneath,
    without limit's heuristics): SymPy 1.14's ``limit`` gets σ(z)(1 + z(1 − σ(z))) → 0 as
    z → ∞ wrong (the limit is 1), and a proof must not inherit that.
    """
    from sympy.series.gruntz import gruntz

    def check():
        kw = {"dir": direction} if direction else {}
        got = sp.limit(expr, z, point, **kw)
        ok = sp.simplify(got - value) == 0
        if point in (sp.oo, -sp.oo):
            other = gruntz(expr, z, point)
            if sp.simplify(other - got) != 0:
                return False, f"sympy.limit gives {got} but gruntz gives {other}"
        return ok, f"limit = {got}"
    return kind("limit")(check)


def solutions_are(equation, z, expected, domain=sp.S.Reals):
    """Check that ``solveset(equation, z, domain)`` is exactly ``expected`` (a set)."""
    def check():
        got = sp.solveset(equation, z, domain)
        return got == sp.sympify(expected, strict=True), f"solveset gives {got}"
    return kind("identity")(check)


def range_is(expr, z, domain, expected):
    """Check that the image of ``domain`` under ``expr`` is ``expected`` (function_range)."""
    from sympy.calculus.util import function_range

    def check():
        if sp.sympify(expr, strict=True).free_symbols.isdisjoint({z}):  # a constant: its range is one point
            got = sp.FiniteSet(expr)
        else:
            got = function_range(expr, z, domain)
        return got == sp.sympify(expected, strict=True), f"range = {got}"
    return kind("identity")(check)


def holds(relation):
    """Check a relation between explicit numbers, e.g. ``sp.Lt(a, b)``, evaluated exactly."""
    def check():
        r = sp.sympify(relation, strict=True)
        return r is sp.true, f"evaluates to {r}"
    return kind("inequality")(check)


def all_of(*checks):
    """Several checks that must all pass (their details are joined)."""
    def check():
        details = []
        for c in checks:
            out = c()
            ok, detail = out if isinstance(out, tuple) else (out, "")
            details.append(detail)
            if ok is not True:
                return False, "; ".join(d for d in details if d)
        return True, "; ".join(d for d in details if d)
    # several kinds together: an inequality if any part is one, else a limit, else an identity
    kinds = {getattr(c, "kind", "") for c in checks}
    return kind(next((k for k in ("inequality", "limit") if k in kinds), "identity"))(check)


def follows(claimed: dict, also=None):
    """A conclusion's check: every fact the conclusion rests on, with the value it states, must
    be exactly what one of the steps it cites established (their ``gives``); ``also`` is an extra
    zero-argument check of the conclusion itself.

    >>> follows({"sup": sp.Rational(1, 4)})({"sup": sp.Rational(1, 4)})
    (True, 'cited steps establish sup = 1/4')
    >>> follows({"sup": sp.Rational(1, 3)})({"sup": sp.Rational(1, 4)})
    (False, 'the conclusion states sup = 1/3, the cited steps establish 1/4')
    >>> follows({"argmax": 0})({})[1]
    'no cited step establishes argmax'
    """
    def check(facts):
        for key, value in claimed.items():
            if key not in facts:
                return False, f"no cited step establishes {key}"
            if not _same(facts[key], value):
                return False, f"the conclusion states {key} = {value}, the cited steps establish {facts[key]}"
        detail = "cited steps establish " + ", ".join(f"{k} = {v}" for k, v in claimed.items())
        if also is not None:
            out = also()
            ok, more = out if isinstance(out, tuple) else (out, "")
            if ok is not True:
                return False, more
            detail += f"; {more}" if more else ""
        return True, detail
    return kind("conclusion")(check)


def _same(a, b) -> bool:
    """Exact equality of two stated values (numbers, SymPy expressions or sets, plain data)."""
    if isinstance(a, (sp.Basic, int)) and isinstance(b, (sp.Basic, int)):
        a, b = sp.sympify(a, strict=True), sp.sympify(b, strict=True)
        if isinstance(a, sp.Set) or isinstance(b, sp.Set):
            return a == b
        return a == b or sp.simplify(a - b) == 0
    return a == b
