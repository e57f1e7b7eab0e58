"""A chain of given factors, as the seeds compute by hand: 0.20 × 0.5 × 0.02 = 0.002.

The product and the update w ← w − η·∂L/∂w are exact (decimals are read as rationals), and each
factor is checked against what it could be: a bare σ'(z) is at most 1/4, a bare tanh'(z) or
ReLU'(z) at most 1, so a larger factor must include a weight (or be a loss derivative).

>>> c = factor_chain(["0.20", "0.5", "0.02"], old="2.5", lr="1")
>>> c.product, c.new
(Fraction(1, 500), Fraction(1249, 500))
>>> c.notes[0]
'factor 2 = 0.5 exceeds 1/4 = max σ′: it cannot be a bare sigmoid derivative; it must include a weight (|w| ≥ 2, as in w·σ′(z))'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..numbers import fmt as _dec, round_places
from .network import to_number

__all__ = ["FactorChain", "factor_chain", "SEED_EXAMPLE", "rounding_note"]

# Seed 004, "only take one route for better understanding": w'11 from x1 into hidden unit f11
# of a 3-2-1 sigmoid network, output o1.
SEED_EXAMPLE = {
    "factors": ["0.20", "0.5", "0.02"],
    "names": ["∂L/∂o1", "∂o1/∂f11", "∂f11/∂w'11"],
    "meaning": ["loss derivative at the output (e.g. 2(ŷ − y) for (ŷ − y)²)",
                "σ′(z_out)·w2_11: output sigmoid slope times the weight out of f11",
                "σ′(z11)·x1: hidden sigmoid slope times the input"],
    "old": "2.5",
    "lr": "1",
    "seed_says": "2.49",
}


@dataclass(frozen=True)
class FactorChain:
    factors: tuple[Fraction, ...]
    names: tuple[str, ...]
    product: Fraction
    old: Fraction | None = None
    lr: Fraction | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def new(self) -> Fraction | None:
        """w − η·product, or None without ``old``."""
        if self.old is None:
            return None
        return self.old - (self.lr if self.lr is not None else 1) * self.product


def factor_chain(factors, old=None, lr=None, names=None) -> FactorChain:
    """Multiply ``factors`` exactly and, with ``old`` (and ``lr``, default 1), update a weight.

    >>> factor_chain("0.1,0.1,0.1,0.1").product
    Fraction(1, 10000)
    """
    if isinstance(factors, str):
        factors = [t for t in factors.replace(" ", "").split(",") if t]
    if not factors:
        raise ValueError("--factors needs at least one number, e.g. 0.20,0.5,0.02")
    fs = tuple(to_number(f, f"factor {n}") for n, f in enumerate(factors, 1))
    product = Fraction(1)
    for f in fs:
        product *= f
    names = tuple(names) if names else tuple(f"factor {n}" for n in range(1, len(fs) + 1))
    if len(names) != len(fs):
        raise ValueError(f"{len(names)} names for {len(fs)} factors")
    o = None if old is None else Fraction(to_number(old, "--old"))
    r = None if lr is None else Fraction(to_number(lr, "--lr"))
    return FactorChain(fs, names, product, o, r, tuple(_notes(fs, names)))


def _notes(fs, names):
    quarter = Fraction(1, 4)
    for n, (f, name) in enumerate(zip(fs, names), 1):
        label = f"factor {n}" if name == f"factor {n}" else f"factor {n} ({name})"
        if abs(f) > 1:
            yield (f"{label} = {_dec(f)} exceeds 1 = max of σ′, tanh′ and ReLU′: it must include "
                   f"a weight |w| ≥ {_dec(abs(f) * 4)} behind a sigmoid; factors above 1 multiply "
                   "into exploding gradients")
        elif abs(f) > quarter:
            yield (f"{label} = {_dec(f)} exceeds 1/4 = max σ′: it cannot be a bare sigmoid "
                   f"derivative; it must include a weight (|w| ≥ {_dec(abs(f) * 4)}, as in w·σ′(z))")


def rounding_note(value: Fraction, claimed: str) -> str | None:
    """Say how a claimed decimal relates to the exact value (rounded, truncated, or wrong).

    >>> rounding_note(Fraction(1249, 500), "2.49")
    'the exact value is 2.498; "2.49" is 2.498 truncated to 2 decimals (rounded it is 2.50)'
    """
    c = Fraction(claimed)
    places = len(claimed.split(".")[1]) if "." in claimed else 0
    q = Fraction(1, 10 ** places)
    if c == value:
        return None
    rounded = round_places(value, places)  # halves away from zero, as the grader rounds
    truncated = Fraction(int(value / q)) * q
    exact = _dec(value)
    shown = f"{float(rounded):.{places}f}"
    if c == rounded:
        return f'the exact value is {exact}; "{claimed}" is it rounded to {places} decimals'
    if c == truncated:
        return (f'the exact value is {exact}; "{claimed}" is {exact} truncated to {places} '
                f"decimals (rounded it is {shown})")
    return f'the exact value is {exact}; "{claimed}" is neither it rounded nor truncated'
