"""No text can reach a code-running parser anywhere in the package.

``eval``/``exec``/``compile``, ``sympy.parse_expr`` and ``ast.literal_eval`` are never called, and
every ``sympify``/``S`` call passes ``strict=True`` (which refuses a string instead of parsing it
as Python). The check reads the syntax tree, so a string that merely *mentions* parse_expr (the
JSON output tells readers how to load its expression) is not a call. A second test grades hostile
answers against a real assignment, error carried forward included, and records any string that
reaches sympify or parse_expr.
"""
from __future__ import annotations

import ast
from fractions import Fraction
from pathlib import Path

import pytest

import vgp_symbolic

PACKAGE = Path(vgp_symbolic.__file__).parent
FORBIDDEN = {"eval", "exec", "compile", "parse_expr", "literal_eval", "__import__"}
STRICT = {"sympify", "S"}


def _name(func) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _offences(tree: ast.AST) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name == "compile" and isinstance(node.func, ast.Attribute):
            continue                          # re.compile(...): a regular expression
        if name in FORBIDDEN:
            out.append((node.lineno, f"calls {name}"))
        elif name in STRICT and not any(
                k.arg == "strict" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords):
            out.append((node.lineno, f"calls {name} without strict=True"))
    return out


def test_the_scan_finds_what_it_looks_for():
    src = "import sympy as sp\nsp.sympify(t)\nsp.parse_expr(t)\neval(t)\nre.compile('x')\n" \
          "sp.sympify(t, strict=True)\nx = 'sympy.parse_expr(text)'\n"
    assert _offences(ast.parse(src)) == [(2, "calls sympify without strict=True"),
                                         (3, "calls parse_expr"), (4, "calls eval")]


def test_no_call_in_the_package_can_run_text_as_code():
    bad = []
    for f in sorted(PACKAGE.rglob("*.py")):
        for line, what in _offences(ast.parse(f.read_text(encoding="utf-8"))):
            bad.append(f"{f.relative_to(PACKAGE.parent)}:{line}: {what}")
    assert bad == []


def test_hostile_answers_on_a_real_assignment_reach_no_parser(monkeypatch):
    """hw1 for real students (networks, error carried forward from their wrong earlier parts):
    no string ever reaches sympify or parse_expr while the answers are graded."""
    import sympy
    import sympy.parsing.sympy_parser as sp_parser

    from test_grade_hostile import HOSTILE
    from vgp_symbolic.grade import Policy, grade_sheet, read_answers_text
    from vgp_symbolic.homework import load_assignment, student_set
    from vgp_symbolic.homework.model import Student

    hw = load_assignment(PACKAGE / "problems" / "hw1.toml")
    sets = {f"s{i}": student_set(hw, Student(f"s{i}", f"S {i}", i + 2)) for i in range(6)}
    qids = [q.id for q in hw.questions]
    # s0–s2 give wrong first parts and the later parts their own wrong values lead to (graded by
    # error carried forward, which rebuilds the student's problem); s3–s5 give hostile texts
    rows = ["student_id,question,answer"]
    for i in range(3):
        given = {}
        for q in sets[f"s{i}"].questions:
            v = q.recompute({d: given[d] for d in q.depends_on}) if q.depends_on else \
                Fraction(123, 1000)
            given[q.id] = Fraction(repr(float(v)))
            rows.append(f"s{i},{q.id},{float(v)!r}")
    for n, h in enumerate(HOSTILE):
        rows.append(f's{3 + n % 3},{qids[n % len(qids)]},"{h.replace(chr(34), chr(34) * 2)}"')
    strings = []
    real_sympify, real_parse = sympy.sympify, sp_parser.parse_expr

    def sympify(a, *args, **kw):
        if isinstance(a, str):
            strings.append(a)
        return real_sympify(a, *args, **kw)

    def parse_expr(s, *args, **kw):
        strings.append(s)
        return real_parse(s, *args, **kw)
    monkeypatch.setattr(sympy, "sympify", sympify)
    monkeypatch.setattr(sp_parser, "parse_expr", parse_expr)
    sheet = read_answers_text("\n".join(rows) + "\n", qids, list(sets))
    result = grade_sheet(sets, sheet, Policy.from_grading(hw.grading))
    statuses = {r.diagnosis.status for s in result.students for r in s.results.values()}
    assert {"ecf", "unreadable"} <= statuses
    assert strings == []


@pytest.mark.parametrize("text", ["1+1", "__import__('os')"])
def test_sympy_numbers_are_never_read_from_text(text):
    from vgp_symbolic.numbers import sympy_fraction
    with pytest.raises((TypeError, ValueError)):
        sympy_fraction(text)
