"""``compare.png``: the remedies side by side (matplotlib, imported only when asked for).

Loss curves on an axis scaled to the set-ups that do not explode (an overflow is marked ✕ and
named), then per set-up the first- and last-layer gradient norms at the start (absolute, log: an
exploding gradient is in their size, not their ratio), the first layer's weight change and the
test accuracy -- medians, with the range over seeds as whiskers and bands; every bar labelled in
the tables' number format.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .compare import CompareResult
from .plots import _band, _caption, _figure, _save, _stack
from .report import cell

__all__ = ["plot_compare", "compare_figure"]


def _hbars(ax, y, spreads, key, colors, log=False, offset=0.0, height=0.7, hatch=None,
           label=None):
    """Horizontal bars of figure ``key`` per set-up: the median, a whisker for the range, and
    the value written beside it in the tables' format (or why there is none)."""
    bars = []
    for yi, sp, col in zip(y, spreads, colors):
        st = sp.stats()[key]
        v = st["median"]
        if v is None or (log and v <= 0):
            r = sp.runs[0]
            text = f"exploded at epoch {r.exploded_at}" if r.exploded_at is not None else "—"
            bars.append((yi + offset, None, text))
            continue
        ax.barh(yi + offset, v, height=height, color=col, hatch=hatch,
                edgecolor="white" if hatch else None, label=label if not bars else None)
        if st["n"] > 1 and st["max"] > st["min"]:
            ax.errorbar(v, yi + offset, xerr=[[v - st["min"]], [st["max"] - v]], fmt="none",
                        ecolor="black", lw=0.8, capsize=2)
        bars.append((yi + offset, st["max"], cell(key, v, sp.config.epochs)))
    if log:
        ax.set_xscale("log")
    return bars


def _label_bars(ax, bars, fontsize=7.5):
    """Write each bar's value just past its end (or its whisker), after the axis is scaled."""
    left = ax.get_xlim()[0]
    for yi, end, text in bars:
        ax.text(left if end is None else end, yi, " " + text, va="center", fontsize=fontsize,
                color="C3" if end is None else "black")


def plot_compare(c: CompareResult, out_dir) -> Path:
    """Write ``compare.png``: loss curves, first- and last-layer gradient norms, first-layer
    weight change and test accuracy per set-up (medians and ranges over the seeds)."""
    return _save(compare_figure(c), Path(out_dir) / "compare.png")


def compare_figure(c: CompareResult):
    """The figure of :func:`plot_compare` as a matplotlib ``Figure``."""
    fig = _figure(14, 10)
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.15])
    sp_all = c.setups
    names = [sp.config.name for sp in sp_all]
    colors = [f"C{i % 10}" for i in range(len(names))]
    _compare_loss(top.subplots(), c, colors)
    axes = bottom.subplots(1, 3, sharey=True)
    y = np.arange(len(names))[::-1].astype(float)
    ax = axes[0]
    b1 = _hbars(ax, y, sp_all, "grad_norm_first_start", colors, log=True, offset=0.19,
                height=0.36, label="first layer ‖∇W¹‖")
    b2 = _hbars(ax, y, sp_all, "grad_norm_last_start", colors, log=True, offset=-0.19,
                height=0.36, hatch="////", label="last layer ‖∇Wᴸ‖ (hatched)")
    ax.set_xlim(right=ax.get_xlim()[1] * 30)
    _label_bars(ax, b1 + b2, fontsize=6.5)
    ax.set_yticks(y, names, fontsize=8.5)
    ax.set_title("Gradient norm at the start (log):\nfirst layer (solid), last layer (hatched)",
                 fontsize=10)
    ax = axes[1]
    bars = _hbars(ax, y, sp_all, "weight_change_first", colors, log=True)
    ax.set_xlim(right=ax.get_xlim()[1] * 8)
    _label_bars(ax, bars)
    ax.set_title("First-layer weight change ‖ΔW¹‖/‖W¹₀‖ (log)", fontsize=10)
    ax = axes[2]
    bars = _hbars(ax, y, sp_all, "test_accuracy", colors)
    ax.set_xlim(0, 1.3)
    ax.axvline(0.5, color="grey", ls=":", lw=0.8)
    _label_bars(ax, bars)
    ax.set_title("Test accuracy (dotted: a coin flip)", fontsize=10)
    base = c.runs[0].config
    seeds = ("" if c.seeds == 1 else
             f"; median over seeds {base.seed}–{base.seed + c.seeds - 1}, whiskers and bands: "
             "range")
    fig.suptitle(f"vgp lab --compare: 2 → {base.depth} × {base.width} → 1, {base.epochs} epochs"
                 f"{seeds}", fontsize=12)
    _caption(bottom, _compare_caption(c))
    return fig


def _compare_loss(ax, c: CompareResult, colors):
    """Loss curves on a log axis scaled to the set-ups that did not explode; an exploding
    set-up's curve runs off the top and is named there, an overflow is marked ✕."""
    calm = []
    for sp, col in zip(c.setups, colors):
        stack = _stack([[r.initial_loss] + r.loss for r in sp.runs])
        boom = [r.exploded_at for r in sp.runs if r.exploded_at is not None]
        label = sp.config.name + (f" — exploded at epoch {min(boom)}" if boom else "")
        wild = any(r.gradient_kind == "exploding" for r in sp.runs)
        # an exploding set-up's range spans decades and would cover the others: median only
        _band(ax, np.arange(stack.shape[1]), stack, col, label, lw=1.6, band=not wild)
        if not wild:
            calm.append(stack)
    if calm:
        vals = np.concatenate([s[np.isfinite(s)] for s in calm])
        ax.set_ylim(max(vals.min() / 2, 1e-12), vals.max() * 2)
    ax.set_yscale("log")
    top, notes = ax.get_ylim()[1], []
    for sp, col in zip(c.setups, colors):
        if not any(r.gradient_kind == "exploding" for r in sp.runs):
            continue
        r = sp.runs[0]
        if r.exploded_at is not None:
            ax.plot([r.exploded_at], [top], marker="X", ms=13, color=col, clip_on=False,
                    markeredgecolor="black", zorder=5)
            notes.append((f"✕ {sp.config.name}: overflow in epoch {r.exploded_at} "
                          f"(loss {r.initial_loss:.3g} at the start)", col))
        else:
            notes.append((f"{sp.config.name}: starts at loss {r.initial_loss:.3g}, off the "
                          "top of this axis", col))
    for i, (text, col) in enumerate(reversed(notes)):
        ax.text(0.01, 0.03 + 0.065 * i, text, transform=ax.transAxes, fontsize=8.5, color=col,
                fontweight="bold")
    ax.set(xlabel="epoch", ylabel="training loss (log)",
           title="Training loss (axis scaled to the set-ups that do not explode)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)


def _compare_caption(c: CompareResult) -> str:
    med = {sp.config.name: sp.stats() for sp in c.setups}
    kind = {sp.config.name: sp.runs[0].gradient_kind for sp in c.setups}
    van = [n for n, k in kind.items() if k == "vanishing"]
    boom = [n for n, k in kind.items() if k == "exploding"]
    over = "" if c.seeds == 1 else f" (medians over {c.seeds} seeds)"
    text = ("Vanishing: the first layer's gradient is orders of magnitude below the last's ("
            + (", ".join(van) if van else "none here") + "). ")
    if boom:
        n = boom[0]
        first, last = (med[n][k]["median"] for k in ("grad_norm_first_start",
                                                     "grad_norm_last_start"))
        calm = [med[m]["grad_norm_first_start"]["median"] for m in kind if m not in boom]
        text += (f"Exploding: both norms are huge ({n}: {first:.3g} and {last:.3g}, against at "
                 f"most {max(calm):.2g} for the first layer elsewhere{over}) although their ratio "
                 "looks harmless; clipping the gradient norm lets it train. ")
    text += ("Under adam the weight change is no measure of the gradient (each step is "
             "rescaled); read the gradient norms.")
    return text
