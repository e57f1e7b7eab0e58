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

import html
import math

import numpy as np

from .compare import CompareResult
from .experiment import SATURATED, VANISH_RATIO, RunResult
from .spread import FIGURES, SeedRuns

__all__ = ["format_run", "format_compare", "format_seeds", "explain", "explain_compare",
           "explain_seeds", "markdown_runs", "html_runs", "markdown_compare", "html_compare",
           "DATA_LINE", "SEED_NOTE"]

DATA_LINE = ("data: make_moons(n_samples=250, noise=0.05, random_state=42), "
             "train_test_split(test_size=0.2, random_state=42)")
SEED_NOTE = ("--seed draws the initial weights and the batch order with numpy; it is not Keras's "
             "set_random_seed(seed): only the data are the seed's draw for draw.")


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


def _why_sentence(r: RunResult) -> str:
    """The mechanism: each hidden layer multiplies the backward gradient by f′(z)."""
    means = [st["mean"] for st in r.fprime_start]
    prod = math.prod(means)
    top = r.config.activation
    text = (f"Why: on its way back every hidden layer multiplies the gradient by f′(z) (and by "
            f"its weights). At the start the mean f′ per layer is {min(means):.3g}–"
            f"{max(means):.3g} ({top}), a product of {prod:.1e} over {len(means)} layers. ")
    sat = [st["saturated"] for st in r.fprime_start + r.fprime_end]
    if max(sat) == 0:
        return text + (f"No unit has f′ < {SATURATED:g} (saturated) at the start or the end: "
                       "the gradient shrinks because f′ < 1 compounds over the layers, not "
                       "because units saturate.")
    when = "the end" if r.fprime_end else "the start"
    last = r.fprime_end or r.fprime_start
    k = int(np.argmax([st["saturated"] for st in last]))
    return text + (f"Units with f′ < {SATURATED:g} (saturated, or off for relu) at {when}: "
                   f"{_pct(last[0]['saturated'])} in layer 1, at most "
                   f"{_pct(last[k]['saturated'])} (layer {k + 1}); each passes on less than 1 % "
                   "of the gradient.")


def _gradient_sentence(r: RunResult, s: dict) -> str:
    """What the gradient norms show: vanishing, exploding, growing or balanced."""
    ratio = s["grad_ratio_start"]
    lead = ("Gradient norms — the signal to read under adam" if s["optimizer"] == "adam"
            else "Gradient norms")
    if s["gradient"] == "vanishing":
        return (f"{lead}: the first layer's gradient norm is {_times(ratio)} the last layer's "
                "at the start"
                + (f" ({_times(s['grad_ratio_training'])} averaged over training)"
                   if s["grad_ratio_training"] is not None else "")
                + ": the gradient vanishes on its way back to the input."
                + (" (It underflowed float64 to exactly 0: below 1e-308.)"
                   if r.grad_norms_start[0] == 0 else ""))
    if s["gradient"] == "exploding":
        return (f"{lead}: the first layer's gradient norm is {s['grad_norm_first_start']:.3g} "
                f"and the last layer's {s['grad_norm_last_start']:.3g} at the start, up to "
                f"{s['grad_to_weight_start']:.3g} × the size of the weights they update: the "
                "gradient explodes."
                + (f" (Their ratio, {_times(ratio)}, does not show it: the explosion is in "
                   "their size.)" if VANISH_RATIO <= ratio <= 1 / VANISH_RATIO else ""))
    if s["gradient"] == "growing":
        return (f"{lead}: the first layer's gradient norm is {_times(ratio)} the last layer's "
                "at the start: the gradient grows on its way back to the input, but stays small "
                f"(at most {s['grad_to_weight_start']:.2g} × the weights it updates), so it does "
                "not explode.")
    return (f"{lead}: the first layer's gradient norm is {_times(ratio)} the last layer's at "
            "the start: no vanishing gradient (within a factor of "
            f"{1 / VANISH_RATIO:g}).")


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
    out.append(_gradient_sentence(r, s))
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
    if r.fprime_start:
        out.append(_why_sentence(r))
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


def _fprime_cells(r: RunResult, k: int) -> str:
    """Layer k's median f′(z) at the start → the end, and its saturated share at the end."""
    if k >= len(r.fprime_start):
        return f"{'(output: σ′ cancels in BCE)':>38}"
    med = lambda st: f"{st[k]['quantiles'][3]:.3g}" if st else "—"  # noqa: E731
    sat = _pct(r.fprime_end[k]["saturated"]) if r.fprime_end else "—"
    return f"{med(r.fprime_start) + ' → ' + med(r.fprime_end):>21}  {sat:>13}"


def format_run(r: RunResult) -> str:
    """The single-run report: header, per-layer table, summary lines, explanation, W¹."""
    cfg = r.config
    lines = [f"vgp lab: {cfg.describe()}", DATA_LINE, ""]
    head = (f"{'layer':>5}  {'shape':<11} {'‖∂L/∂W‖ start':>14} {'‖∂L/∂W‖ mean':>13} "
            f"{'vs last':>9} {'‖W‖ start':>10} {'weight change':>14}  "
            f"{'median f′ start → end':>21}  {f'f′ < {SATURATED:g} end':>13}")
    lines += [head, "─" * len(head)]
    g_mean = np.mean(np.asarray(r.grad_norms), axis=0).tolist() if r.grad_norms else \
        [None] * r.layers
    last = r.grad_norms_start[-1]
    for k in range(r.layers):
        shape = f"{cfg.widths[k]}×{cfg.widths[k + 1]}" + (" out" if k == r.layers - 1 else "")
        rel = r.grad_norms_start[k] / last if last else None
        lines.append(f"{k + 1:>5}  {shape:<11} {_e(r.grad_norms_start[k]):>14} "
                     f"{_e(g_mean[k]):>13} {_e(rel):>9} {r.weight_norms_start[k]:>10.3f} "
                     f"{_pct(r.weight_change_final[k]):>14}  {_fprime_cells(r, k)}")
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
    lines += ["", SEED_NOTE, "", f"What this run shows (optimizer {cfg.optimizer}):"]
    lines += [f"  • {s}" for s in explain(r)]
    after = ("after" if r.exploded_at is None else
             f"the last finite ones (after epoch {r.epochs_run}; it exploded in epoch "
             f"{r.exploded_at})")
    lines += ["", f"first layer weights W¹ (rows: inputs), before → {after}:"]
    for before, after in zip(r.first_layer_before, r.first_layer_after):
        lines.append("  " + " ".join(f"{v:+.3f}" for v in before))
        lines.append("→ " + " ".join(f"{v:+.3f}" for v in after))
    return "\n".join(lines)


def _flat(v, epochs: int) -> str:
    """Epochs on the plateau: a number, or 'E+' when the loss never left it in E epochs."""
    if v is None:
        return f"{epochs}+"
    return f"{epochs}+" if v > epochs else f"{v:g}"


# The summary table's columns: heading, figure key, how its cells are written. One format per
# figure, used by the text tables, the Markdown/HTML tables and the plots' bar labels alike.
COLUMNS = (("gradient", "gradient", str), ("opt", "optimizer", str)) + tuple(
    (head, key, fmt) for key, head in FIGURES.items()
    for fmt in [{"weight_change_first": _pct, "weight_change_last": _pct,
                 "test_accuracy": _pct, "plateau_epochs": None,
                 "final_loss": lambda v: "—" if v is None else f"{v:.4f}"}.get(key, _e)])


def cell(key: str, value, epochs: int = 0) -> str:
    """A figure as the tables and the plots write it.

    >>> cell("weight_change_first", 2.176), cell("grad_ratio_start", 3e-06), cell("plateau_epochs", None, 100)
    ('217.6 %', '3.00e-06', '100+')
    """
    for _, k, fmt in COLUMNS:
        if k == key:
            return _flat(value, epochs) if fmt is None else fmt(value)
    raise KeyError(key)


def _note(r: RunResult) -> str:
    if r.exploded_at is not None:
        return f"exploded at epoch {r.exploded_at}"
    return "predicts one class" if r.one_class else ""


def _run_cells(r: RunResult) -> list[str]:
    row = r.summary()
    out = [cell(k, row[k], r.epochs_run) for _, k, _ in COLUMNS] + [_note(r)]
    if r.exploded_at is not None and row["plateau_epochs"] is None:
        out[[k for _, k, _ in COLUMNS].index("plateau_epochs")] = "—"  # it never ran its course
    return out


def _stat_cells(sp: SeedRuns, which: str) -> list[str]:
    """Cells of the ``median``, ``min`` or ``max`` row over the seeds, or of a ``range`` row
    ('min–max' in each cell)."""
    st, E = sp.stats(), sp.config.epochs
    kinds = sorted({r.gradient_kind for r in sp.runs})
    if which == "median":
        out = [_majority(sp), sp.config.optimizer]
    else:
        out = ["/".join(kinds) if which == "range" else "", ""]
    for _, key, _ in COLUMNS[2:]:
        v = st[key]
        if v["n"] == 0:
            out.append("—")
        elif which != "range":
            out.append(cell(key, v[which], E))
        else:
            lo, hi = cell(key, v["min"], E), cell(key, v["max"], E)
            out.append(lo if lo == hi else f"{lo.replace(' %', '')}–{hi}")
    notes = [f"{n} of {len(sp.runs)} {what}" for n, what in (
        (sp.count(lambda r: r.exploded_at is not None), "exploded"),
        (sp.count(lambda r: r.one_class), "predict one class")) if n]
    return out + ["; ".join(notes) if which in ("median", "range") else ""]


def _majority(sp: SeedRuns) -> str:
    kinds = [r.gradient_kind for r in sp.runs]
    return max(set(kinds), key=kinds.count)


def _table(first: str, rows: list[tuple[str, list[str]]]) -> tuple[list[str], list[list[str]]]:
    """Headings and rows (label + cells) of a summary table."""
    heads = [first] + [h for h, _, _ in COLUMNS] + ["note"]
    return heads, [[label] + cells for label, cells in rows]


def _text_table(heads, rows) -> list[str]:
    """Columns two spaces apart, the label left-aligned, numbers right-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(heads, *rows)]

    def line(cells):
        parts = [f"{cells[0]:<{widths[0]}}", f"{cells[1]:<{widths[1]}}",
                 f"{cells[2]:<{widths[2]}}"]
        parts += [f"{c:>{w}}" for c, w in zip(cells[3:-1], widths[3:-1])]
        return "  ".join(parts + [cells[-1]]).rstrip()
    head = line(heads)
    return [head, "─" * len(head)] + [line(r) for r in rows]


def _seed_rows(sp: SeedRuns) -> list[tuple[str, list[str]]]:
    rows = [(str(r.config.seed), _run_cells(r)) for r in sp.runs]
    if len(sp.runs) > 1:
        rows += [(which, _stat_cells(sp, which)) for which in ("median", "min", "max")]
    return rows


def _legend(base) -> str:
    return ("gradient: vanishing (first/last gradient norm < 0.1 at the start), exploding (a "
            "gradient > 10 × its weights, or overflow), growing (first/last > 10), balanced; "
            "∇W¹/∇Wᴸ: first/last layer gradient norm at the start; ‖∇W¹‖, ‖∇Wᴸ‖: the first and "
            "last layer's at the start; ΔW: weight change relative to the initial weights; flat "
            f"for: epochs until the loss first fell {100 * base.plateau:g} % below its start (or "
            "below the class-frequency guess ≈ ln 2, if that is lower).")


def explain_seeds(sp: SeedRuns) -> list[str]:
    """What K seeds of one set-up show: how often each outcome happens, from the numbers."""
    K, st = len(sp.runs), sp.stats()
    out = [f"Over {K} seeds ({sp.seeds[0]}–{sp.seeds[-1]}) the gradient is "
           + ", ".join(f"{kind} in {n}" for kind in ("vanishing", "balanced", "growing",
                                                     "exploding")
                       if (n := sp.count(lambda r, k=kind: r.gradient_kind == k)))
           + f"; first/last gradient norm median {_e(st['grad_ratio_start']['median'])} "
           f"(range {_e(st['grad_ratio_start']['min'])} – {_e(st['grad_ratio_start']['max'])})."]
    acc = st["test_accuracy"]
    if acc["n"]:
        one = sp.count(lambda r: r.one_class)
        out.append(f"Test accuracy: median {_pct(acc['median'])}, range {_pct(acc['min'])} – "
                   f"{_pct(acc['max'])}"
                   + (f"; {one} of {K} runs predict one class for every test point (the "
                      "accuracy of that guess is the class's share of the test set): one seed's "
                      "result is one draw, quote the median." if one else "."))
    boom = sp.count(lambda r: r.exploded_at is not None)
    if boom:
        out.append(f"{boom} of {K} runs exploded (overflowed float64).")
    return out


def format_seeds(sp: SeedRuns) -> str:
    """One set-up over K seeds: a row per seed, then the median and range of every figure."""
    cfg = sp.config
    heads, rows = _table("seed", _seed_rows(sp))
    lines = [f"vgp lab --seeds {len(sp.runs)}: {cfg.describe()}", DATA_LINE, SEED_NOTE, ""]
    lines += _text_table(heads, rows)
    lines += ["", _legend(cfg), ""] + [f"• {x}" for x in explain_seeds(sp)]
    return "\n".join(lines)


def explain_compare(c: CompareResult) -> list[str]:
    """What the comparison shows, from its numbers (which set-ups vanish, which explode)."""
    runs = c.runs
    vanish = [r.config.name for r in runs if r.gradient_kind == "vanishing"]
    hiding = [r for r in runs
              if r.gradient_kind == "vanishing" and r.signals()["weights_show_it"] is False]
    hidden = [f"{r.config.name} ({_times(r.signals()['weight_change_ratio'])})" for r in hiding]
    adam = all(r.config.optimizer == "adam" for r in hiding)
    explode = [f"{r.config.name} (‖∇W¹‖ {r.grad_norms_start[0]:.3g}, ‖∇Wᴸ‖ "
               f"{r.grad_norms_start[-1]:.3g})" for r in runs if r.gradient_kind == "exploding"]
    exploded = [f"{r.config.name} (epoch {r.exploded_at})" for r in runs
                if r.exploded_at is not None]
    survived = [r.config.name for r in runs
                if r.exploded_at is None and r.config.clip and r.gradient_kind == "exploding"]
    out = [f"Vanishing gradient (first/last gradient norm < {VANISH_RATIO:g} at the start): "
           + (", ".join(vanish) if vanish else "none") + "."]
    if c.seeds > 1:  # the figures below are one run's, under tables of medians
        out.insert(0, f"These notes read seed {runs[0].config.seed}'s run of each set-up (the "
                      f"first of {c.seeds}); the tables give the median and range.")
    if hidden:
        why = ("under adam each parameter's step is normalised by its own gradient scale, so "
               "read the gradient norms and the flat loss instead (or run with --optimizer sgd)"
               if adam else "read the gradient norms and the flat loss")
        out.append("Of these, the weight change hides it in: " + ", ".join(hidden)
                   + " — the first layer's relative weight change divided by the last's is "
                   f"shown in parentheses; {why}.")
    if explode:
        out.append("Exploding gradient (a gradient more than 10 × the weights it updates): "
                   + "; ".join(explode) + ". The first/last ratio does not show it; the size "
                   "of the norms does.")
    if exploded:
        out.append("Exploded: " + "; ".join(exploded) + "."
                   + (f" With clipping, {', '.join(survived)} trained to the end." if survived
                      else ""))
    calm = [r for r in runs if r.exploded_at is None and not r.config.clip
            and (r.config.label or "").startswith("exploding")]
    for r in calm:
        out.append(f"{r.config.name} did not overflow at depth {r.config.depth} (first-layer "
                   f"gradient norm {r.grad_norms_start[0]:.3g} at the start): float64 overflow "
                   "needs a deep stack of large layers (it does at the default depth 8).")
    if c.seeds > 1:
        for sp in c.setups:
            one = sp.count(lambda r: r.one_class)
            if one:
                out.append(f"{sp.config.name}: {one} of {c.seeds} seeds predict one class for "
                           "every test point.")
    return out


def _compare_rows(c: CompareResult, which: str | None = None):
    if which is None:
        return [(r.config.name, _run_cells(r)) for r in c.runs]
    return [(sp.config.name, _stat_cells(sp, which)) for sp in c.setups]


def format_compare(c: CompareResult) -> str:
    """The comparison table, one row per set-up (over seeds: a median and a range table)."""
    base = c.runs[0].config
    seeds = (f"seed {base.seed}" if c.seeds == 1 else
             f"seeds {base.seed}–{base.seed + c.seeds - 1}")
    lines = [f"vgp lab --compare: 2 → {base.depth} × {base.width} → 1, {base.epochs} epochs, "
             f"batch {base.batch_size}, {seeds}", DATA_LINE, ""]
    if c.seeds == 1:
        lines += _text_table(*_table("set-up", _compare_rows(c)))
    else:
        for which, title in (("median", "median"), ("range", "range (min–max)")):
            lines += [f"{title} over {c.seeds} seeds:"]
            lines += _text_table(*_table("set-up", _compare_rows(c, which))) + [""]
    lines += ["", _legend(base), ""]
    lines += [f"• {x}" for x in explain_compare(c)]
    return "\n".join(lines)


# -- Jupyter: the same tables as Markdown and HTML ----------------------------------------------
def _md_escape(text: str) -> str:
    """Text for a Markdown table cell: no pipe, bracket, HTML or emphasis can break out."""
    out = html.escape(str(text), quote=False)
    for ch in "\\|*_`[]#":
        out = out.replace(ch, "\\" + ch)
    return out


def _markdown(title: str, heads, rows, bullets) -> str:
    md = [f"**{_md_escape(title)}**", "",
          "| " + " | ".join(_md_escape(h) for h in heads) + " |",
          "|" + "---|" * len(heads)]
    md += ["| " + " | ".join(_md_escape(c) for c in r) + " |" for r in rows]
    return "\n".join(md + [""] + [f"- {_md_escape(b)}" for b in bullets]) + "\n"


def _html(title: str, heads, rows, bullets) -> str:
    e = html.escape
    parts = [f"<p><strong>{e(title)}</strong></p>", "<table>",
             "<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in heads) + "</tr></thead>",
             "<tbody>"]
    parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows]
    parts += ["</tbody></table>", "<ul>" + "".join(f"<li>{e(b)}</li>" for b in bullets)
              + "</ul>"]
    return "\n".join(parts)


def _runs_parts(runs, spread):
    cfg = runs[0].config
    if spread is not None:
        heads, rows = _table("seed", _seed_rows(spread))
        return (f"vgp lab, {cfg.name}, {len(runs)} seeds: {cfg.describe()}", heads, rows,
                explain_seeds(spread))
    heads, rows = _table("seed", [(str(r.config.seed), _run_cells(r)) for r in runs])
    return f"vgp lab, {cfg.name}: {cfg.describe()}", heads, rows, explain(runs[0])


def markdown_runs(runs, spread: SeedRuns | None = None) -> str:
    """A run (or a set-up over seeds) as Markdown: title, summary table, what it shows.

    >>> from vgp_symbolic.lab.experiment import LabConfig, run
    >>> print(markdown_runs([run(LabConfig(depth=2, width=4, epochs=1))]).splitlines()[2])
    | seed | gradient | opt | ∇W¹/∇Wᴸ | ‖∇W¹‖ | ‖∇Wᴸ‖ | ΔW¹ | ΔWᴸ | flat for | final loss | test acc | note |
    """
    return _markdown(*_runs_parts(runs, spread))


def html_runs(runs, spread: SeedRuns | None = None) -> str:
    """The same as :func:`markdown_runs`, as an HTML fragment (every string escaped)."""
    return _html(*_runs_parts(runs, spread))


def _compare_parts(c: CompareResult):
    which = None if c.seeds == 1 else "median"
    title = ("vgp lab --compare" + ("" if which is None else f", median over {c.seeds} seeds")
             + f": {c.runs[0].config.describe()}")
    heads, rows = _table("set-up", _compare_rows(c, which))
    return title, heads, rows, explain_compare(c)


def markdown_compare(c: CompareResult) -> str:
    """The comparison table as Markdown (medians when there are several seeds)."""
    return _markdown(*_compare_parts(c))


def html_compare(c: CompareResult) -> str:
    """The comparison table as an HTML fragment."""
    return _html(*_compare_parts(c))
