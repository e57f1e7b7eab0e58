"""PNG figures for the lab (matplotlib, imported only here and only when a plot is asked for).

Figures are drawn with matplotlib's object-oriented API on an Agg canvas -- no pyplot, so no
global backend is switched and nothing needs a display -- and written atomically.

:func:`plot_run` writes ``loss.png``, ``grad_norms.png``, ``first_layer_weight.png`` and
``weight_change.png``; :func:`plot_compare` writes ``compare.png``.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ..fileio import atomic_write_bytes
from .experiment import CompareResult, RunResult

__all__ = ["plot_run", "plot_compare", "RUN_PLOTS"]

RUN_PLOTS = ("loss.png", "grad_norms.png", "first_layer_weight.png", "weight_change.png")


def _figure(w=7.0, h=4.5):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path: Path) -> Path:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    atomic_write_bytes(path, buf.getvalue())
    return path


def _cmap(n):
    from matplotlib import colormaps

    cm = colormaps["viridis"]
    return [cm(i / max(1, n - 1) * 0.9) for i in range(n)]


def plot_run(r: RunResult, out_dir) -> list[Path]:
    """Write the four figures of one run into ``out_dir``; returns their paths.

    >>> import tempfile
    >>> from vgp_symbolic.lab.experiment import LabConfig, run
    >>> paths = plot_run(run(LabConfig(depth=2, width=3, epochs=2)), tempfile.mkdtemp())
    >>> [p.name for p in paths]
    ['loss.png', 'grad_norms.png', 'first_layer_weight.png', 'weight_change.png']
    """
    out = Path(out_dir)
    cfg = r.config
    title = f"{cfg.name}, {cfg.optimizer}: " + cfg.describe().split(", ", 1)[0]
    epochs = np.arange(0, r.epochs_run + 1)
    paths = []

    # 1. loss: the flat stretch is the textbook's first sign
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot(epochs, [r.initial_loss] + r.loss, label="training loss (epoch mean)", color="C0",
            marker="o" if r.epochs_run < 2 else None)  # a single point is otherwise invisible
    if r.test_loss:
        ax.plot(epochs[1:], r.test_loss, label="test loss", color="C1", alpha=0.8)
    start = min(r.initial_loss, r.baseline_loss)
    ax.axhline((1 - cfg.plateau) * start, ls="--", color="grey", lw=0.8,
               label=f"{100 * cfg.plateau:g} % below the start"
               + (" (the class-frequency guess)" if r.baseline_loss < r.initial_loss else ""))
    flat = r.plateau_epochs
    if flat is not None:
        ax.axvline(flat, ls=":", color="C3", lw=1, label=f"left the plateau: epoch {flat}")
    if r.exploded_at is not None:
        ax.text(0.5, 0.5, f"exploded at epoch {r.exploded_at}", transform=ax.transAxes,
                ha="center", color="C3", fontsize=14)
    ax.set(xlabel="epoch", ylabel="binary cross-entropy", title=f"Loss\n{title}")
    ax.legend(fontsize=8)
    paths.append(_save(fig, out / RUN_PLOTS[0]))

    # 2. gradient norm of every layer, log scale: the gap between the lines is the vanishing
    fig = _figure()
    ax = fig.add_subplot()
    G = np.vstack([r.grad_norms_start] + list(r.grad_norms)) if r.grad_norms else \
        np.asarray([r.grad_norms_start])
    colors = _cmap(r.layers)
    for k in range(r.layers):
        label = f"layer {k + 1}" + (" (output)" if k == r.layers - 1 else "")
        ax.plot(np.arange(len(G)), np.maximum(G[:, k], 1e-300), color=colors[k], label=label)
    ax.set_yscale("log")
    ax.set(xlabel="epoch (0: whole training set before training; then mean over the epoch)",
           ylabel="‖∂L/∂Wᵏ‖", title=f"Gradient norm per layer\n{title}")
    ax.legend(fontsize=7, ncol=2)
    paths.append(_save(fig, out / RUN_PLOTS[1]))

    # 3. the first layer's weights over time: w¹₁₁ in bold, the others faint
    fig = _figure()
    ax = fig.add_subplot()
    T = np.asarray(r.first_layer_trace)  # (epochs + 1, n0, n1)
    flat_t = T.reshape(len(T), -1)
    for j in range(1, flat_t.shape[1]):
        ax.plot(np.arange(len(T)), flat_t[:, j], color="grey", lw=0.6, alpha=0.5)
    ax.plot(np.arange(len(T)), flat_t[:, 0], color="C0", lw=2.2, label="w¹₁₁")
    ax.plot([], [], color="grey", lw=0.6, label="the other first-layer weights")
    ax.set(xlabel="epoch", ylabel="weight", title=f"First-layer weights\n{title}")
    ax.legend(fontsize=8)
    paths.append(_save(fig, out / RUN_PLOTS[2]))

    # 4. how far each layer moved, relative to its initial size
    fig = _figure()
    ax = fig.add_subplot()
    wc = np.array([np.nan if v is None else v for v in r.weight_change_final], dtype=float)
    layers = np.arange(1, r.layers + 1)
    ax.bar(layers, wc, color=colors)
    pos = wc[np.isfinite(wc) & (wc > 0)]
    if len(pos) and pos.max() / pos.min() > 100:
        ax.set_yscale("log")  # under SGD the first layers move 10⁻⁵ as much: bars need a log axis
    ax.set_xticks(layers)
    ax.set(xlabel="layer", ylabel="‖Wᵏ − Wᵏ₀‖ / ‖Wᵏ₀‖",
           title=f"Weight change per layer after {r.epochs_run} epochs\n{title}")
    paths.append(_save(fig, out / RUN_PLOTS[3]))
    return paths


def plot_compare(c: CompareResult, out_dir) -> Path:
    """Write ``compare.png``: loss curves, first/last gradient ratio, weight change, accuracy."""
    out = Path(out_dir)
    fig = _figure(12, 8)
    axes = fig.subplots(2, 2)
    names = [r.config.name for r in c.runs]
    y = np.arange(len(names))[::-1]
    colors = [f"C{i % 10}" for i in range(len(names))]

    ax = axes[0, 0]
    for r, col in zip(c.runs, colors):
        curve = [r.initial_loss] + r.loss
        ax.plot(np.arange(len(curve)), curve, color=col,
                label=r.config.name + (f" (exploded at epoch {r.exploded_at})"
                                       if r.exploded_at is not None else ""))
    ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="training loss", title="Loss")
    ax.legend(fontsize=7, loc="upper right")

    def bars(ax, values, title, log=False, fmt="{:.2g}"):
        vals = np.array([np.nan if v is None else v for v in values], dtype=float)
        ax.barh(y, np.nan_to_num(vals, nan=0.0), color=colors)
        ax.set_yticks(y, names, fontsize=8)
        if log:
            ax.set_xscale("log")
        for yi, v, r in zip(y, vals, c.runs):
            text = f"exploded at epoch {r.exploded_at}" if (r.exploded_at is not None
                                                            and not np.isfinite(v)) else \
                ("—" if not np.isfinite(v) else fmt.format(v))
            ax.text(v if np.isfinite(v) and v > 0 else (ax.get_xlim()[0]), yi, " " + text,
                    va="center", fontsize=7)
        ax.set_title(title)

    bars(axes[0, 1], [r.grad_ratio_start for r in c.runs],
         "First/last layer gradient norm at the start (log)", log=True, fmt="{:.1e}")
    axes[0, 1].axvline(1.0, color="grey", lw=0.8, ls="--")
    bars(axes[1, 0], [r.weight_change_final[0] for r in c.runs],
         "First-layer weight change ‖ΔW¹‖/‖W¹₀‖", fmt="{:.3g}")
    bars(axes[1, 1], [r.final_test_accuracy for r in c.runs], "Test accuracy", fmt="{:.0%}")
    axes[1, 1].set_xlim(0, 1.15)
    base = c.runs[0].config
    fig.suptitle(f"vgp lab --compare: 2 → {base.depth} × {base.width} → 1, {base.epochs} epochs")
    return _save(fig, out / "compare.png")
