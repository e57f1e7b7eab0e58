"""`vgp lab`: train the textbook's deep network in numpy and measure every layer."""
from __future__ import annotations

import click

from ._common import echo_json, fail


@click.command()
@click.option("--activation", default="sigmoid", show_default=True,
              help="Hidden-layer activation (any of the derivation core's).")
@click.option("--depth", type=int, default=8, show_default=True, help="Hidden layers.")
@click.option("--width", type=int, default=10, show_default=True, help="Units per hidden layer.")
@click.option("--epochs", type=int, default=100, show_default=True)
@click.option("--init", "init", type=click.Choice(["glorot", "he", "normal"]), default="glorot",
              show_default=True, help="Weights: Glorot uniform, He normal, or N(0, init-std²).")
@click.option("--init-std", type=float, default=0.05, show_default=True,
              help="Standard deviation for --init normal.")
@click.option("--batchnorm", is_flag=True, help="Dense → BatchNorm → activation in hidden layers.")
@click.option("--residual", is_flag=True, help="Skip connections oᵏ = f(uᵏ) + oᵏ⁻¹.")
@click.option("--clip", type=float, default=None, metavar="NORM",
              help="Clip the global gradient norm to NORM.")
@click.option("--optimizer", type=click.Choice(["adam", "sgd"]), default="adam",
              show_default=True)
@click.option("--lr", type=float, default=None,
              help="Learning rate [default: 0.001 for adam, 0.01 for sgd].")
@click.option("--batch-size", type=int, default=32, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True,
              help="Weights and shuffling, drawn with numpy: not Keras's set_random_seed(seed) "
                   "(only the data, always random_state=42, are the seed's draw for draw).")
@click.option("--seeds", type=int, default=1, show_default=True, metavar="K",
              help="Train with seeds SEED … SEED+K−1; print the median and range of every "
                   "figure and plot the spread.")
@click.option("--plateau", type=float, default=0.1, show_default=True,
              help="The loss has left its plateau once it is this fraction below its start.")
@click.option("--compare", "do_compare", is_flag=True,
              help="Run sigmoid, tanh, relu, relu + He, sigmoid + batch norm, sigmoid + "
                   "residual and an exploding set-up with and without clipping, at this "
                   "depth/width/epochs/optimizer/seed.")
@click.option("--plot", "plot_dir", type=click.Path(file_okay=False), default=None,
              metavar="DIR", help="Write PNG figures into DIR (for one set-up this also trains "
                                  "it with the other optimiser, drawn beside it).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--task", type=click.Choice(["moons", "adding", "first"]), default="moons",
              show_default=True, help="adding / first: the long-range sequence tasks, tanh RNN "
              "against LSTM and GRU (--width = hidden units, --epochs = iterations; see "
              "vgp_symbolic.lab.long_range).")
@click.option("--lengths", default="5,10,20,40", show_default=True,
              help="Sequence task: the lengths T to train at.")
@click.option("--cells", default="rnn,lstm,gru", show_default=True,
              help="Sequence task: the recurrent cells to compare.")
def lab(activation, depth, width, epochs, init, init_std, batchnorm, residual, clip, optimizer,
        lr, batch_size, seed, seeds, plateau, do_compare, plot_dir, fmt, task, lengths, cells):
    """Train the seed's deep network on two moons and measure the vanishing gradient.

    \b
      vgp lab                          8 sigmoid layers, Adam: watch the gradient norms
      vgp lab --optimizer sgd          the same under SGD: the weights barely move either
      vgp lab --activation relu        the textbook's fix
      vgp lab --seeds 10               ten draws of the weights: median and range
      vgp lab --compare --plot out/    every remedy side by side
      vgp lab --task adding --plot out/   tanh RNN vs LSTM vs GRU as the sequence grows
    """
    ctx = click.get_current_context()
    if task != "moons" or any(ctx.get_parameter_source(k).name != "DEFAULT"
                              for k in ("lengths", "cells")):
        from .lab_sequence import sequence_lab
        sequence_lab(ctx)
        return
    from ..lab import (LabConfig, LabError, compare, explain, explain_compare, explain_seeds,
                       format_compare, format_run, format_seeds, run_seeds)
    from ..lab.spread import check_seeds

    cfg = LabConfig(activation=activation, depth=depth, width=width, epochs=epochs, init=init,
                    init_std=init_std, batchnorm=batchnorm, residual=residual, optimizer=optimizer,
                    lr=lr, clip=clip, batch_size=batch_size, seed=seed, plateau=plateau)
    try:
        cfg.check()
        check_seeds(seeds)
    except LabError as e:
        fail(str(e))

    if do_compare:
        result = compare(cfg, seeds=seeds)
        key, text, why = "compare", format_compare, explain_compare
    else:
        result = run_seeds(cfg, seeds)
        if seeds == 1:
            result, text, why, key = result.runs[0], format_run, explain, "run"
        else:
            text, why, key = format_seeds, explain_seeds, "seeds"
    written = _plots(result, cfg, seeds, do_compare, plot_dir) if plot_dir else []

    if fmt == "json":
        echo_json({key: result.to_dict(), "explanation": why(result),
                   "plots": [str(p) for p in written]})
        return
    click.echo(text(result))
    for p in written:
        click.echo(f"wrote {p}")


def _plots(result, cfg, seeds, do_compare, plot_dir):
    """Write the figures; a single set-up's also show the other optimiser beside it."""
    from dataclasses import replace

    from ..lab import plot_compare, plot_run, run_seeds

    try:
        if do_compare:
            return [plot_compare(result, plot_dir)]
        other = "sgd" if cfg.optimizer == "adam" else "adam"
        contrast = run_seeds(replace(cfg, optimizer=other, lr=None), seeds)
        return plot_run(result, plot_dir, contrast)
    except ImportError as e:
        fail(f"--plot needs matplotlib ({e}); pip install matplotlib")
    except OSError as e:
        fail(f"cannot write plots to {plot_dir}: {e.strerror or e}")
