"""Reference solutions of ``05_deep_network_application``: training a deep network.

The step functions are those of ``04_deep_network`` (:mod:`autograder.reference.deep_network`),
imported rather than copied, so there is one reference of each. Both models initialise with
He's scale ``sqrt(2 / n[l-1])``, use ReLU in the hidden layers and the sigmoid at the output,
and record the cost at iterations 0, 100, 200, ... before that iteration's update.
"""

from __future__ import annotations

import numpy as np

from autograder.reference import deep_network as dn

#: The cost is recorded at every iteration that is a multiple of this.
COST_EVERY = 100


def _record(costs, i, cost, print_cost):
    """Append the cost of iteration ``i`` to ``costs`` (and print it) every 100 iterations."""
    if i % COST_EVERY == 0:
        costs.append(cost)
        if print_cost:
            print(f"Cost after iteration {i}: {cost:.6f}")


def two_layer_model(
    X,
    Y,
    layers_dims,
    learning_rate=0.0075,
    num_iterations=3000,
    print_cost=False,
    rng=None,
):
    """Train a two-layer network LINEAR -> RELU -> LINEAR -> SIGMOID by gradient descent.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
        Labels 0/1.
    layers_dims : sequence of 3 int
        ``(n_x, n_h, n_y)``.
    learning_rate : float
    num_iterations : int
    print_cost : bool
        Print the cost every 100 iterations.
    rng : numpy.random.Generator, optional
        Source of the initial weights; ``None`` means ``np.random.default_rng()``.

    Returns
    -------
    parameters : dict of str to ndarray
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (n_y, n_h), ``"b2"`` (n_y, 1).
    costs : list of float
        The cost at iterations 0, 100, 200, ... (``ceil(num_iterations / 100)`` values).
    """
    if rng is None:
        rng = np.random.default_rng()
    n_x, n_h, n_y = layers_dims
    parameters = dn.initialize_parameters_deep([n_x, n_h, n_y], scale="he", rng=rng)
    costs = []
    for i in range(num_iterations):
        A1, cache1 = dn.linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = dn.linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        cost = dn.compute_cost(A2, Y)
        # Output layer: dZ2 = A2 - Y (sigmoid with cross-entropy), then the linear step.
        linear_cache2, _Z2 = cache2
        dA1, dW2, db2 = dn.linear_backward(A2 - Y, linear_cache2)
        _dA0, dW1, db1 = dn.linear_activation_backward(dA1, cache1, "relu")
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        parameters = dn.update_parameters(parameters, grads, learning_rate)
        _record(costs, i, cost, print_cost)
    return parameters, costs


def L_layer_model(
    X,
    Y,
    layers_dims,
    learning_rate=0.0075,
    num_iterations=3000,
    print_cost=False,
    rng=None,
):
    """Train an L-layer network [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
        Labels 0/1.
    layers_dims : sequence of int
        ``[n_x, n[1], ..., n[L]]`` (length L + 1; ``L = 1`` is logistic regression).
    learning_rate : float
    num_iterations : int
    print_cost : bool
        Print the cost every 100 iterations.
    rng : numpy.random.Generator, optional
        Source of the initial weights; ``None`` means ``np.random.default_rng()``.

    Returns
    -------
    parameters : dict of str to ndarray
        ``"W{l}"`` (n[l], n[l-1]) and ``"b{l}"`` (n[l], 1) for l = 1..L.
    costs : list of float
        The cost at iterations 0, 100, 200, ... (``ceil(num_iterations / 100)`` values).
    """
    if rng is None:
        rng = np.random.default_rng()
    parameters = dn.initialize_parameters_deep(list(layers_dims), scale="he", rng=rng)
    costs = []
    for i in range(num_iterations):
        AL, caches = dn.L_model_forward(X, parameters)
        cost = dn.compute_cost(AL, Y)
        grads = dn.L_model_backward(AL, Y, caches)
        parameters = dn.update_parameters(parameters, grads, learning_rate)
        _record(costs, i, cost, print_cost)
    return parameters, costs


def predict(parameters, X, hidden_activation="relu"):
    """Predictions 0/1 of a trained network (threshold 0.5 on ``AL``); not graded.

    Parameters
    ----------
    parameters : dict of str to ndarray
        ``"W{l}"`` (n[l], n[l-1]) and ``"b{l}"`` (n[l], 1) for l = 1..L.
    X : ndarray of shape (n_x, m)
    hidden_activation : str

    Returns
    -------
    Y_prediction : ndarray of shape (1, m)
    """
    AL, _caches = dn.L_model_forward(X, parameters, hidden_activation)
    return (AL > 0.5).astype(float)
