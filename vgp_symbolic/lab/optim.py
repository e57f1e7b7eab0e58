"""Optimisers for the lab: Adam (Keras's form), plain SGD, and clipping by global norm.

Each works in place on one flat parameter vector and its gradient (see :class:`~.model.MLP`).

Why the lab has both: Adam divides each parameter's step by that parameter's own running gradient
scale √v, so a layer whose gradient is 10⁻⁴ of another's still moves by about the learning rate
per step (until the gradient gets as small as ε = 1e-7). Under Adam the vanishing gradient
therefore shows in the gradient norms and the long flat loss, not in how far the weights move;
under SGD (step = lr·gradient) it shows in both.

>>> import numpy as np
>>> theta, g = np.array([1.0, 1.0]), np.array([1e-4, 1.0])
>>> Adam(lr=0.1).step(theta, g)
>>> (1.0 - theta).round(3).tolist()   # both move by ~lr, whatever the gradient's size
[0.097, 0.1]
>>> theta = np.array([1.0, 1.0]); SGD(lr=0.1).step(theta, g)
>>> (1.0 - theta).round(6).tolist()   # SGD: the step is lr × gradient
[1e-05, 0.1]
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["Adam", "SGD", "clip_by_global_norm", "make_optimizer", "OPTIMIZERS",
           "DEFAULT_LR"]

OPTIMIZERS = ("adam", "sgd")
DEFAULT_LR = {"adam": 0.001, "sgd": 0.01}  # Keras's defaults


class Adam:
    """Adam as Keras writes it: θ ← θ − lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε).

    (PyTorch puts ε inside the bias correction, √v̂ + ε; with ε = 1e-7 the two differ only when
    √v is itself near 1e-7.)

    >>> opt = Adam(lr=0.5)
    >>> theta = np.array([0.0]); opt.step(theta, np.array([2.0]))
    >>> round(float(theta[0]), 6)   # m = 0.2, v = 0.004, lr_t = 0.5·√0.001/0.1: −lr_t·m/√v = −lr
    -0.499999
    """

    name = "adam"

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-7):
        self.lr, self.eps = float(lr), float(eps)
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.m = self.v = None
        self.t = 0

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """One update of ``theta`` in place."""
        if self.m is None:
            self.m, self.v = np.zeros_like(theta), np.zeros_like(theta)
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        self.m *= b1
        self.m += (1.0 - b1) * grad
        self.v *= b2
        self.v += (1.0 - b2) * grad * grad
        lr_t = self.lr * math.sqrt(1.0 - b2 ** self.t) / (1.0 - b1 ** self.t)
        theta -= lr_t * self.m / (np.sqrt(self.v) + self.eps)


class SGD:
    """Plain stochastic gradient descent: θ ← θ − lr·g (Keras ``SGD`` without momentum)."""

    name = "sgd"

    def __init__(self, lr: float = 0.01):
        self.lr = float(lr)

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """One update of ``theta`` in place."""
        theta -= self.lr * grad


def make_optimizer(name: str, lr: float | None = None):
    """``adam`` or ``sgd`` with Keras's default learning rate unless ``lr`` is given.

    >>> make_optimizer("sgd").lr, make_optimizer("adam", 0.01).lr
    (0.01, 0.01)
    """
    key = str(name).strip().lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    lr = DEFAULT_LR[key] if lr is None else lr
    return Adam(lr) if key == "adam" else SGD(lr)


def clip_by_global_norm(grad: np.ndarray, max_norm: float) -> float:
    """Scale ``grad`` in place so that ‖grad‖₂ ≤ max_norm (Keras ``global_clipnorm``).

    Returns the norm before clipping. The direction is kept; only an overlong step is shortened.

    >>> g = np.array([3.0, 4.0])
    >>> clip_by_global_norm(g, 1.0), g.tolist()
    (5.0, [0.6000000000000001, 0.8])
    """
    norm = float(np.sqrt(np.dot(grad, grad)))
    if norm > max_norm:
        grad *= max_norm / norm
    return norm
