""""Your numbers are your own", made true for problems 3 and 6 (activation_max, exploding): over
200 ids every question has at least 20 distinct answers -- unless it is
universal by nature, and then the question says so and the cover does not promise otherwise."""
from __future__ import annotations

from collections import defaultdict

import pytest

from vgp_symbolic.homework import Student, load_assignment, student_set
from vgp_symbolic.homework.build import render_tex
from vgp_symbolic.homework.latex import make_env

N = 200


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    hw = tmp_path_factory.mktemp("p") / "hw.toml"
    hw.write_text('[assignment]\nid = "hw1"\n[[problems]]\ntype = "activation_max"\n'
                  '[[problems]]\ntype = "exploding"\n',
                  encoding="utf-8")
    a = load_assignment(hw)
    return a, [student_set(a, Student(f"s{i:03d}", f"S {i}", i + 2)) for i in range(N)]


def test_every_question_has_20_distinct_answers_or_says_it_is_universal(drawn):
    _, sets = drawn
    values, universal = defaultdict(set), set()
    for s in sets:
        for p in s.problems:
            for q in p.questions:
                values[q.id].add(q.answer)
                if q.key in p.context.get("universal", ()):
                    universal.add(q.id)
    assert universal == {"q1a"}                      # max |f′|: a property of f alone
    assert len(values["q1a"]) >= 5                   # still differs with the drawn activation
    counts = {qid: len(v) for qid, v in values.items() if qid not in universal}
    assert len(counts) == 7
    assert all(c >= 20 for c in counts.values()), counts


def test_no_two_students_share_an_answer_vector(drawn):
    _, sets = drawn
    vectors = {tuple(q.answer for q in s.questions) for s in sets}
    assert len(vectors) == N
    for k in range(2):          # not even one whole problem is shared
        assert len({tuple(q.answer for q in s.problems[k].questions) for s in sets}) >= N - 2


def test_universal_question_says_so_and_the_cover_does_not_promise_otherwise(drawn):
    a, sets = drawn
    env = make_env(list(a.templates))
    tex = render_tex(env, a, sets[0], solutions=False)
    assert "everyone who has your activation has the same answer" in tex
    cover = tex[:tex.index("\\end{titlepage}")]
    assert "Your numbers are your own, except in q1a" in cover
    assert "they differ from your classmates" not in cover


def _library_assignments() -> list[str]:
    from vgp_symbolic.homework.assignment import LIBRARY_PROBLEMS
    return sorted(p.stem for p in LIBRARY_PROBLEMS.glob("*.toml")
                  if "\n[assignment]" in "\n" + p.read_text(encoding="utf-8"))


def test_the_library_assignments_are_all_checked():
    assert {"hw1", "hw2", "hw3"} <= set(_library_assignments())


@pytest.mark.slow
@pytest.mark.parametrize("name", _library_assignments())
def test_every_library_question_is_personal_over_200_ids(name):
    """Every question of every library assignment (hw1's depth decay had 5–16 distinct answers,
    hw3's residual bound 12 and RNN bound 4): at least 20 distinct answers over 200 ids, no two
    students with the same answer vector -- unless the question is universal, and then its text
    says so and the cover names it."""
    from vgp_symbolic.homework.assignment import LIBRARY_PROBLEMS
    a = load_assignment(LIBRARY_PROBLEMS / f"{name}.toml")
    values, universal, vectors = defaultdict(set), set(), set()
    for i in range(N):
        s = student_set(a, Student(f"s{i:06d}", "X", 2))
        vectors.add(tuple(q.answer for q in s.questions))
        for use, p in zip(a.problems, s.problems):
            flagged = {q.key for q in use.questions if q.universal}
            for q in p.questions:
                values[q.id].add(q.answer)
                if q.key in p.context.get("universal", ()) or q.key in flagged:
                    universal.add(q.id)
    assert len(vectors) == N
    few = {qid: len(v) for qid, v in values.items() if len(v) < 20 and qid not in universal}
    assert not few, few
    assert len(values) == sum(len(u.questions) for u in a.problems)
    tex = render_tex(make_env(list(a.templates)), a, s, solutions=False)
    cover = tex[:tex.index("\\end{titlepage}")]
    if universal:
        assert f"Your numbers are your own, except in {', '.join(sorted(universal))}" in cover
        assert "the same answer" in tex[tex.index("\\end{titlepage}"):]
    else:
        assert "except in" not in cover
