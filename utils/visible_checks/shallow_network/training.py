"""Visible checks of the update, the prediction and the training loop of ``03_shallow_network``."""

from __future__ import annotations

import numpy as np

from utils import checks
from utils.visible_checks.shallow_network.initialization import expect_parameters


def check_update_parameters(update_parameters):
    """Check one step W := W - learning_rate * dW, and that the inputs are left unchanged."""
    name = "update_parameters"
    parameters = {
        "W1": np.array([[1.0, -1.0], [0.5, 2.0], [0.0, 0.25]]),
        "b1": np.array([[0.5], [0.0], [-1.0]]),
        "W2": np.array([[1.0, -2.0, 0.5]]),
        "b2": np.array([[0.25]]),
    }
    grads = {
        "dW1": np.array([[0.5, 1.0], [-1.0, 0.25], [2.0, 0.0]]),
        "db1": np.array([[1.0], [-0.5], [0.25]]),
        "dW2": np.array([[-0.5, 1.0, 2.0]]),
        "db2": np.array([[0.5]]),
    }
    shapes = {key: value.shape for key, value in parameters.items()}
    for learning_rate in (0.5, None):
        kwargs = {} if learning_rate is None else {"learning_rate": learning_rate}
        used = 1.2 if learning_rate is None else learning_rate
        label = "the default learning_rate 1.2" if learning_rate is None else "learning_rate=0.5"
        run = checks.call(update_parameters, parameters, grads, **kwargs)
        new = run.output
        checks.expect_keys(name, "parameters", new, ("W1", "b1", "W2", "b2"))
        for key, shape in shapes.items():
            checks.expect_shape(name, key, new[key], shape)
        checks.expect_unchanged(run)
        for key in shapes:
            step = grads["d" + key]
            checks.expect_close(
                name,
                f"{key} with {label}",
                new[key],
                parameters[key] - used * step,
                mistakes={
                    "W + learning_rate * dW (a step uphill)": parameters[key] + used * step,
                    "a step without the learning rate": parameters[key] - step,
                    "the default learning rate 1.2 instead of the argument": parameters[key]
                    - 1.2 * step,
                },
            )
    checks.all_passed(name)


def check_predict(predict):
    """Check ``predict`` on a network whose outputs are worked out by hand, tanh and relu."""
    name = "predict"
    # Hidden unit j computes g(x_j); the output is sigmoid(2 g(x_1) - 2 g(x_2) + 0.5).
    X = np.array([[3.0, 0.0, 0.0, -3.0, 1.0], [0.0, 3.0, 0.0, 0.0, 1.0]])
    parameters = {
        "W1": np.array([[1.0, 0.0], [0.0, 1.0]]),
        "b1": np.zeros((2, 1)),
        "W2": np.array([[2.0, -2.0]]),
        "b2": np.array([[0.5]]),
    }
    # tanh: 2.49, -1.49, 0.5, -1.49, 0.5; relu: 6.5, -5.5, 0.5, 0.5, 0.5 (before the sigmoid).
    expected = {
        "tanh": np.array([[1.0, 0.0, 1.0, 0.0, 1.0]]),
        "relu": np.array([[1.0, 0.0, 1.0, 1.0, 1.0]]),
    }
    for activation in ("tanh", "relu"):
        kwargs = {} if activation == "tanh" else {"activation": activation}
        label = "the default activation (tanh)" if activation == "tanh" else "activation='relu'"
        run = checks.call(predict, parameters, X, **kwargs)
        checks.expect_shape(name, "predictions", run.output, (1, 5))
        checks.expect_binary(name, "predictions", run.output)
        checks.expect_unchanged(run)
        other = expected["relu" if activation == "tanh" else "tanh"]
        checks.expect_close(
            name,
            f"predictions with {label}",
            run.output,
            expected[activation],
            mistakes={
                "1 where A2 < 0.5 (the classes swapped)": 1 - expected[activation],
                "the wrong hidden activation (pass `activation` on to forward_propagation)": other,
            },
        )
    checks.all_passed(name)


def _one_unit_accuracy(parameters, x, Y):
    """Training accuracy of a 1-1-1 tanh network, from its decision boundary.

    The output sigmoid(w2 tanh(w1 x + b1) + b2) crosses 0.5 where tanh(w1 x + b1) = -b2 / w2,
    at x* = (artanh(-b2 / w2) - b1) / w1; it increases with x when w1 w2 > 0.
    """
    w1, b1, w2, b2 = (float(np.asarray(parameters[k]).ravel()[0]) for k in ("W1", "b1", "W2", "b2"))
    level = -b2 / w2 if w2 != 0 else np.inf
    if abs(level) >= 1 or w1 == 0:  # no crossing: one class everywhere, the sign of the output
        predictions = np.full(x.shape, float(w2 * np.tanh(b1) + b2 > 0))
    else:
        boundary = (np.arctanh(level) - b1) / w1
        predictions = (x > boundary) if w1 * w2 > 0 else (x < boundary)
    return float(np.mean(predictions.astype(float) == Y.ravel()))


def check_nn_model(nn_model):
    """Check ``nn_model``: structure, shapes, rng, and training on a 1-D task."""
    name = "nn_model"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 30))
    Y = (rng.random((1, 30)) > 0.5).astype(float)
    run = checks.call(nn_model, X, Y, 3, num_iterations=20, rng=np.random.default_rng(5))
    parameters = run.output
    expect_parameters(name, parameters, 2, 3, 1)
    checks.expect_own_rng(run)
    checks.expect_unchanged(run)
    for key in ("W1", "b1", "W2", "b2"):
        checks.expect_finite(name, key, parameters[key])
    again = checks.call(nn_model, X, Y, 3, num_iterations=20, rng=np.random.default_rng(5)).output
    expect_parameters(name, again, 2, 3, 1)
    other = checks.call(nn_model, X, Y, 3, num_iterations=20, rng=np.random.default_rng(8)).output
    expect_parameters(name, other, 2, 3, 1)
    for key in ("W1", "W2"):
        checks.expect_reproducible(name, key, parameters[key], again[key])
        checks.expect_seed_matters(
            name, key, parameters[key], other[key], where="for seeds 5 and 8"
        )

    # A 1-D task: class 0 for x in [-1, 1], class 1 for x in [2, 3]. One tanh unit suffices;
    # untrained parameters (boundary at x = 0) get at most 71 % right.
    x = np.concatenate([np.linspace(-1.0, 1.0, 16), np.linspace(2.0, 3.0, 12)])
    X, Y = x.reshape(1, -1), (x > 1.5).astype(float).reshape(1, -1)
    run = checks.call(nn_model, X, Y, 1, num_iterations=300, rng=np.random.default_rng(6))
    expect_parameters(name, run.output, 1, 1, 1)
    checks.expect_unchanged(run)
    checks.expect_at_least(
        name,
        "training accuracy on a 1-D task after 300 iterations (1 hidden unit)",
        _one_unit_accuracy(run.output, x, Y),
        0.95,
        hint="every iteration should run forward_propagation, backward_propagation and "
        "update_parameters, and the next iteration should use the updated parameters",
    )
    checks.all_passed(name)
