"""Issue 12, "Honest proofs": every proof `vgp prove` can print says `verified` only for steps
whose check actually ran and passed; conclusions cite earlier steps and are checked against them;
definitions never claim verification.

The checks are instrumented: each step's check is wrapped in a recorder before the proof is
verified again, so a step that prints "verified" without having run a check is caught.
"""
from __future__ import annotations

import dataclasses
from fractions import Fraction
from functools import lru_cache

import pytest

from vgp_symbolic.core.activations import ACTIVATIONS
from vgp_symbolic.proofs import depth_report, prove_activation
from vgp_symbolic.proofs.lstm import lstm_cell_proof
from vgp_symbolic.proofs.recurrent import rnn_report
from vgp_symbolic.proofs.residual import residual_proof
from vgp_symbolic.proofs.steps import Proof, run_check

KINDS = ("definition", "identity", "inequality", "limit", "conclusion")


def _activation(name, **kw):
    return [prove_activation(name, **kw).checked.proof]


def _depth(**kw):
    r = depth_report(**kw)
    return [r.checked.proof, r.facts.proof]


def _rnn(**kw):
    r = rnn_report(**kw)
    return [r.checked.proof, r.facts.proof]


# every proof the CLI prints: all activations (and the --slope/--alpha variants), depth in its
# variants (exact sup, a certified enclosure, --factor, exploding), rnn, residual, lstm
CASES = {f"activation:{a}": (lambda a=a: _activation(a)) for a in ACTIVATIONS}
CASES.update({
    "activation:leaky_relu slope 1/5": lambda: _activation("leaky_relu", slope=Fraction(1, 5)),
    "activation:elu alpha 2": lambda: _activation("elu", alpha=Fraction(2)),
    "depth:sigmoid": lambda: _depth(),
    "depth:tanh exploding": lambda: _depth(activation="tanh", weight_norm=Fraction(3, 2)),
    "depth:gelu": lambda: _depth(activation="gelu", weight_norm=Fraction(1, 2)),
    "depth:factor": lambda: _depth(factor=Fraction(1, 10), layers=4),
    "rnn:tanh": lambda: _rnn(),
    "rnn:sigmoid": lambda: _rnn(activation="sigmoid", weight_norm="3"),
    "residual": lambda: [residual_proof()],
    "lstm": lambda: [lstm_cell_proof()],
})


def _instrumented(proof: Proof):
    """The proof with every check wrapped in a recorder: runs[i] holds step i+1's outcomes."""
    runs: dict[int, list[bool]] = {}

    def wrap(i, check):
        if check is None:
            return None

        def recorded(*args):
            out = check(*args)
            runs.setdefault(i, []).append(run_check(lambda: out)[0])
            return out
        for attr in ("kind",):
            if hasattr(check, attr):
                setattr(recorded, attr, getattr(check, attr))
        return recorded

    steps = tuple(dataclasses.replace(s, check=wrap(i, s.check)) for i, s in enumerate(proof.steps))
    return dataclasses.replace(proof, steps=steps), runs


@lru_cache(maxsize=None)
def _checked(case):
    out = []
    for proof in CASES[case]():
        inst, runs = _instrumented(proof)
        out.append((inst.verify(), runs))
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_verified_means_a_check_ran_and_passed(case):
    for checked, runs in _checked(case):
        for r in checked.results:
            if r.verified:
                assert runs.get(r.number - 1) == [True], (
                    f"{case}, step {r.number} ({r.step.claim[:60]!r}) says verified but no check ran")
        assert checked.verified, checked.to_text()


@pytest.mark.parametrize("case", sorted(CASES))
def test_steps_are_marked_by_kind_and_conclusions_cite_earlier_steps(case):
    for checked, _ in _checked(case):
        for r in checked.results:
            assert r.step.kind in KINDS, (case, r.number, r.step.kind)
            if r.step.kind == "conclusion":
                assert r.step.premises, f"{case}, step {r.number}: a conclusion citing nothing"
                assert all(1 <= p < r.number for p in r.step.premises), (case, r.number)
            if r.step.kind == "definition":
                assert not r.verified and r.step.check is None, (case, r.number)
            else:
                assert r.step.check is not None, (case, r.number)
            j = r.to_json()
            assert j["kind"] == r.step.kind and j["cites"] == list(r.step.premises)
            assert j["verified"] is r.verified


@pytest.mark.parametrize("case", sorted(CASES))
def test_conclusions_rest_on_the_cited_steps(case):
    """A conclusion's check cannot pass without what its cited steps established."""
    for checked, _ in _checked(case):
        for r in checked.results:
            if r.step.kind == "conclusion":
                ok, detail = run_check(r.step.check, {})
                assert not ok, f"{case}, step {r.number} passes with no cited facts: {detail}"


def test_a_conclusion_is_checked_against_what_its_cited_steps_established():
    """sigmoid's conclusion states sup 1/4; had step 4 established the bound 1/3 instead, the
    conclusion would not be verified (it is not compared with itself)."""
    import sympy as sp
    proof = prove_activation("sigmoid").checked.proof
    assert proof.steps[3].gives == {"upper bound": sp.Rational(1, 4)}
    assert proof.verify().verified
    steps = list(proof.steps)
    steps[3] = dataclasses.replace(steps[3], gives={"upper bound": sp.Rational(1, 3)})
    last = dataclasses.replace(proof, steps=tuple(steps)).verify().results[-1]
    assert last.step.kind == "conclusion" and not last.verified
    assert "upper bound = 1/4" in last.detail and "1/3" in last.detail


def test_printing_shows_kind_and_citations():
    checked = prove_activation("sigmoid").checked
    text = checked.to_text()
    assert "(conclusion from steps 2, 4, 6–7)" in text and "(identity)" in text
    assert "8/8 steps verified. ∎" in text
    latex = checked.to_latex()
    assert "conclusion from steps 2, 4, 6--7" in latex and "–" not in latex
    rnn = rnn_report().checked
    assert "[def]" in rnn.to_text() and "2 definitions" in rnn.to_text()
    assert "(definition)" in rnn.to_latex()
