"""Visible checks of the backward pass of ``04_deep_network``: one layer, then the network."""

from __future__ import annotations

from utils import checks
from utils.course import DEEP_ACTIVATIONS
from utils.visible_checks.deep_network.gradients import (
    ACT_BACKWARD,
    ACT_BACKWARD_MISTAKES,
    DW2_FROM_A,
    DW3_OUTPUT_HIDDEN,
    GRADS,
    LINEAR_BACKWARD,
)
from utils.visible_checks.deep_network.network import (
    DA,
    DZ,
    FORWARD,
    PARAMETERS,
    Z_BACKWARD,
    X,
    Y,
    visible_caches,
)


def _expect_gradient_shapes(name, dA_prev, dW, db, n_prev, n, m):
    checks.expect_shape(name, "dA_prev", dA_prev, (n_prev, m))
    checks.expect_shape(name, "dW", dW, (n, n_prev))
    checks.expect_shape(
        name, "db", db, (n, 1), rank1_hint="np.sum(dZ, axis=1) without keepdims=True"
    )


def check_linear_backward(linear_backward):
    """Check ``linear_backward`` on the first visible layer (values in quarters, by hand)."""
    name = "linear_backward"
    linear_cache = (X.copy(), PARAMETERS["W1"].copy(), PARAMETERS["b1"].copy())
    run = checks.call(linear_backward, DZ.copy(), linear_cache)
    dA_prev, dW, db = checks.expect_tuple(name, run.output, ("dA_prev", "dW", "db"))
    _expect_gradient_shapes(name, dA_prev, dW, db, 3, 2, 4)
    checks.expect_unchanged(run)
    expected = LINEAR_BACKWARD
    checks.expect_close(
        name, "dW", dW, expected["dW"], mistakes={"a missing 1/m": 4 * expected["dW"]}
    )
    checks.expect_close(
        name, "db", db, expected["db"], mistakes={"a missing 1/m": 4 * expected["db"]}
    )
    checks.expect_close(
        name,
        "dA_prev",
        dA_prev,
        expected["dA_prev"],
        mistakes={
            "a 1/m in dA_prev (only dW and db average over the examples)": expected["dA_prev"] / 4
        },
    )
    checks.all_passed(name)


_DERIVATIVE_MISTAKES = {
    "relu": {
        "from_A": "the derivative taken from A = relu(Z) instead of from Z, or no derivative "
        "at all (relu'(A) is 1 everywhere since A >= 0)",
        "strict": "relu'(0) = 0 (the notes take relu'(z) = 1 for z >= 0: use Z >= 0)",
    },
    "leaky_relu": {
        "no_derivative": "no derivative (dZ = dA)",
        "strict": "leaky_relu'(0) = 0.01 (the notes take 1 for z >= 0: use Z >= 0)",
    },
    "tanh": {
        "from_A": "the derivative taken from A = tanh(Z) instead of from Z",
        "a_formula_on_Z": "1 - Z**2 (the formula 1 - a**2 needs a = tanh(Z), not Z)",
        "no_derivative": "no derivative (dZ = dA)",
    },
    "sigmoid": {
        "from_A": "the derivative taken from A = sigmoid(Z) instead of from Z",
        "a_formula_on_Z": "Z * (1 - Z) (the formula a(1 - a) needs a = sigmoid(Z), not Z)",
        "no_derivative": "no derivative (dZ = dA)",
    },
}


def check_linear_activation_backward(linear_activation_backward):
    """Check ``linear_activation_backward`` with every activation; Z has exact zeros."""
    name = "linear_activation_backward"
    for activation in DEEP_ACTIVATIONS:
        where = f'with activation="{activation}"'
        cache = (
            (X.copy(), PARAMETERS["W1"].copy(), PARAMETERS["b1"].copy()),
            Z_BACKWARD.copy(),
        )
        run = checks.call(linear_activation_backward, DA.copy(), cache, activation, where=where)
        dA_prev, dW, db = checks.expect_tuple(name, run.output, ("dA_prev", "dW", "db"))
        _expect_gradient_shapes(name, dA_prev, dW, db, 3, 2, 4)
        checks.expect_unchanged(run)
        expected = ACT_BACKWARD[activation]
        wrong = ACT_BACKWARD_MISTAKES[activation]
        mistakes = {text: wrong[key] for key, text in _DERIVATIVE_MISTAKES[activation].items()}
        checks.expect_close(name, "dW", dW, expected["dW"], mistakes=mistakes, where=where)
        checks.expect_close(name, "db", db, expected["db"], where=where)
        checks.expect_close(name, "dA_prev", dA_prev, expected["dA_prev"], where=where)
    checks.all_passed(name)


_GRAD_ORDER = ("dW3", "db3", "dA2", "dW2", "db2", "dA1", "dW1", "db1", "dA0")


def check_L_model_backward(L_model_backward):
    """Check ``L_model_backward`` on the visible network's caches, every hidden activation."""
    name = "L_model_backward"
    shapes = {
        "dA0": (3, 4),
        "dA1": (2, 4),
        "dA2": (2, 4),
        "dW1": (2, 3),
        "dW2": (2, 2),
        "dW3": (1, 2),
        "db1": (2, 1),
        "db2": (2, 1),
        "db3": (1, 1),
    }
    for activation in DEEP_ACTIVATIONS:
        where = f'with hidden_activation="{activation}"'
        kwargs = {} if activation == "relu" else {"hidden_activation": activation}
        if activation == "relu":
            where += " (the default)"
        AL = FORWARD[activation]["A3"].copy()
        run = checks.call(
            L_model_backward, AL, Y.copy(), visible_caches(activation), where=where, **kwargs
        )
        grads = run.output
        checks.expect_keys(name, "grads", grads, shapes)
        for key in _GRAD_ORDER:
            hint = "np.sum(dZ, axis=1) without keepdims=True" if key.startswith("db") else ""
            checks.expect_shape(name, key, grads[key], shapes[key], rank1_hint=hint)
        checks.expect_unchanged(run)
        expected = GRADS[activation]
        for key in _GRAD_ORDER:
            mistakes = {
                "the opposite sign (dAL = -(Y/AL - (1-Y)/(1-AL)) has a minus)": -expected[key]
            }
            if key == "dW3":
                if activation != "sigmoid":
                    mistakes[
                        f"the {activation} derivative at the output layer (the output layer "
                        f"is a sigmoid, so dZ3 = AL - Y)"
                    ] = DW3_OUTPUT_HIDDEN[activation]
                mistakes["a missing 1/m"] = 4 * expected[key]
            if key == "dW2":
                mistakes[
                    f"the derivative of the hidden layers taken from A = {activation}(Z) instead "
                    f"of from Z"
                ] = DW2_FROM_A[activation]
            checks.expect_close(
                name, key, grads[key], expected[key], mistakes=mistakes, where=where
            )
    checks.all_passed(name)
