"""Benchmark: grade 100,000 answers, against a per-answer ``sympify`` baseline in the same run.

    python bench/grade.py [--answers 100000] [--baseline 3000] [--student-sets 20] [--repeat 3]

The class is hw1 (problems/hw1.toml) when the homework package is there, else a small fake
assignment. Building question sets is the homework package's work and is timed apart; the
benchmark times reading the answers CSV and grading every answer (parse, compare, diagnose,
error carried forward). Answers are a realistic mix: exact fractions, decimals, scientific
notation, truncated decimals, catalogued mistakes, wrong numbers, and a few hostile strings.

The baseline replaces our parser by ``sympy.sympify(text, rational=True)`` — what one might
write naively — and otherwise reads and grades the same way. It is UNSAFE on student text
(sympify runs Python code); here it only ever sees this script's own benign, generated
strings (no hostile ones), and it lives outside the package. It is timed on a sample and
scaled to the same number of answers. Times are CPU time of this process.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vgp_symbolic.grade import Policy, engine, grade_sheet, read_answers_text  # noqa: E402
from vgp_symbolic.grade.parse import Parsed, ParseError, parse_answer  # noqa: E402

HOSTILE = ["__import__('os')", "9**9**9**9", "1" * 300, "nan", "=cmd|' /C calc'!A0", ""]


def question_sets(k: int):
    """k real student sets of hw1 (or fakes), and the assignment's grading policy."""
    try:
        from vgp_symbolic.homework import Student, load_assignment, student_set
    except ImportError:
        sys.path.insert(0, str(ROOT / "tests"))
        from test_grade_fakes import questions_for, Student as S, StudentSet
        return [StudentSet(S(f"x{i}"), questions_for(i)) for i in range(k)], Policy(), "fake"
    a = load_assignment(ROOT / "vgp_symbolic" / "problems" / "hw1.toml")
    sets = [student_set(a, Student(f"bench{i:03d}", "", i + 2)) for i in range(k)]
    return sets, Policy.from_grading(a.grading), "problems/hw1.toml"


def _dec(x, digits):
    return f"{float(x):.{digits}g}"


def answer_text(q, rng: random.Random) -> str:
    x = q.answer
    r = rng.random()
    if r < 0.30:
        return _dec(x, 12)
    if r < 0.40 and isinstance(x, Fraction):
        return f"{x.numerator}/{x.denominator}"
    if r < 0.48:
        return f"{float(x):.6e}"
    if r < 0.60:
        s = _dec(x, 12)
        return s[:max(s.find(".") + 3, 4)] if "." in s else s          # truncated
    if r < 0.80 and q.mistakes:
        return _dec(rng.choice(q.mistakes).value, 10)
    if r < 0.85:
        return "-" + _dec(x, 10)
    if r < 0.97:
        return _dec(float(x) * rng.uniform(0.5, 1.5) + 0.01, 5)
    return rng.choice(HOSTILE)


def write_csv(sets, n_max, rng, hostile=True) -> tuple[str, int]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")      # quotes only where needed, as exports do
    w.writerow(["student_id", "question", "answer"])
    n = 0
    for sid, s in sets.items():
        for q in s.questions:
            if n < n_max:
                a = answer_text(q, rng)
                while not hostile and a in HOSTILE:
                    a = answer_text(q, rng)
                w.writerow([sid, q.id, a])
                n += 1
    return buf.getvalue(), n


def sympify_parse(text, decimal_comma=False):
    """The UNSAFE baseline parser: sympify runs Python code. Benign generated strings only."""
    import sympy
    try:
        v = sympy.sympify(text.replace("^", "**"), rational=True)
        return Parsed(Fraction(int(v.p), int(v.q)))
    except Exception:          # noqa: BLE001 — anything sympify cannot turn into a Rational
        raise ParseError("unreadable") from None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=100_000)
    ap.add_argument("--baseline", type=int, default=3000, help="answers in the sympify sample")
    ap.add_argument("--student-sets", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="runs of ours; the best counts")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    clock = time.process_time      # CPU time of this process: other jobs on the machine
    #                                 do not count against either side

    t = time.perf_counter()
    base_sets, policy, source = question_sets(args.student_sets)
    t_sets = time.perf_counter() - t
    nq = len(base_sets[0].questions)
    qids = [q.id for q in base_sets[0].questions]
    n_students = -(-args.answers // nq)
    sets = {f"st{i:06d}": base_sets[i % len(base_sets)] for i in range(n_students)}
    text, n = write_csv(sets, args.answers, rng)

    # best of --repeat runs, as timeit does: the least disturbed run
    t_read = t_grade = float("inf")
    for _ in range(args.repeat):
        t0 = clock()
        sheet = read_answers_text(text, qids, list(sets))
        t1 = clock()
        result = grade_sheet(sets, sheet, policy)
        t2 = clock()
        t_read, t_grade = min(t_read, t1 - t0), min(t_grade, t2 - t1)
        assert result.graded_answers == n, (result.graded_answers, n)
        del result
    ours = t_read + t_grade

    # Baseline: the same pipeline (read, grade) with each answer parsed by sympify instead,
    # on a sample of benign answers, scaled to n.
    k = -(-args.baseline // nq)
    sample_sets = {f"sb{i:05d}": base_sets[i % len(base_sets)] for i in range(k)}
    btext, bn = write_csv(sample_sets, args.baseline, random.Random(args.seed + 1), hostile=False)
    import sympy  # noqa: F401  (imported before timing)
    saved = engine.parse_answer
    engine.parse_answer = sympify_parse
    per_base = per_ours_sample = float("inf")
    for _ in range(2):
        engine.parse_answer = sympify_parse
        try:
            tb = clock()
            bsheet = read_answers_text(btext, qids, list(sample_sets))
            grade_sheet(sample_sets, bsheet, policy)
            per_base = min(per_base, (clock() - tb) / bn)
        finally:
            engine.parse_answer = saved
        tb = clock()
        grade_sheet(sample_sets, read_answers_text(btext, qids, list(sample_sets)), policy)
        per_ours_sample = min(per_ours_sample, (clock() - tb) / bn)
    base = per_base * n
    # parsing alone, on the sample's strings
    texts = [a.text for a in bsheet.answers]
    tp = clock()
    for s_ in texts:
        try:
            parse_answer(s_)
        except ParseError:
            pass
    p_ours = (clock() - tp) / len(texts)
    tp = clock()
    for s_ in texts:
        try:
            sympify_parse(s_)
        except ParseError:
            pass
    p_base = (clock() - tp) / len(texts)

    print(f"class: {source}, {len(base_sets)} distinct question sets built in {t_sets:.2f} s "
          f"(homework package; not timed below)")
    print(f"answers graded: {n:,} ({n_students:,} students × {nq} questions; CPU time)")
    print(f"  read CSV      {t_read:7.3f} s")
    print(f"  grade         {t_grade:7.3f} s   (best of {args.repeat} runs)")
    print(f"  ours total    {ours:7.3f} s   ({ours / n * 1e6:.1f} µs/answer)   goal < 5 s: "
          f"{'ok' if ours < 5 else 'MISSED'}")
    print(f"  sympify base  {base:7.3f} s   ({per_base * 1e6:.1f} µs/answer: the same read + "
          f"grade with sympify as the parser, on {bn:,} benign answers, scaled to {n:,}; ours "
          f"on that sample: {per_ours_sample * 1e6:.1f} µs/answer)")
    print(f"  speed-up      {base / ours:7.1f} ×   goal ≥ 20 ×: "
          f"{'ok' if base / ours >= 20 else 'MISSED'}")
    print(f"  parsing only  {p_ours * 1e6:.1f} µs vs {p_base * 1e6:.1f} µs per answer with "
          f"sympify: {p_base / p_ours:.0f} ×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
