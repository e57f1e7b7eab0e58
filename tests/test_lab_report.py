"""The lab's text: table headers, exploding classified as exploding, the seed note, the
mechanism sentence and the Jupyter display (issue 17)."""
import json

import pytest

from vgp_symbolic.lab import LabConfig, compare, explain, format_compare, format_run, run
from vgp_symbolic.lab.report import (SEED_NOTE, explain_compare, html_runs, markdown_compare,
                                     markdown_runs)


@pytest.fixture(scope="module")
def cmp():
    return compare(LabConfig(epochs=2))


def test_exploding_setups_are_exploding_not_balanced(cmp):
    rows = {r["setup"]: r for r in cmp.rows()}
    boom = [name for name in rows if name.startswith("exploding")]
    assert len(boom) == 2
    for name in boom:
        assert rows[name]["gradient"] == "exploding"
        assert 0.1 < rows[name]["grad_ratio_start"] < 10  # the ratio alone would say balanced
    assert rows["relu + He init"]["gradient"] == "balanced"
    d = json.loads(json.dumps(cmp.to_dict()))
    assert [r["gradient"] for r in d["table"]][-2:] == ["exploding", "exploding"]
    assert d["runs"][-1]["signals"]["gradient"] == "exploding"
    text = format_compare(cmp)
    line = next(ln for ln in text.splitlines() if ln.startswith("exploding + clip 1"))
    assert " exploding " in line


def test_exploding_explanation_names_the_sizes(cmp):
    r = cmp.runs[-1]
    first = explain(r)[0]
    assert "explodes" in first and f"{r.grad_norms_start[0]:.3g}" in first
    assert any("Exploding gradient" in s for s in explain_compare(cmp))


def test_a_large_ratio_with_small_norms_is_growing_not_exploding():
    r = run(LabConfig(depth=2, width=4, epochs=1))
    r.grad_norms_start = [0.02, 0.001, 0.0005]  # ratio 40, every norm far below its weights
    assert r.gradient_kind == "growing" and "does not explode" in explain(r)[0]


def test_compare_header_is_readable_and_parentheses_are_parentheses(cmp):
    text = format_compare(cmp)
    head = next(ln for ln in text.splitlines() if ln.startswith("set-up"))
    assert "flat for  final loss  test acc" in head
    assert "in brackets" not in text
    assert any("in parentheses" in s for s in explain_compare(cmp))


def test_seed_is_not_keras_set_random_seed():
    text = format_run(run(LabConfig(depth=2, width=3, epochs=1)))
    assert SEED_NOTE in text and "set_random_seed" in SEED_NOTE


def test_why_sentence_multiplies_the_mean_derivatives():
    r = run(LabConfig(depth=3, width=5, epochs=1))
    why = next(s for s in explain(r) if s.startswith("Why"))
    means = [st["mean"] for st in r.fprime_start]
    import math
    assert f"{math.prod(means):.1e}" in why


def test_jupyter_display_has_the_table_and_escapes_labels():
    r = run(LabConfig(depth=2, width=3, epochs=1, label="<b>x|y</b>"))
    md = r._repr_markdown_()
    assert "| seed | gradient |" in md and "<b>" not in md and "x\\|y" in md
    html = r._repr_html_()
    assert "<table>" in html and "&lt;b&gt;x|y&lt;/b&gt;" in html and "<b>x" not in html
    assert markdown_runs([r]) == md and html_runs([r]) == html


def test_compare_and_seeds_display_in_jupyter(cmp):
    assert cmp._repr_markdown_() == markdown_compare(cmp)
    assert "exploding + clip 1" in cmp._repr_html_()
    from vgp_symbolic.lab import run_seeds
    sp = run_seeds(LabConfig(depth=2, width=3, epochs=1), 2)
    assert "| median |" in sp._repr_markdown_() and "<td>min</td>" in sp._repr_html_()
