"""The lab's figures teach on their own: captions, the other optimiser beside, legends off the
data, the exploding run visible, one number format (issue 17). Read back from real matplotlib
figures."""
import math
import re

import matplotlib  # noqa: F401  (a runtime dependency: missing is a failure, not a skip)
import numpy as np
import pytest

from vgp_symbolic.lab import LabConfig, compare, run, run_seeds
from vgp_symbolic.lab.compare_plots import compare_figure
from vgp_symbolic.lab.plots import RUN_PLOTS, run_figures
from vgp_symbolic.lab.report import cell

SMALL = dict(depth=4, width=6, epochs=3)


@pytest.fixture(scope="module")
def figs():
    return run_figures(run(LabConfig(**SMALL)), run(LabConfig(**SMALL, optimizer="sgd")))


@pytest.fixture(scope="module")
def cmp_fig():
    c = compare(LabConfig(epochs=3))  # depth 8: the exploding set-up overflows in epoch 1
    return c, compare_figure(c)


def _caption(fig):
    return " ".join(fig._supxlabel.get_text().split()) if fig._supxlabel is not None else ""


def _texts(ax):
    return [t.get_text().strip() for t in ax.texts]


def test_every_run_figure_has_a_caption(figs):
    assert list(figs) == list(RUN_PLOTS)
    for name, fig in figs.items():
        assert len(_caption(fig)) > 80, name


@pytest.mark.parametrize("name", ["weight_change.png", "first_layer_weight.png"])
def test_adam_figures_say_why_and_show_sgd_beside(figs, name):
    fig = figs[name]
    assert "Adam rescales each step" in _caption(fig)
    assert "gradient norms" in _caption(fig)
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title().split()[0] for ax in axes] == ["adam", "sgd"]
    assert axes[0].get_ylim() == axes[1].get_ylim()  # one scale for both optimisers


def test_weight_change_is_log_on_both_panels_with_the_tables_labels(figs):
    axes = [ax for ax in figs["weight_change.png"].axes if ax.get_title()]
    assert all(ax.get_yscale() == "log" for ax in axes)
    for ax in axes:
        for t in _texts(ax):
            assert re.fullmatch(r"\d+\.\d %|\d\.\de-\d\d %", t), t


def test_loss_lines_are_the_guess_and_ten_percent_below_it(figs):
    ax = figs["loss.png"].axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    guess = next(v for k, v in lines.items() if k.startswith("always guessing"))
    below = next(v for k, v in lines.items() if k.startswith("10 % below"))
    g, b = guess.get_ydata()[0], below.get_ydata()[0]
    assert abs(g - math.log(2)) < 0.01  # the class-frequency guess is ≈ ln 2 itself
    assert guess.get_linestyle() == "-" and below.get_linestyle() == "--"
    assert b == pytest.approx(0.9 * g)  # the start (0.8+) is above the guess: measure from it
    assert f"{b:.3f}" in below.get_label() and f"{g:.3f}" in guess.get_label()


def test_mechanism_figures(figs):
    sat = figs["saturation.png"]
    assert "f′" in sat.axes[0].get_title() and "1 % of the gradient" in sat.axes[1].get_title()
    flow = figs["grad_flow.png"]
    img = flow.axes[0].get_images()[0].get_array()
    assert img.shape == (5, 4)  # layer × epoch (epoch 0 = before training)
    # vanishing: the first layer's gradient is the darkest row at the start
    assert img[0, 0] == img[:, 0].min()


@pytest.mark.slow
def test_legends_stay_off_the_data(cmp_fig, figs):
    _, fig = cmp_fig
    for f in [fig, *figs.values()]:
        f.canvas.draw()
        r = f.canvas.get_renderer()
        for ax in f.axes:
            leg = ax.get_legend()
            if leg is not None:
                a, b = leg.get_window_extent(r), ax.get_window_extent(r)
                assert not a.overlaps(b), ax.get_title()


def test_compare_shows_absolute_norms_and_the_exploding_run(cmp_fig):
    c, fig = cmp_fig
    boom = c.runs[-2]
    assert boom.exploded_at == 1
    loss, norms, wchange, acc = [ax for ax in fig.axes if ax.get_title()][:4]
    labels = _texts(norms)
    assert cell("grad_norm_first_start", boom.grad_norms_start[0]) in labels
    assert cell("grad_norm_last_start", boom.grad_norms_start[-1]) in labels
    assert norms.get_xscale() == "log"
    # the overflow is a marker on the loss panel and named in words on every bar panel
    assert any(ln.get_marker() == "X" for ln in loss.get_lines())
    assert any("overflow in epoch 1" in t for t in _texts(loss))
    assert "exploded at epoch 1" in _texts(wchange) and "exploded at epoch 1" in _texts(acc)
    # the loss axis is scaled to the set-ups that do not explode (the clipped one starts ~500)
    assert loss.get_ylim()[1] < 50 < c.runs[-1].initial_loss


def test_compare_bar_labels_use_one_format(cmp_fig):
    _, fig = cmp_fig
    _, norms, wchange, acc = [ax for ax in fig.axes if ax.get_title()][:4]
    for ax, pattern in ((norms, r"\d\.\d\de[+-]\d\d"), (wchange, r"\d+\.\d %|\d\.\de-\d\d %"),
                        (acc, r"\d+\.\d %")):
        for t in _texts(ax):
            assert t == "exploded at epoch 1" or re.fullmatch(pattern, t), t


def test_spread_is_drawn_over_seeds():
    sp = run_seeds(LabConfig(**SMALL), 3)
    figs = run_figures(sp.runs)
    ax = figs["loss.png"].axes[0]
    assert ax.collections, "the range over seeds is a shaded band"
    assert "median over seeds 42–44" in ax.get_title()
    wc = figs["weight_change.png"].axes[0]
    assert any(type(c).__name__ == "LineCollection" for c in wc.collections)  # whiskers
    assert "Drawn without the other optimiser" in _caption(figs["weight_change.png"])
    np.testing.assert_equal(len(figs), len(RUN_PLOTS))
