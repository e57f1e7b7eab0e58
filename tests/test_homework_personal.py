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
