"""The reference of 01_numpy_basics against mathematics."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.reference import numpy_basics as ref


def test_sigmoid_exact_values_and_symmetry():
    z = np.log(np.array([1.0, 3.0, 9.0]))  # sigma(ln k) = k / (k + 1)
    np.testing.assert_allclose(ref.sigmoid(z), [0.5, 0.75, 0.9], rtol=1e-12)
    x = np.random.default_rng(0).normal(0, 5, (4, 7))
    np.testing.assert_allclose(ref.sigmoid(x) + ref.sigmoid(-x), 1.0, rtol=1e-12)


def test_sigmoid_saturates_without_overflow():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = ref.sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(s, [0.0, 1.0])


def test_sigmoid_of_a_scalar_is_a_scalar():
    assert np.ndim(ref.sigmoid(0.0)) == 0 and ref.sigmoid(0.0) == 0.5


def test_sigmoid_derivative_matches_a_numerical_slope():
    z = np.random.default_rng(1).normal(0, 3, (3, 5))
    h = 1e-6
    numerical = (ref.sigmoid(z + h) - ref.sigmoid(z - h)) / (2 * h)
    np.testing.assert_allclose(ref.sigmoid_derivative(z), numerical, rtol=1e-6, atol=1e-10)
    assert ref.sigmoid_derivative(0.0) == 0.25


@pytest.mark.parametrize("shape", [(3, 2, 4), (2, 5, 5, 3)])
def test_flatten_images_puts_image_i_in_column_i(shape):
    images = np.random.default_rng(2).random(shape)
    X = ref.flatten_images(images)
    assert X.shape == (int(np.prod(shape[1:])), shape[0])
    for i in range(shape[0]):
        np.testing.assert_array_equal(X[:, i], images[i].ravel())


def test_normalize_rows_gives_unit_rows_in_the_same_directions():
    x = np.random.default_rng(3).normal(size=(6, 4))
    y = ref.normalize_rows(x)
    np.testing.assert_allclose(np.sqrt((y**2).sum(axis=1)), 1.0, rtol=1e-12)
    np.testing.assert_allclose(y * np.sqrt((x**2).sum(axis=1, keepdims=True)), x, rtol=1e-12)


def test_column_percentages_sum_to_100_per_column():
    A = np.random.default_rng(4).random((4, 6)) + 0.1
    P = ref.column_percentages(A)
    np.testing.assert_allclose(P.sum(axis=0), 100.0, rtol=1e-12)
    np.testing.assert_allclose(P[:, 2] / P[0, 2], A[:, 2] / A[0, 2], rtol=1e-12)
