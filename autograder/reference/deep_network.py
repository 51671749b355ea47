"""Reference solutions of ``04_deep_network``: an L-layer network, step by step.

Notation (course specification): ``X`` is ``(n_x, m)``, one example per column; layer ``l`` has
``W{l}`` of shape ``(n[l], n[l-1])``, ``b{l}`` of shape ``(n[l], 1)`` and ``Z{l}``, ``A{l}`` of
shape ``(n[l], m)``; ``A0 = X``; the output layer ``L`` uses the sigmoid.
"""

from __future__ import annotations

import numbers

import numpy as np

from utils.course import ACTIVATIONS, LEAKY_SLOPE


# --------------------------------------------------------------------------------------------
# Activations and their derivatives (helpers, not graded)
# --------------------------------------------------------------------------------------------
def _sigmoid(Z):
    """Sigmoid ``1 / (1 + exp(-Z))`` without overflow for large ``|Z|``."""
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def activate(Z, activation):
    """Apply an activation element-wise.

    Parameters
    ----------
    Z : ndarray of shape (n[l], m)
    activation : {"sigmoid", "tanh", "relu", "leaky_relu"}

    Returns
    -------
    A : ndarray of shape (n[l], m)
    """
    if activation == "sigmoid":
        return _sigmoid(Z)
    if activation == "tanh":
        return np.tanh(Z)
    if activation == "relu":
        return np.maximum(0, Z)
    if activation == "leaky_relu":
        return np.where(Z >= 0, Z, LEAKY_SLOPE * Z)
    raise ValueError(f"unknown activation {activation!r}; use one of {ACTIVATIONS}")


def activation_derivative(Z, activation):
    """The slope ``g'(Z)`` of an activation, element-wise, as in the notes.

    relu' is 0 for z < 0 and 1 for z >= 0; leaky_relu' is 0.01 for z < 0 and 1 for z >= 0;
    tanh' is ``1 - tanh(z)**2``; sigmoid' is ``s * (1 - s)``.

    Parameters
    ----------
    Z : ndarray of shape (n[l], m)
    activation : {"sigmoid", "tanh", "relu", "leaky_relu"}

    Returns
    -------
    gprime : ndarray of shape (n[l], m)
    """
    if activation == "sigmoid":
        s = _sigmoid(Z)
        return s * (1 - s)
    if activation == "tanh":
        return 1 - np.tanh(Z) ** 2
    if activation == "relu":
        return (Z >= 0).astype(float)
    if activation == "leaky_relu":
        return np.where(Z >= 0, 1.0, LEAKY_SLOPE)
    raise ValueError(f"unknown activation {activation!r}; use one of {ACTIVATIONS}")


# --------------------------------------------------------------------------------------------
# Graded functions
# --------------------------------------------------------------------------------------------
def layer_shapes(layer_dims, m):
    """The shape of every parameter and activation of an L-layer network.

    Parameters
    ----------
    layer_dims : list of int
        ``[n_x, n[1], ..., n[L]]``; its length is ``L + 1``.
    m : int
        Number of examples.

    Returns
    -------
    shapes : dict of str to tuple of int
        ``"A0"``: ``(n_x, m)``; for l = 1..L: ``"W{l}"``: ``(n[l], n[l-1])``,
        ``"b{l}"``: ``(n[l], 1)``, ``"Z{l}"`` and ``"A{l}"``: ``(n[l], m)``.
    """
    shapes = {"A0": (layer_dims[0], m)}
    for l in range(1, len(layer_dims)):  # noqa: E741  (l is the notes' layer index)
        shapes[f"W{l}"] = (layer_dims[l], layer_dims[l - 1])
        shapes[f"b{l}"] = (layer_dims[l], 1)
        shapes[f"Z{l}"] = (layer_dims[l], m)
        shapes[f"A{l}"] = (layer_dims[l], m)
    return shapes


def initialize_parameters_deep(layer_dims, scale=0.01, rng=None):
    """Random weights and zero biases for an L-layer network.

    Parameters
    ----------
    layer_dims : list of int
        ``[n_x, n[1], ..., n[L]]``.
    scale : float or {"xavier", "he"}, default 0.01
        A number multiplies standard-normal draws in every layer; ``"xavier"`` uses
        ``1 / sqrt(n[l-1])`` and ``"he"`` uses ``sqrt(2 / n[l-1])`` for layer ``l``.
    rng : numpy.random.Generator, optional
        Source of randomness; ``None`` means ``np.random.default_rng()``.

    Returns
    -------
    parameters : dict of str to ndarray
        ``"W{l}"``: ndarray of shape (n[l], n[l-1]); ``"b{l}"``: zeros of shape (n[l], 1),
        for l = 1..L.
    """
    if rng is None:
        rng = np.random.default_rng()
    parameters = {}
    for l in range(1, len(layer_dims)):  # noqa: E741
        n_prev = layer_dims[l - 1]
        if isinstance(scale, str):
            if scale == "xavier":
                factor = np.sqrt(1.0 / n_prev)
            elif scale == "he":
                factor = np.sqrt(2.0 / n_prev)
            else:
                raise ValueError(f'unknown scale {scale!r}; use a number, "xavier" or "he"')
        elif isinstance(scale, numbers.Real):
            factor = float(scale)
        else:
            raise TypeError(f'scale should be a number, "xavier" or "he", got {scale!r}')
        parameters[f"W{l}"] = rng.standard_normal((layer_dims[l], n_prev)) * factor
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def linear_forward(A_prev, W, b):
    """The linear part of a layer: ``Z = W A_prev + b``.

    Parameters
    ----------
    A_prev : ndarray of shape (n[l-1], m)
        Activations of the previous layer (``X`` for the first layer).
    W : ndarray of shape (n[l], n[l-1])
    b : ndarray of shape (n[l], 1)

    Returns
    -------
    Z : ndarray of shape (n[l], m)
    linear_cache : tuple
        ``(A_prev, W, b)``, kept for the backward pass.
    """
    Z = W @ A_prev + b
    linear_cache = (A_prev, W, b)
    return Z, linear_cache


def linear_activation_forward(A_prev, W, b, activation):
    """One layer forward: ``Z = W A_prev + b``, then ``A = g(Z)``.

    Parameters
    ----------
    A_prev : ndarray of shape (n[l-1], m)
    W : ndarray of shape (n[l], n[l-1])
    b : ndarray of shape (n[l], 1)
    activation : {"sigmoid", "tanh", "relu", "leaky_relu"}

    Returns
    -------
    A : ndarray of shape (n[l], m)
    cache : tuple
        ``(linear_cache, Z)`` with ``linear_cache = (A_prev, W, b)`` and ``Z`` of shape
        (n[l], m).
    """
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = activate(Z, activation)
    cache = (linear_cache, Z)
    return A, cache


def L_model_forward(X, parameters, hidden_activation="relu"):
    """Forward pass of an L-layer network: hidden layers use ``hidden_activation``, the output
    layer the sigmoid.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    parameters : dict of str to ndarray
        ``"W{l}"`` of shape (n[l], n[l-1]) and ``"b{l}"`` of shape (n[l], 1), l = 1..L.
    hidden_activation : {"relu", "leaky_relu", "tanh", "sigmoid"}, default "relu"

    Returns
    -------
    AL : ndarray of shape (n[L], m)
        Output probabilities (``(1, m)`` for a binary classifier).
    caches : list of tuple
        ``L`` caches, ``caches[l-1] = ((A{l-1}, W{l}, b{l}), Z{l})``.
    """
    L = len(parameters) // 2
    caches = []
    A = X
    for l in range(1, L):  # noqa: E741
        A, cache = linear_activation_forward(
            A, parameters[f"W{l}"], parameters[f"b{l}"], hidden_activation
        )
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    """Cross-entropy cost ``J = -(1/m) sum(Y log(AL) + (1-Y) log(1-AL))``.

    Numerically safe: ``AL`` is clipped to ``[1e-15, 1 - 1e-15]`` so a saturated output gives
    a large finite cost, never NaN or inf.

    Parameters
    ----------
    AL : ndarray of shape (1, m)
        Predicted probabilities.
    Y : ndarray of shape (1, m)
        Labels 0/1.

    Returns
    -------
    cost : float
    """
    m = Y.shape[1]
    eps = 1e-15
    A = np.clip(AL, eps, 1 - eps)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    return float(cost)


def linear_backward(dZ, linear_cache):
    """Backward pass through the linear part of a layer.

    Parameters
    ----------
    dZ : ndarray of shape (n[l], m)
    linear_cache : tuple
        ``(A_prev, W, b)``: A_prev (n[l-1], m), W (n[l], n[l-1]), b (n[l], 1).

    Returns
    -------
    dA_prev : ndarray of shape (n[l-1], m)
        ``W.T dZ``.
    dW : ndarray of shape (n[l], n[l-1])
        ``(1/m) dZ A_prev.T``.
    db : ndarray of shape (n[l], 1)
        ``(1/m) sum(dZ, axis=1, keepdims=True)``.
    """
    A_prev, W, _b = linear_cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    """One layer backward: ``dZ = dA * g'(Z)``, then the linear backward pass.

    Parameters
    ----------
    dA : ndarray of shape (n[l], m)
    cache : tuple
        ``(linear_cache, Z)`` from :func:`linear_activation_forward`; Z is (n[l], m).
    activation : {"sigmoid", "tanh", "relu", "leaky_relu"}

    Returns
    -------
    dA_prev : ndarray of shape (n[l-1], m)
    dW : ndarray of shape (n[l], n[l-1])
    db : ndarray of shape (n[l], 1)
    """
    linear_cache, Z = cache
    dZ = dA * activation_derivative(Z, activation)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db


def L_model_backward(AL, Y, caches, hidden_activation="relu"):
    """Backward pass of an L-layer network with a sigmoid output and the cross-entropy cost.

    For the output layer ``dZL = AL - Y`` (the same as ``dAL * sigmoid'(ZL)`` with
    ``dAL = -(Y/AL - (1-Y)/(1-AL))``, without dividing by a saturated ``AL``).

    Parameters
    ----------
    AL : ndarray of shape (1, m)
    Y : ndarray of shape (1, m)
    caches : list of tuple
        The ``L`` caches of :func:`L_model_forward`.
    hidden_activation : {"relu", "leaky_relu", "tanh", "sigmoid"}, default "relu"

    Returns
    -------
    grads : dict of str to ndarray
        ``"dA{l}"`` of shape (n[l], m) for l = 0..L-1, ``"dW{l}"`` of shape (n[l], n[l-1]) and
        ``"db{l}"`` of shape (n[l], 1) for l = 1..L.
    """
    L = len(caches)
    Y = Y.reshape(AL.shape)
    grads = {}
    linear_cache, _ZL = caches[L - 1]
    dZL = AL - Y
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZL, linear_cache)
    for l in reversed(range(1, L)):  # noqa: E741
        dA_prev, dW, db = linear_activation_backward(
            grads[f"dA{l}"], caches[l - 1], hidden_activation
        )
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA_prev, dW, db
    return grads


def update_parameters(parameters, grads, learning_rate):
    """One gradient-descent step, ``W{l} - learning_rate * dW{l}`` and likewise for ``b{l}``.

    Parameters
    ----------
    parameters : dict of str to ndarray
        ``"W{l}"`` (n[l], n[l-1]) and ``"b{l}"`` (n[l], 1), l = 1..L. Not changed.
    grads : dict of str to ndarray
        At least ``"dW{l}"`` and ``"db{l}"`` of the same shapes. Not changed.
    learning_rate : float
        The step size α.

    Returns
    -------
    new_parameters : dict of str to ndarray
        New arrays of the same keys and shapes as ``parameters``.
    """
    L = len(parameters) // 2
    new_parameters = {}
    for l in range(1, L + 1):  # noqa: E741
        new_parameters[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        new_parameters[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return new_parameters
