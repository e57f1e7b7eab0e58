"""Drawing a problem's parameters: exact short decimals from ranges or choices.

A parameter spec in a problem TOML is one of::

    x  = 0.5                                            # fixed
    lr = { choices = [1, 0.5, 2], weights = [2, 1, 1] } # one of these (optionally weighted)
    w  = { min = -1, max = 1, step = 0.1, exclude = [0] }   # a multiple of step in [min, max]
    W1 = { min = -1, max = 1, step = 0.1, shape = [3, 2] }  # a 3×2 matrix of such draws
    x  = { ..., size = 3 }                              # a list of 3 draws

Numbers are read exactly (``0.1`` is 1/10), so every drawn value is a Fraction and answers
computed from them are exact wherever the mathematics allows.

>>> import random
>>> spec = parse_param_spec({"min": 0.1, "max": 0.9, "step": 0.1}, "f")
>>> v = draw_value(spec, random.Random(1))
>>> v, v.denominator in (1, 2, 5, 10)
(Fraction(3, 10), True)
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate

from ..core.network import to_number

__all__ = ["ParamSpec", "parse_param_spec", "draw_value", "draw_params"]

_MAX_STEPS = 10 ** 6
_MAX_CELLS = 64
_TABLE_MAX = 100_000


@dataclass(frozen=True)
class ParamSpec:
    kind: str                         # "fixed" | "choices" | "range"
    value: object = None              # fixed value
    choices: tuple = ()
    weights: tuple | None = None
    lo: Fraction | None = None
    step: Fraction | None = None
    count: int = 0                    # number of steps + 1
    exclude: frozenset = frozenset()
    shape: tuple[int, ...] = ()       # () scalar, (n,) list, (r, c) matrix
    # every value a draw can pick, None where excluded, and the weights' running sums: made
    # once, so that a draw is an index (a class draws these specs ~10⁵ times)
    table: tuple = field(default=(), init=False, compare=False, repr=False)
    cum_weights: tuple | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self):
        if self.kind == "choices":
            values = self.choices
        elif self.kind == "range" and self.count <= _TABLE_MAX:
            values = [self.lo + self.step * i for i in range(self.count)]
        else:
            return
        object.__setattr__(self, "table", tuple(None if v in self.exclude else v
                                                for v in values))
        if self.weights is not None:
            object.__setattr__(self, "cum_weights",
                               tuple(accumulate(float(w) for w in self.weights)))


def _num(v, where):
    """A number, or a list of numbers (a choice may be a tuple such as a Pythagorean triple),
    or a name (e.g. an activation: ``choices = ["sigmoid", "gelu"]``)."""
    if isinstance(v, list):
        return tuple(_num(e, where) for e in v)
    if isinstance(v, str) and v.isidentifier():
        return v
    return to_number(v, where)


def parse_param_spec(raw, name: str) -> ParamSpec:
    """Validate one parameter spec; raises ValueError with a readable reason."""
    if not isinstance(raw, dict):
        return ParamSpec("fixed", value=_fixed(raw, name))
    keys = set(raw)
    allowed = {"choices", "weights", "min", "max", "step", "exclude", "shape", "size"}
    if keys - allowed:
        raise ValueError(f"{name}: unknown key(s) {sorted(keys - allowed)}; a parameter takes "
                         "choices (+ weights) or min, max, step (+ exclude), and shape or size")
    shape: tuple[int, ...] = ()
    if "shape" in raw and "size" in raw:
        raise ValueError(f"{name}: give shape or size, not both")
    if "size" in raw:
        shape = (_positive_int(raw["size"], f"{name}.size"),)
    if "shape" in raw:
        s = raw["shape"]
        if not isinstance(s, list) or len(s) != 2:
            raise ValueError(f"{name}.shape must be [rows, columns]")
        shape = tuple(_positive_int(v, f"{name}.shape") for v in s)
    cells = 1
    for d in shape:
        cells *= d
    if cells > _MAX_CELLS:
        raise ValueError(f"{name}: {cells} values is too many for a hand-computed problem")
    if "choices" in raw:
        if keys & {"min", "max", "step"}:
            raise ValueError(f"{name}: give choices or min/max/step, not both")
        ch = raw["choices"]
        if not isinstance(ch, list) or not ch:
            raise ValueError(f"{name}.choices must be a non-empty list")
        choices = tuple(_num(c, f"{name}.choices") for c in ch)
        weights = None
        if "weights" in raw:
            w = raw["weights"]
            if not isinstance(w, list) or len(w) != len(choices):
                raise ValueError(f"{name}.weights must list one weight per choice")
            weights = tuple(to_number(v, f"{name}.weights") for v in w)
            if any(v < 0 for v in weights) or sum(weights) <= 0:
                raise ValueError(f"{name}.weights must be non-negative and not all zero")
        excl = frozenset(_num(v, f"{name}.exclude") for v in raw.get("exclude", []))
        return ParamSpec("choices", choices=choices, weights=weights, exclude=excl, shape=shape)
    if "weights" in raw:
        raise ValueError(f"{name}: weights go with choices")
    missing = [k for k in ("min", "max", "step") if k not in raw]
    if missing:
        raise ValueError(f"{name}: missing {', '.join(missing)} (or give choices = [...])")
    lo, hi, step = (to_number(raw[k], f"{name}.{k}") for k in ("min", "max", "step"))
    if step <= 0:
        raise ValueError(f"{name}.step must be positive")
    if hi < lo:
        raise ValueError(f"{name}: max {hi} is below min {lo}")
    n = (hi - lo) / step
    if n.denominator != 1:
        raise ValueError(f"{name}: max − min must be a whole number of steps")
    if n >= _MAX_STEPS:
        raise ValueError(f"{name}: too many steps ({n})")
    excl_raw = raw.get("exclude", [])
    if not isinstance(excl_raw, list):
        raise ValueError(f"{name}.exclude must be a list")
    excl = frozenset(to_number(v, f"{name}.exclude") for v in excl_raw)
    spec = ParamSpec("range", lo=lo, step=step, count=int(n) + 1, exclude=excl, shape=shape)
    if spec.count <= len(excl) and all(lo + i * step in excl for i in range(spec.count)):
        raise ValueError(f"{name}: every value of the range is excluded")
    return spec


def _fixed(raw, name):
    if isinstance(raw, list):
        return [_fixed(v, name) for v in raw]
    return _num(raw, name)


def _positive_int(v, where) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        raise ValueError(f"{where} must be a positive integer, got {v!r}")
    return v


def _one(spec: ParamSpec, rng: random.Random):
    # Rejection sampling keeps the distribution uniform over the allowed values; the spec
    # check above guarantees at least one value survives the exclusions.
    # (The same calls on ``rng`` as drawing from the list itself: the numbers stay the same.)
    table, cum = spec.table, spec.cum_weights
    for _ in range(10_000):
        if cum is not None:
            v = rng.choices(table, cum_weights=cum)[0]
        elif table:
            v = table[rng.randrange(len(table))]
        else:
            v = spec.lo + spec.step * rng.randrange(spec.count)
            v = None if v in spec.exclude else v
        if v is not None:
            return list(v) if isinstance(v, tuple) else v
    raise ValueError("no allowed value to draw")  # pragma: no cover - guarded by the spec check


def draw_value(spec: ParamSpec, rng: random.Random):
    """One draw: a Fraction, or a list (``size``) or list of rows (``shape``) of Fractions."""
    if spec.kind == "fixed":
        return spec.value
    if not spec.shape:
        return _one(spec, rng)
    if len(spec.shape) == 1:
        return [_one(spec, rng) for _ in range(spec.shape[0])]
    r, c = spec.shape
    return [[_one(spec, rng) for _ in range(c)] for _ in range(r)]


def draw_params(specs: dict, rng: random.Random) -> dict:
    """Draw every parameter, in the spec's order (so the same seed gives the same numbers)."""
    return {name: draw_value(spec, rng) for name, spec in specs.items()}
