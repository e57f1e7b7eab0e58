"""The network problem kind: bad input named by file, line and key; hw2 from TOML alone; preview."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from vgp_symbolic.homework import Student, load_assignment, student_set
from vgp_symbolic.homework.assignment import load_problem_spec
from vgp_symbolic.homework.model import HomeworkError
from vgp_symbolic.core.network import SpecError

PROBLEMS = Path(__file__).resolve().parents[1] / "vgp_symbolic" / "problems"
GOOD = (PROBLEMS / "sigmoid_network.toml").read_text(encoding="utf-8")


def _line(text: str, needle: str) -> int:
    return next(n for n, ln in enumerate(text.splitlines(), 1) if needle in ln)


@pytest.mark.parametrize("old,new,needle,key", [
    ('activation = "sigmoid" }, { units = 1', 'activation = "sigmoidal" }, { units = 1',
     "sigmoidal", "layers"),
    ('ask = "dL/dw1_11"', 'ask = "dL/dw3_11"', "dw3_11", "answers.gradient.ask"),
    ("W1 = { min = -1.0, max = 1.0", "W1 = { min = 1.0, max = -1.0", "W1 =", "params.W1"),
    ('ask = "dL/dw1_11"', 'ask = "dL/dw1_11"\nroute = [1, 3]', "route = [1, 3]",
     "answers.gradient.route"),
    ("lr = {", "lr = {{", "lr = {{", "malformed TOML"),
    ("W2 = {", "W7 = {", "W7 =", "params.W7"),
])
def test_bad_input_names_file_line_and_key(tmp_path, old, new, needle, key):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    f = tmp_path / "p.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises((HomeworkError, SpecError)) as e:
        load_problem_spec(f)
    msg = str(e.value)
    assert str(f) in msg and f"line {_line(text, needle)}" in msg and key in msg, msg


def test_bad_input_exits_2_and_writes_nothing(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text(GOOD.replace('ask = "dL/dw1_11"', 'ask = "dL/dw1_99"'), encoding="utf-8")
    out = tmp_path / "x.pdf"
    r = subprocess.run(["vgp", "preview", str(f), "--out", str(out)], capture_output=True,
                       text=True)
    assert r.returncode == 2 and "line" in r.stderr and not out.exists(), r.stderr


def test_hw2_is_authored_in_toml_alone():
    a = load_assignment(PROBLEMS / "hw2.toml")
    assert [u.spec.kind for u in a.problems] == ["network"]
    s = student_set(a, Student("s000007", "X", 2))
    keys = [q.key for q in s.questions]
    assert keys == ["output", "gradient", "update", "first_delta", "ratio", "relu_gradient",
                    "relu_ratio"]
    for q in s.questions:
        assert q.answer != 0 and all(m.value != q.answer for m in q.mistakes)
    assert s.question("q1c").depends_on == ("q1b",)
    ids = {m.id for q in s.questions for m in q.mistakes}
    assert {"sigma_for_sigma_prime", "wrong_activation", "loss_derivative_factor",
            "bias_for_weight", "ratio_inverted", "sign_flipped"} <= ids


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("latexmk") is None, reason="needs TeX Live")
def test_preview_renders_one_problem(tmp_path):
    out = tmp_path / "p.pdf"
    r = subprocess.run(["vgp", "preview", str(PROBLEMS / "deep_tanh.toml"), "--student",
                        "s000042", "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "three tanh layers" in text and "δ" in text


@pytest.mark.parametrize("zero", [0.0, -0.0, 0])
def test_a_zero_answer_is_one_reason_for_a_redraw(zero):
    """`vgp check` counts re-draws by reason: a gradient of -0.0 read 'relu_gradient is -0.0',
    a second reason beside 'is 0.0' for the same degenerate draw."""
    from types import SimpleNamespace
    from vgp_symbolic.homework.types.base import Reject
    from vgp_symbolic.homework.types.network import _check_value
    with pytest.raises(Reject, match=r"^relu_gradient is 0 for this draw$"):
        _check_value(SimpleNamespace(key="relu_gradient", min_abs=None), zero)
