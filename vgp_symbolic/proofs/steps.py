"""A proof is data: a list of :class:`Step` s, each a claim plus a check that is *executed*.

Every step has a kind (:data:`KINDS`): a ``definition`` introduces notation and is never called
verified; an ``identity``, ``inequality`` or ``limit`` runs a zero-argument SymPy (or mpmath
interval) check that returns ``True`` -- or ``(True, detail)`` -- only when the claim has actually
been verified; a ``conclusion`` cites earlier steps (``premises``, printed "from steps i–j") and its
check receives the facts those steps established (their ``gives``) and confirms the conclusion's
values against them. Anything else (``False``, ``None``, an undecided SymPy relational, an
exception, a missing check) marks the step *not verified*; nothing is assumed. A step that cites
steps is verified only if they hold.

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

__all__ = ["KINDS", "Step", "StepResult", "Proof", "CheckedProof", "run_check", "kind_note"]

Check = Callable[..., object]
KINDS = ("definition", "identity", "inequality", "limit", "conclusion")


@dataclass(frozen=True)
class Step:
    """One claim of a proof.

    ``claim`` is plain text (Unicode), ``latex`` the same claim in LaTeX (math mode, no ``$``),
    ``check`` the verification that is run, ``method`` says in a few words how it checks,
    ``premises`` are 1-based numbers of earlier steps this one relies on (its citations),
    ``kind`` one of :data:`KINDS` (by default the kind its check declares), ``gives`` the named
    facts the step establishes once verified, for the conclusions that cite it.
    """

    claim: str
    latex: str
    check: Check | None = None
    method: str = ""
    premises: tuple[int, ...] = ()
    kind: str = ""
    gives: dict = field(default_factory=dict)

    def __post_init__(self):
        kind = self.kind or getattr(self.check, "kind", "")
        if kind not in KINDS:
            raise ValueError(f"step {self.claim[:40]!r}: kind {kind!r} is not one of {KINDS}")
        object.__setattr__(self, "kind", kind)


@dataclass(frozen=True)
class StepResult:
    number: int
    step: Step
    verified: bool
    detail: str = ""
    seconds: float = 0.0

    @property
    def holds(self) -> bool:
        """A definition holds by fiat; every other step only when its check passed."""
        return self.verified or self.step.kind == "definition"

    def to_json(self) -> dict:
        d = {"n": self.number, "kind": self.step.kind, "claim": self.step.claim,
             "latex": self.step.latex, "verified": self.verified, "method": self.step.method,
             "cites": list(self.step.premises)}
        if self.detail:
            d["detail"] = self.detail
        return d


def run_check(check: Check | None, *args) -> tuple[bool, str]:
    """Run one check; only an explicit ``True`` counts (``None`` -- "SymPy cannot decide" -- fails,
    and so does a step without a check).

    >>> run_check(lambda: True), run_check(lambda: None)[0], run_check(lambda: 1 / 0)[0]
    ((True, ''), False, False)
    >>> run_check(None)
    (False, 'no check')
    """
    if check is None:
        return False, "no check"
    try:
        out = check(*args)
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
            bad = [p for p in step.premises if not (1 <= p < n) or not results[p - 1].holds]
            if step.kind == "definition":
                ok, detail = False, "a definition: nothing to verify"
            elif step.kind == "conclusion" and not step.premises:
                ok, detail = False, "a conclusion that cites no step"
            elif bad:
                ok, detail = False, f"relies on step(s) {', '.join(map(str, bad))}, not verified"
            elif step.kind == "conclusion":  # checked against what the cited steps established
                facts = {k: v for p in step.premises for k, v in self.steps[p - 1].gives.items()}
                ok, detail = run_check(step.check, facts)
            else:
                ok, detail = run_check(step.check)
            results.append(StepResult(n, step, ok, detail, time.perf_counter() - t0))
        return CheckedProof(self, tuple(results))


@dataclass(frozen=True)
class CheckedProof:
    """A proof after verification: every step with its outcome; printable as text or LaTeX."""

    proof: Proof
    results: tuple[StepResult, ...] = field(default_factory=tuple)

    @property
    def verified(self) -> bool:
        """True only when every step that is not a definition was verified."""
        return all(r.holds for r in self.results)

    @property
    def count(self) -> tuple[int, int]:
        """(verified steps, steps to verify) -- definitions are not counted."""
        checked = [r for r in self.results if r.step.kind != "definition"]
        return sum(r.verified for r in checked), len(checked)

    def steps_json(self) -> list[dict]:
        """Every step as JSON (the reports that combine proofs list their steps together)."""
        return [r.to_json() for r in self.results]

    def to_json(self) -> dict:
        """The proof as ``vgp prove residual|lstm --format json`` prints it: an object, as every
        other proof's JSON is (it was a bare list of steps)."""
        return {"theorem": self.proof.title, "statement": self.proof.statement,
                "verified": self.verified, "steps": self.steps_json()}

    def to_text(self, indent: str = "  ") -> str:
        lines = [f"Proof: {self.proof.title}", f"{indent}Claim: {self.proof.statement}"]
        width = len(str(len(self.results)))
        for r in self.results:
            mark = "def" if r.step.kind == "definition" else ("✓" if r.verified else "✗")
            lines.append(f"{indent}{r.number:>{width}}. [{mark}] {r.step.claim}  ({kind_note(r.step)})")
            if r.step.method:
                word = "by" if r.step.kind == "definition" else "checked"
                lines.append(f"{indent}{' ' * (width + 6)}{word}: {r.step.method}")
            if not r.holds:
                lines.append(f"{indent}{' ' * (width + 6)}NOT VERIFIED: {r.detail or 'check failed'}")
        lines.append(f"{indent}{self.summary()}")
        return "\n".join(lines)

    def to_latex(self) -> str:
        out = [f"\\paragraph{{{_tex_text(self.proof.title)}}}",
               f"\\textbf{{Claim.}} ${self.proof.statement_latex}$",
               "\\begin{enumerate}"]
        for r in self.results:
            mark = ("\\emph{(definition)}" if r.step.kind == "definition" else
                    "\\checkmark" if r.verified else "\\textbf{(not verified)}")
            kind = "" if r.step.kind == "definition" else kind_note(r.step)  # the mark says it
            note = _tex_text("; ".join(x for x in (kind, r.step.method) if x).replace("–", "--"))
            out.append(f"  \\item ${r.step.latex}$ \\hfill {mark}"
                       + (f"\\\\\n    {{\\small\\emph{{{note}}}}}" if note else ""))
        out.append("\\end{enumerate}")
        out.append(_tex_text(self.summary()).replace("$\\square$", "\\hfill$\\square$"))
        return "\n".join(out)


    def summary(self) -> str:
        """One line: how many steps with a check passed (definitions are counted apart).

        >>> import sympy as sp
        >>> d = Step("let x be real", "x", kind="definition")
        >>> Proof("t", "s", "s", (d,)).verify().summary()
        '0/0 steps verified, 1 definition. ∎'
        """
        ok, total = self.count
        defs = len(self.results) - total
        tail = f", {defs} definition{'s' * (defs != 1)}" if defs else ""
        return (f"{ok}/{total} steps verified{tail}"
                + (". ∎" if self.verified else " -- NOT a complete proof."))


def kind_note(step: Step) -> str:
    """The kind as printed: "identity", "conclusion from steps 2–4, 6", …"""
    if not step.premises:
        return step.kind
    return f"{step.kind} from {'step' if len(step.premises) == 1 else 'steps'} {_ranges(step.premises)}"


def _ranges(ns) -> str:
    """Step numbers with runs shortened: (2, 3, 4, 6) → "2–4, 6".

    >>> _ranges((2, 3, 4, 6)), _ranges((5,))
    ('2–4, 6', '5')
    """
    ns, out = sorted(ns), []
    for n in ns:
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in out)


def _tex_text(s: str) -> str:
    """Plain text (method notes with `_`, `^`, Greek letters, z₀, 10⁻⁴⁰) escaped for LaTeX."""
    from ..latex import tex_text
    return tex_text(s)
