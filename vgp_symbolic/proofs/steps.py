"""A proof is data: a list of :class:`Step` s, each a claim plus a check that is *executed*.

A step's ``check`` is a zero-argument callable that runs a SymPy (or mpmath interval) computation
and returns ``True`` -- or ``(True, detail)`` -- only when the claim has actually been verified.
Anything else (``False``, ``None``, an undecided SymPy relational, an exception) marks the step
*not verified*; nothing is assumed. A step may also cite earlier steps (``premises``): it is then
verified only if they are. Steps of kind ``"definition"`` introduce notation and are shown as such.

>>> import sympy as sp
>>> from vgp_symbolic.proofs.checks import identical
>>> x = sp.Symbol("x", real=True)
>>> good = Step("(x + 1)² = x² + 2x + 1", "(x+1)^2 = x^2+2x+1", identical((x + 1)**2, x**2 + 2*x + 1))
>>> bad = Step("(x + 1)² = x² + 1", "(x+1)^2 = x^2+1", identical((x + 1)**2, x**2 + 1))
>>> checked = Proof("demo", "a statement", "a statement", (good, bad)).verify()
>>> [r.verified for r in checked.results], checked.verified
([True, False], False)
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Step", "StepResult", "Proof", "CheckedProof", "run_check"]

Check = Callable[[], object]


@dataclass(frozen=True)
class Step:
    """One claim of a proof.

    ``claim`` is plain text (Unicode), ``latex`` the same claim in LaTeX (math mode, no ``$``),
    ``check`` the verification that is run, ``method`` says in a few words how it checks,
    ``premises`` are 1-based numbers of earlier steps this one relies on.
    """

    claim: str
    latex: str
    check: Check | None = None
    method: str = ""
    premises: tuple[int, ...] = ()
    kind: str = "claim"  # claim | definition | conclusion


@dataclass(frozen=True)
class StepResult:
    number: int
    step: Step
    verified: bool
    detail: str = ""
    seconds: float = 0.0

    def to_json(self) -> dict:
        d = {"n": self.number, "claim": self.step.claim, "latex": self.step.latex,
             "verified": self.verified, "method": self.step.method, "kind": self.step.kind}
        if self.step.premises:
            d["premises"] = list(self.step.premises)
        if self.detail:
            d["detail"] = self.detail
        return d


def run_check(check: Check | None) -> tuple[bool, str]:
    """Run one check; only an explicit ``True`` counts (``None`` -- "SymPy cannot decide" -- fails).

    >>> run_check(lambda: True), run_check(lambda: None)[0], run_check(lambda: 1 / 0)[0]
    ((True, ''), False, False)
    """
    if check is None:
        return True, ""
    try:
        out = check()
    except Exception as e:  # a check that crashes has not verified anything
        return False, f"check raised {type(e).__name__}: {e}"
    detail = ""
    if isinstance(out, tuple):
        out, detail = out[0], str(out[1])
    # `is True` on purpose: a SymPy relational or None must never pass for a proof
    return (out is True or (type(out).__name__ == "BooleanTrue")), detail


@dataclass(frozen=True)
class Proof:
    """A titled statement and the steps proving it; :meth:`verify` runs every check."""

    title: str
    statement: str
    statement_latex: str
    steps: tuple[Step, ...]

    def verify(self) -> "CheckedProof":
        results: list[StepResult] = []
        for n, step in enumerate(self.steps, 1):
            t0 = time.perf_counter()
            ok, detail = run_check(step.check)
            bad = [p for p in step.premises if not (1 <= p < n) or not results[p - 1].verified]
            if ok and bad:
                ok, detail = False, f"relies on step(s) {', '.join(map(str, bad))}, not verified"
            results.append(StepResult(n, step, ok, detail, time.perf_counter() - t0))
        return CheckedProof(self, tuple(results))


@dataclass(frozen=True)
class CheckedProof:
    """A proof after verification: every step with its outcome; printable as text or LaTeX."""

    proof: Proof
    results: tuple[StepResult, ...] = field(default_factory=tuple)

    @property
    def verified(self) -> bool:
        """True only when every step was verified."""
        return all(r.verified for r in self.results)

    @property
    def count(self) -> tuple[int, int]:
        """(verified steps, all steps)."""
        return sum(r.verified for r in self.results), len(self.results)

    def to_json(self) -> list[dict]:
        return [r.to_json() for r in self.results]

    def to_text(self, indent: str = "  ") -> str:
        lines = [f"Proof: {self.proof.title}", f"{indent}Claim: {self.proof.statement}"]
        width = len(str(len(self.results)))
        for r in self.results:
            mark = "✓" if r.verified else "✗"
            tag = {"definition": " (definition)", "conclusion": ""}.get(r.step.kind, "")
            lines.append(f"{indent}{r.number:>{width}}. [{mark}] {r.step.claim}{tag}")
            how = r.step.method
            if r.step.premises:
                how = (how + "; " if how else "") + "from " + ", ".join(
                    f"step {p}" for p in r.step.premises)
            if how:
                lines.append(f"{indent}{' ' * (width + 6)}checked: {how}")
            if not r.verified:
                lines.append(f"{indent}{' ' * (width + 6)}NOT VERIFIED: {r.detail or 'check failed'}")
        ok, total = self.count
        lines.append(f"{indent}{ok}/{total} steps verified" + (". ∎" if ok == total else
                                                                 " -- NOT a complete proof."))
        return "\n".join(lines)

    def to_latex(self) -> str:
        out = [f"\\paragraph{{{_tex_text(self.proof.title)}}}",
               f"\\textbf{{Claim.}} ${self.proof.statement_latex}$",
               "\\begin{enumerate}"]
        for r in self.results:
            mark = "\\checkmark" if r.verified else "\\textbf{(not verified)}"
            note = _tex_text(r.step.method)
            if r.step.premises:
                note += ("; " if note else "") + "from step " + ", ".join(map(str, r.step.premises))
            out.append(f"  \\item ${r.step.latex}$ \\hfill {mark}"
                       + (f"\\\\\n    {{\\small\\emph{{{note}}}}}" if note else ""))
        out.append("\\end{enumerate}")
        ok, total = self.count
        out.append(f"{ok}/{total} steps verified by SymPy." + (" \\hfill$\\square$" if ok == total else ""))
        return "\n".join(out)


def _tex_text(s: str) -> str:
    """Plain text (method notes with `_`, `^`, Greek letters, z₀, 10⁻⁴⁰) escaped for LaTeX."""
    from ..latex import tex_text
    return tex_text(s)
