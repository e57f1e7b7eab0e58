"""The lab's data: scikit-learn's make_moons and train_test_split, rebuilt in numpy."""
import math

import numpy as np
import pytest

from vgp_symbolic.lab.data import load_moons, make_moons, train_test_split


def _sklearn_make_moons_transcribed(n_samples, noise, random_state):
    """sklearn/datasets/_samples_generator.py::make_moons, step by step (shuffle=True).

    sklearn.utils.shuffle is resample(replace=False): ``indices = np.arange(n);
    random_state.shuffle(indices)``; the noise is drawn afterwards from the same generator.
    """
    n_out = n_samples // 2
    n_in = n_samples - n_out
    generator = np.random.RandomState(random_state)
    outer_circ_x = np.cos(np.linspace(0, np.pi, n_out))
    outer_circ_y = np.sin(np.linspace(0, np.pi, n_out))
    inner_circ_x = 1 - np.cos(np.linspace(0, np.pi, n_in))
    inner_circ_y = 1 - np.sin(np.linspace(0, np.pi, n_in)) - 0.5
    X = np.vstack([np.append(outer_circ_x, inner_circ_x),
                   np.append(outer_circ_y, inner_circ_y)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    indices = np.arange(X.shape[0])
    generator.shuffle(indices)
    X, y = X[indices], y[indices]
    X += generator.normal(scale=noise, size=X.shape)
    return X, y


def test_seed_data_shape_and_balance():
    X, y = make_moons()
    assert X.shape == (250, 2) and y.shape == (250,)
    assert np.bincount(y).tolist() == [125, 125]
    assert set(np.unique(y)) == {0, 1}


def test_matches_the_transcribed_sklearn_algorithm():
    X, y = make_moons(250, 0.05, 42)
    Xs, ys = _sklearn_make_moons_transcribed(250, 0.05, 42)
    assert np.array_equal(X, Xs) and np.array_equal(y, ys)


def test_reference_coordinates():
    # make_moons(250, noise=0.05, random_state=42) by sklearn's algorithm: RandomState(42)
    # shuffles arange(250), then draws normal(0, 0.05) noise of shape (250, 2).
    # RandomState's stream is frozen (NEP 19), so these stay fixed across numpy versions.
    X, y = make_moons()
    assert X[:3].tolist() == [[0.08415409737684063, 0.1133411965006934],
                              [1.0509153592851068, 0.1547102354101379],
                              [-0.7165552691358277, 0.6756078869007753]]
    assert y[:3].tolist() == [1, 0, 0]


def test_noise_free_points_lie_on_the_two_half_circles():
    X, y = make_moons(250, noise=None, shuffle=False)
    outer, inner = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(outer[:, 0], outer[:, 1]), 1)
    assert np.allclose(np.hypot(inner[:, 0] - 1, inner[:, 1] - 0.5), 1)
    assert (outer[:, 1] >= -1e-12).all() and (inner[:, 1] <= 0.5 + 1e-12).all()


def test_noise_is_added_after_the_shuffle():
    # same permutation with or without noise; the noise is the generator's draws after it
    Xn, yn = make_moons(250, None, 42)
    Xs, ys = make_moons(250, 0.05, 42)
    assert np.array_equal(yn, ys)
    rng = np.random.RandomState(42)
    rng.shuffle(np.arange(250))
    assert np.allclose(Xs - Xn, rng.normal(scale=0.05, size=(250, 2)), atol=1e-15)


def test_deterministic_and_seed_dependent():
    a, b, c = make_moons(seed=42), make_moons(seed=42), make_moons(seed=7)
    assert np.array_equal(a[0], b[0]) and not np.array_equal(a[0], c[0])


def test_split_is_sklearns_shufflesplit():
    s = load_moons()
    assert (len(s.y_train), len(s.y_test)) == (200, 50)
    perm = np.random.RandomState(42).permutation(250)
    assert np.array_equal(s.test_index, perm[:50])
    assert np.array_equal(s.train_index, perm[50:])
    assert s.test_index[:8].tolist() == [142, 6, 97, 60, 112, 181, 197, 184]
    assert np.array_equal(s.X_test, s.X[s.test_index])
    assert sorted(np.concatenate([s.train_index, s.test_index]).tolist()) == list(range(250))
    assert np.bincount(s.y_train).tolist() == [102, 98]


def test_split_rounds_the_test_set_up():
    X, y = np.zeros((11, 2)), np.zeros(11)
    s = train_test_split(X, y, 0.2, 0)
    assert len(s.test_index) == math.ceil(0.2 * 11) == 3


@pytest.mark.parametrize("kwargs", [{"n_samples": 0}])
def test_bad_sizes(kwargs):
    with pytest.raises(ValueError):
        make_moons(**kwargs)
    with pytest.raises(ValueError):
        train_test_split(np.zeros((1, 2)), np.zeros(1), 0.2)


def test_integer_test_size_is_a_number_of_rows_like_sklearn():
    """scikit-learn reads ``test_size=50`` as 50 rows; the lab raised (issue 17)."""
    X, y = make_moons()
    s = train_test_split(X, y, 50, seed=42)
    assert (len(s.y_test), len(s.y_train)) == (50, 200)
    # the same rows as test_size=0.2 (ceil(0.2·250) = 50): one permutation, cut at 50
    assert np.array_equal(s.test_index, load_moons().test_index)
    assert len(train_test_split(X, y, np.int64(1)).y_test) == 1


@pytest.mark.parametrize("size,msg", [(0, "between 1 and 249"), (250, "between 1 and 249"),
                                      (1.0, "float in"), (0.0, "float in"), (True, "float in"),
                                      ("0.2", "float in"), (0.999, "empty training set")])
def test_bad_test_size_names_the_problem(size, msg):
    X, y = make_moons()
    with pytest.raises(ValueError, match=msg):
        train_test_split(X, y, size)
