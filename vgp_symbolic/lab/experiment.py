"""The experiment: train the seed's network, measure every layer every epoch, compare remedies.

:func:`run` trains one set-up (a :class:`LabConfig`) and returns a :class:`RunResult` holding,
per epoch, the loss and accuracy (training, as Keras reports them: the mean over the epoch's
batches; and on the test set at the epoch's end), the gradient norm ‖∂L/∂Wᵏ‖ of every layer (the
mean over the epoch's batches), and how far every layer's weights have moved,
‖Wᵏ − Wᵏ₀‖ / ‖Wᵏ₀‖; plus the first layer's weights before, after and at every epoch.

The remedies side by side are in :mod:`.compare`, several seeds of one set-up in :mod:`.spread`.

A run that overflows (a non-finite loss, gradient or weight) stops there and reports the epoch in
``exploded_at``; its records hold the epochs completed before it.

>>> r = run(LabConfig(depth=2, width=4, epochs=3))
>>> r.epochs_run, len(r.grad_norms[0]), r.exploded_at
(3, 3, None)
>>> run(LabConfig(depth=2, width=4, epochs=3)).to_dict() == r.to_dict()   # deterministic
True
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from ..errors import UserError
from ..core.activations import UnknownActivation, get_activation
from .data import Split, load_moons
from .model import INITS, MLP
from .optim import DEFAULT_LR, OPTIMIZERS, clip_by_global_norm, make_optimizer

__all__ = ["LabConfig", "LabError", "RunResult", "run", "fprime_stats", "VANISH_RATIO",
           "EXPLODE_GRAD", "GRADIENT_KINDS", "SATURATED", "QUANTILES"]

# A first/last gradient-norm ratio below this counts as vanishing, above its inverse as growing.
VANISH_RATIO = 0.1
# Exploding is about size, not the ratio: the exploding set-up's first/last ratio (5.8) sits beside
# relu + He init's (5.0), but its gradients are 920 and 158 against 0.12 and 0.02. A gradient
# more than this many times the size of the weights it updates (‖∂L/∂Wᵏ‖ > 10·‖Wᵏ‖ in some
# layer) counts as exploding: one SGD step at lr 0.1 would move those weights by more than their
# own size. The lab's healthy set-ups stay below 6, the exploding one at depth 8 is 80–1200.
EXPLODE_GRAD = 10.0
# A unit whose f′(z) is below this passes on less than 1 % of the gradient: it is saturated.
SATURATED = 0.01
# Quantiles of f′(z) recorded per layer (enough for a box plot: 5 %, quartiles, median, 95 %).
QUANTILES = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
GRADIENT_KINDS = ("vanishing", "balanced", "growing", "exploding")


class LabError(UserError):
    """A bad lab setting (the CLI turns it into exit code 2)."""


@dataclass(frozen=True)
class LabConfig:
    """One set-up. The defaults are the textbook's: 8 × Dense(10, sigmoid) + Dense(1, sigmoid),
    binary cross-entropy, Adam(0.001), 100 epochs, batch 32, Glorot-uniform weights.

    >>> LabConfig().describe()
    '2 → 8 × 10 (sigmoid) → 1 (sigmoid), glorot init, adam lr 0.001, batch 32, 100 epochs'
    >>> LabConfig(depth=0).check()
    Traceback (most recent call last):
    ...
    vgp_symbolic.lab.experiment.LabError: depth must be at least 1 hidden layer, got 0
    """

    activation: str = "sigmoid"
    depth: int = 8  # hidden layers
    width: int = 10
    epochs: int = 100
    init: str = "glorot"
    init_std: float = 0.05  # for init = "normal" (Keras RandomNormal's default)
    batchnorm: bool = False
    residual: bool = False
    optimizer: str = "adam"
    lr: float | None = None  # None: Keras's default for the optimiser
    clip: float | None = None  # clip the global gradient norm to this
    batch_size: int = 32
    seed: int = 42  # weights and the per-epoch shuffle (the data always use the seed's 42)
    plateau: float = 0.1  # the loss has left its plateau once this fraction below its start
    label: str | None = None

    def check(self) -> "LabConfig":
        """Raise :class:`LabError` with a clear message for any bad setting; return self."""
        def need(ok, msg):
            if not ok:
                raise LabError(msg)
        need(_is_int(self.depth) and self.depth >= 1,
             f"depth must be at least 1 hidden layer, got {self.depth}")
        need(_is_int(self.width) and self.width >= 1,
             f"width must be at least 1 unit, got {self.width}")
        need(_is_int(self.epochs) and self.epochs >= 1,
             f"epochs must be a positive integer, got {self.epochs}")
        need(_is_int(self.batch_size) and self.batch_size >= 1,
             f"batch size must be at least 1, got {self.batch_size}")
        try:
            get_activation(self.activation)
        except UnknownActivation as e:
            raise LabError(str(e)) from None
        need(self.init in INITS, f"unknown init {self.init!r}; choose one of {', '.join(INITS)}")
        need(self.optimizer in OPTIMIZERS,
             f"unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
        need(_positive(self.init_std), f"init std must be a positive number, got {self.init_std}")
        need(self.lr is None or _positive(self.lr),
             f"learning rate must be a positive number, got {self.lr}")
        need(self.clip is None or _positive(self.clip),
             f"clip norm must be a positive number, got {self.clip}")
        need(isinstance(self.plateau, (int, float)) and 0 < self.plateau < 1,
             f"plateau fraction must be between 0 and 1, got {self.plateau}")
        return self

    @property
    def learning_rate(self) -> float:
        return DEFAULT_LR[self.optimizer] if self.lr is None else float(self.lr)

    @property
    def widths(self) -> tuple[int, ...]:
        return (2,) + (self.width,) * self.depth + (1,)

    @property
    def name(self) -> str:
        """Short name for tables: the label, or the activation with its options."""
        if self.label:
            return self.label
        parts = [self.activation]
        if self.init != "glorot":
            parts.append(f"{self.init} init")
        parts += [p for p, on in (("batch norm", self.batchnorm),
                                  ("residual", self.residual)) if on]
        if self.clip:
            parts.append(f"clip {self.clip:g}")
        return " + ".join(parts)

    def describe(self) -> str:
        """One line: architecture, init, optimiser, batch, epochs."""
        extras = "".join(f" + {p}" for p, on in (("batch norm", self.batchnorm),
                                                 ("residual", self.residual)) if on)
        init = f"normal(σ={self.init_std:g})" if self.init == "normal" else self.init
        clip = f", clip {self.clip:g}" if self.clip else ""
        return (f"2 → {self.depth} × {self.width} ({self.activation}{extras}) → 1 (sigmoid), "
                f"{init} init, {self.optimizer} lr {self.learning_rate:g}{clip}, "
                f"batch {self.batch_size}, {self.epochs} epochs")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["lr"] = self.learning_rate
        d["name"] = self.name
        return d


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _positive(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v > 0


@dataclass
class RunResult:
    """Everything one training run measured. Lists are per epoch (index 0 = epoch 1);
    per-layer lists run from layer 1 (first hidden) to the output layer."""

    config: LabConfig
    initial_loss: float
    baseline_loss: float  # loss of always predicting the training set's class frequency
    grad_norms_start: list  # ‖∂L/∂Wᵏ‖ on the whole training set, before any update
    weight_norms_start: list
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)  # epoch × layer
    weight_change: list = field(default_factory=list)  # epoch × layer, relative
    first_layer_trace: list = field(default_factory=list)  # epoch 0..E: W1 as rows
    exploded_at: int | None = None
    # per hidden layer, f′(z) over the training set before and after training (see _fprime_stats)
    fprime_start: list = field(default_factory=list)
    fprime_end: list = field(default_factory=list)
    test_positive_share: float | None = None  # share of test points predicted class 1 at the end

    # -- derived numbers -------------------------------------------------------------------
    @property
    def epochs_run(self) -> int:
        return len(self.loss)

    @property
    def layers(self) -> int:
        return len(self.grad_norms_start)

    @property
    def first_layer_before(self) -> list:
        return self.first_layer_trace[0]

    @property
    def first_layer_after(self) -> list:
        return self.first_layer_trace[-1]

    @property
    def grad_ratio_start(self) -> float:
        """‖∂L/∂W¹‖ / ‖∂L/∂Wᴸ‖ before training (1 = no vanishing, ≪ 1 vanishing)."""
        return _ratio(self.grad_norms_start[0], self.grad_norms_start[-1])

    @property
    def grad_to_weight_start(self) -> float:
        """The largest ‖∂L/∂Wᵏ‖ / ‖Wᵏ‖ over the layers, before training (> 10: exploding)."""
        return max(_ratio(g, w) for g, w in zip(self.grad_norms_start, self.weight_norms_start))

    @property
    def gradient_kind(self) -> str:
        """'exploding' (overflowed, or a gradient > 10 × its weights), else from the first/last
        gradient-norm ratio at the start: 'vanishing' (< 0.1), 'growing' (> 10), 'balanced'.

        >>> r = run(LabConfig(depth=2, width=4, epochs=1))
        >>> r.gradient_kind in GRADIENT_KINDS
        True
        """
        if self.exploded_at is not None or self.grad_to_weight_start > EXPLODE_GRAD:
            return "exploding"
        r = self.grad_ratio_start
        return "vanishing" if r < VANISH_RATIO else ("growing" if r > 1 / VANISH_RATIO
                                                    else "balanced")

    @property
    def grad_ratio_training(self) -> float | None:
        """The same ratio for the gradient norms averaged over all epochs run."""
        if not self.grad_norms:
            return None
        g = np.asarray(self.grad_norms)
        return _ratio(float(g[:, 0].mean()), float(g[:, -1].mean()))

    @property
    def weight_change_final(self) -> list:
        """Relative change of every layer's weights after the last epoch run (None if none)."""
        return self.weight_change[-1] if self.weight_change else [None] * self.layers

    @property
    def plateau_epochs(self) -> int | None:
        """First epoch whose loss is ``plateau`` (10 %) below its start; None if never.

        The textbook's other sign of vanishing gradients: a long flat loss curve. "Its start" is
        the initial loss, or the baseline (predict the class frequency, ≈ ln 2) when that is
        lower: falling from a badly initialised output to a 50/50 guess is not learning.
        """
        target = (1 - self.config.plateau) * min(self.initial_loss, self.baseline_loss)
        for e, L in enumerate(self.loss, 1):
            if L <= target:
                return e
        return None

    @property
    def final_loss(self) -> float | None:
        return self.loss[-1] if self.loss and self.exploded_at is None else None

    @property
    def final_test_accuracy(self) -> float | None:
        return self.test_accuracy[-1] if self.test_accuracy and self.exploded_at is None else None

    def signals(self) -> dict:
        """Which signs of a vanishing (or exploding) gradient this run shows, from its numbers.

        ``gradient``: :attr:`gradient_kind`; ``weights``: 'first layer moved less' / 'more' (relative change);
        ``weights_show_it``: whether the weight change tells the same story as the gradients;
        ``flat_loss_epochs``: epochs before the loss dropped ``plateau`` below its start.
        """
        r, grad = self.grad_ratio_start, self.gradient_kind
        norms = {"grad_norm_first_start": self.grad_norms_start[0],
                 "grad_norm_last_start": self.grad_norms_start[-1],
                 "grad_to_weight_start": self.grad_to_weight_start}
        wc = self.weight_change_final
        if wc[0] is None:
            return {"gradient": grad, "grad_ratio_start": r, "grad_ratio_training": None, **norms,
                    "weights": None, "weight_change_ratio": None, "weights_show_it": None,
                    "flat_loss_epochs": None, "optimizer": self.config.optimizer,
                    "exploded_at": self.exploded_at}
        w_ratio = _ratio(wc[0], wc[-1])
        weights = ("first layer moved less" if w_ratio < 1 else "first layer moved more")
        if grad == "vanishing":
            shows = w_ratio < VANISH_RATIO
        elif grad in ("exploding", "growing"):
            shows = w_ratio > 1 / VANISH_RATIO
        else:
            shows = VANISH_RATIO <= w_ratio <= 1 / VANISH_RATIO
        return {"gradient": grad, "grad_ratio_start": r,
                "grad_ratio_training": self.grad_ratio_training, **norms,
                "weights": weights, "weight_change_ratio": w_ratio,
                "weights_show_it": bool(shows),
                "flat_loss_epochs": self.plateau_epochs,
                "optimizer": self.config.optimizer,
                "exploded_at": self.exploded_at}

    @property
    def one_class(self) -> bool | None:
        """True when the trained network predicts the same class for every test point."""
        share = self.test_positive_share
        return None if share is None else share in (0.0, 1.0)

    def summary(self) -> dict:
        """The run's headline numbers (one row of a table), JSON-ready."""
        wc = self.weight_change_final
        return _clean({
            "setup": self.config.name, "seed": self.config.seed,
            "optimizer": self.config.optimizer, "gradient": self.gradient_kind,
            "grad_ratio_start": self.grad_ratio_start,
            "grad_ratio_training": self.grad_ratio_training,
            "grad_norm_first_start": self.grad_norms_start[0],
            "grad_norm_last_start": self.grad_norms_start[-1],
            "weight_change_first": wc[0], "weight_change_last": wc[-1],
            "saturated_first_end": (self.fprime_end[0]["saturated"] if self.fprime_end
                                    else None),
            "plateau_epochs": self.plateau_epochs,
            "final_loss": self.final_loss, "test_accuracy": self.final_test_accuracy,
            "one_class": self.one_class, "exploded_at": self.exploded_at})

    def _repr_markdown_(self) -> str:
        from .report import markdown_runs  # report reads results; results do not import it
        return markdown_runs([self])

    def _repr_html_(self) -> str:
        from .report import html_runs
        return html_runs([self])

    def to_dict(self) -> dict:
        """Plain JSON-ready data; non-finite numbers become None."""
        return _clean({
            "config": self.config.to_dict(),
            "describe": self.config.describe(),
            "epochs_run": self.epochs_run,
            "exploded_at": self.exploded_at,
            "initial_loss": self.initial_loss,
            "baseline_loss": self.baseline_loss,
            "final_loss": self.final_loss,
            "final_test_accuracy": self.final_test_accuracy,
            "grad_ratio_start": self.grad_ratio_start,
            "grad_ratio_training": self.grad_ratio_training,
            "gradient": self.gradient_kind,
            "plateau_epochs": self.plateau_epochs,
            "signals": self.signals(),
            "per_layer": [
                {"layer": k + 1, "grad_norm_start": self.grad_norms_start[k],
                 "grad_norm_mean": (float(np.mean([g[k] for g in self.grad_norms]))
                                    if self.grad_norms else None),
                 "weight_norm_start": self.weight_norms_start[k],
                 "weight_change": self.weight_change_final[k]}
                for k in range(self.layers)],
            "epochs": {"loss": self.loss, "accuracy": self.accuracy,
                       "test_loss": self.test_loss, "test_accuracy": self.test_accuracy,
                       "grad_norms": self.grad_norms, "weight_change": self.weight_change},
            "first_layer_before": self.first_layer_before,
            "first_layer_after": self.first_layer_after,
            "first_layer_trace": self.first_layer_trace,
            "saturation": {"threshold": SATURATED, "start": self.fprime_start,
                           "end": self.fprime_end},
            "test_positive_share": self.test_positive_share,
        })


def _ratio(a: float, b: float) -> float:
    if b == 0:
        return math.inf if a else 1.0
    return float(a / b)


def _clean(obj):
    """Replace NaN/inf by None and numpy scalars/arrays by plain Python, recursively."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, (np.floating, float)):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def run(config: LabConfig | None = None, data: Split | None = None) -> RunResult:
    """Train one set-up on the seed's moons (or ``data``) and record every layer every epoch.

    >>> r = run(LabConfig(activation="relu", depth=3, width=8, epochs=30))
    >>> r.final_test_accuracy > 0.85, r.grad_ratio_start > 0.1
    (True, True)
    """
    cfg = (config or LabConfig()).check()
    data = data if data is not None else load_moons()
    rng = np.random.default_rng(cfg.seed)
    Xtr, ytr = data.X_train, data.y_train.astype(float)
    n, bs = len(Xtr), cfg.batch_size
    # overflow is an outcome to report ("exploded at epoch k"), not a warning to print
    with np.errstate(all="ignore"):
        net = MLP(cfg.widths, cfg.activation, "sigmoid", "bce", cfg.batchnorm, cfg.residual,
                  cfg.init, cfg.init_std, rng)
        opt = make_optimizer(cfg.optimizer, cfg.lr)
        theta0 = net.theta.copy()
        w0 = net.layer_norms(theta0)
        L0 = net.loss_and_grad(Xtr, ytr)  # whole training set: the gradients "at the start"
        p = float(np.mean(ytr))
        base = -sum(q * math.log(q) for q in (p, 1 - p) if q > 0)
        res = RunResult(cfg, L0, base, net.grad_norms().tolist(), w0.tolist(),
                        first_layer_trace=[net.params["W1"].tolist()],
                        fprime_start=fprime_stats(net, Xtr))
        if not (math.isfinite(L0) and np.all(np.isfinite(net.grad))):
            res.exploded_at = 0
            return res
        for epoch in range(1, cfg.epochs + 1):
            perm = rng.permutation(n)  # Keras shuffles the training set every epoch
            loss_sum = correct = 0.0
            gsum = np.zeros(net.depth)
            steps = 0
            for start in range(0, n, bs):
                idx = perm[start:start + bs]
                yb = ytr[idx]
                L = net.loss_and_grad(Xtr[idx], yb, update_stats=True)
                if not (math.isfinite(L) and np.all(np.isfinite(net.grad))):
                    res.exploded_at = epoch
                    return res
                gsum += net.grad_norms()
                loss_sum += L * len(idx)
                correct += float(np.sum((net.output[:, 0] > 0.5) == (yb > 0.5)))
                if cfg.clip:
                    clip_by_global_norm(net.grad, cfg.clip)
                opt.step(net.theta, net.grad)
                steps += 1
            test_loss, test_acc = net.evaluate(data.X_test, data.y_test)
            if not (np.all(np.isfinite(net.theta)) and math.isfinite(test_loss)):
                res.exploded_at = epoch
                return res
            res.loss.append(loss_sum / n)
            res.accuracy.append(correct / n)
            res.test_loss.append(test_loss)
            res.test_accuracy.append(test_acc)
            res.grad_norms.append((gsum / steps).tolist())
            res.weight_change.append((net.layer_norms(net.theta - theta0) / w0).tolist())
            res.first_layer_trace.append(net.params["W1"].tolist())
        res.fprime_end = fprime_stats(net, Xtr)
        res.test_positive_share = float(np.mean(net.forward(data.X_test, train=False)[0] > 0))
    return res


def fprime_stats(net: MLP, X) -> list[dict]:
    """Per hidden layer, the distribution of f′(z) over the rows of ``X`` (one value per unit
    and sample): its quantiles (:data:`QUANTILES`), mean, and the share of saturated units,
    f′ < :data:`SATURATED`. Every layer multiplies the backward gradient by these numbers.

    >>> net = MLP((2, 3, 1), "sigmoid", rng=np.random.default_rng(0))
    >>> s = fprime_stats(net, np.zeros((4, 2)))
    >>> s[0]["layer"], s[0]["saturated"], s[0]["quantiles"][3]   # z = 0: σ′(0) = 1/4 everywhere
    (1, 0.0, 0.25)
    """
    _, layers = net.forward(X, train=True)
    out = []
    for k, rec in enumerate(layers[:-1], 1):
        d = net.activation.np_df(rec.u, rec.a).ravel()
        out.append({"layer": k, "saturated": float(np.mean(d < SATURATED)),
                    "mean": float(np.mean(d)),
                    "quantiles": [float(q) for q in np.quantile(d, QUANTILES)]})
    return out
