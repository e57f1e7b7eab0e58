"""PNG figures for the lab (matplotlib, imported only here and only when a plot is asked for).

Every figure says on itself what it shows and how to read it (a caption under the axes, computed
from the run's numbers), keeps its legend off the data, and writes its bar labels in the tables'
number format (:func:`~.report.cell`). With several seeds a line is the median over the seeds
and the shaded band their range; a bar is the median and its whisker the range.

Figures are drawn with matplotlib's object-oriented API on an Agg canvas -- no pyplot, so no
global backend is switched and nothing needs a display -- and written atomically.

:func:`plot_run` writes :data:`RUN_PLOTS`; :mod:`.compare_plots` draws ``compare.png`` with the
same helpers.
"""
from __future__ import annotations

import io
import textwrap
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..fileio import atomic_write_bytes
from .experiment import SATURATED, RunResult
from .report import cell

__all__ = ["plot_run", "run_figures", "RUN_PLOTS"]

RUN_PLOTS = ("loss.png", "grad_norms.png", "grad_flow.png", "saturation.png",
             "first_layer_weight.png", "weight_change.png")


def _figure(w=7.5, h=5.0):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _caption(fig, text: str) -> None:
    """A caption under the axes, wrapped to the figure's width (laid out with the figure)."""
    width = int(fig.get_figure(root=True).get_figwidth() * 15.5)
    fig.supxlabel("\n".join(textwrap.fill(p, width) for p in text.split("\n")),
                  fontsize=8.5, ha="left", x=0.01, multialignment="left", color="0.15")


def _save(fig, path: Path) -> Path:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    atomic_write_bytes(path, buf.getvalue())
    return path


def _cmap(n):
    from matplotlib import colormaps

    cm = colormaps["viridis"]
    return [cm(i / max(1, n - 1) * 0.9) for i in range(n)]


def _stack(seqs) -> np.ndarray:
    """Per-seed sequences (maybe of unequal length: a run that exploded stops) as one array
    padded with NaN, seeds along axis 0."""
    seqs = [np.asarray(s, dtype=float) for s in seqs]
    n = max(len(s) for s in seqs)
    out = np.full((len(seqs), n) + seqs[0].shape[1:], np.nan)
    for i, s in enumerate(seqs):
        out[i, :len(s)] = s
    return out


def _band(ax, x, stack, color, label, lw=1.8, band=True):
    """The median over seeds as a line, their range as a shaded band (none for one seed)."""
    with _quiet():
        med = np.nanmedian(stack, axis=0)
        lo, hi = np.nanmin(stack, axis=0), np.nanmax(stack, axis=0)
    ax.plot(x, med, color=color, lw=lw, label=label, marker="o" if len(x) < 2 else None)
    if band and len(stack) > 1:
        ax.fill_between(x, lo, hi, color=color, alpha=0.13, lw=0)


@contextmanager
def _quiet():
    """Silence numpy's 'All-NaN slice' and overflow warnings (an exploded run has no later
    epochs, a median over none of them is NaN and is simply not drawn)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _title(runs) -> str:
    cfg = runs[0].config
    seeds = (f"seed {cfg.seed}" if len(runs) == 1 else
             f"median over seeds {cfg.seed}–{runs[-1].config.seed}")
    return f"{cfg.name}, {cfg.optimizer}: {cfg.describe().split(', ', 1)[0]} ({seeds})"


def plot_run(runs, out_dir, contrast=None) -> list[Path]:
    """Write the figures of one set-up (one run, or a list of runs over seeds) into ``out_dir``.

    ``contrast``: the same set-up trained with the other optimiser (a run or list of runs), drawn
    beside it in ``weight_change.png`` and ``first_layer_weight.png``.

    >>> import tempfile
    >>> from vgp_symbolic.lab.experiment import LabConfig, run
    >>> paths = plot_run(run(LabConfig(depth=2, width=3, epochs=2)), tempfile.mkdtemp())
    >>> [p.name for p in paths] == list(RUN_PLOTS)
    True
    """
    out = Path(out_dir)
    return [_save(fig, out / name) for name, fig in run_figures(runs, contrast).items()]


def run_figures(runs, contrast=None) -> dict:
    """The figures of :func:`plot_run` as matplotlib ``Figure`` objects, by file name."""
    runs = [runs] if isinstance(runs, RunResult) else list(runs)
    contrast = [contrast] if isinstance(contrast, RunResult) else contrast
    return {name: draw(runs, contrast) if name in _PAIRED else draw(runs)
            for name, draw in _RUN_FIGURES.items()}


def _loss_figure(runs):
    r, cfg = runs[0], runs[0].config
    fig = _figure()
    ax = fig.add_subplot()
    train = _stack([[x.initial_loss] + x.loss for x in runs])
    _band(ax, np.arange(train.shape[1]), train, "C0", "training loss (mean over the epoch)")
    if r.test_loss:
        test = _stack([x.test_loss for x in runs])
        _band(ax, np.arange(1, test.shape[1] + 1), test, "C1", "test loss", lw=1.2)
    guess = float(np.median([x.baseline_loss for x in runs]))
    ax.axhline(guess, color="0.35", lw=1.0,
               label=f"always guessing the class frequency: {guess:.3f} (≈ ln 2 = 0.693)")
    start = min(r.initial_loss, r.baseline_loss)
    line = (1 - cfg.plateau) * start
    of = "that guess" if r.baseline_loss < r.initial_loss else "the initial loss"
    ax.axhline(line, ls="--", color="0.35", lw=1.0,
               label=f"{100 * cfg.plateau:g} % below {of}: {line:.3f} (left the plateau)")
    flat = [x.plateau_epochs for x in runs]
    if len(runs) == 1 and flat[0] is not None:
        ax.axvline(flat[0], ls=":", color="C3", lw=1, label=f"left the plateau: epoch {flat[0]}")
    boom = [x.exploded_at for x in runs if x.exploded_at is not None]
    if boom:
        ax.text(0.5, 0.5, f"exploded at epoch {min(boom)}", transform=ax.transAxes,
                ha="center", color="C3", fontsize=14)
    ax.set(xlabel="epoch", ylabel="binary cross-entropy", title=f"Loss\n{_title(runs)}")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.13), ncol=2, frameon=False)
    ax.set_xlim(-0.02 * cfg.epochs, cfg.epochs * 1.02)
    never = sum(1 for f, x in zip(flat, runs) if f is None and x.exploded_at is None)
    if boom:
        text = (f"{len(boom)} of {len(runs)} runs overflowed float64 (first in epoch "
                f"{min(boom)}): an exploding gradient — see grad_norms.png. Clipping the "
                "gradient norm (--clip) bounds every step.")
    else:
        text = ("A vanishing gradient shows as a long flat loss at the class-frequency guess "
                "(the network outputs the same probability for every point). "
                + (f"Here the loss never fell below the dashed line in {r.epochs_run} epochs."
                   if len(runs) == 1 and flat[0] is None else
                   f"Here it left the plateau in epoch {flat[0]}." if len(runs) == 1 else
                   f"{never} of {len(runs)} seeds never left the plateau."))
    _caption(fig, text)
    return fig


def _grad_norms_figure(runs):
    r = runs[0]
    fig = _figure()
    ax = fig.add_subplot()
    G = _stack([[x.grad_norms_start] + list(x.grad_norms) for x in runs])  # seed × epoch × layer
    colors = _cmap(r.layers)
    for k in range(r.layers):
        label = f"layer {k + 1}" + (" (output)" if k == r.layers - 1 else "")
        _band(ax, np.arange(G.shape[1]), np.maximum(G[:, :, k], 1e-300), colors[k], label,
              lw=1.4)
    ax.set_yscale("log")
    ax.set(xlabel="epoch (0: whole training set before training; then mean over the epoch)",
           ylabel="‖∂L/∂Wᵏ‖ (log)", title=f"Gradient norm per layer\n{_title(runs)}")
    ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ratio = float(np.median([x.grad_ratio_start for x in runs]))
    _caption(fig, "The gap between the lines is the vanishing gradient: at the start layer 1's "
             f"gradient is {ratio:.1e} × the output layer's. Under adam this is the signal to read "
             "(the weight change is not: see weight_change.png).")
    return fig


def _grad_flow_figure(runs):
    r = runs[0]
    fig = _figure(7.5, 4.6)
    ax = fig.add_subplot()
    G = _stack([[x.grad_norms_start] + list(x.grad_norms) for x in runs])
    with _quiet():
        L = np.log10(np.maximum(np.nanmedian(G, axis=0), 1e-300)).T  # layer × epoch
    im = ax.imshow(L, aspect="auto", origin="lower", cmap="magma", interpolation="nearest",
                   extent=(-0.5, G.shape[1] - 0.5, 0.5, r.layers + 0.5))
    ax.set_yticks(range(1, r.layers + 1),
                  [f"{k}" + (" out" if k == r.layers else "") for k in range(1, r.layers + 1)])
    ax.set(xlabel="epoch (0: before training)", ylabel="layer (1 = next to the input)",
           title=f"Gradient flow: log₁₀ ‖∂L/∂Wᵏ‖ per layer and epoch\n{_title(runs)}")
    fig.colorbar(im, ax=ax, label="log₁₀ ‖∂L/∂Wᵏ‖")
    ratio = float(np.median([x.grad_ratio_start for x in runs]))
    _caption(fig, "Read it top to bottom: the gradient enters at the output layer and, in a "
             "vanishing gradient, shrinks (darker) as it is passed back towards the input. "
             f"Before training layer 1 gets {ratio:.1e} × the output layer's gradient; a uniform "
             "colour would mean no vanishing."
             + (f" The colours are absolute: here the norms reach 10^{np.nanmax(L):.1f}, an "
                "exploding gradient." if any(x.gradient_kind == "exploding" for x in runs)
                else ""))
    return fig


def _saturation_figure(runs):
    r = runs[0]
    fig = _figure(10, 5.0)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[2.2, 1])
    H = len(r.fprime_start)
    x = np.arange(1, H + 1)
    boxes = []
    for when, stats, off, color in (("start", r.fprime_start, -0.18, "C0"),
                                    ("end", r.fprime_end, 0.18, "C1")):
        if not stats:
            continue
        q = [s["quantiles"] for s in stats]
        b = ax.bxp([{"whislo": v[1], "q1": v[2], "med": v[3], "q3": v[4], "whishi": v[5],
                     "fliers": []} for v in q], positions=x + off, widths=0.3,
                   patch_artist=True, showfliers=False, manage_ticks=False)
        for p in b["boxes"]:
            p.set(facecolor=color, alpha=0.55)
        for m in b["medians"]:
            m.set(color="black")
        boxes.append((b["boxes"][0], f"{when} of training"))
        ax2.bar(x + off, [100 * s["saturated"] for s in stats], width=0.36, color=color,
                alpha=0.8, label=f"{when} of training")
    ax.axhline(SATURATED, color="C3", ls="--", lw=0.9)
    boxes.append((ax.get_lines()[-1], f"f′ = {SATURATED:g}: below it a unit is saturated"))
    ax.set_xticks(x)
    ax.set(xlabel="hidden layer", ylabel="f′(z) over the training set (box: quartiles, "
           "whiskers: 5–95 %)", title=f"f′(z) per layer — {r.config.activation}")
    ax.legend(*zip(*boxes), fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.12), ncol=3,
              frameon=False)
    ax2.set_xticks(x)
    top = max([s["saturated"] for s in r.fprime_start + r.fprime_end] + [0.0])
    ax2.set_ylim(0, max(5.0, 110 * top))
    ax2.set(xlabel="hidden layer", ylabel=f"% of units with f′ < {SATURATED:g}",
            title="Units passing on\n< 1 % of the gradient")
    if top == 0:
        ax2.text(0.5, 0.5, "none, at the start\nor the end", transform=ax2.transAxes,
                 ha="center", va="center", color="0.3")
    if not r.fprime_end:
        ax.text(0.5, 0.5, f"no end of training: the run exploded in epoch {r.exploded_at}",
                transform=ax.transAxes, ha="center", color="C3", fontsize=10)
    fig.suptitle("f′(z) in each layer: what backpropagation multiplies the gradient by\n"
                 f"{_title(runs[:1])}", fontsize=11)
    means = [s["mean"] for s in r.fprime_start]
    _caption(fig, "Backpropagation multiplies the gradient by f′(z) once per layer. "
             f"At the start the mean f′ per layer is {min(means):.2g}–{max(means):.2g}, so over "
             f"{H} layers the product is {np.prod(means):.1e} — compare the measured first/last "
             f"gradient ratio {r.grad_ratio_start:.1e}. A saturated unit (f′ < {SATURATED:g}: "
             "z far out on sigmoid's flat tails, or an inactive relu) passes on almost nothing."
             + (" Here no unit saturates: the gradient vanishes because f′ ≤ 1/4 compounds."
                if top == 0 and r.config.activation == "sigmoid" else "")
             + (" Units that are on have f′ = 1 and pass the gradient on undiminished, so "
                "off units thin the paths back without shrinking the gradient along them."
                if top > 0 and max(s["quantiles"][4] for s in r.fprime_start) >= 0.99
                else ""))
    return fig


def _panel_title(runs, own) -> str:
    cfg = runs[0].config
    tag = "this run" if own else "for comparison"
    return f"{cfg.optimizer} lr {cfg.learning_rate:g} ({tag})"


def _pairs(runs, contrast):
    """(runs, is-own) panels, adam first, then sgd."""
    pairs = [(runs, True)] + ([(contrast, False)] if contrast else [])
    return sorted(pairs, key=lambda p: p[0][0].config.optimizer != "adam")


def _moved(runs) -> str:
    """'0.00022 ×': how far the first layer moved as a multiple of the last (median)."""
    ratios = [r.weight_change_final[0] / r.weight_change_final[-1] for r in runs
              if r.exploded_at is None and r.weight_change_final[-1]]
    return f"{float(np.median(ratios)):.2g} ×" if ratios else None


def _weight_caption(runs, contrast) -> str:
    by = {rs[0].config.optimizer: rs for rs, _ in _pairs(runs, contrast)}
    text = ("Adam rescales each step by that weight's own running gradient size, so a weight "
            "whose gradient is a millionth of another's still moves about as far: under adam "
            "the weight change is no measure of the gradient — read the gradient norms "
            "(grad_norms.png, grad_flow.png).")
    adam, sgd = (_moved(by[k]) if k in by else None for k in ("adam", "sgd"))
    if adam:
        text += f" Here under adam the first layer moved {adam} as far as the last."
    if "sgd" in by:
        text += " Under SGD the step is the gradient itself" + (
            f": the first layer moved {sgd} as far as the last." if sgd else
            "; here the SGD run exploded.")
    if not contrast:
        text += " (Drawn without the other optimiser's run.)"
    return text


def _first_layer_figure(runs, contrast=None):
    pairs = _pairs(runs, contrast)
    fig = _figure(6.0 * len(pairs), 5.0)
    axes = np.atleast_1d(fig.subplots(1, len(pairs), sharey=True))  # one scale for both
    for ax, (rs, own) in zip(axes, pairs):
        T = np.asarray(rs[0].first_layer_trace)
        flat = T.reshape(len(T), -1)
        ep = np.arange(len(T))
        for j in range(1, flat.shape[1]):
            ax.plot(ep, flat[:, j], color="grey", lw=0.6, alpha=0.5)
        ax.plot(ep, flat[:, 0], color="C0", lw=2.2, label="w¹₁₁")
        ax.plot([], [], color="grey", lw=0.6, label="the other first-layer weights")
        ax.set(xlabel="epoch", ylabel="weight", title=_panel_title(rs, own))
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.12), ncol=2,
                  frameon=False)
    fig.suptitle(f"First-layer weights during training (seed {runs[0].config.seed})\n"
                 f"{runs[0].config.describe().split(', ', 1)[0]}", fontsize=11)
    _caption(fig, _weight_caption(runs, contrast))
    return fig


def _weight_change_figure(runs, contrast=None):
    pairs = _pairs(runs, contrast)
    fig = _figure(6.0 * len(pairs), 5.0)
    axes = np.atleast_1d(fig.subplots(1, len(pairs), sharey=True))
    layers = np.arange(1, runs[0].layers + 1)
    colors = _cmap(len(layers))
    for ax, (rs, own) in zip(axes, pairs):
        W = _stack([[np.nan if v is None else v for v in r.weight_change_final] for r in rs])
        with _quiet():
            med, lo, hi = (np.nanmedian(W, 0), np.nanmin(W, 0), np.nanmax(W, 0))
        ok = np.isfinite(med) & (med > 0)
        ax.bar(layers[ok], med[ok], color=[c for c, o in zip(colors, ok) if o])
        if len(rs) > 1:
            ax.errorbar(layers[ok], med[ok], yerr=[med[ok] - lo[ok], hi[ok] - med[ok]],
                        fmt="none", ecolor="black", lw=0.9, capsize=3)
        for k, v, top in zip(layers[ok], med[ok], hi[ok]):  # above the whisker, not on it
            ax.text(k, top * 1.15, cell("weight_change_first", float(v)), ha="center",
                    va="bottom", fontsize=7, rotation=90)
        if not ok.any():
            ax.text(0.5, 0.5, f"exploded in epoch {rs[0].exploded_at}: no weights to compare",
                    transform=ax.transAxes, ha="center", color="C3")
        ax.set_yscale("log")  # the same log scale on both panels: SGD's first layer is 10⁻⁵
        ax.set_xticks(layers, [str(k) if k < len(layers) else f"{k}\nout" for k in layers])
        ax.set(xlabel="layer", title=_panel_title(rs, own) + f", {rs[0].epochs_run} epochs")
    axes[0].set_ylabel("‖Wᵏ − Wᵏ₀‖ / ‖Wᵏ₀‖ after training (log)")
    lo_all, hi_all = axes[0].get_ylim()
    axes[0].set_ylim(lo_all, hi_all * 30)  # room for the labels above the bars
    seeds = ("" if len(runs) == 1 else
             f"; bar: median over {len(runs)} seeds, whisker: range")
    fig.suptitle(f"How far each layer's weights moved, relative to their initial size{seeds}\n"
                 f"{runs[0].config.describe().split(', ', 1)[0]}", fontsize=11)
    _caption(fig, _weight_caption(runs, contrast))
    return fig


_RUN_FIGURES = dict(zip(RUN_PLOTS, (_loss_figure, _grad_norms_figure, _grad_flow_figure,
                                    _saturation_figure, _first_layer_figure,
                                    _weight_change_figure)))
_PAIRED = ("first_layer_weight.png", "weight_change.png")
