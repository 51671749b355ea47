"""Visible checks of the forward pass, the cost and the backward pass of ``03_shallow_network``.

The two passes run on the hand-worked tiny network (:mod:`.tiny_network`), with tanh and with
relu; the cost on four examples where J = ln(100/9) / 4 exactly.
"""

from __future__ import annotations

import numpy as np

from utils import checks
from utils.visible_checks.shallow_network.tiny_network import (
    BACKWARD_MISTAKES,
    EXPECTED,
    Z1,
    Z1_WITHOUT_B1,
    gradients_with_slope,
    tiny_case,
)


def check_forward_propagation(forward_propagation):
    """Check ``forward_propagation`` on a hand-worked network, with tanh and with relu."""
    name = "forward_propagation"
    for activation in ("tanh", "relu"):
        X, _, parameters, kwargs, label = tiny_case(activation)
        expected = EXPECTED[activation]
        run = checks.call(forward_propagation, X, parameters, **kwargs)
        A2, cache = checks.expect_tuple(name, run.output, ("A2", "cache"))
        checks.expect_keys(name, "cache", cache, ("Z1", "A1", "Z2", "A2"))
        checks.expect_shape(name, "A2", A2, (1, 4))
        for key in ("Z1", "A1"):
            checks.expect_shape(name, f"cache[{key!r}]", cache[key], (3, 4))
        for key in ("Z2", "A2"):
            checks.expect_shape(name, f"cache[{key!r}]", cache[key], (1, 4))
        checks.expect_unchanged(run)
        hidden_mistakes = {
            "tanh": {"the sigmoid instead of tanh in the hidden layer": 1 / (1 + np.exp(-Z1))},
            "relu": {"tanh instead of relu (the activation argument ignored)": np.tanh(Z1)},
        }[activation]
        mistakes = {
            "Z1": {"a missing bias b1": Z1_WITHOUT_B1},
            "A1": hidden_mistakes,
            "Z2": {"a missing bias b2": expected["Z2"] - 0.25},
            "A2": {
                "the hidden activation instead of the sigmoid in the output layer": {
                    "tanh": np.tanh(expected["Z2"]),
                    "relu": np.array([[0.0, 0.25, 1.75, 0.0]]),
                }[activation]
            },
        }
        for key in ("Z1", "A1", "Z2", "A2"):
            checks.expect_close(
                name,
                f"cache[{key!r}] with {label}",
                cache[key],
                expected[key],
                mistakes=mistakes[key],
            )
        checks.expect_close(name, f"A2 (returned) with {label}", A2, expected["A2"])
    checks.all_passed(name)


def expect_cost(compute_cost, A, Y, expected, mistakes):
    """Call ``compute_cost(A, Y)`` on copies of the inputs and check its cost: a real scalar,
    the inputs unchanged, then the value (the known mistakes named).

    Parameters
    ----------
    compute_cost : callable
        The student's ``compute_cost`` (of ``03`` or ``04``).
    A, Y : ndarray of shape (1, m)
        Output probabilities and labels 0/1.
    expected : float
        The cost.
    mistakes : mapping of str to float
        Known mistakes and the cost each gives on these inputs.
    """
    name = "compute_cost"
    run = checks.call(compute_cost, A.copy(), Y.copy())
    cost = checks.expect_scalar(name, "cost", run.output)
    checks.expect_unchanged(run)
    checks.expect_close(name, "cost", cost, expected, mistakes=mistakes)


def check_compute_cost(compute_cost):
    """Check ``compute_cost`` where J = ln(100/9) / 4 exactly."""
    A2 = np.array([[0.8, 0.1, 0.5, 0.75]])
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    # J = -(ln 0.8 + ln 0.9 + ln 0.5 + ln 0.25) / 4 = ln(1.25 * 10/9 * 2 * 4) / 4 = ln(100/9) / 4
    expected = np.log(100 / 9) / 4
    expect_cost(
        compute_cost,
        A2,
        Y,
        expected,
        mistakes={
            "a missing 1/m (a sum instead of the mean over the m examples)": 4 * expected,
            "a missing minus sign": -expected,
            "log(A2) and log(1 - A2) swapped": -np.log(0.2 * 0.9 * 0.5 * 0.75) / 4,
            "only the Y * log(A2) term": -np.log(0.8 * 0.5) / 4,
        },
    )
    checks.all_passed("compute_cost")


def check_backward_propagation(backward_propagation):
    """Check ``backward_propagation`` on a hand-worked network, with tanh and with relu."""
    name = "backward_propagation"
    for activation in ("tanh", "relu"):
        X, Y, parameters, kwargs, label = tiny_case(activation)
        expected = EXPECTED[activation]
        cache = {key: expected[key].copy() for key in ("Z1", "A1", "Z2", "A2")}
        run = checks.call(backward_propagation, parameters, cache, X, Y, **kwargs)
        grads = run.output
        checks.expect_keys(name, "grads", grads, ("dW1", "db1", "dW2", "db2"))
        hint = "np.sum without keepdims=True"
        m = X.shape[1]
        axis0 = "np.sum over axis=0 (over the units) where axis=1 (over the examples) was meant"
        axis_mistakes = {axis0: (1, m), f"{axis0}, without keepdims=True": (m,)}
        checks.expect_shape(name, "dW1", grads["dW1"], (3, 2))
        checks.expect_shape_with_mistakes(
            name, "db1", grads["db1"], (3, 1), mistakes=axis_mistakes, rank1_hint=hint
        )
        checks.expect_shape(name, "dW2", grads["dW2"], (1, 3))
        checks.expect_shape_with_mistakes(
            name, "db2", grads["db2"], (1, 1), mistakes=axis_mistakes, rank1_hint=hint
        )
        checks.expect_unchanged(run)
        known = dict(BACKWARD_MISTAKES[activation])
        if activation == "tanh":
            known["1 - A1 instead of 1 - A1**2 (tanh' is 1 - tanh(Z1)**2)"] = gradients_with_slope(
                X, Y, parameters, 1 - expected["A1"]
            )
        for index, key in enumerate(("dW1", "db1")):
            mistakes = {mistake: values[index] for mistake, values in known.items()}
            mistakes["a missing 1/m"] = 4 * expected[key]
            checks.expect_close(
                name, f"{key} with {label}", grads[key], expected[key], mistakes=mistakes
            )
        for key in ("dW2", "db2"):
            checks.expect_close(
                name,
                f"{key} with {label}",
                grads[key],
                expected[key],
                mistakes={
                    "a missing 1/m": 4 * expected[key],
                    "dZ2 = Y - A2 instead of A2 - Y": -expected[key],
                },
            )
    checks.all_passed(name)
