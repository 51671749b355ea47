"""Reference solutions of ``02_logistic_regression``: logistic regression as a tiny network.

Notation of the course: ``X`` of shape (n_x, m) with one example per column, ``Y`` of shape
(1, m) with labels 0/1, weights ``w`` of shape (n_x, 1) and a scalar bias ``b``.
"""

from __future__ import annotations

import numpy as np

from autograder.reference.numpy_basics import sigmoid


def initialize_with_zeros(dim):
    """Zero weights and bias for logistic regression.

    Parameters
    ----------
    dim : int
        Number of input features n_x.

    Returns
    -------
    w : ndarray of shape (dim, 1)
        Zeros.
    b : float
        0.0.
    """
    w = np.zeros((dim, 1))
    b = 0.0
    return w, b


def cost_from_Z(Z, Y):
    """Cross-entropy cost ``-(1/m) * sum(Y*log(A) + (1-Y)*log(1-A))`` with ``A = sigmoid(Z)``.

    Computed from ``Z`` as ``(1/m) * sum(log(1 + e^Z) - Y*Z)``, the same number written so that it
    stays finite when ``A`` saturates to 0 or 1 (``np.logaddexp(0, Z)`` is ``log(1 + e^Z)``
    without overflow).

    Parameters
    ----------
    Z : ndarray of shape (1, m)
        Pre-activations ``w^T X + b``.
    Y : ndarray of shape (1, m)
        Labels 0/1.

    Returns
    -------
    cost : float
    """
    m = Z.shape[1]
    return float(np.sum(np.logaddexp(0.0, Z) - Y * Z) / m)


def propagate(w, b, X, Y):
    """Forward pass (cost) and backward pass (gradients) of logistic regression.

    Parameters
    ----------
    w : ndarray of shape (n_x, 1)
    b : float
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)

    Returns
    -------
    grads : dict
        ``"dw"``: ndarray of shape (n_x, 1), ``"db"``: float.
    cost : float
    """
    m = X.shape[1]
    Z = w.T @ X + b  # (1, m)
    A = sigmoid(Z)  # (1, m)
    cost = cost_from_Z(Z, Y)
    dZ = A - Y  # (1, m)
    dw = (X @ dZ.T) / m  # (n_x, 1)
    db = float(np.sum(dZ) / m)
    return {"dw": dw, "db": db}, cost


def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    """Gradient descent on ``w`` and ``b``; the inputs are not changed.

    Parameters
    ----------
    w : ndarray of shape (n_x, 1)
    b : float
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    num_iterations : int
    learning_rate : float
    print_cost : bool
        Print the cost every 100 iterations.

    Returns
    -------
    params : dict
        ``"w"``: ndarray of shape (n_x, 1), ``"b"``: float, after ``num_iterations`` updates.
    grads : dict
        ``"dw"``, ``"db"`` of the last iteration (computed before its update).
    costs : list of float
        The cost at iterations 0, 100, 200, ... (before that iteration's update).
    """
    w = np.array(w, dtype=float)  # a copy: the caller's array is never changed
    b = float(b)
    costs = []
    grads = {"dw": np.zeros_like(w), "db": 0.0}
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost:f}")
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
    return {"w": w, "b": b}, grads, costs


def predict(w, b, X):
    """Predict 0/1 labels: 1 where ``A = sigmoid(w^T X + b) > 0.5``.

    Parameters
    ----------
    w : ndarray of shape (n_x, 1)
    b : float
    X : ndarray of shape (n_x, m)

    Returns
    -------
    Y_prediction : ndarray of shape (1, m)
        0.0 or 1.0.
    """
    A = sigmoid(w.T @ X + b)
    return (A > 0.5).astype(float)


def model(
    X_train,
    Y_train,
    X_test,
    Y_test,
    num_iterations=2000,
    learning_rate=0.5,
    print_cost=False,
):
    """Train logistic regression from zeros and predict on the training and test sets.

    Parameters
    ----------
    X_train : ndarray of shape (n_x, m_train)
    Y_train : ndarray of shape (1, m_train)
    X_test : ndarray of shape (n_x, m_test)
    Y_test : ndarray of shape (1, m_test)
    num_iterations : int
    learning_rate : float
    print_cost : bool

    Returns
    -------
    d : dict
        ``"costs"`` (list), ``"Y_prediction_test"`` (1, m_test), ``"Y_prediction_train"``
        (1, m_train), ``"w"`` (n_x, 1), ``"b"`` (float), ``"learning_rate"``,
        ``"num_iterations"``.
    """
    w, b = initialize_with_zeros(X_train.shape[0])
    params, _, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)
    w, b = params["w"], params["b"]
    return {
        "costs": costs,
        "Y_prediction_test": predict(w, b, X_test),
        "Y_prediction_train": predict(w, b, X_train),
        "w": w,
        "b": b,
        "learning_rate": learning_rate,
        "num_iterations": num_iterations,
    }


def accuracy(Y_prediction, Y):
    """Fraction of correct predictions.

    Parameters
    ----------
    Y_prediction, Y : ndarray of shape (1, m)

    Returns
    -------
    float
    """
    return float(np.mean(Y_prediction == Y))
