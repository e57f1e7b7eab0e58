"""A batch of samples: L = (1/N) Σₙ Lₙ, the mean of each sample's loss (PyTorch's default
``reduction="mean"``), so ∂L/∂θ = (1/N) Σₙ ∂Lₙ/∂θ.

A spec gives the network and its weights once, then one ``[[samples]]`` table per sample::

    [values]
    W1 = [[0.1, 0.2], [0.3, -0.4]]
    lr = 0.5

    [[samples]]
    x = [1.0, 0.5]
    y = [1]

    [[samples]]
    x = [-1.0, 2.0]
    y = [0]

Every architecture takes a batch: a dense network (derived and evaluated per sample by
:mod:`.derive` and :mod:`.evaluate`, exactly where the inputs allow), and residual, softmax and
recurrent ones (:mod:`.arch_derive`). The chain of factors is the same formula for every sample,
in that sample's numbers; each sample keeps its own independent check, and the batch's check is
the mean of the samples' central differences -- the central difference of the mean loss.

>>> b = parse_batch('[network]\\ninputs = 1\\nlayers = [{units = 1, activation = "relu"}]\\n'
...                 'loss = "half_mse"\\n[values]\\nW1 = [[2]]\\n'
...                 '[[samples]]\\nx = [1]\\ny = [1]\\n[[samples]]\\nx = [3]\\ny = [0]\\n')
>>> ev = evaluate_batch(derive_batch(b, "w1_11"))
>>> [s.gradient for s in ev.samples], ev.gradient, ev.check.agrees
([Fraction(1, 1), Fraction(18, 1)], Fraction(19, 2), True)
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python < 3.11
    import tomli as tomllib

from .._lazy import lazy_import
from ..numbers import to_mpf
from .evaluate import Check, Update
from .network import SpecError, Values, _parse_values, parse_toml, spec_from_data

mpmath = lazy_import("mpmath")

__all__ = ["Batch", "BatchDerivation", "BatchEvaluation", "load_batch", "parse_batch",
           "derive_batch", "evaluate_batch"]

_SAMPLE_KEYS = ("x", "y")


@dataclass(frozen=True)
class Batch:
    """A network and N samples: ``samples`` are per-sample :class:`~.network.Values` (dense)
    or :class:`~.arch_spec.ArchSpec` s sharing one graph (residual, softmax, recurrent)."""

    model: object  # the dense Network, or the ArchSpec of the weights (without x, y)
    samples: tuple
    lr: object = None
    source: str = "<spec>"

    @property
    def dense(self) -> bool:
        return isinstance(self.samples[0], Values)

    @property
    def size(self) -> int:
        return len(self.samples)

    @property
    def complete(self) -> bool:
        if self.dense:
            return all(v.complete(self.model) for v in self.samples)
        return all(s.complete for s in self.samples)


def load_batch(path) -> Batch | None:
    """A batch spec file (one with ``[[samples]]``), or None for any other spec."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        # a cheap look first: a wide dense spec takes seconds in tomllib, and has no samples
        if not re.search(r"^[ \t]*(\[\[[ \t]*samples[ \t]*\]\]|samples[ \t]*=)", text, re.M):
            return None
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # the ordinary readers report it
    return batch_from_data(data, text, str(path))


def batch_from_data(data: dict, text: str, source: str = "<spec>") -> Batch | None:
    """A :class:`Batch` from parsed TOML, or None for a spec without ``[[samples]]`` (the file is
    then read by the other readers from the same data: parsed once)."""
    return _from_data(data, text, source) if "samples" in data else None


def parse_batch(text: str, source: str = "<spec>") -> Batch:
    """Parse batch spec text (TOML with ``[[samples]]``)."""
    data = parse_toml(text, source)      # malformed TOML: a SpecError with its line
    if "samples" not in data:
        raise SpecError("no [[samples]] tables: not a batch", source)
    return _from_data(data, text, source)


def _sample_line(text: str, n: int, key: str | None) -> int | None:
    """The line of ``key =`` inside the n-th ``[[samples]]`` table (or of the table itself)."""
    heads = list(re.finditer(r"^[ \t]*\[\[[ \t]*samples[ \t]*\]\]", text, re.M))
    if len(heads) < n:
        m = re.search(r"^[ \t]*samples[ \t]*=", text, re.M)  # an inline array of tables
        return text.count("\n", 0, m.start()) + 1 if m else None
    start = heads[n - 1].start()
    nxt = re.compile(r"^[ \t]*\[", re.M).search(text, heads[n - 1].end())
    stop = nxt.start() if nxt else len(text)
    m = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=", re.M).search(text, start, stop) if key else None
    return text.count("\n", 0, (m or heads[n - 1]).start()) + 1


def _from_data(data: dict, text: str, source: str) -> Batch:
    from .arch_spec import _from_data as arch_from_data, is_architecture
    samples = data["samples"]
    if not isinstance(samples, list) or not samples or not all(isinstance(s, dict) for s in samples):
        raise SpecError("samples must be one or more [[samples]] tables, each with x and y",
                        source, _sample_line(text, 1, None), "samples")
    rest = {k: v for k, v in data.items() if k != "samples"}
    vd = rest.get("values", {})
    for key in _SAMPLE_KEYS:
        if isinstance(vd, dict) and key in vd:
            m = re.search(rf"^[ \t]*{key}[ \t]*=", text, re.M)
            raise SpecError(f"with [[samples]], {key} goes in each sample, not in [values]",
                            source, text.count("\n", 0, m.start()) + 1 if m else None,
                            f"values.{key}")
    for n, s in enumerate(samples, 1):
        extra = sorted(set(s) - set(_SAMPLE_KEYS))
        if extra:
            raise SpecError(f"unknown key {extra[0]!r} in sample {n}; a sample takes x and y "
                            "(the weights go in [values], once for the batch)", source,
                            _sample_line(text, n, extra[0]), f"samples[{n}].{extra[0]}")

    def err_for(n):
        def err(msg, key):
            k = key.split(".")[-1]
            return SpecError(msg, source, _sample_line(text, n, k), f"samples[{n}].{k}")
        return err

    if is_architecture(rest):
        shared = arch_from_data(rest, text, source)
        per = tuple(_arch_sample(shared, s, err_for(n)) for n, s in enumerate(samples, 1))
        return Batch(shared, per, shared.lr, source)
    net, values = spec_from_data(rest, text, source)
    per = []
    for n, s in enumerate(samples, 1):
        v = _parse_values(s, net, err_for(n))
        per.append(Values(v.x, v.y, values.W, values.b, None))
    return Batch(net, tuple(per), values.lr, source)


def _arch_sample(shared, s: dict, err):
    """One sample's ArchSpec: the shared weights with this sample's x and y (and its graph)."""
    from .arch_spec import ArchSpec, _recurrent_values
    from .recurrent import RecurrentNet
    model = shared.model
    if isinstance(model, RecurrentNet):
        nums = _recurrent_values(model, s, err).numbers
        own = {k: v for k, v in nums.items() if k[0] in "xy"}
    else:
        net = model.net
        v = _parse_values(s, net, err)
        own = {}
        if v.x is not None:
            own.update({f"x_{i}": e for i, e in enumerate(v.x, 1)})
        if v.y is not None:
            if model.head is not None and model.head.target_problem(v.y):
                raise err(f"y: {model.head.target_problem(v.y)}", "values.y")
            own.update({("y" if net.outputs == 1 else f"y_{j}"): e for j, e in enumerate(v.y, 1)})
    return ArchSpec(model, {**shared.numbers, **own}, None, shared.graph)


# -- derivation and numbers ------------------------------------------------------------------
@dataclass(frozen=True)
class BatchDerivation:
    """The chain rule of one sample (the same formula for all) and the batch it is summed over."""

    batch: Batch
    derivation: object  # a dense Derivation or an ArchDerivation (of sample 1's symbols)

    @property
    def param(self) -> str:
        d = self.derivation
        return d.param if isinstance(d.param, str) else d.param.name


@dataclass(frozen=True)
class BatchEvaluation:
    derivation: BatchDerivation
    samples: tuple  # each sample's Evaluation / ArchEvaluation (its own check included)
    gradient: object  # (1/N) Σ ∂Lₙ/∂θ
    loss: object  # (1/N) Σ Lₙ
    update: Update | None
    check: Check | None

    @property
    def exact(self) -> bool:
        return isinstance(self.gradient, Fraction)


def derive_batch(batch: Batch, wrt: str | None = None, route=None) -> BatchDerivation:
    """The chain rule for ∂Lₙ/∂``wrt`` (every sample's), to be averaged over the batch."""
    if batch.dense:
        from .derive import derive
        return BatchDerivation(batch, derive(batch.model, wrt or "w1_11", route))
    if route is not None:
        raise SpecError("--route applies to a dense network without a softmax output",
                        batch.source, key="--route")
    from .arch_derive import derive_arch
    return BatchDerivation(batch, derive_arch(batch.samples[0], wrt))


def evaluate_batch(bd: BatchDerivation, lr=None, precision: int | None = None,
                   check: bool = True) -> BatchEvaluation:
    """Each sample's forward and backward pass (exact where its numbers allow) and check, the
    mean gradient and loss, the update w ← w − η·∂L/∂w and the check of the mean."""
    batch, d = bd.batch, bd.derivation
    if batch.dense:
        from .evaluate import evaluate
        evs = tuple(evaluate(d, v, precision=precision, check=check) for v in batch.samples)
        losses = [e.run.loss for e in evs]
        old = batch.samples[0].get(d.param)
    else:
        from .arch_derive import evaluate_arch
        evs = tuple(evaluate_arch(replace(d, spec=s), precision=precision, check=check)
                    for s in batch.samples)
        losses = [e.loss for e in evs]
        old = batch.samples[0].numbers.get(d.symbol.name)
    dps = max([getattr(e, "dps", None) or getattr(getattr(e, "run", None), "dps", None) or 30
               for e in evs])
    grad = _mean([e.gradient for e in evs], dps)
    rate = lr if lr is not None else batch.lr
    update = None
    if rate is not None and old is not None:
        if isinstance(grad, Fraction) and isinstance(rate, Fraction):
            update = Update(rate, old, old - rate * grad)
        else:
            with mpmath.workdps(dps):
                update = Update(rate, old, to_mpf(old) - to_mpf(rate) * to_mpf(grad))
    chk = _batch_check([e.check for e in evs], grad, dps) if check else None
    return BatchEvaluation(bd, evs, grad, _mean(losses, dps), update, chk)


def _mean(vs, dps: int):
    """The mean, exact when every value is a Fraction, else in mpmath at ``dps`` digits."""
    if all(isinstance(v, Fraction) for v in vs):
        return sum(vs, Fraction(0)) / len(vs)
    with mpmath.workdps(dps):
        return mpmath.fsum(to_mpf(v) if isinstance(v, Fraction) else mpmath.mpf(v)
                           for v in vs) / len(vs)


def _batch_check(checks, grad, dps: int) -> Check:
    """The mean of the samples' own central differences: a central difference of the mean loss
    (the difference quotient is linear in L), each at the resolution its sample needed."""
    digits = sorted({int(m) for c in checks for m in re.findall(r"(\d+) digits", c.method)})
    span = f"{digits[0]}–{digits[-1]} digits" if len(digits) > 1 else None
    methods = sorted({re.sub(r"\d+ digits", span, c.method) if span else c.method for c in checks})
    how = "; ".join(methods)
    kinks = tuple(f"sample {n}: {k}" for n, c in enumerate(checks, 1) for k in c.kinks)
    open_ = [str(n) for n, c in enumerate(checks, 1) if c.value is None or c.agrees is None]
    if open_:
        return Check(f"not checked: sample(s) {', '.join(open_)} could not be resolved by a "
                     "difference of the loss", None, None, None, kinks)
    fd = _mean([c.value for c in checks], dps)
    if isinstance(fd, Fraction) and isinstance(grad, Fraction):
        rel = 0.0 if fd == grad else 1.0
    else:
        with mpmath.workdps(dps):
            g, f = to_mpf(grad) if isinstance(grad, Fraction) else mpmath.mpf(grad), \
                to_mpf(fd) if isinstance(fd, Fraction) else mpmath.mpf(fd)
            scale = max(abs(g), abs(f))
            rel = float(abs(g - f) / scale) if scale else 0.0
    # each sample met its own tolerance; the mean of agreeing values agrees to the worst of them
    worst = max(c.relative_error or 0.0 for c in checks)
    agrees = all(c.agrees for c in checks) and (rel == 0.0 or rel <= max(worst, 1e-12) * len(checks)
                                                or math.isclose(rel, 0.0, abs_tol=1e-7))
    return Check(f"mean over the {len(checks)} samples of each one's own check ({how})", fd, rel,
                 agrees, kinks)
