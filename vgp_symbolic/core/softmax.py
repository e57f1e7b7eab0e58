"""The softmax output: sⱼ = e^(zⱼ) / Σₖ e^(zₖ), its Jacobian and its pairing with cross-entropy.

Softmax is not elementwise: every sⱼ depends on every logit, and

    ∂sⱼ/∂zₖ = sⱼ(δⱼₖ − sₖ),   i.e.   ∂s/∂z = diag(s) − s sᵀ.

With the cross-entropy L = −Σⱼ yⱼ log sⱼ (∂L/∂sⱼ = −yⱼ/sⱼ) the Jacobian route collapses:

    ∂L/∂zₖ = Σⱼ (−yⱼ/sⱼ)·sⱼ(δⱼₖ − sₖ) = sₖ·Σⱼyⱼ − yₖ = sₖ − yₖ   (Σy = 1),

which is why frameworks fuse the two (PyTorch's ``CrossEntropyLoss`` takes logits). Here the
graph keeps both links -- softmax nodes ŷ = s (:class:`SoftmaxOp`) and the loss on them
(:class:`CrossEntropyOp`, valued from the logits by log-sum-exp) -- so the backward pass takes
the Jacobian route, and :func:`jacobian_route` shows, and SymPy checks, that it is s − y.

>>> import mpmath
>>> [mpmath.nstr(v, 6) for v in softmax([mpmath.mpf(1000), mpmath.mpf(0)], mpmath)]
['1.0', '5.07596e-435']
>>> logsumexp([1000.0, 1000.0])
1000.6931471805599
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp

from .losses import VectorLoss

__all__ = ["softmax", "logsumexp", "softmax_jacobian", "jacobian_route", "SoftmaxOp",
           "CrossEntropyOp"]


def logsumexp(z, lib=math):
    """log Σ e^(zₖ), shifted by max z so that no exponential overflows."""
    m = max(z)
    return m + lib.log(sum(lib.exp(v - m) for v in z))


def softmax(z, lib=math) -> list:
    """e^(zⱼ − max z) / Σₖ e^(zₖ − max z): the same numbers, without overflow."""
    m = max(z)
    e = [lib.exp(v - m) for v in z]
    total = sum(e)
    return [v / total for v in e]


def softmax_jacobian(s) -> sp.Matrix:
    """diag(s) − s sᵀ for symbols or numbers ``s`` (entry (j, k) is ∂sⱼ/∂zₖ).

    >>> a, b = sp.symbols("s_1 s_2")
    >>> softmax_jacobian([a, b])
    Matrix([
    [-s_1**2 + s_1,      -s_1*s_2],
    [     -s_1*s_2, -s_2**2 + s_2]])
    """
    s = sp.Matrix(list(s))
    return sp.diag(*s) - s * s.T


def jacobian_route(s, y) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix, bool]:
    """∂L/∂s, ∂s/∂z and their product (∂s/∂z)ᵀ ∂L/∂s in the symbols s, y; and whether that
    product reduces to s − y once Σy = 1 (checked by SymPy, not assumed).

    >>> s, y = sp.symbols("s1:3"), sp.symbols("y1:3")
    >>> dLds, J, route, ok = jacobian_route(s, y)
    >>> route.T, ok
    (Matrix([[s1*(y1 + y2) - y1, s2*(y1 + y2) - y2]]), True)
    """
    dLds = sp.Matrix([-b / a for a, b in zip(s, y)])
    J = softmax_jacobian(s)
    route = sp.Matrix([sp.collect(sp.expand(e), a) for e, a in zip(J.T * dLds, s)])
    last = {y[-1]: 1 - sp.Add(*y[:-1])}  # Σy = 1
    ok = all(sp.expand((r - (a - b)).xreplace(last)) == 0 for r, a, b in zip(route, s, y))
    return dLds, J, route, ok


@dataclass(frozen=True)
class SoftmaxOp:
    """sⱼ = softmax(z)ⱼ as a graph node (:meth:`.graph.Graph.define_op`)."""

    logits: tuple  # z₁ … z_m (symbols)
    j: int  # 0-based
    out: sp.Symbol  # this node's own symbol, for the textbook derivative sⱼ(δⱼₖ − sₖ)
    probs: tuple  # every sₖ's symbol (defined alongside, in order)

    @property
    def deps(self) -> tuple:
        return self.logits

    @property
    def expr(self) -> sp.Expr:
        return sp.exp(self.logits[self.j]) / sp.Add(*[sp.exp(z) for z in self.logits])

    def value(self, vals):
        import mpmath
        return softmax([vals[z] for z in self.logits], mpmath)[self.j]

    def local(self, dep) -> sp.Expr:
        k = self.logits.index(dep)
        return self.out * ((1 if k == self.j else 0) - self.probs[k])

    def local_value(self, dep, vals):
        k = self.logits.index(dep)  # every ŷ is computed before anything differentiates it
        return vals[self.out] * ((1 if k == self.j else 0) - vals[self.probs[k]])


@dataclass(frozen=True)
class CrossEntropyOp:
    """L = −Σⱼ yⱼ log ŷⱼ on the softmax nodes ŷ (``probs``): the chain runs L → ŷ → z, so the
    graph's own backward pass takes the Jacobian route, ∂L/∂ŷₖ = −yₖ/ŷₖ. The value is taken
    from the logits by log-sum-exp (log ŷₖ = zₖ − log Σ e^z never underflows to log 0)."""

    loss: VectorLoss
    logits: tuple
    targets: tuple
    probs: tuple

    @property
    def deps(self) -> tuple:
        return self.probs + self.targets

    @property
    def expr(self) -> sp.Expr:
        return self.loss.expr(self.probs, self.targets)

    def value(self, vals):
        import mpmath
        return self.loss.logit_value([vals[z] for z in self.logits],
                                     [vals[y] for y in self.targets], mpmath)

    def local(self, dep) -> sp.Expr:
        if dep in self.probs:
            k = self.probs.index(dep)
            return -self.targets[k] / dep
        return -sp.log(self.probs[self.targets.index(dep)])

    def local_value(self, dep, vals):
        if dep in self.probs:
            return -vals[self.targets[self.probs.index(dep)]] / vals[dep]
        import mpmath
        z = [vals[v] for v in self.logits]
        return logsumexp(z, mpmath) - z[self.targets.index(dep)]  # −log ŷₖ, stably
