"""The long-range experiment: a vanilla tanh RNN against LSTM and GRU on tasks whose answer sits
at the start of the sequence, for growing sequence length T.

Tasks (targets are regressed with a linear readout of h_T, mean squared error):

* ``first`` -- xₜ = ±1 at random, the target is x₁: everything after step 1 is noise, so the
  gradient must travel all T steps back. Predicting 0 gives the baseline loss 1.
* ``adding`` -- Hochreiter's adding problem: xₜ = (value ∈ U(0,1), marker); two markers, one in each
  half; the target is the sum of the two marked values. Predicting 1 gives the baseline 1/6.

For every cell and T the run records the training loss, the test loss on fresh sequences, and
‖∂L/∂hₜ‖ for t = 1…T before and after training (the per-step measurement of the dense lab). A run
has *learned* when its test loss is below ``learned`` × baseline; the length at which the RNN stops
learning is the first T where it has not.

>>> r = run_long_range(SeqConfig(cells=("rnn",), lengths=(3,), iterations=5, hidden=4))
>>> r.runs[0].cell, r.runs[0].T, len(r.runs[0].grad_init)
('rnn', 3, 3)
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np

from .experiment import LabError
from .optim import Adam, clip_by_global_norm
from .recurrent_model import CELL_GATES, SeqModel

__all__ = ["TASKS", "SeqConfig", "SeqRun", "SeqResult", "make_batch", "run_long_range",
           "format_long_range"]

TASKS = {"first": "the target is the first of T random ±1 inputs",
         "adding": "the adding problem: the sum of two marked values among T"}
BASELINE = {"first": 1.0, "adding": 1 / 6}


def make_batch(task: str, batch: int, T: int, rng: np.random.Generator):
    """Inputs (batch × T × features) and targets (batch × 1) for ``task``.

    >>> x, y = make_batch("adding", 4, 6, np.random.default_rng(0))
    >>> x.shape, y.shape, x[:, :, 1].sum(axis=1).tolist()
    ((4, 6, 2), (4, 1), [2.0, 2.0, 2.0, 2.0])
    """
    if task == "first":
        x = rng.choice([-1.0, 1.0], size=(batch, T, 1))
        return x, x[:, 0, :].copy()
    vals = rng.uniform(0, 1, size=(batch, T))
    marks = np.zeros((batch, T))
    half = max(1, T // 2)
    a = rng.integers(0, half, size=batch)
    b = rng.integers(half, T, size=batch) if T > 1 else a
    marks[np.arange(batch), a] = 1
    marks[np.arange(batch), b] = 1
    x = np.stack([vals, marks], axis=2)
    return x, (vals * marks).sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class SeqConfig:
    task: str = "adding"
    cells: tuple = ("rnn", "lstm", "gru")
    lengths: tuple = (5, 10, 20, 40)
    hidden: int = 16
    iterations: int = 600
    batch_size: int = 32
    lr: float = 0.01
    clip: float | None = 1.0
    seed: int = 0
    learned: float = 0.1  # a run has learned when test loss < learned × baseline

    def check(self) -> None:
        """Raise :class:`LabError` for a setting that cannot run."""
        if self.task not in TASKS:
            raise LabError(f"unknown task {self.task!r}; choose one of {', '.join(TASKS)}")
        bad = [c for c in self.cells if c not in CELL_GATES]
        if bad or not self.cells:
            raise LabError(f"unknown cell {bad[0] if bad else '(none)'!r}; choose from "
                           f"{', '.join(CELL_GATES)}")
        if not self.lengths or any(int(t) < 1 for t in self.lengths):
            raise LabError(f"sequence lengths must be at least 1, got {list(self.lengths)}")
        if self.task == "adding" and any(int(t) < 2 for t in self.lengths):
            raise LabError("the adding problem needs T ≥ 2 (one marker in each half)")
        for name in ("hidden", "iterations", "batch_size"):
            if getattr(self, name) < 1:
                raise LabError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not self.lr > 0 or (self.clip is not None and not self.clip > 0):
            raise LabError("the learning rate and the clipping norm must be positive")

    @property
    def inputs(self) -> int:
        return 1 if self.task == "first" else 2


@dataclass
class SeqRun:
    cell: str
    T: int
    losses: list  # training loss per iteration
    test_loss: float
    grad_init: list  # ‖∂L/∂hₜ‖ for t = 1…T at initialisation
    grad_final: list  # … after training
    learned: bool
    seconds: float

    @property
    def ratio_init(self) -> float:
        """‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ at initialisation: how much reaches the first step."""
        return self.grad_init[0] / self.grad_init[-1] if self.grad_init[-1] else float("nan")


@dataclass
class SeqResult:
    config: SeqConfig
    runs: list = field(default_factory=list)

    def run(self, cell: str, T: int) -> SeqRun:
        return next(r for r in self.runs if r.cell == cell and r.T == T)

    def stops_learning(self, cell: str) -> int | None:
        """The first length T at which ``cell`` has not learned (None: learned at every T)."""
        return next((T for T in sorted(self.config.lengths) if not self.run(cell, T).learned), None)

    def to_dict(self) -> dict:
        cfg = asdict(self.config)
        return {"config": cfg, "baseline": BASELINE[self.config.task],
                "stops_learning": {c: self.stops_learning(c) for c in self.config.cells},
                "runs": [{**asdict(r), "ratio_init": r.ratio_init} for r in self.runs]}


def _train(cfg: SeqConfig, cell: str, T: int) -> SeqRun:
    t0 = time.perf_counter()
    rng = np.random.default_rng(cfg.seed)
    model = SeqModel(cell, cfg.inputs, cfg.hidden, seed=cfg.seed)
    x_eval, y_eval = make_batch(cfg.task, 256, T, np.random.default_rng(cfg.seed + 10**6))
    grad_init = model.loss_and_grad(x_eval, y_eval)[2]
    opt = Adam(lr=cfg.lr)
    losses = []
    for _ in range(cfg.iterations):
        x, y = make_batch(cfg.task, cfg.batch_size, T, rng)
        loss, grad, _ = model.loss_and_grad(x, y)
        if not np.isfinite(loss):
            break
        if cfg.clip:
            clip_by_global_norm(grad, cfg.clip)
        opt.step(model.theta, grad)
        losses.append(loss)
    x_test, y_test = make_batch(cfg.task, 1000, T, np.random.default_rng(cfg.seed + 2 * 10**6))
    test = float(np.mean((model.predict(x_test) - y_test) ** 2))
    grad_final = model.loss_and_grad(x_eval, y_eval)[2]
    learned = bool(np.isfinite(test) and test < cfg.learned * BASELINE[cfg.task])
    return SeqRun(cell, T, losses, test, grad_init.tolist(), grad_final.tolist(), learned,
                  time.perf_counter() - t0)


def run_long_range(cfg: SeqConfig) -> SeqResult:
    """Train every cell at every length (same seed, same data stream for each)."""
    cfg.check()
    res = SeqResult(cfg)
    for T in sorted(int(t) for t in cfg.lengths):
        for cell in cfg.cells:
            res.runs.append(_train(cfg, cell, T))
    return res


_NAMES = {"rnn": "tanh RNN", "lstm": "LSTM", "gru": "GRU"}


def format_long_range(res: SeqResult) -> str:
    """The table a student reads: test loss per cell and T, and how much gradient reaches t = 1."""
    cfg = res.config
    base = BASELINE[cfg.task]
    lines = [f"Long-range task '{cfg.task}': {TASKS[cfg.task]}",
             f"  {cfg.hidden} hidden units, Adam lr {cfg.lr}, {cfg.iterations} iterations of "
             f"{cfg.batch_size} sequences" + (f", clip {cfg.clip}" if cfg.clip else "")
             + f"; baseline loss {base:.4g}, learned = test loss < {cfg.learned:g} × baseline",
             "", "Test loss (✓ learned)"]
    head = "  " + f"{'T':>5}" + "".join(f"  {_NAMES[c]:>14}" for c in cfg.cells)
    lines.append(head)
    for T in sorted(cfg.lengths):
        row = f"  {T:>5}"
        for c in cfg.cells:
            r = res.run(c, T)
            row += f"  {r.test_loss:>12.4g} {'✓' if r.learned else '✗'}"
        lines.append(row)
    lines += ["", "‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ at initialisation (the share of the gradient that "
                  "reaches the first step)"]
    lines.append(head)
    for T in sorted(cfg.lengths):
        lines.append(f"  {T:>5}" + "".join(f"  {res.run(c, T).ratio_init:>14.3g}" for c in cfg.cells))
    lines.append("")
    for c in cfg.cells:
        s = res.stops_learning(c)
        lines.append(f"{_NAMES[c]}: " + (f"learned up to T = {max(t for t in cfg.lengths if t < s)}, "
                                         f"stops learning at T = {s}" if s and s > min(cfg.lengths)
                                         else f"does not learn even at T = {s}" if s
                                         else f"learned at every T up to {max(cfg.lengths)}")
                     + f" (within {cfg.iterations} iterations)")
    return "\n".join(lines)
