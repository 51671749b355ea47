"""Visible check of the gradient step of ``04_deep_network``."""

from __future__ import annotations

import numpy as np

from utils import checks
from utils.visible_checks.deep_network.network import PARAMETERS, fresh_copy


def check_update_parameters(update_parameters):
    """Check one gradient step on a 2-layer network (by hand) and on the visible 3-layer one."""
    name = "update_parameters"
    parameters = {
        "W1": np.array([[1.0, 2.0, -1.0], [0.0, 0.5, 3.0]]),
        "b1": np.array([[0.5], [-1.0]]),
        "W2": np.array([[2.0, -1.0]]),
        "b2": np.array([[0.25]]),
    }
    grads = {
        "dA0": np.ones((3, 5)),
        "dA1": np.ones((2, 5)),
        "dW1": np.array([[0.2, -0.4, 1.0], [2.0, 0.0, -1.0]]),
        "db1": np.array([[1.0], [-0.5]]),
        "dW2": np.array([[0.5, 0.5]]),
        "db2": np.array([[-1.0]]),
    }
    # W - 0.5 dW, entry by entry.
    expected = {
        "W1": np.array([[0.9, 2.2, -1.5], [-1.0, 0.5, 3.5]]),
        "b1": np.array([[0.0], [-0.75]]),
        "W2": np.array([[1.75, -1.25]]),
        "b2": np.array([[0.75]]),
    }
    run = checks.call(update_parameters, parameters, grads, 0.5)
    new = run.output
    checks.expect_keys(name, "new_parameters", new, expected)
    for key, value in expected.items():
        checks.expect_shape(name, key, new[key], value.shape)
    checks.expect_unchanged(run)
    for key, value in expected.items():
        old, grad = parameters[key], grads[f"d{key}"]
        checks.expect_close(
            name,
            key,
            new[key],
            value,
            mistakes={
                "+ learning_rate * gradient (a step uphill)": old + 0.5 * grad,
                "the learning rate ignored": old - grad,
                f"{key} not updated": old,
            },
        )

    # Every layer of a deeper network is updated: with all gradients 1 and learning_rate 0.25,
    # every parameter decreases by exactly 0.25.
    parameters = fresh_copy(PARAMETERS)
    grads = {f"d{key}": np.ones_like(value) for key, value in parameters.items()}
    where = "on the 3-layer visible network"
    run = checks.call(update_parameters, parameters, grads, 0.25, where=where)
    checks.expect_keys(name, "new_parameters", run.output, parameters)
    checks.expect_unchanged(run)
    for key, value in parameters.items():
        checks.expect_shape(name, key, run.output[key], value.shape)
        checks.expect_close(name, key, run.output[key], value - 0.25, where=where)
    checks.all_passed(name)
