"""The seed's data: scikit-learn's two half-moons and its train/test split, in plain numpy.

The textbook's Keras code runs ``make_moons(n_samples=250, noise=0.05, random_state=42)`` and
``train_test_split(X, y, test_size=0.20, random_state=42)``. Both are rebuilt here from
scikit-learn's algorithm, draw for draw, so that the same 250 points come out (without depending
on scikit-learn):

* ``make_moons``: the outer moon (label 0) is ``(cos t, sin t)``, the inner moon (label 1) is
  ``(1 − cos t, 1 − sin t − 0.5)``, t = ``linspace(0, π, n)``; then *first* the rows are shuffled
  (``RandomState.shuffle`` of ``arange(n)``), *then* Gaussian noise is drawn for the shuffled
  array -- the same ``RandomState(42)`` serves both, in that order;
* ``train_test_split`` (a ``ShuffleSplit``): a fresh ``RandomState(42)``, ``permutation(n)``; the
  first ``ceil(0.2·n)`` indices (or an integer ``test_size`` of them) are the test set, the rest
  the training set.

``numpy.random.RandomState`` is numpy's frozen legacy stream (NEP 19), so the numbers do not
change with the numpy version.

>>> split = load_moons()
>>> split.X_train.shape, split.X_test.shape, int(split.y.sum())
((200, 2), (50, 2), 125)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["make_moons", "train_test_split", "load_moons", "Split"]


def make_moons(n_samples: int = 250, noise: float | None = 0.05, seed: int = 42,
               shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, as ``sklearn.datasets.make_moons`` builds them.

    >>> X, y = make_moons(4, noise=None, shuffle=False)
    >>> X.round(3).tolist(), y.tolist()
    ([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [2.0, 0.5]], [0, 0, 1, 1])
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}")
    n_out = n_samples // 2
    n_in = n_samples - n_out
    rng = np.random.RandomState(seed)
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.vstack([np.append(np.cos(t_out), 1 - np.cos(t_in)),
                   np.append(np.sin(t_out), 1 - np.sin(t_in) - 0.5)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    if shuffle:
        # sklearn.utils.shuffle → resample(replace=False): shuffle an index array in place
        idx = np.arange(n_samples)
        rng.shuffle(idx)
        X, y = X[idx], y[idx]
    if noise is not None:
        # drawn after the shuffle, so noise row i belongs to the i-th *shuffled* point
        X = X + rng.normal(scale=noise, size=X.shape)
    return X, y


@dataclass(frozen=True)
class Split:
    """Training and test sets, and the full data they were cut from."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    X: np.ndarray
    y: np.ndarray
    train_index: np.ndarray
    test_index: np.ndarray


def train_test_split(X: np.ndarray, y: np.ndarray, test_size: float | int = 0.2,
                     seed: int = 42) -> Split:
    """The split ``sklearn.model_selection.train_test_split`` makes (one ShuffleSplit draw).

    ``test_size`` is read as scikit-learn reads it: a float in (0, 1) is a fraction of the rows
    (the test set rounded *up*), an integer is a number of rows.

    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> s = train_test_split(X, y, 0.2, seed=42)
    >>> s.test_index.tolist(), s.train_index.tolist()
    ([1], [4, 2, 0, 3])
    >>> train_test_split(X, y, 2, seed=42).test_index.tolist()   # an integer: that many rows
    [1, 4]
    """
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X has {n} rows but y has {len(y)}")
    n_test = _test_rows(test_size, n)
    perm = np.random.RandomState(seed).permutation(n)
    test, train = perm[:n_test], perm[n_test:]
    return Split(X[train], X[test], y[train], y[test], X, y, train, test)


def _test_rows(test_size, n: int) -> int:
    """scikit-learn's ``_validate_shuffle_split`` for ``train_size=None``: the test set's rows."""
    if isinstance(test_size, (bool, np.bool_)):
        raise ValueError(f"test_size must be a float in (0, 1) or an integer, got {test_size!r}")
    if isinstance(test_size, (int, np.integer)):
        if not 0 < test_size < n:
            raise ValueError(f"test_size={test_size} rows must be between 1 and {n - 1} "
                             f"for {n} samples")
        return int(test_size)
    if not (isinstance(test_size, (float, np.floating)) and 0 < test_size < 1):
        raise ValueError(f"test_size must be a float in (0, 1) or an integer, got {test_size!r}")
    n_test = math.ceil(test_size * n)  # a fraction rounds the test set *up*
    if n_test >= n:
        raise ValueError(f"test_size={test_size} leaves an empty training set for {n} samples")
    return n_test


def load_moons(n_samples: int = 250, noise: float = 0.05, seed: int = 42,
               test_size: float | int = 0.2) -> Split:
    """The seed's data set: ``make_moons(250, noise=0.05, random_state=42)``, split 80/20.

    >>> s = load_moons()
    >>> len(s.y_train) + len(s.y_test)
    250
    """
    X, y = make_moons(n_samples, noise, seed)
    return train_test_split(X, y, test_size, seed)
