"""One precision rule: a window centred on the true value, the same credit for the same value."""
from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st

from vgp_symbolic.grade import Policy, diagnose, parse_answer
from vgp_symbolic.homework import Student, load_assignment, student_set
from vgp_symbolic.question import Question, Tolerance


def q(answer, tol, mistakes=()):
    return Question("q", "t", "", answer, tol, 1.0, (), tuple(mistakes))


SIG3_2498 = q(F(1249, 500), Tolerance(sig_figs=3))
REL_06943 = q(F(6943, 10000), Tolerance(rel=1e-3))
SIG3_24949999 = q(F(24949999, 10 ** 7), Tolerance(sig_figs=3))
SIG3_FLOAT_2485 = q(2.485, Tolerance(sig_figs=3))


@pytest.mark.parametrize("question,answer,credit", [
    # written with too few figures, however it is written (issue 11): half credit every time
    *[(SIG3_2498, a, 0.5) for a in ("2.5", "(2.5)", "2.5*1", "2.5+0", "5/2", "2.5e0000", "250%",
                                    "+2.5", "((2.5))", "1*2.5", "0+2.5", "2.5/1", "25/10")],
    (SIG3_2498, "2.50", 1.0), (SIG3_2498, "(2.50)", 1.0), (SIG3_2498, "2.50*1", 1.0),
    (SIG3_2498, "2.498", 1.0), (SIG3_2498, "1249/500", 1.0),     # exact: any form
    (SIG3_2498, "2.49", 0.5), (SIG3_2498, "(2.49)", 0.5),         # truncated
    (SIG3_2498, "2.51", 0.0),
    # a relative tolerance: 0.69 is 0.6943 rounded too coarsely, in parentheses too
    (REL_06943, "0.69", 0.5), (REL_06943, "(0.69)", 0.5), (REL_06943, "69%", 0.5),
    (REL_06943, "0.6943", 1.0), (REL_06943, "(0.6943)", 1.0), (REL_06943, "0.694", 1.0),
    # a more accurate answer across a rounding boundary is never refused
    (SIG3_24949999, "2.495", 1.0), (SIG3_24949999, "2.4950", 1.0), (SIG3_24949999, "2.49", 1.0),
    # a float target is its exact decimal: 2.485 is halfway, both neighbours are in the window
    (SIG3_FLOAT_2485, "2.49", 1.0), (SIG3_FLOAT_2485, "2.48", 1.0), (SIG3_FLOAT_2485, "2.485", 1.0),
])
def test_credit_table(question, answer, credit):
    assert diagnose(question, parse_answer(answer)).credit == credit, answer


def test_an_exact_fraction_is_exact_to_every_figure():
    """On purpose (README): 1/3 is written to every figure, 0.33 to two."""
    third = q(F(3333333, 10 ** 7), Tolerance(sig_figs=3))
    assert diagnose(third, parse_answer("1/3")).credit == 1.0
    assert diagnose(third, parse_answer("0.33")).credit == 0.5


_A = load_assignment("vgp_symbolic/problems/hw1.toml")
_QS = [x for i in range(3) for x in student_set(_A, Student(f"p{i}", "", 2)).questions]
_TOLS = [None, Tolerance(sig_figs=3), Tolerance(sig_figs=2), Tolerance(rel=1e-3), Tolerance(abs=1e-4)]


@st.composite
def answers(draw):
    question = draw(st.sampled_from(_QS))
    tol = draw(st.sampled_from(_TOLS))
    if tol is not None:
        question = Question(question.id, question.problem, "", question.answer, tol, 1.0, (),
                            question.mistakes)
    base = draw(st.sampled_from([question.answer] + [m.value for m in question.mistakes]))
    x = float(base) * draw(st.sampled_from([1, 1, -1, 1.0004, 0.9, 1.003]))
    digits = draw(st.integers(1, 8))
    style = draw(st.sampled_from(["g", "e", "f"]))
    text = f"{x:.{digits}{style}}" if style != "f" else f"{x:.{digits}f}"
    return question, text


@settings(max_examples=300, deadline=None)
@given(answers(), st.sampled_from(["({})", "{}+0", "{}*1", "0+{}", "1*{}", "(({}))", "{}/1"]))
def test_parentheses_plus_zero_times_one_never_change_credit(qa, wrap):
    question, text = qa
    policy = Policy()
    plain = diagnose(question, parse_answer(text), policy=policy)
    wrapped = diagnose(question, parse_answer(wrap.format(text)), policy=policy)
    assert (wrapped.credit, wrapped.id) == (plain.credit, plain.id), (text, wrap)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.fractions(min_value=-10 ** 4, max_value=10 ** 4),
                 st.floats(-1e4, 1e4, allow_nan=False)),
       st.fractions(min_value=F(9, 10), max_value=F(11, 10)),
       st.sampled_from([Tolerance(sig_figs=3), Tolerance(rel=1e-3), Tolerance(abs=1e-4),
                        Tolerance(rel=1e-2, abs=1e-6), Tolerance(sig_figs=2, abs=1e-3)]))
def test_grading_uses_the_one_acceptance_rule(x, k, tol):
    """Criterion (floats where they are certain) accepts exactly what Tolerance.accepts does."""
    from vgp_symbolic.grade import Criterion
    from vgp_symbolic.question import exact
    for a in (exact(x) * k, exact(x) + tol.window(x) * (k - 1) * 10, exact(x) + tol.window(x)):
        assert Criterion.of(x, tol).accepts(a) == tol.accepts(a, x), (x, a)
