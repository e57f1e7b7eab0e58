"""Text for the lab: the per-layer table, the comparison table, and what the numbers show.

Every sentence about the vanishing gradient is chosen from the run's own numbers
(:meth:`~.experiment.RunResult.signals`), because which sign shows depends on the optimiser: under
Adam the gradient norms and the flat loss show it while the weight change may not (Adam divides
each parameter's step by its own running gradient scale); under SGD the weight change shows it too.

>>> from vgp_symbolic.lab.experiment import LabConfig, run
>>> r = run(LabConfig(depth=2, width=4, epochs=2))
>>> print(format_run(r).splitlines()[0])
vgp lab: 2 → 2 × 4 (sigmoid) → 1 (sigmoid), glorot init, adam lr 0.001, batch 32, 2 epochs
"""
from __future__ import annotations

import numpy as np

from .experiment import VANISH_RATIO, CompareResult, RunResult

__all__ = ["format_run", "format_compare", "explain", "explain_compare", "DATA_LINE"]

DATA_LINE = ("data: make_moons(n_samples=250, noise=0.05, random_state=42), "
             "train_test_split(test_size=0.2, random_state=42)")


def _e(v) -> str:
    return "—" if v is None else f"{v:.2e}"


def _pct(v) -> str:
    if v is None:
        return "—"
    # below 0.1 % one decimal would print 0.0 %, hiding exactly the small changes that matter
    return f"{100 * v:.1f} %" if v == 0 or 100 * v >= 0.1 else f"{100 * v:.1e} %"


def _times(r: float) -> str:
    """A ratio in words: '3.0e-06 ×' or '10.4 ×'."""
    return f"{r:.1e} ×" if (r < 0.01 or r >= 1000) else f"{r:.3g} ×"


def explain(r: RunResult) -> list[str]:
    """Sentences saying which signal this run shows, computed from its numbers.

    >>> from vgp_symbolic.lab.experiment import LabConfig, run
    >>> explain(run(LabConfig(depth=2, width=4, epochs=2)))[0].startswith("Gradient norms")
    True
    """
    s = r.signals()
    opt = s["optimizer"]
    out = []
    if r.exploded_at is not None:
        out.append(f"Exploded at epoch {r.exploded_at}: the loss, a gradient or a weight "
                   "overflowed float64, so the run stopped there. At the start the first layer's "
                   f"gradient norm was already {r.grad_norms_start[0]:.3g}"
                   + (f" (clipping to {r.config.clip:g} was on)." if r.config.clip else
                      "; clipping the gradient norm (--clip) bounds every step."))
    ratio = s["grad_ratio_start"]
    grad_lead = ("Gradient norms — the signal to read under adam" if opt == "adam"
                 else "Gradient norms")
    if s["gradient"] == "vanishing":
        out.append(f"{grad_lead}: the first layer's gradient norm is {_times(ratio)} the last "
                   "layer's at the start"
                   + (f" ({_times(s['grad_ratio_training'])} averaged over training)"
                      if s["grad_ratio_training"] is not None else "")
                   + ": the gradient vanishes on its way back to the input."
                   + (" (It underflowed float64 to exactly 0: below 1e-308.)"
                      if r.grad_norms_start[0] == 0 else ""))
    elif s["gradient"] == "exploding":
        out.append(f"{grad_lead}: the first layer's gradient norm is {_times(ratio)} the last "
                   "layer's at the start: the gradient grows on its way back to the input.")
    else:
        out.append(f"{grad_lead}: the first layer's gradient norm is {_times(ratio)} the last "
                   "layer's at the start: no vanishing gradient (within a factor of "
                   f"{1 / VANISH_RATIO:g}).")
    if s["weights"] is not None:
        wc = r.weight_change_final
        moved = (f"the first layer's weights moved {_pct(wc[0])} of their size, the last "
                 f"layer's {_pct(wc[-1])}")
        if s["gradient"] == "balanced":
            out.append(f"Weight change: {moved}.")
        elif s["weights_show_it"]:
            out.append(f"Weight change — shows it too under {opt}: {moved} "
                       f"({_times(s['weight_change_ratio'])}).")
        else:
            why = ("Adam divides every parameter's step by its own running gradient scale, so "
                   "a tiny gradient still moves a weight by about the learning rate per step. "
                   "Run with --optimizer sgd to see it in the weights as well."
                   if opt == "adam" else
                   "the weights do not tell the same story as the gradient norms here.")
            out.append(f"Weight change — NOT a signal in this run: {moved} "
                       f"({_times(s['weight_change_ratio'])} the last layer's change): {why}")
    if r.epochs_run:
        flat = s["flat_loss_epochs"]
        frac = f"{100 * r.config.plateau:g} %"
        if r.baseline_loss < r.initial_loss:
            # a fall from a bad start to the 50/50 guess is not learning: measure from the guess
            start = (f"the class-frequency guess ({r.baseline_loss:.4f}; the initial loss was "
                     f"{r.initial_loss:.4f})")
        else:
            start = f"its start ({r.initial_loss:.4f})"
        if flat is None:
            out.append(f"Flat loss: the loss never fell {frac} below {start} in "
                       f"{r.epochs_run} epochs (now {r.loss[-1]:.4f}).")
        else:
            long_ = flat > max(10, r.config.epochs // 5)
            kind = "a long flat stretch" if long_ else "no long plateau"
            out.append(f"Flat loss: the loss first fell {frac} below {start} in "
                       f"epoch {flat}: {kind}.")
    return out


def format_run(r: RunResult) -> str:
    """The single-run report: header, per-layer table, summary lines, explanation, W¹."""
    cfg = r.config
    lines = [f"vgp lab: {cfg.describe()}", DATA_LINE, ""]
    head = (f"{'layer':>5}  {'shape':<11} {'‖∂L/∂W‖ start':>14} {'‖∂L/∂W‖ mean':>13} "
            f"{'vs last':>9} {'‖W‖ start':>10} {'weight change':>14}")
    lines += [head, "─" * len(head)]
    g_mean = np.mean(np.asarray(r.grad_norms), axis=0).tolist() if r.grad_norms else \
        [None] * r.layers
    last = r.grad_norms_start[-1]
    for k in range(r.layers):
        shape = f"{cfg.widths[k]}×{cfg.widths[k + 1]}" + (" out" if k == r.layers - 1 else "")
        rel = r.grad_norms_start[k] / last if last else None
        lines.append(f"{k + 1:>5}  {shape:<11} {_e(r.grad_norms_start[k]):>14} "
                     f"{_e(g_mean[k]):>13} {_e(rel):>9} {r.weight_norms_start[k]:>10.3f} "
                     f"{_pct(r.weight_change_final[k]):>14}")
    lines.append("")
    lines.append(f"first/last layer gradient norm: {_e(r.grad_ratio_start)} at the start"
                 + (f", {_e(r.grad_ratio_training)} averaged over training"
                    if r.grad_ratio_training is not None else ""))
    wc = r.weight_change_final
    if wc[0] is not None:
        lines.append(f"first/last layer weight change: {_pct(wc[0])} / {_pct(wc[-1])}")
    if r.exploded_at is not None:
        lines.append(f"loss: {r.initial_loss:.4g} at the start; exploded at epoch {r.exploded_at}")
    else:
        lines.append(f"loss: {r.initial_loss:.4f} at the start → {r.final_loss:.4f} after "
                     f"{r.epochs_run} epochs; test accuracy {_pct(r.final_test_accuracy)}")
    lines += ["", f"What this run shows (optimizer {cfg.optimizer}):"]
    lines += [f"  • {s}" for s in explain(r)]
    after = ("after" if r.exploded_at is None else
             f"the last finite ones (after epoch {r.epochs_run}; it exploded in epoch "
             f"{r.exploded_at})")
    lines += ["", f"first layer weights W¹ (rows: inputs), before → {after}:"]
    for before, after in zip(r.first_layer_before, r.first_layer_after):
        lines.append("  " + " ".join(f"{v:+.3f}" for v in before))
        lines.append("→ " + " ".join(f"{v:+.3f}" for v in after))
    return "\n".join(lines)


def explain_compare(c: CompareResult) -> list[str]:
    """What the comparison shows, from its numbers (which set-ups vanish, which explode)."""
    vanish = [r.config.name for r in c.runs if r.signals()["gradient"] == "vanishing"]
    hiding = [r for r in c.runs
              if r.signals()["gradient"] == "vanishing" and r.signals()["weights_show_it"] is False]
    hidden = [f"{r.config.name} ({_times(r.signals()['weight_change_ratio'])})" for r in hiding]
    adam = all(r.config.optimizer == "adam" for r in hiding)
    exploded = [f"{r.config.name} (epoch {r.exploded_at})" for r in c.runs
                if r.exploded_at is not None]
    survived = [r.config.name for r in c.runs
                if r.exploded_at is None and r.config.clip and r.config.label
                and r.config.label.startswith("exploding")]
    out = []
    out.append(f"Vanishing gradient (first/last gradient norm < {VANISH_RATIO:g} at the start): "
               + (", ".join(vanish) if vanish else "none") + ".")
    if hidden:
        why = ("under adam each parameter's step is normalised by its own gradient scale, so "
               "read the gradient norms and the flat loss instead (or run with --optimizer sgd)"
               if adam else "read the gradient norms and the flat loss")
        out.append("Of these, the weight change hides it in: " + ", ".join(hidden)
                   + " — the first layer's relative weight change divided by the last's is "
                   f"shown in brackets; {why}.")
    if exploded:
        out.append("Exploded: " + "; ".join(exploded) + "."
                   + (f" With clipping, {', '.join(survived)} trained to the end." if survived
                      else ""))
    calm = [r for r in c.runs if r.exploded_at is None and not r.config.clip
            and (r.config.label or "").startswith("exploding")]
    for r in calm:
        out.append(f"{r.config.name} did not overflow at depth {r.config.depth} (first-layer "
                   f"gradient norm {r.grad_norms_start[0]:.3g} at the start): float64 overflow "
                   "needs a deep stack of large layers (it does at the default depth 8).")
    return out


def format_compare(c: CompareResult) -> str:
    """The comparison table, one row per set-up, and what it shows."""
    rows = c.rows()
    base = c.runs[0].config
    w = max(len(r["setup"]) for r in rows)
    lines = [f"vgp lab --compare: 2 → {base.depth} × {base.width} → 1, {base.epochs} epochs, "
             f"batch {base.batch_size}, seed {base.seed}", DATA_LINE, ""]
    head = (f"{'set-up':<{w}}  {'opt':<4} {'∇W¹/∇Wᴸ':>9} {'‖∇W¹‖':>9} {'ΔW¹':>9} {'ΔWᴸ':>9} "
            f"{'flat for':>8} {'final loss':>10} {'test acc':>8}")
    lines += [head, "─" * len(head)]
    for row, r in zip(rows, c.runs):
        flat = row["plateau_epochs"]
        flat_s = "—" if r.epochs_run == 0 else (f"{r.epochs_run}+" if flat is None else str(flat))
        if r.exploded_at is not None:
            tail = f"exploded at epoch {r.exploded_at}"
        else:
            tail = f"{row['final_loss']:>10.4f} {_pct(row['test_accuracy']):>8}"
        lines.append(f"{row['setup']:<{w}}  {row['optimizer']:<4} {_e(row['grad_ratio_start']):>9} "
                     f"{_e(row['grad_norm_first_start']):>9} {_pct(row['weight_change_first']):>9} "
                     f"{_pct(row['weight_change_last']):>9} {flat_s:>8} {tail}")
    lines += ["",
              "∇W¹/∇Wᴸ: first/last layer gradient norm at the start; ‖∇W¹‖: first layer's at "
              "the start; ΔW: weight change relative to the initial weights; flat for: epochs "
              f"until the loss first fell {100 * base.plateau:g} % below its start (or below "
              "the class-frequency guess ≈ ln 2, if that is lower).", ""]
    lines += [f"• {s}" for s in explain_compare(c)]
    return "\n".join(lines)
