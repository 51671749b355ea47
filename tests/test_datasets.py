"""Data sets: layout, labels, determinism, and the digits split."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from utils import datasets


@pytest.mark.parametrize("name", datasets.PLANAR_NAMES)
def test_planar_sets_are_in_the_course_layout(name):
    X, Y = datasets.load_planar(name, m=300, seed=3)
    assert X.shape == (2, 300) and Y.shape == (1, 300)
    assert set(np.unique(Y)) == {0.0, 1.0}
    assert 0.3 < Y.mean() < 0.7
    X2, _ = datasets.load_planar(name, m=300, seed=3)
    np.testing.assert_array_equal(X, X2)
    X3, _ = datasets.load_planar(name, m=300, seed=4)
    assert not np.array_equal(X, X3)


@pytest.mark.parametrize("name", datasets.PLANAR_NAMES)
def test_noise_parameter_spreads_the_points(name):
    calm, _ = datasets.load_planar(name, m=400, noise=0.0, seed=1)
    noisy, _ = datasets.load_planar(name, m=400, noise=0.5, seed=1)
    assert np.std(noisy) > np.std(calm)


def test_circles_separate_by_radius_without_noise():
    X, Y = datasets.circles(m=200, noise=0.0, seed=0)
    r = np.sqrt((X**2).sum(axis=0))
    assert r[Y[0] == 1].max() < r[Y[0] == 0].min()


def test_xor_labels_follow_the_signs_without_noise():
    X, Y = datasets.xor(m=200, noise=0.0, seed=0)
    np.testing.assert_array_equal(Y[0], (X[0] * X[1] > 0).astype(float))


def test_unknown_planar_name_is_refused():
    with pytest.raises(ValueError, match="unknown data set"):
        datasets.load_planar("donut")


def test_digits_even_odd_split():
    split = datasets.load_digits_even_odd()
    assert split.train_images.shape == (1200, 8, 8) and split.test_images.shape == (597, 8, 8)
    np.testing.assert_array_equal(split.Y_train[0], split.train_digits % 2 == 0)
    assert split.Y_test.shape == (1, 597)
    X = datasets.images_to_X(split.train_images)
    assert X.shape == (64, 1200) and X.min() == 0 and X.max() == 1
    np.testing.assert_array_equal(X[:, 5], split.train_images[5].ravel() / 16)
    again = datasets.load_digits_even_odd()
    np.testing.assert_array_equal(split.test_digits, again.test_digits)


def test_digits_are_scikit_learns_without_importing_it():
    """The notebooks read the digits from scikit-learn's data file: the same arrays as
    ``load_digits``, and scikit-learn (a second of SciPy imports) is not imported for them."""
    from sklearn.datasets import load_digits

    images, digits = datasets._digits()
    reference = load_digits()
    np.testing.assert_array_equal(images, reference.images)
    np.testing.assert_array_equal(digits, reference.target)
    assert images.dtype == reference.images.dtype and digits.dtype == reference.target.dtype
    code = (
        "import sys; from utils import datasets; datasets.load_digits_even_odd(); "
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_training_subset_keeps_examples_whole_and_nests():
    X = np.arange(30.0).reshape(3, 10)
    Y = (np.arange(10) % 2).astype(float).reshape(1, 10)
    X5, Y5 = datasets.training_subset(X, Y, 5, seed=2)
    assert X5.shape == (3, 5) and Y5.shape == (1, 5)
    # Each column is an example of X with its own label, taken once.
    columns = [int(c) for c in X5[0]]
    assert len(set(columns)) == 5
    np.testing.assert_array_equal(X5, X[:, columns])
    np.testing.assert_array_equal(Y5, Y[:, columns])
    # The same seed gives nested subsets; another seed another one.
    X8, _ = datasets.training_subset(X, Y, 8, seed=2)
    np.testing.assert_array_equal(X8[:, :5], X5)
    assert not np.array_equal(datasets.training_subset(X, Y, 5, seed=3)[0], X5)
    X_all, _ = datasets.training_subset(X, Y, 10, seed=2)
    assert sorted(X_all[0]) == list(X[0])


@pytest.mark.parametrize("m", [0, 11])
def test_training_subset_refuses_sizes_out_of_range(m):
    X, Y = np.zeros((2, 10)), np.zeros((1, 10))
    with pytest.raises(ValueError, match="between 1 and 10"):
        datasets.training_subset(X, Y, m, seed=0)
