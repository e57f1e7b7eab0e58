"""Over several seeds: one set-up trained K times, and the median and range of every figure.

One run is one draw of the initial weights and the batch order. For the seed's sigmoid network
that draw decides the outcome: over seeds about half the runs end up predicting one class for the
whole test set (46 % accuracy), the others reach 80–90 % -- in vgp and in Keras alike. So a
figure quoted from one seed says little; :func:`run_seeds` trains seeds ``seed, seed+1, …`` and
:class:`SeedRuns` reports each figure's median and range.

>>> from vgp_symbolic.lab.experiment import LabConfig
>>> s = run_seeds(LabConfig(depth=2, width=4, epochs=2), 3)
>>> [r.config.seed for r in s.runs], sorted(s.stats()["final_loss"])
([42, 43, 44], ['max', 'median', 'min', 'n'])
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

from .data import Split, load_moons
from .experiment import LabConfig, LabError, _is_int, run

__all__ = ["SeedRuns", "run_seeds", "FIGURES", "MAX_SEEDS"]

MAX_SEEDS = 1000
# The figures of :meth:`RunResult.summary` that have a median: key → column heading.
FIGURES = {
    "grad_ratio_start": "∇W¹/∇Wᴸ",
    "grad_norm_first_start": "‖∇W¹‖",
    "grad_norm_last_start": "‖∇Wᴸ‖",
    "weight_change_first": "ΔW¹",
    "weight_change_last": "ΔWᴸ",
    "plateau_epochs": "flat for",
    "final_loss": "final loss",
    "test_accuracy": "test acc",
}


@dataclass
class SeedRuns:
    """One set-up trained with K seeds (``runs[0]`` has the configured seed)."""

    runs: list

    @property
    def config(self) -> LabConfig:
        return self.runs[0].config

    @property
    def seeds(self) -> list[int]:
        return [r.config.seed for r in self.runs]

    def values(self, key: str) -> list:
        """Figure ``key`` of every run. ``plateau_epochs`` of a run that never left the
        plateau counts as its epochs + 1 (it is at least that), so it still has a median."""
        out = []
        for r in self.runs:
            v = r.summary()[key]
            if key == "plateau_epochs" and v is None and r.epochs_run and r.exploded_at is None:
                v = r.epochs_run + 1
            out.append(v)
        return out

    def stats(self) -> dict:
        """Per figure: ``median``, ``min``, ``max`` over the runs that have it, and their
        number ``n`` (an exploded run has no final loss); None where no run has it."""
        out = {}
        for key in FIGURES:
            vals = [v for v in self.values(key) if v is not None]
            out[key] = ({"median": statistics.median(vals), "min": min(vals), "max": max(vals),
                         "n": len(vals)} if vals else
                        {"median": None, "min": None, "max": None, "n": 0})
        return out

    def count(self, predicate) -> int:
        """How many runs satisfy ``predicate(run)``."""
        return sum(1 for r in self.runs if predicate(r))

    def to_dict(self, full: bool = True) -> dict:
        """JSON-ready: median and range per figure, one summary row per seed, and (``full``)
        every run's whole record."""
        d = {"config": self.config.to_dict(), "seeds": self.seeds,
                "median_and_range": self.stats(),
                "gradient": [r.gradient_kind for r in self.runs],
                "one_class": self.count(lambda r: r.one_class),
                "exploded": self.count(lambda r: r.exploded_at is not None),
                "table": [r.summary() for r in self.runs]}
        if full:
            d["runs"] = [r.to_dict() for r in self.runs]
        return d

    def _repr_markdown_(self) -> str:
        from .report import markdown_runs
        return markdown_runs(self.runs, spread=self)

    def _repr_html_(self) -> str:
        from .report import html_runs
        return html_runs(self.runs, spread=self)


def check_seeds(seeds) -> int:
    """``seeds`` as a positive int, or :class:`LabError`."""
    if not (_is_int(seeds) and 1 <= seeds <= MAX_SEEDS):
        raise LabError(f"seeds must be a whole number from 1 to {MAX_SEEDS}, got {seeds}")
    return int(seeds)


def run_seeds(config: LabConfig | None = None, seeds: int = 5,
              data: Split | None = None) -> SeedRuns:
    """Train ``config`` with seeds ``config.seed … config.seed + seeds − 1`` on the same data.

    Only the weights and the batch order change with the seed; the data stay the seed's
    ``random_state=42`` draw (as in the textbook, where the data have their own seed).
    """
    cfg = (config or LabConfig()).check()
    k = check_seeds(seeds)
    data = data if data is not None else load_moons()
    return SeedRuns([run(replace(cfg, seed=cfg.seed + i), data) for i in range(k)])
