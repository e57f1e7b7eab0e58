"""Recurrent cells in numpy with backpropagation through time: vanilla tanh RNN, LSTM, GRU.

Batched, PyTorch's layout and gate order (so that the tests can load the same weights into
``nn.RNN``/``nn.LSTM``/``nn.GRU``): ``U`` (gates·H × inputs) = ``weight_ih``, ``W`` (gates·H × H)
= ``weight_hh``, one bias ``b`` (= ``bias_ih``; ``bias_hh`` is zero except the GRU's ``bhn``, which
sits inside the reset gate's product). A linear readout ŷ = V h_T + c gives the prediction and
the loss is the mean squared error over the batch.

:meth:`SeqModel.loss_and_grad` returns the gradient of every parameter and, per time step, the
norm of ∂L/∂hₜ (and ∂L/∂cₜ for the LSTM) -- the lab's measurement of the vanishing gradient.

>>> import numpy as np
>>> m = SeqModel("lstm", inputs=1, hidden=4, seed=0)
>>> x, y = np.ones((2, 5, 1)), np.zeros((2, 1))
>>> loss, grad, dh = m.loss_and_grad(x, y)
>>> grad.shape == m.theta.shape, dh.shape
(True, (5,))
"""
from __future__ import annotations

import numpy as np

__all__ = ["SeqModel", "CELL_GATES"]

CELL_GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class SeqModel:
    """One recurrent layer and a linear readout; every parameter is a view into ``theta``."""

    def __init__(self, cell: str, inputs: int, hidden: int, seed: int = 0,
                 forget_bias: float = 1.0):
        if cell not in CELL_GATES:
            raise ValueError(f"unknown cell {cell!r}; choose one of {', '.join(CELL_GATES)}")
        self.cell, self.inputs, self.hidden = cell, inputs, hidden
        G, H, I = CELL_GATES[cell], hidden, inputs
        shapes = {"U": (G * H, I), "W": (G * H, H), "b": (G * H,), "V": (1, H), "c": (1,)}
        if cell == "gru":
            shapes["bhn"] = (H,)
        self.theta = np.zeros(sum(int(np.prod(s)) for s in shapes.values()))
        self.p, at = {}, 0
        for k, s in shapes.items():
            n = int(np.prod(s))
            self.p[k] = self.theta[at:at + n].reshape(s)
            at += n
        rng = np.random.default_rng(seed)
        bound = 1 / np.sqrt(H)  # PyTorch's default initialisation
        self.theta[:] = rng.uniform(-bound, bound, self.theta.shape)
        if cell == "lstm":
            self.p["b"][H:2 * H] = forget_bias  # the usual trick: remember by default

    # -- forward -------------------------------------------------------------------------
    def forward(self, x: np.ndarray):
        """Hidden states h₀…h_T (B × H each) and what the backward pass needs."""
        B, T, _ = x.shape
        H, p = self.hidden, self.p
        h = [np.zeros((B, H))]
        cache = []
        c = np.zeros((B, H))
        for t in range(T):
            a = x[:, t] @ p["U"].T + p["b"]
            rec = h[-1] @ p["W"].T
            if self.cell == "rnn":
                hn = np.tanh(a + rec)
                cache.append(hn)
            elif self.cell == "lstm":
                z = a + rec
                i, f = _sigmoid(z[:, :H]), _sigmoid(z[:, H:2 * H])
                g, o = np.tanh(z[:, 2 * H:3 * H]), _sigmoid(z[:, 3 * H:])
                c_prev, c = c, f * c + i * g
                tc = np.tanh(c)
                hn = o * tc
                cache.append((i, f, g, o, c_prev, tc))
            else:
                gh_n = rec[:, 2 * H:] + p["bhn"]
                r = _sigmoid(a[:, :H] + rec[:, :H])
                u = _sigmoid(a[:, H:2 * H] + rec[:, H:2 * H])
                n = np.tanh(a[:, 2 * H:] + r * gh_n)
                hn = (1 - u) * n + u * h[-1]
                cache.append((r, u, n, gh_n))
            h.append(hn)
        return h, cache

    def predict(self, x: np.ndarray) -> np.ndarray:
        h, _ = self.forward(x)
        return h[-1] @ self.p["V"].T + self.p["c"]

    # -- backward ------------------------------------------------------------------------
    def loss_and_grad(self, x: np.ndarray, y: np.ndarray):
        """(mean squared error, ∂L/∂θ flat, ‖∂L/∂hₜ‖_F for t = 1…T)."""
        B, T, _ = x.shape
        H, p = self.hidden, self.p
        h, cache = self.forward(x)
        yhat = h[-1] @ p["V"].T + p["c"]
        loss = float(np.mean((yhat - y) ** 2))
        grad = np.zeros_like(self.theta)
        g = {k: grad[self._slice(k)].reshape(v.shape) for k, v in p.items()}
        dy = 2 * (yhat - y) / y.size
        g["V"] += dy.T @ h[-1]
        g["c"] += dy.sum(0)
        dh = dy @ p["V"]
        dc = np.zeros((B, H))
        norms = np.zeros(T)
        for t in range(T - 1, -1, -1):
            norms[t] = np.linalg.norm(dh)
            if self.cell == "rnn":
                da = dh * (1 - cache[t] ** 2)
                dgh = da
            elif self.cell == "lstm":
                i, f, gg, o, c_prev, tc = cache[t]
                dct = dc + dh * o * (1 - tc ** 2)
                da = np.concatenate([dct * gg * i * (1 - i), dct * c_prev * f * (1 - f),
                                     dct * i * (1 - gg ** 2), dh * tc * o * (1 - o)], axis=1)
                dc = dct * f
                dgh = da
            else:
                r, u, n, gh_n = cache[t]
                dan = dh * (1 - u) * (1 - n ** 2)
                dar = dan * gh_n * r * (1 - r)
                dau = dh * (h[t] - n) * u * (1 - u)
                da = np.concatenate([dar, dau, dan], axis=1)
                dgh = np.concatenate([dar, dau, dan * r], axis=1)
                g["bhn"] += (dan * r).sum(0)
            g["U"] += da.T @ x[:, t]
            g["b"] += da.sum(0)
            g["W"] += dgh.T @ h[t]
            dh = dgh @ p["W"] + (dh * cache[t][1] if self.cell == "gru" else 0)
        return loss, grad, norms

    def _slice(self, key):
        start = 0
        for k, v in self.p.items():
            if k == key:
                return slice(start, start + v.size)
            start += v.size
        raise KeyError(key)
