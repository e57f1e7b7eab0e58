"""The remedies side by side: sigmoid, tanh, relu, He init, batch norm, residual, exploding ± clip.

:func:`compare_setups` builds the set-ups from one base configuration (its depth, width, epochs,
optimiser and seed); :func:`compare` trains each with one or more seeds.

>>> c = compare(LabConfig(depth=2, width=3, epochs=1), seeds=2)
>>> len(c.runs), c.seeds, c.runs[0].config.name
(8, 2, 'sigmoid')
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .data import Split, load_moons
from .experiment import LabConfig
from .spread import run_seeds

__all__ = ["CompareResult", "compare", "compare_setups", "EXPLODE_ACTIVATION", "EXPLODE_STD",
           "EXPLODE_CLIP"]

# The exploding set-up: with N(0, σ²) weights every leaky-relu layer multiplies the signal by about
# σ·√(width/2) ≈ 3.4 at width 10, forward and backward (≈ 10⁴·⁷ over nine layers); at the default
# depth the first SGD steps then overflow float64 (a shallow net may not: overflow needs depth).
# Leaky rather than plain relu: after one huge step a relu network often just dies (every unit
# off, gradient 0) instead of exploding, depending on the seed.
EXPLODE_ACTIVATION = "leaky_relu"
EXPLODE_STD = 1.5
EXPLODE_CLIP = 1.0


@dataclass
class CompareResult:
    """One :class:`~.spread.SeedRuns` per set-up of :func:`compare_setups`, in order."""

    setups: list

    @property
    def runs(self) -> list:
        """The first seed's run of every set-up."""
        return [s.runs[0] for s in self.setups]

    @property
    def seeds(self) -> int:
        return len(self.setups[0].runs)

    def rows(self) -> list[dict]:
        """The comparison table for the first seed: one :meth:`RunResult.summary` per set-up."""
        return [r.summary() for r in self.runs]

    def to_dict(self) -> dict:
        d = {"seeds": self.seeds, "table": self.rows(),
             "runs": [r.to_dict() for r in self.runs]}
        if self.seeds > 1:
            d["over_seeds"] = [s.to_dict(full=False) for s in self.setups]
        return d

    def _repr_markdown_(self) -> str:
        from .report import markdown_compare
        return markdown_compare(self)

    def _repr_html_(self) -> str:
        from .report import html_compare
        return html_compare(self)


def compare_setups(base: LabConfig | None = None) -> list[LabConfig]:
    """The remedies side by side, each at the base's depth, width, epochs, optimiser and seed.

    The exploding pair is leaky relu with N(0, σ²) weights, σ = EXPLODE_STD, trained by SGD:
    Adam's per-parameter normalisation keeps every step near the learning rate and so hides an
    exploding gradient as it hides a vanishing one; with SGD the step is the gradient itself.

    >>> [c.name for c in compare_setups()]  # doctest: +NORMALIZE_WHITESPACE
    ['sigmoid', 'tanh', 'relu', 'relu + He init', 'sigmoid + batch norm', 'sigmoid + residual',
     'exploding (leaky_relu, N(0, 1.5²), sgd)', 'exploding + clip 1']
    """
    b = replace(base or LabConfig(), activation="sigmoid", init="glorot", batchnorm=False,
                residual=False, clip=None, label=None)
    clip = (base.clip if base is not None and base.clip else None) or EXPLODE_CLIP
    sgd_lr = b.lr if b.optimizer == "sgd" else None
    explode = replace(b, activation=EXPLODE_ACTIVATION, init="normal", init_std=EXPLODE_STD,
                      optimizer="sgd", lr=sgd_lr,
                      label=f"exploding ({EXPLODE_ACTIVATION}, N(0, {EXPLODE_STD:g}²), sgd)")
    return [
        b,
        replace(b, activation="tanh"),
        replace(b, activation="relu"),
        replace(b, activation="relu", init="he", label="relu + He init"),
        replace(b, batchnorm=True),
        replace(b, residual=True),
        explode,
        replace(explode, clip=clip, label=f"exploding + clip {clip:g}"),
    ]


def compare(base: LabConfig | None = None, data: Split | None = None,
            seeds: int = 1) -> CompareResult:
    """Run every set-up of :func:`compare_setups` on the same data, with ``seeds`` seeds each."""
    data = data if data is not None else load_moons()
    return CompareResult([run_seeds(c, seeds, data) for c in compare_setups(base)])
