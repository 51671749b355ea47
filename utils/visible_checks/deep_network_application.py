"""Visible checks of ``05_deep_network_application``: the two training loops.

The initial weights are random and how a student draws them is free, so nothing here compares
with a fixed network. The values checked come from mathematics or from the student's own
function: with ``X = 0`` and zero biases every output starts at sigmoid(0) = 0.5, so the first
cost is ln 2 whatever the weights; with ``learning_rate=0`` the cost never changes; training
lowers the cost; the same ``rng`` seed gives the same network.
"""

from __future__ import annotations

import numpy as np

from utils import checks
from utils.visible_checks.deep_network.initialization import expect_parameters

#: What decides how many costs a training run returns.
COSTS_HINT = (
    "the cost is recorded at iterations 0, 100, 200, ... (if i % 100 == 0, with i counting "
    "from 0), which gives ceil(num_iterations / 100) values"
)
#: What to look at when training does not lower the cost.
UPDATE_HINT = (
    "each iteration runs forward, cost, backward and update_parameters, and the "
    "parameters update_parameters returns are the ones the next iteration uses"
)


def _task():
    """60 points of the square [-1, 1]^2, label 1 inside the disc of radius sqrt(0.5)."""
    rng = np.random.default_rng(2)
    X = rng.uniform(-1.0, 1.0, (2, 60))
    Y = (np.sum(X**2, axis=0, keepdims=True) < 0.5).astype(float)
    return X, Y


def _settings(layers_dims, num_iterations, learning_rate):
    return (
        f"(layers_dims={list(layers_dims)}, num_iterations={num_iterations}, "
        f"learning_rate={learning_rate})"
    )


def check_result(name, output, layers_dims, num_iterations, where=""):
    """Check the structure and shapes of ``(parameters, costs)``; return them, costs as floats.

    Parameters
    ----------
    name : str
        The graded function.
    output : Any
        What it returned.
    layers_dims : sequence of int
        ``[n_x, n[1], ..., n[L]]`` it was called with.
    num_iterations : int
        The number of iterations it was called with.
    where : str
        Where the inputs come from, for messages.

    Returns
    -------
    parameters : dict of str to ndarray
    costs : list of float
    """
    parameters, costs = checks.expect_tuple(name, output, ("parameters", "costs"))
    expect_parameters(name, parameters, layers_dims)
    n_costs = -(-num_iterations // 100)  # ceil(num_iterations / 100)
    checks.expect_length(name, "costs", costs, n_costs, hint=COSTS_HINT, where=where)
    values = []
    for k, cost in enumerate(costs):
        value = checks.expect_scalar(name, f"costs[{k}]", cost)
        checks.expect_finite(
            name, f"costs[{k}]", value, hint="a learning rate so large that training diverged"
        )
        values.append(value)
    return parameters, values


def _train(name, model, X, Y, layers_dims, num_iterations, learning_rate, seed, where):
    """Call ``model`` with these settings and a generator of ``seed``; check its result.

    Returns
    -------
    run : checks.Call
    costs : list of float
    """
    run = checks.call(
        model,
        X,
        Y,
        list(layers_dims),
        learning_rate=learning_rate,
        num_iterations=num_iterations,
        rng=np.random.default_rng(seed),
        where=where,
    )
    _parameters, costs = check_result(name, run.output, layers_dims, num_iterations, where)
    return run, costs


def _check_training(name, model, layers_dims):
    """Structure, shapes, unchanged inputs and a falling cost on the disc task."""
    X, Y = _task()
    num_iterations, learning_rate = 250, 0.1
    where = _settings(layers_dims, num_iterations, learning_rate)
    run, costs = _train(name, model, X, Y, layers_dims, num_iterations, learning_rate, 0, where)
    checks.expect_own_rng(run, where=where)
    checks.expect_unchanged(run)
    checks.expect_decrease(
        name,
        "costs",
        costs,
        hint=UPDATE_HINT,
        where=where,
    )


def _check_first_cost(name, model, layers_dims):
    """With X = 0 and zero biases, AL = sigmoid(0) = 0.5 at the start: the first cost is ln 2."""
    layers_dims = list(layers_dims)
    X = np.zeros((layers_dims[0], 8))
    Y = np.ones((1, 8))
    num_iterations, learning_rate = 201, 0.1
    where = (
        f"on X = 0 {_settings(layers_dims, num_iterations, learning_rate)}: at iteration 0 "
        f"every Z{{l}} = b{{l}} = 0, so AL = sigmoid(0) = 0.5 and the cost is ln 2 = 0.693147"
    )
    _run, costs = _train(name, model, X, Y, layers_dims, num_iterations, learning_rate, 1, where)
    checks.expect_close(name, "costs[0]", costs[0], np.log(2.0), where=where)
    checks.expect_decrease(
        name,
        "costs",
        costs,
        hint="the parameters are updated every iteration",
        where=f"on X = 0, Y = 1 {_settings(layers_dims, num_iterations, learning_rate)}",
    )


def _check_learning_rate_used(name, model, layers_dims):
    """With learning_rate=0 nothing moves: every recorded cost equals the first."""
    X, Y = _task()
    num_iterations, learning_rate = 250, 0.0
    where = _settings(layers_dims, num_iterations, learning_rate)
    _run, costs = _train(name, model, X, Y, layers_dims, num_iterations, learning_rate, 0, where)
    checks.expect_close(
        name,
        "costs",
        np.array(costs),
        np.full(len(costs), costs[0]),
        where=f"{where}: with learning_rate=0 the parameters, so the cost, must not change "
        f"(pass learning_rate on to update_parameters)",
    )


def _check_reproducible(name, model, layers_dims):
    """Two calls with generators of the same seed build the same network."""
    X, Y = _task()
    where = "(num_iterations=1, learning_rate=0, rng=np.random.default_rng(7) both times)"
    runs = [
        checks.call(
            model,
            X,
            Y,
            list(layers_dims),
            learning_rate=0.0,
            num_iterations=1,
            rng=np.random.default_rng(seed),
            where=where,
        )
        for seed in (7, 7, 8)
    ]
    first, second, other = (check_result(name, r.output, layers_dims, 1, where)[0] for r in runs)
    for run in runs:
        checks.expect_own_rng(run, where=where)
    for key in first:
        checks.expect_reproducible(name, key, first[key], second[key], where=where)
    checks.expect_seed_matters(name, "W1", first["W1"], other["W1"], where="for seeds 7 and 8")


def check_two_layer_model(two_layer_model):
    """Check ``two_layer_model`` on a small disc task with layers_dims = [2, 5, 1]."""
    name = "two_layer_model"
    layers_dims = (2, 5, 1)
    _check_training(name, two_layer_model, layers_dims)
    _check_first_cost(name, two_layer_model, layers_dims)
    _check_learning_rate_used(name, two_layer_model, layers_dims)
    _check_reproducible(name, two_layer_model, layers_dims)
    checks.all_passed(name)


def check_L_layer_model(L_layer_model):
    """Check ``L_layer_model`` with L = 4 layers, then with L = 1 (logistic regression)."""
    name = "L_layer_model"
    for layers_dims in [(2, 5, 4, 3, 1), (2, 1)]:
        _check_training(name, L_layer_model, layers_dims)
    _check_first_cost(name, L_layer_model, (2, 5, 4, 3, 1))
    _check_learning_rate_used(name, L_layer_model, (2, 5, 4, 3, 1))
    _check_reproducible(name, L_layer_model, (2, 5, 4, 3, 1))
    checks.all_passed(name)
