"""The lab: train the textbook's deep sigmoid network in numpy and measure every layer.

The seed trains ``8 × Dense(10, sigmoid) + Dense(1, sigmoid)`` on ``make_moons(250, noise=0.05,
random_state=42)`` with Adam for 100 epochs and compares the first layer's weights before and after;
then it does the same with relu. The lab reproduces that (:func:`run`), records per epoch the
loss, the gradient norm of every layer and every layer's relative weight change, and compares the
remedies (:func:`compare`).

Modules: ``data`` (moons and split, as scikit-learn builds them), ``model`` (the MLP, with the
derivation core's activations), ``optim`` (Adam, SGD, clipping), ``experiment`` (training loop,
records), ``spread`` (several seeds: median and range), ``compare`` (the remedies side by side),
``report`` (tables and what they show), ``plots`` and ``compare_plots`` (PNGs; import matplotlib
lazily).

>>> from vgp_symbolic.lab import LabConfig, run
>>> r = run(LabConfig(depth=3, width=5, epochs=2))
>>> r.signals()["gradient"] in ("vanishing", "balanced", "growing", "exploding")
True
"""
from .data import Split, load_moons, make_moons, train_test_split
from .compare import CompareResult, compare, compare_setups
from .experiment import LabConfig, LabError, RunResult, run
from .spread import SeedRuns, run_seeds
from .model import MLP
from .optim import SGD, Adam, clip_by_global_norm, make_optimizer
from .report import (explain, explain_compare, explain_seeds, format_compare, format_run,
                     format_seeds)

__all__ = ["make_moons", "train_test_split", "load_moons", "Split", "MLP", "Adam", "SGD",
           "clip_by_global_norm", "make_optimizer", "LabConfig", "LabError", "RunResult",
           "CompareResult", "SeedRuns", "run", "run_seeds", "compare", "compare_setups",
           "format_run", "format_compare", "format_seeds", "explain", "explain_compare",
           "explain_seeds", "plot_run", "plot_compare"]


def plot_run(result, out_dir, contrast=None):
    """Write the figures of a run (or of :class:`SeedRuns`) into ``out_dir`` (see
    :mod:`.plots`); ``contrast``: the same set-up under the other optimiser. Imports matplotlib."""
    from .plots import plot_run as _plot_run
    runs = result.runs if isinstance(result, SeedRuns) else result
    other = contrast.runs if isinstance(contrast, SeedRuns) else contrast
    return _plot_run(runs, out_dir, other)


def plot_compare(result, out_dir):
    """Write ``compare.png`` into ``out_dir`` (see :mod:`.plots`); imports matplotlib."""
    from .compare_plots import plot_compare as _plot_compare
    return _plot_compare(result, out_dir)
