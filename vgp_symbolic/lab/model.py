"""The lab's network: a dense MLP trained in numpy, with the derivation core's activations.

Conventions are the core's (:mod:`vgp_symbolic.core.network`): ``W[k]`` has shape (n_{k−1}, n_k), so a
batch of rows ``O`` (one sample per row) goes through ``Z = O @ W + b``, which is zᵏ = Wᵏᵀ oᵏ⁻¹ + bᵏ
for every sample at once. Every activation and derivative comes from
:func:`vgp_symbolic.core.activations.get_activation` (``np_f``, ``np_df``): the lab trains with the
same definitions that the derivations and proofs are about.

Options, each one of the remedies the lab compares:

* ``batchnorm`` -- every hidden layer is Dense → BatchNorm → activation (as in Keras): the batch's
  own mean and variance in training, moving averages (momentum 0.99) in evaluation; learnable γ, β
  (the dense bias is dropped, β takes its place);
* ``residual`` -- oᵏ = f(uᵏ) + oᵏ⁻¹ for every hidden layer whose width equals the previous one,
  so the gradient has a path that skips f' altogether.

All parameters live in one flat float64 vector (weights of every layer first, then biases and
batch-norm parameters); ``params['W3']`` etc. are views into it, and the gradient has the same
layout. The optimiser then updates everything in a handful of vector operations, and per-layer
norms are a single ``np.add.reduceat``.

>>> import numpy as np
>>> net = MLP((2, 3, 1), "tanh", rng=np.random.default_rng(0))
>>> X, y = np.array([[0.5, -1.0]]), np.array([1.0])
>>> L = net.loss_and_grad(X, y)
>>> sorted(net.grads), net.grads["W1"].shape
(['W1', 'W2', 'b1', 'b2'], (2, 3))
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..core.activations import Activation, get_activation
from ..core.losses import LOSSES as _LOSSES, get_loss

__all__ = ["MLP", "INITS", "LOSSES"]

INITS = ("glorot", "he", "normal")
LOSSES = tuple(_LOSSES)

# Keras's BatchNormalization defaults.
BN_EPS = 1e-3
BN_MOMENTUM = 0.99


@dataclass
class _Layer:
    """What the backward pass needs from one layer's forward pass."""

    o_prev: np.ndarray  # input to the layer (batch × n_{k−1})
    u: np.ndarray  # argument of f: z, or the batch-normalised γ·ẑ + β
    a: np.ndarray  # f(u)
    xhat: np.ndarray | None = None  # batch norm only: ẑ
    inv_std: np.ndarray | None = None


class MLP:
    """A dense network ``widths[0] → … → widths[-1]`` for the lab.

    ``activation`` is used by every hidden layer, ``output_activation`` by the last one; ``loss``
    is ``bce`` (needs a sigmoid output; computed from the logit, as Keras does), ``mse`` or
    ``half_mse`` (both averaged over samples and outputs, the core's definitions for one sample).

    >>> net = MLP((2, 10, 10, 1), "sigmoid", batchnorm=True, residual=True)
    >>> [name for name, _ in net.layout]
    ['W1', 'W2', 'W3', 'gamma1', 'beta1', 'gamma2', 'beta2', 'b3']
    >>> net.residual_layers
    (2,)
    """

    def __init__(self, widths, activation="sigmoid", output_activation="sigmoid",
                 loss: str = "bce", batchnorm: bool = False, residual: bool = False,
                 init: str = "glorot", init_std: float = 0.05, rng=None):
        self.widths = tuple(int(w) for w in widths)
        if len(self.widths) < 2 or min(self.widths) < 1:
            raise ValueError(f"widths must be at least two positive integers, got {widths}")
        self.activation = _act(activation)
        self.output_activation = _act(output_activation)
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        if loss == "bce" and self.output_activation.name != "sigmoid":
            raise ValueError("the bce loss needs a sigmoid output layer")
        self.loss_name = loss
        self.loss = get_loss(loss)
        self.batchnorm, self.residual = bool(batchnorm), bool(residual)
        self.depth = len(self.widths) - 1  # layers with weights; the last is the output
        H = self.depth - 1
        self.residual_layers = tuple(
            k for k in range(1, H + 1) if residual and self.widths[k] == self.widths[k - 1])

        w = self.widths
        self.layout = [(f"W{k}", (w[k - 1], w[k])) for k in range(1, self.depth + 1)]
        for k in range(1, self.depth + 1):
            if batchnorm and k <= H:
                self.layout += [(f"gamma{k}", (w[k],)), (f"beta{k}", (w[k],))]
            else:
                self.layout.append((f"b{k}", (w[k],)))
        sizes = [math.prod(shape) for _, shape in self.layout]
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.size = int(offsets[-1])
        self.theta = np.zeros(self.size)
        self.grad = np.zeros(self.size)
        self.params, self.grads, self.slices = {}, {}, {}
        for (name, shape), a, b in zip(self.layout, offsets[:-1], offsets[1:]):
            self.slices[name] = slice(int(a), int(b))
            self.params[name] = self.theta[a:b].reshape(shape)
            self.grads[name] = self.grad[a:b].reshape(shape)
        # the weights come first in the flat vector: segment starts for per-layer norms
        self._w_starts = offsets[:self.depth]
        self._w_end = int(offsets[self.depth])
        self.running = {k: [np.zeros(w[k]), np.ones(w[k])] for k in range(1, H + 1)} \
            if batchnorm else {}
        self.output = None
        self.initialize(init, rng, init_std)

    # -- initialisation --------------------------------------------------------------------
    def initialize(self, init: str = "glorot", rng=None, std: float = 0.05) -> None:
        """Draw the weights; biases and β are zero, γ is one (Keras's defaults).

        ``glorot``: uniform in ±√(6/(fan_in + fan_out)) (Keras ``glorot_uniform``);
        ``he``: normal with σ = √(2/fan_in) (PyTorch's ``kaiming_normal_``);
        ``normal``: normal with σ = ``std`` (Keras ``RandomNormal``, default 0.05).
        """
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
        rng = rng if rng is not None else np.random.default_rng(0)
        self.theta[:] = 0.0
        for k in range(1, self.depth + 1):
            fan_in, fan_out = self.widths[k - 1], self.widths[k]
            W = self.params[f"W{k}"]
            if init == "glorot":
                lim = math.sqrt(6.0 / (fan_in + fan_out))
                W[...] = rng.uniform(-lim, lim, W.shape)
            elif init == "he":
                W[...] = rng.normal(0.0, math.sqrt(2.0 / fan_in), W.shape)
            else:
                W[...] = rng.normal(0.0, std, W.shape)
            if f"gamma{k}" in self.params:
                self.params[f"gamma{k}"][...] = 1.0
        for k, (mean, var) in self.running.items():
            mean[...], var[...] = 0.0, 1.0

    # -- forward ---------------------------------------------------------------------------
    def forward(self, X, train: bool = True, update_stats: bool = False):
        """Run the network; returns ``(output pre-activation, per-layer records)``.

        ``train`` selects batch statistics (True) or moving averages (False) for batch norm;
        ``update_stats`` also moves the moving averages (once per training step).
        """
        o = np.asarray(X, dtype=float)
        layers = []
        H = self.depth - 1
        for k in range(1, H + 1):
            z = o @ self.params[f"W{k}"]
            rec = _Layer(o, z, z)
            if self.batchnorm:
                mean_run, var_run = self.running[k]
                if train:
                    mu, var = z.mean(axis=0), z.var(axis=0)
                    if update_stats:
                        mean_run *= BN_MOMENTUM
                        mean_run += (1 - BN_MOMENTUM) * mu
                        var_run *= BN_MOMENTUM
                        var_run += (1 - BN_MOMENTUM) * var
                else:
                    mu, var = mean_run, var_run
                rec.inv_std = 1.0 / np.sqrt(var + BN_EPS)
                rec.xhat = (z - mu) * rec.inv_std
                rec.u = self.params[f"gamma{k}"] * rec.xhat + self.params[f"beta{k}"]
            else:
                rec.u = z + self.params[f"b{k}"]
            rec.a = self.activation.np_f(rec.u)
            o = rec.a + o if k in self.residual_layers else rec.a
            layers.append(rec)
        z_out = o @ self.params[f"W{self.depth}"] + self.params[f"b{self.depth}"]
        layers.append(_Layer(o, z_out, self.output_activation.np_f(z_out)))
        return z_out, layers

    def _loss(self, z_out, yhat, Y):
        N = Y.size
        if self.loss.name == "bce":
            # from the logit: log(1 + e^z) − y·z never takes log(0), even when σ(z) rounds to 1
            L = float(np.sum(self.loss.logit_value(z_out, Y)) / N)
            return L, (yhat - Y) / N  # ∂L/∂z: σ' cancels against the log's derivative
        L = float(np.sum(self.loss.value(yhat, Y)) / N)
        return L, self.loss.grad(yhat, Y) / N * self.output_activation.np_df(z_out, yhat)

    def evaluate(self, X, y, train: bool = False) -> tuple[float, float]:
        """Loss and accuracy (ŷ > 0.5 counts as class 1) without touching the gradient.

        >>> net = MLP((2, 4, 1), "relu", rng=np.random.default_rng(1))
        >>> loss, acc = net.evaluate(np.zeros((3, 2)), np.array([0, 1, 1]))
        >>> round(loss, 6), round(acc, 4)
        (0.693147, 0.3333)
        """
        Y = self._targets(y)
        z_out, layers = self.forward(X, train=train)
        L, _ = self._loss(z_out, layers[-1].a, Y)
        return L, float(np.mean((layers[-1].a > 0.5) == (Y > 0.5)))

    def _targets(self, y) -> np.ndarray:
        Y = np.asarray(y, dtype=float)
        return Y.reshape(len(Y), -1) if Y.ndim < 2 else Y

    # -- backward --------------------------------------------------------------------------
    def loss_and_grad(self, X, y, update_stats: bool = False) -> float:
        """Loss on the batch (X, y), averaged over it; ∂L/∂θ is written to ``self.grads``.

        >>> net = MLP((1, 1, 1), "linear", "linear", "half_mse", init="normal", init_std=1.0)
        >>> net.params["W1"][...] = 3.0; net.params["W2"][...] = 0.5
        >>> net.loss_and_grad(np.array([[2.0]]), np.array([1.0]))
        2.0
        >>> float(net.grads["W1"][0, 0]), float(net.grads["W2"][0, 0])
        (2.0, 12.0)
        """
        Y = self._targets(y)
        z_out, layers = self.forward(X, train=True, update_stats=update_stats)
        L, g = self._loss(z_out, layers[-1].a, Y)  # g = ∂L/∂z of the output layer
        self.output = layers[-1].a  # kept for the training loop's running accuracy
        K = self.depth
        for k in range(K, 0, -1):
            rec = layers[k - 1]
            if k < K:
                skip = g if k in self.residual_layers else None  # ∂L/∂oᵏ flows past f too
                g = g * self.activation.np_df(rec.u, rec.a)  # ∂L/∂uᵏ
                if self.batchnorm:
                    self.grads[f"gamma{k}"][...] = np.sum(g * rec.xhat, axis=0)
                    self.grads[f"beta{k}"][...] = np.sum(g, axis=0)
                    g = _bn_backward(g * self.params[f"gamma{k}"], rec.xhat, rec.inv_std)
                else:
                    self.grads[f"b{k}"][...] = np.sum(g, axis=0)
            else:
                skip = None
                self.grads[f"b{k}"][...] = np.sum(g, axis=0)
            self.grads[f"W{k}"][...] = rec.o_prev.T @ g
            if k > 1:
                g = g @ self.params[f"W{k}"].T  # ∂L/∂oᵏ⁻¹
                if skip is not None:
                    g = g + skip
        return L

    # -- measurements ----------------------------------------------------------------------
    def layer_norms(self, flat: np.ndarray) -> np.ndarray:
        """Frobenius norm of each layer's weight block of a flat vector (θ, ∇θ or Δθ).

        >>> net = MLP((1, 2, 1), "relu")
        >>> net.layer_norms(np.ones(net.size)).round(4).tolist()
        [1.4142, 1.4142]
        """
        return np.sqrt(np.add.reduceat(flat[:self._w_end] ** 2, self._w_starts))

    def grad_norms(self) -> np.ndarray:
        """‖∂L/∂Wᵏ‖ for k = 1..depth, from the last :meth:`loss_and_grad`."""
        return self.layer_norms(self.grad)


def _bn_backward(dxhat, xhat, inv_std):
    """∂L/∂z from ∂L/∂ẑ for ẑ = (z − mean(z))/√(var(z) + ε), all statistics over the batch.

    The mean and variance depend on every z in the batch, hence the two correction terms.
    """
    m = dxhat.shape[0]
    return (inv_std / m) * (m * dxhat - dxhat.sum(axis=0)
                            - xhat * np.sum(dxhat * xhat, axis=0))


def _act(a) -> Activation:
    return a if isinstance(a, Activation) else get_activation(a)
