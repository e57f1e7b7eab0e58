"""`vgp check`: a clean assignment passes; a crafted one yields each finding with file and line."""
from pathlib import Path

from click.testing import CliRunner

from vgp_symbolic.cli import main
from vgp_symbolic.homework.assignment import load_assignment
from vgp_symbolic.homework.check import check_assignment

PKG = Path(__file__).resolve().parent.parent / "vgp_symbolic"

TINY = """\
[problem]
type = "network"
title = "A tiny network"

[network]
inputs = 1
layers = [{ units = 1, activation = "sigmoid" }, { units = 1, activation = "sigmoid" }]
loss = "mse"

[params]
x = { min = -1.0, max = 1.0, step = 0.1, exclude = [0], size = 1 }
y = { choices = [0, 1] }
W1 = { min = -1.0, max = 1.0, step = 0.1, exclude = [0], shape = [1, 1] }
W2 = [[0.5]]
lr = 0.5

[answers.output]
ask = "yhat"
tolerance = { abs = 0.06 }

[answers.weight]
ask = "dz2_1/do1_1"
tolerance = { rel = 1e-3 }
"""

DEAD = """\
[problem]
type = "network"
title = "Always dead"

[network]
inputs = 1
layers = [{ units = 1, activation = "relu" }, { units = 1, activation = "sigmoid" }]
loss = "mse"

[params]
x = [0.5]
y = 1
W1 = [[-0.5]]
W2 = [[0.5]]
lr = 0.5

[answers.gradient]
ask = "dL/dw1_11"
"""


def _assignment(tmp_path, problems):
    for name, text in problems.items():
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    body = "".join(f'\n[[problems]]\ntype = "{name}"\n' for name in problems)
    a = tmp_path / "hwx.toml"
    a.write_text(f'[assignment]\nid = "hwx"\nseed = 0\nproblems_dir = "."\n'
                 f'templates = "{PKG / "templates"}"\n{body}', encoding="utf-8")
    return a


def test_clean_assignment_passes():
    r = CliRunner().invoke(main, ["check", str(PKG / "problems" / "hw1.toml"), "--ids", "6"])
    assert r.exit_code == 0, r.output
    assert "0 error(s)" in r.output and "error:" not in r.output
    # activation_max's maxima are the same for everyone by design: marked universal, not flagged
    assert "q3a" not in r.output and "q3b" not in r.output


def test_crafted_findings_name_file_line_and_question(tmp_path):
    a = _assignment(tmp_path, {"tiny": TINY, "dead": DEAD})
    r = CliRunner().invoke(main, ["check", str(a), "--ids", "10"])
    assert r.exit_code == 2, r.output
    lines = r.output.splitlines()
    # the impossible draw: an error at the assignment's [[problems]] entry (line 10)
    assert any(ln.startswith(f"{a}:10: error: problem 2: dead: no acceptable draw")
               and "dead relu" in ln for ln in lines), r.output
    # the bad tolerance: at the question's line in the problem file
    tiny = tmp_path / "tiny.toml"
    assert any(ln.startswith(f"{tiny}:17: warning: q1a: absolute tolerance ±0.06 is more than "
                             "a tenth of the median |answer|") for ln in lines), r.output
    # the constant answer
    assert any(ln.startswith(f"{tiny}:21: warning: q1b: the answer hardly varies over 10 ids "
                             "(always 0.5)") for ln in lines), r.output
    assert lines[-1].endswith("1 error(s), 2 warning(s), 0 note(s)")


def test_warnings_alone_exit_zero_and_universal_silences_spread(tmp_path):
    a = _assignment(tmp_path, {"tiny": TINY.replace('ask = "dz2_1/do1_1"',
                                                    'ask = "dz2_1/do1_1"\nuniversal = true')})
    r = CliRunner().invoke(main, ["check", str(a), "--ids", "10"])
    assert r.exit_code == 0, r.output
    assert "q1b" not in r.output and "q1a: absolute tolerance" in r.output


def test_mistakes_the_tolerance_cannot_tell_apart(tmp_path):
    # fixed parameters cannot be re-drawn: the clashing mistake is dropped, and check says so
    fixed = TINY.replace('x = { min = -1.0, max = 1.0, step = 0.1, exclude = [0], size = 1 }',
                         'x = [0.5]').replace('y = { choices = [0, 1] }', 'y = 1').replace(
        'W1 = { min = -1.0, max = 1.0, step = 0.1, exclude = [0], shape = [1, 1] }',
        'W1 = [[0.5]]').replace("{ abs = 0.06 }", "{ abs = 1 }")
    a = _assignment(tmp_path, {"tiny": fixed})
    findings = check_assignment(load_assignment(a), ids=3)
    dropped = [f for f in findings if "cannot diagnose" in f.message]
    assert dropped and dropped[0].question == "q1a" and dropped[0].line == 17
    assert "too close to the answer" in dropped[0].message
    # the tolerance reads as words: "answers accepted within ±1", not "under within ±1"
    assert "under within" not in dropped[0].message, dropped[0].message
    assert "with answers accepted within ±1" in dropped[0].message, dropped[0].message


def test_tolerance_magnitudes():
    from vgp_symbolic.homework.check import _tolerance_problem
    from vgp_symbolic.question import Tolerance
    assert "more than a tenth" in _tolerance_problem(Tolerance(abs=1e-5), [1e-7, 3e-7])
    assert "below 1e-12" in _tolerance_problem(Tolerance(rel=1e-13), [1.0])
    assert "below 1e-12" in _tolerance_problem(Tolerance(abs=1e-15), [10.0])
    assert "only an exact 0" in _tolerance_problem(Tolerance(rel=1e-3), [0.0, 0.0])
    assert _tolerance_problem(Tolerance(abs=1e-4), [0.3, 0.5]) is None


def test_readme_authoring_example_checks_clean(tmp_path):
    """The README's example problem and assignment, as printed there, load and check clean."""
    readme = (PKG.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Author a problem in TOML", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```toml\n")[1:]
    problem, assignment = (b.split("```", 1)[0] for b in blocks[:2])
    (tmp_path / "tiny_net.toml").write_text(problem, encoding="utf-8")
    (tmp_path / "myhw.toml").write_text(assignment, encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(tmp_path / "myhw.toml"), "--ids", "20"])
    assert r.exit_code == 0 and "0 error(s), 0 warning(s)" in r.output, r.output
