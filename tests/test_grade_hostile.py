"""Student answers are hostile input: nothing crashes, nothing runs, no row is lost."""
import builtins
import sys
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vgp_symbolic.grade as grade_pkg
from grade_class import fake_class
from vgp_symbolic.grade import grade_sheet, gradebook_rows, read_answers_text
from vgp_symbolic.grade.parse import ParseError, parse_answer

SETS = fake_class(3)
QIDS = ["q1", "q2", "q3"]

HOSTILE = [
    "__import__('os').system('touch PWNED')", "exec('import os')", "eval('1+1')",
    "lambda: 1", "(lambda x: x)(1)", "().__class__.__bases__[0].__subclasses__()",
    "1 .__class__", "x.y", "open('/etc/passwd').read()", "globals()", "[1]*10**10",
    "9**9**9**9", "10**10**10**10", "2**2**2**2**2**2", "(10**400)**400", "1e999999",
    "1" * 100_000, "-" * 10_000 + "1", "(" * 5000 + "1" + ")" * 5000,
    "nan", "NaN", "inf", "-inf", "Infinity", "1e400*1e400", "float('nan')", "1/0", "0**-1",
    "", " ", "\x00", "\x00\x01\x02", "\ufffd\ufffd", "\x1b[2J\x1b[H", "\u202e1.0",
    "=cmd|' /C calc'!A0", "+SUM(A1:A2)", "-2+3+cmd|' /C calc'!A0", "@SUM(1)", "\t=1", "\r=1",
    "=HYPERLINK(\"http://evil\",\"x\")", "DROP TABLE students;--", "<script>alert(1)</script>",
    "${jndi:ldap://x}", "{{7*7}}", "%s%s%s%n", "1;2", "1,2,3", "'1'", '"1"', "1 # comment",
    "0x1p-3", "0b101", "1j", "1_000", "½", "²", "١", "𝟙", "1\u20442", "√4", "π", "e", "E",
    "sin(1)", "S(1)/3", "Rational(1,3)", "Symbol('x')", "sympify('1')",
]


@pytest.fixture
def no_code_runs(monkeypatch):
    """Make eval/exec/compile/sympify/parse_expr explode while grading."""
    calls = []

    def trap(name, orig=None):
        def f(*a, **k):
            # Only a call made by the package counts. importlib compiles a lazily imported
            # module through builtins.compile too (on a fresh install with no .pyc files yet):
            # that is not student input, so it passes through to the real builtin.
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if orig is not None and not caller.startswith("vgp_symbolic"):
                return orig(*a, **k)
            calls.append(name)
            raise AssertionError(f"{name} called on student input")
        return f
    for name in ("eval", "exec", "compile", "__import__"):
        orig = getattr(builtins, name)
        if name == "__import__":
            # imports are needed by the library itself; only trap an 'os' import from input
            def imp(n, *a, _orig=orig, **k):
                if n in ("os", "subprocess"):
                    calls.append("import " + n)
                return _orig(n, *a, **k)
            monkeypatch.setattr(builtins, name, imp)
        else:
            monkeypatch.setattr(builtins, name, trap(name, orig))
    import sympy
    import sympy.parsing.sympy_parser as sp
    monkeypatch.setattr(sympy, "sympify", trap("sympify"))
    monkeypatch.setattr(sympy, "S", trap("S"))
    monkeypatch.setattr(sp, "parse_expr", trap("parse_expr"))
    yield calls


@pytest.mark.parametrize("text", HOSTILE)
def test_parser_rejects_or_reads_fast(text, no_code_runs):
    t = time.perf_counter()
    try:
        v = parse_answer(text).value
        assert v.numerator.bit_length() < 5000
    except ParseError:
        pass
    assert time.perf_counter() - t < 0.05
    assert no_code_runs == []


def test_hostile_corpus_end_to_end(tmp_path, monkeypatch, no_code_runs):
    monkeypatch.chdir(tmp_path)
    lines = ["student_id,question,answer"]
    for i, h in enumerate(HOSTILE):
        cell = '"' + h.replace('"', '""') + '"'
        lines.append(f"s{i % 3 + 1},{QIDS[(i // 3) % 3]},{cell}")
    lines.append("=cmd|' /C calc'!A0,q1,1")
    lines.append("s1,=1+1,1")
    text = "\n".join(lines) + "\n"
    sheet = read_answers_text(text, QIDS, list(SETS))
    r = grade_sheet(SETS, sheet)
    assert len(r.line_outcomes()) == len(sheet.data_lines)
    rows = gradebook_rows(r)
    assert all(not c.startswith(("=", "+", "@")) for row in rows for c in row)
    for s in r.students:
        for q in s.results.values():
            assert q.diagnosis.status in ("unreadable", "blank", "wrong", "correct", "mistake",
                                          "rounding", "ecf")
    assert not (tmp_path / "PWNED").exists()
    assert no_code_runs == []


def test_nothing_in_grade_calls_eval_or_sympify():
    src = Path(grade_pkg.__file__).parent
    bad = re.compile(r"\b(eval|exec|sympify|parse_expr|compile)\s*\(|\bS\(|__import__\s*\(|"
                     r"import sympy|from sympy|import ast|literal_eval")
    for f in src.glob("*.py"):
        for n, line in enumerate(f.read_text().splitlines(), 1):
            code = line.split("#")[0].replace("re.compile(", "")
            if code.strip().startswith((">>>", "...")):
                continue                   # docstring examples feed hostile text TO the parser
            assert not bad.search(code), f"{f.name}:{n}: {line}"


# -- fuzz --------------------------------------------------------------------------------------
cells = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789.eE+-−*/^()%,×÷ ", max_size=25),
    st.sampled_from(HOSTILE[:40]),
    st.builds(lambda a, b: f"{a}/{b}", st.integers(-10**6, 10**6), st.integers(-10, 10**6)),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
ids = st.one_of(st.sampled_from(["s1", "s2", "s3", " s1 ", "s4", "", "=x"]), st.text(max_size=8))
qs = st.one_of(st.sampled_from(QIDS + ["Q1", "q9", ""]), st.text(max_size=5))


def _quote(s):
    return '"' + s.replace('"', '""') + '"'


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(ids, qs, cells), max_size=25), st.booleans())
def test_fuzz_long_layout(rows, decimal_comma):
    text = "student_id,question,answer\n" + "".join(
        f"{_quote(s)},{_quote(q)},{_quote(a)}\n" for s, q, a in rows)
    sheet = read_answers_text(text, QIDS, list(SETS), decimal_comma=decimal_comma)
    r = grade_sheet(SETS, sheet, decimal_comma=decimal_comma)
    outcomes = r.line_outcomes()
    nonblank = [ln for ln, line in enumerate(re.split(r"\r\n|\r|\n", text), 1)
                if ln > 1 and line.strip() and line.replace('"', "").replace(",", "").strip()]
    assert sorted(outcomes) == sheet.data_lines
    assert set(nonblank) <= set(sheet.data_lines)
    assert len(gradebook_rows(r)) == 1 + len(SETS) + len(r.unattached)
    for s in r.students:
        assert 0 <= s.total <= s.max_total


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_fuzz_raw_file(text):
    """Arbitrary text as the whole file: either a clear AnswersError or a graded sheet."""
    from vgp_symbolic.grade import AnswersError
    try:
        sheet = read_answers_text(text, QIDS, list(SETS))
    except AnswersError as e:
        assert str(e)
        return
    r = grade_sheet(SETS, sheet)
    assert sorted(r.line_outcomes()) == sheet.data_lines


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_parser(text):
    try:
        parse_answer(text)
    except ParseError:
        pass
