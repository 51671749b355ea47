"""Reference solutions of ``03_shallow_network``: a network with one hidden layer.

Notation of the course: ``X`` (n_x, m), ``Y`` (1, m), ``W1`` (n_h, n_x), ``b1`` (n_h, 1),
``W2`` (n_y, n_h), ``b2`` (n_y, 1), ``Z1``/``A1`` (n_h, m), ``Z2``/``A2`` (n_y, m).
The hidden layer uses one of the four activations of the notes, the output layer a sigmoid.
"""

from __future__ import annotations

import numpy as np

from utils.course import ACTIVATIONS, LEAKY_SLOPE


def _sigmoid(Z):
    """Sigmoid without overflow warnings (exp of a non-positive number only)."""
    Z = np.asarray(Z, dtype=float)
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {ACTIVATIONS}")


def activation_forward(Z, activation):
    """Apply an activation function elementwise.

    Parameters
    ----------
    Z : ndarray of shape (n, m)
        Pre-activations.
    activation : str
        ``"sigmoid"``, ``"tanh"``, ``"relu"`` or ``"leaky_relu"`` (slope 0.01 for z < 0).

    Returns
    -------
    A : ndarray of shape (n, m)
        ``g(Z)``.
    """
    _check_activation(activation)
    Z = np.asarray(Z, dtype=float)
    if activation == "sigmoid":
        A = _sigmoid(Z)
    elif activation == "tanh":
        A = np.tanh(Z)
    elif activation == "relu":
        A = np.maximum(0.0, Z)
    else:
        A = np.where(Z >= 0, Z, LEAKY_SLOPE * Z)
    return A


def activation_backward(dA, Z, activation):
    """Gradient through an activation: ``dZ = dA * g'(Z)``.

    Derivatives of the notes: sigmoid' = s(1 - s); tanh' = 1 - tanh(z)^2;
    relu' = 0 for z < 0 and 1 for z >= 0; leaky_relu' = 0.01 for z < 0 and 1 for z >= 0.

    Parameters
    ----------
    dA : ndarray of shape (n, m)
        Gradient of the cost with respect to ``A = g(Z)``.
    Z : ndarray of shape (n, m)
        The pre-activations the forward pass used.
    activation : str
        One of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``.

    Returns
    -------
    dZ : ndarray of shape (n, m)
    """
    _check_activation(activation)
    Z = np.asarray(Z, dtype=float)
    if activation == "sigmoid":
        s = _sigmoid(Z)
        g_prime = s * (1 - s)
    elif activation == "tanh":
        g_prime = 1 - np.tanh(Z) ** 2
    elif activation == "relu":
        g_prime = (Z >= 0).astype(float)
    else:
        g_prime = np.where(Z >= 0, 1.0, LEAKY_SLOPE)
    dZ = dA * g_prime
    return dZ


def layer_sizes(X, Y, n_h=4):
    """Sizes of the three layers.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_y, m)
    n_h : int
        Number of hidden units.

    Returns
    -------
    (n_x, n_h, n_y) : tuple of int
    """
    n_x = X.shape[0]
    n_y = Y.shape[0]
    return (n_x, n_h, n_y)


def initialize_parameters(n_x, n_h, n_y, rng=None):
    """Small random weights (``randn * 0.01``) and zero biases.

    Parameters
    ----------
    n_x, n_h, n_y : int
        Sizes of the input, hidden and output layers.
    rng : numpy.random.Generator or None
        Source of randomness; ``None`` means ``np.random.default_rng()``.

    Returns
    -------
    parameters : dict
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (n_y, n_h), ``"b2"`` (n_y, 1).
    """
    rng = np.random.default_rng() if rng is None else rng
    parameters = {
        "W1": rng.standard_normal((n_h, n_x)) * 0.01,
        "b1": np.zeros((n_h, 1)),
        "W2": rng.standard_normal((n_y, n_h)) * 0.01,
        "b2": np.zeros((n_y, 1)),
    }
    return parameters


def forward_propagation(X, parameters, activation="tanh"):
    """Forward pass: hidden layer with ``activation``, output layer with a sigmoid.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    parameters : dict
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (n_y, n_h), ``"b2"`` (n_y, 1).
    activation : str
        Activation of the hidden layer.

    Returns
    -------
    A2 : ndarray of shape (n_y, m)
        Output probabilities.
    cache : dict
        ``"Z1"``, ``"A1"`` (n_h, m), ``"Z2"``, ``"A2"`` (n_y, m).
    """
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    Z1 = W1 @ X + b1
    A1 = activation_forward(Z1, activation)
    Z2 = W2 @ A1 + b2
    A2 = activation_forward(Z2, "sigmoid")
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache


def compute_cost(A2, Y):
    """Cross-entropy cost ``J = -(1/m) sum(Y log A2 + (1 - Y) log(1 - A2))``.

    Probabilities are clipped to [1e-15, 1 - 1e-15] so a saturated output never gives log(0).

    Parameters
    ----------
    A2 : ndarray of shape (1, m)
    Y : ndarray of shape (1, m)

    Returns
    -------
    cost : float
    """
    m = Y.shape[1]
    A = np.clip(A2, 1e-15, 1 - 1e-15)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    return float(cost)


def backward_propagation(parameters, cache, X, Y, activation="tanh"):
    """Gradients of the cost for the two-layer network.

    ``dZ2 = A2 - Y``, ``dW2 = (1/m) dZ2 A1^T``, ``db2 = (1/m) sum(dZ2, axis=1)``,
    ``dZ1 = (W2^T dZ2) * g'(Z1)``, ``dW1 = (1/m) dZ1 X^T``, ``db1 = (1/m) sum(dZ1, axis=1)``.

    Parameters
    ----------
    parameters : dict
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (n_y, n_h), ``"b2"`` (n_y, 1).
    cache : dict
        ``"Z1"``, ``"A1"`` (n_h, m), ``"Z2"``, ``"A2"`` (n_y, m) from :func:`forward_propagation`.
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_y, m)
    activation : str
        Activation of the hidden layer used in the forward pass.

    Returns
    -------
    grads : dict
        ``"dW1"`` (n_h, n_x), ``"db1"`` (n_h, 1), ``"dW2"`` (n_y, n_h), ``"db2"`` (n_y, 1).
    """
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2, Z1 = cache["A1"], cache["A2"], cache["Z1"]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = activation_backward(dA1, Z1, activation)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return grads


def update_parameters(parameters, grads, learning_rate=1.2):
    """One gradient-descent step, ``W := W - learning_rate * dW`` for every parameter.

    The caller's arrays are not modified: a new dict with new arrays is returned.

    Parameters
    ----------
    parameters : dict
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (n_y, n_h), ``"b2"`` (n_y, 1).
    grads : dict
        ``"dW1"``, ``"db1"``, ``"dW2"``, ``"db2"``, same shapes as the parameters.
    learning_rate : float

    Returns
    -------
    parameters : dict
        The updated parameters, same keys and shapes.
    """
    new_parameters = {}
    for key in ("W1", "b1", "W2", "b2"):
        new_parameters[key] = parameters[key] - learning_rate * grads["d" + key]
    return new_parameters


def nn_model(
    X,
    Y,
    n_h,
    num_iterations=10000,
    learning_rate=1.2,
    activation="tanh",
    print_cost=False,
    rng=None,
):
    """Train the two-layer network with batch gradient descent.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    n_h : int
        Number of hidden units.
    num_iterations : int
    learning_rate : float
    activation : str
        Activation of the hidden layer.
    print_cost : bool
        Print the cost every 1000 iterations.
    rng : numpy.random.Generator or None
        Passed to :func:`initialize_parameters`.

    Returns
    -------
    parameters : dict
        Trained ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (1, n_h), ``"b2"`` (1, 1).
    """
    n_x, n_h, n_y = layer_sizes(X, Y, n_h)
    parameters = initialize_parameters(n_x, n_h, n_y, rng=rng)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters, activation)
        grads = backward_propagation(parameters, cache, X, Y, activation)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 1000 == 0:
            print(f"Cost after iteration {i}: {compute_cost(A2, Y):.6f}")
    return parameters


def predict(parameters, X, activation="tanh"):
    """Class predictions: 1 where the network's output ``A2`` is above 0.5.

    Parameters
    ----------
    parameters : dict
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (1, n_h), ``"b2"`` (1, 1).
    X : ndarray of shape (n_x, m)
    activation : str
        Activation of the hidden layer.

    Returns
    -------
    predictions : ndarray of shape (1, m)
        0.0 or 1.0 for each example.
    """
    A2, _ = forward_propagation(X, parameters, activation)
    predictions = (A2 > 0.5).astype(float)
    return predictions
