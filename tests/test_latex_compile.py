"""Every LaTeX output compiles with real pdflatex and fits the page (issue 13).

``--format latex`` prints a fragment whose first line names the packages it needs; the test
builds a document from exactly those packages, so a fragment that needs more fails here. No line
may be overfull by more than 1 pt: long sums must break across lines.
"""
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from vgp_symbolic.cli import main
from vgp_symbolic.core.activations import ACTIVATIONS

pytestmark = pytest.mark.skipif(not shutil.which("pdflatex"), reason="pdflatex not installed")

_NEEDS = re.compile(r"^% vgp: this LaTeX fragment needs \\usepackage\{([a-z,]+)\}\n")
_OVERFULL = re.compile(r"Overfull \\hbox \(([\d.]+)pt too wide\)")


def vgp(*args) -> str:
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 0, r.output
    return r.output


def document(fragments) -> str:
    """A document from fragments, with only the packages their first lines name."""
    packages, bodies = [], []
    for f in fragments:
        m = _NEEDS.match(f)
        assert m, f"a LaTeX fragment must start by naming its packages:\n{f[:200]}"
        packages += [p for p in m.group(1).split(",") if p not in packages]
        bodies.append(f[m.end():])
    return ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n"
            f"\\usepackage{{{','.join(packages)}}}\n\\begin{{document}}\n"
            + "\n\\clearpage\n".join(bodies) + "\\end{document}\n")


def compile_tex(tmp_path, tex: str, name: str = "doc") -> str:
    """Compile with pdflatex (no shell escape); return the log; fail on errors or overfull lines."""
    (tmp_path / f"{name}.tex").write_text(tex, encoding="utf-8")
    r = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode",
                        "-halt-on-error", f"{name}.tex"], cwd=tmp_path, capture_output=True)
    log = (tmp_path / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    assert r.returncode == 0, log[-3000:]
    assert (tmp_path / f"{name}.pdf").exists()
    worst = max([float(x) for x in _OVERFULL.findall(log)], default=0.0)
    assert worst <= 1.0, f"a line runs {worst} pt past the margin:\n" + "\n".join(
        line for line in log.splitlines() if "Overfull" in line)
    assert "Missing character" not in log
    return log


DERIVE = [
    ("--example", "seed"), ("--example", "net"), ("--example", "relu"),
    ("--example", "deep", "--no-check"), ("--example", "net", "--symbolic"),
    ("--example", "net", "--wrt", "b2_1"), ("--example", "relu", "--wrt", "w2_21"),
    ("--example", "deep", "--no-check", "--wrt", "w1_11", "--route", "1,1,1,1,1,1,1,1,1,1"),
    ("--factors", "0.20,0.5,0.02", "--old", "2.5", "--lr", "1"),
    ("--factors", "0.1,0.1,0.1,0.1"),
]


def test_every_derive_example_compiles_and_fits(tmp_path):
    compile_tex(tmp_path, document([vgp("derive", *a, "--format", "latex") for a in DERIVE]))


def test_every_prove_output_compiles_and_fits(tmp_path):
    outs = [vgp("prove", name, "--format", "latex") for name in ACTIVATIONS]
    outs += [vgp("prove", *a, "--format", "latex") for a in (
        ("depth",), ("depth", "--activation", "tanh", "--weight-norm", "1.5", "--layers", "25"),
        ("depth", "--activation", "tanh", "--weight-norm", "0.9", "--layers", "30"),
        ("depth", "--factor", "0.1", "--layers", "4"), ("depth", "--activation", "selu"),
        ("depth", "--activation", "swish", "--weight-norm", "1.2", "--layers", "12"),
        ("sigmoid", "tanh", "--summary"))]
    compile_tex(tmp_path, document(outs))


def _random_spec(rng: random.Random, widths, acts, loss, inputs=None) -> str:
    w = [inputs or rng.randint(1, 3)] + list(widths)
    lines = ["[network]", f"inputs = {w[0]}", "layers = ["
             + ", ".join(f'{{units = {u}, activation = "{a}"}}' for u, a in zip(w[1:], acts))
             + "]", f'loss = "{loss}"', "[values]",
             f"x = [{', '.join(str(rng.randint(-9, 9) / 10) for _ in range(w[0]))}]",
             f"y = [{', '.join(str(rng.randint(1, 9) / 10) for _ in range(w[-1]))}]", "lr = 0.1"]
    for k in range(1, len(w)):
        rows = [f"[{', '.join(str(rng.randint(-20, 20) / 20) for _ in range(w[k]))}]"
                for _ in range(w[k - 1])]
        lines.append(f"W{k} = [{', '.join(rows)}]")
    return "\n".join(lines) + "\n"


def test_random_networks_compile_and_fit(tmp_path):
    rng = random.Random(13)
    shapes = [((4, 4, 4, 1), "mse"), ((5, 3, 2), "mse"), ((10, 1), "bce"), ((3, 3, 3, 3, 1), "bce"),
              ((2, 2, 2, 2, 2, 2, 2, 1), "half_mse")]
    outs = []
    for n, (widths, loss) in enumerate(shapes):
        acts = [rng.choice(["sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "softplus",
                            "gelu", "selu"]) for _ in widths[:-1]] + ["sigmoid"]
        spec = tmp_path / f"net{n}.toml"
        spec.write_text(_random_spec(rng, widths, acts, loss))
        for wrt in ("w1_11", "b1_1", f"w{len(widths)}_11"):
            outs.append(vgp("derive", str(spec), "--wrt", wrt, "--no-check", "--format", "latex"))
        outs.append(vgp("derive", str(spec), "--symbolic", "--format", "latex"))
    compile_tex(tmp_path, document(outs))


def test_the_3_4_4_4_1_net_fits_the_page(tmp_path):
    """Issue 13: this net's expanded gradient ran 4,086 pt off the page."""
    spec = tmp_path / "wide.toml"
    spec.write_text(_random_spec(random.Random(1), (4, 4, 4, 1), ["sigmoid"] * 4, "mse", 3))
    compile_tex(tmp_path, document([vgp("derive", str(spec), "--symbolic", "--format", "latex")]))


def test_standalone_is_a_whole_document(tmp_path):
    for n, args in enumerate([("derive", "--example", "net"), ("derive", "--example", "seed"),
                              ("prove", "sigmoid")]):
        out = vgp(*args, "--format", "latex", "--standalone")
        assert out.startswith("\\documentclass") and out.rstrip().endswith("\\end{document}")
        compile_tex(tmp_path, out, f"s{n}")


def test_fragments_are_not_documents():
    for args in [("derive", "--example", "deep", "--no-check"), ("derive", "--example", "net"),
                 ("prove", "depth")]:
        out = vgp(*args, "--format", "latex")
        assert _NEEDS.match(out) and "\\documentclass" not in out


_EXAMPLES = Path(__file__).resolve().parents[1] / "vgp_symbolic" / "examples"


def _longer(tmp_path, name: str, steps: int) -> str:
    """An example recurrent spec unrolled over more steps (x padded with a repeating pattern)."""
    text = (_EXAMPLES / f"{name}.toml").read_text(encoding="utf-8")
    xs = ", ".join(str(v) for v in ([1.0, 0.5, -1.0, 0.25] * steps)[:steps])
    text = re.sub(r"(?m)^steps = \d+", f"steps = {steps}", text)
    text = re.sub(r"(?m)^x\s*= \[[^\]]*\]", f"x = [{xs}]", text)
    spec = tmp_path / f"{name}{steps}.toml"
    spec.write_text(text, encoding="utf-8")
    return str(spec)


@pytest.mark.slow
def test_residual_and_recurrent_outputs_compile_and_fit(tmp_path):
    """Issue 13 for ``arch_report``: its align* blocks ran up to ~1,040 pt off the page."""
    runs = [(str(_EXAMPLES / f"{n}.toml"),) for n in ("rnn", "lstm", "gru", "residual")]
    runs += [(str(_EXAMPLES / "lstm.toml"), "--symbolic"), (_longer(tmp_path, "rnn", 8),),
             (_longer(tmp_path, "lstm", 7), "--wrt", "Wf_11"), (_longer(tmp_path, "gru", 7),)]
    compile_tex(tmp_path, document([vgp("derive", *a, "--format", "latex") for a in runs]))
    out = vgp("derive", str(_EXAMPLES / "lstm.toml"), "--format", "latex", "--standalone")
    compile_tex(tmp_path, out, "lstm")
