"""PNG figures for the long-range experiment (matplotlib, imported only when a plot is asked for).

* ``rnn_grad_through_time.png`` -- ‖∂L/∂hₜ‖ / ‖∂L/∂h_T‖ against t for each cell at the longest T,
  at initialisation (solid) and after training (dashed): the vanishing gradient through time;
* ``rnn_loss_curves.png`` -- the training loss per iteration, one panel per T;
* ``rnn_loss_vs_length.png`` -- test loss / baseline against T: where each cell stops learning.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .long_range import BASELINE, SeqResult
from .plots import _caption, _figure, _save

__all__ = ["plot_long_range", "LONG_RANGE_PLOTS"]

LONG_RANGE_PLOTS = ("rnn_grad_through_time.png", "rnn_loss_curves.png", "rnn_loss_vs_length.png")
_COLORS = {"rnn": "#d62728", "lstm": "#1f77b4", "gru": "#2ca02c"}
_NAMES = {"rnn": "tanh RNN", "lstm": "LSTM", "gru": "GRU"}


def plot_long_range(res: SeqResult, out_dir) -> list[Path]:
    """Write the three figures into ``out_dir``; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [_grad(res, out / LONG_RANGE_PLOTS[0]), _curves(res, out / LONG_RANGE_PLOTS[1]),
            _vs_length(res, out / LONG_RANGE_PLOTS[2])]


def _grad(res, path):
    cfg = res.config
    T = max(cfg.lengths)
    fig = _figure()
    ax = fig.add_subplot()
    lows = []
    for c in cfg.cells:
        r = res.run(c, T)
        t = np.arange(1, T + 1)
        for norms, style, when in ((r.grad_init, "-", "initial"), (r.grad_final, "--", "trained")):
            v = np.asarray(norms) / norms[-1] if norms[-1] else np.asarray(norms)
            ax.semilogy(t, np.maximum(v, 1e-300), style, color=_COLORS[c], lw=1.8,
                        label=f"{_NAMES[c]}, {when}")
        lows.append((c, r.ratio_init))
    ax.set_xlabel("time step t")
    ax.set_ylabel("‖∂L/∂hₜ‖ / ‖∂L/∂h_T‖  (log scale)")
    ax.set_title(f"How much gradient reaches step t (task '{cfg.task}', T = {T})")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(True, which="major", alpha=0.3)
    trained = ", ".join(f"{_NAMES[c]} {res.run(c, T).grad_final[0] / res.run(c, T).grad_final[-1]:.2g}"
                        for c in cfg.cells if res.run(c, T).grad_final[-1])
    _caption(fig, "Backpropagation through time multiplies ∂L/∂h_T by one step factor per step. "
             "Share reaching t = 1 at initialisation: " + ", ".join(f"{_NAMES[c]} {v:.2g}" for c, v in lows)
             + f"; after training: {trained}. A trained curve above its initial one means the "
             "cell has learned to carry the gradient: forget gates fₛ near 1 (LSTM cell path ∏ fₛ) "
             "or update gates uₜ near 1 (GRU, ∂hₜ/∂hₜ₋₁ ≈ I); the tanh RNN's diag(tanh′)W has no such path.")
    return _save(fig, path)


def _curves(res, path):
    cfg = res.config
    Ts = sorted(cfg.lengths)
    fig = _figure(3.2 * len(Ts) + 1, 4.2)
    base = BASELINE[cfg.task]
    for k, T in enumerate(Ts, 1):
        ax = fig.add_subplot(1, len(Ts), k)
        for c in cfg.cells:
            losses = np.asarray(res.run(c, T).losses)
            w = max(1, len(losses) // 30)  # a running mean keeps the noisy batches readable
            smooth = np.convolve(losses, np.ones(w) / w, mode="valid")
            ax.semilogy(np.arange(len(smooth)) + w, smooth, color=_COLORS[c], label=_NAMES[c])
        ax.axhline(base, color="0.4", ls=":", lw=1)
        ax.set_title(f"T = {T}")
        ax.set_xlabel("iteration")
        if k == 1:
            ax.set_ylabel("training loss (running mean, log)")
            ax.legend(fontsize=8, loc="lower left")
    _caption(fig, f"Training loss on '{cfg.task}' for each sequence length. The dotted line is "
             f"the baseline {base:.3g} (predicting the mean): a curve that stays on it has not "
             "learned anything about the early inputs.")
    return _save(fig, path)


def _vs_length(res, path):
    cfg = res.config
    Ts = sorted(cfg.lengths)
    base = BASELINE[cfg.task]
    fig = _figure()
    ax = fig.add_subplot()
    for c in cfg.cells:
        ax.semilogy(Ts, [res.run(c, T).test_loss / base for T in Ts], "o-", color=_COLORS[c],
                    label=_NAMES[c])
    ax.axhline(cfg.learned, color="0.3", ls="--", lw=1, label=f"learned (< {cfg.learned:g})")
    ax.axhline(1, color="0.4", ls=":", lw=1, label="baseline")
    ax.set_xscale("log", base=2)
    ax.set_xticks(Ts, [str(t) for t in Ts])
    ax.set_xlabel("sequence length T")
    ax.set_ylabel("test loss / baseline (log)")
    ax.set_title("Where each cell stops learning")
    ax.legend(fontsize=8)
    stops = {c: res.stops_learning(c) for c in cfg.cells}
    _caption(fig, "Test loss on fresh sequences after the same training budget ("
             f"{cfg.iterations} iterations). First length that was not learned: "
             + ", ".join(f"{_NAMES[c]} {'none' if s is None else f'T = {s}'}" for c, s in stops.items())
             + ".")
    return _save(fig, path)
