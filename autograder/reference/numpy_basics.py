"""Reference solutions of ``01_numpy_basics``."""

from __future__ import annotations

import numpy as np


def sigmoid(z):
    """Logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow.

    Parameters
    ----------
    z : float or ndarray of any shape

    Returns
    -------
    s : float or ndarray, same shape as ``z``
    """
    z = np.asarray(z, dtype=float)
    # exp of a negative number never overflows: use exp(-|z|) on both sides of 0.
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return s[()] if s.ndim == 0 else s


def sigmoid_derivative(z):
    """Slope of the sigmoid, ``s * (1 - s)`` with ``s = sigmoid(z)``.

    Parameters
    ----------
    z : float or ndarray of any shape

    Returns
    -------
    ds : float or ndarray, same shape as ``z``
    """
    s = sigmoid(z)
    return s * (1 - s)


def flatten_images(images):
    """Turn a stack of images into a matrix with one image per column.

    Parameters
    ----------
    images : ndarray of shape (m, h, w) or (m, h, w, c)

    Returns
    -------
    X : ndarray of shape (h*w*c, m)
        Column ``i`` holds image ``i``, flattened in C order.
    """
    m = images.shape[0]
    return images.reshape(m, -1).T


def normalize_rows(x):
    """Divide each row of ``x`` by its L2 norm.

    Parameters
    ----------
    x : ndarray of shape (n, d)

    Returns
    -------
    x_normalized : ndarray of shape (n, d)
    """
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / norms


def column_percentages(A):
    """Each entry as a percentage of its column's sum.

    Parameters
    ----------
    A : ndarray of shape (n, k)

    Returns
    -------
    P : ndarray of shape (n, k)
        ``100 * A / A.sum(axis=0, keepdims=True)``; every column of ``P`` sums to 100.
    """
    return 100 * A / A.sum(axis=0, keepdims=True)
