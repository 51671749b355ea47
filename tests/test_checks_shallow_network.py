"""The checks of ``03_shallow_network``: the reference passes them all, and each known mistake
makes the visible check (with a message naming it) and the hidden check fail."""

from __future__ import annotations

import numpy as np
import pytest

import autograder.hidden.shallow_network as hidden
from autograder.reference import shallow_network as ref
from utils import course
from utils.checks import CheckFailure
from utils.visible_checks import shallow_network as visible

FUNCTIONS = course.assignment("shallow_network").functions
SEEDS = ("1", "2", "3")


# --------------------------------------------------------------------------------------------
# The reference passes everything
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_visible_checks(function, capsys):
    getattr(visible, f"check_{function}")(getattr(ref, function))
    assert f"All visible checks of {function} passed" in capsys.readouterr().out


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_hidden_checks(function, seed, monkeypatch, capsys):
    monkeypatch.setenv("AUTOGRADER_SEED", seed)
    getattr(hidden, function)(getattr(ref, function))
    assert f"Hidden checks of {function} passed" in capsys.readouterr().out


def test_hidden_checks_draw_fresh_inputs_without_a_seed(monkeypatch):
    monkeypatch.delenv("AUTOGRADER_SEED", raising=False)
    first, second = hidden.forward_propagation.cases(), hidden.forward_propagation.cases()
    assert not np.array_equal(first[0].args[0], second[0].args[0])


# --------------------------------------------------------------------------------------------
# Correct code written differently passes too (no dependence on the order of random calls)
# --------------------------------------------------------------------------------------------
def initialize_parameters_other_order(n_x, n_h, n_y, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    W2 = rng.normal(0.0, 0.01, (n_y, n_h))  # W2 first, and normal(0, 0.01) instead of randn
    W1 = rng.normal(0.0, 0.01, (n_h, n_x))
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def nn_model_other_order(
    X,
    Y,
    n_h,
    num_iterations=10000,
    learning_rate=1.2,
    activation="tanh",
    print_cost=False,
    rng=None,
):
    rng = np.random.default_rng() if rng is None else rng
    rng.random(7)  # draws something else first
    parameters = initialize_parameters_other_order(X.shape[0], n_h, 1, rng=rng)
    for _ in range(num_iterations):
        _, cache = ref.forward_propagation(X, parameters, activation)
        grads = ref.backward_propagation(parameters, cache, X, Y, activation)
        parameters = ref.update_parameters(parameters, grads, learning_rate)
    return parameters


def predict_with_int_output(parameters, X, activation="tanh"):
    return ref.predict(parameters, X, activation).astype(int)


def compute_cost_as_array(A2, Y):
    return np.array(ref.compute_cost(A2, Y))  # a 0-d array is a scalar too


@pytest.mark.parametrize(
    "function, variant",
    [
        ("initialize_parameters", initialize_parameters_other_order),
        ("nn_model", nn_model_other_order),
        ("predict", predict_with_int_output),
        ("compute_cost", compute_cost_as_array),
    ],
)
def test_correct_variants_pass(function, variant, monkeypatch):
    getattr(visible, f"check_{function}")(variant)
    for seed in SEEDS:
        monkeypatch.setenv("AUTOGRADER_SEED", seed)
        getattr(hidden, function)(variant)


# --------------------------------------------------------------------------------------------
# Known mistakes
# --------------------------------------------------------------------------------------------
def forward_leaky_slope_0_1(Z, activation):
    if activation == "leaky_relu":
        return np.where(Z >= 0, Z, 0.1 * Z)
    return ref.activation_forward(Z, activation)


def forward_leaky_slope_0_02(Z, activation):
    if activation == "leaky_relu":
        return np.where(Z >= 0, Z, 0.02 * Z)
    return ref.activation_forward(Z, activation)


def backward_leaky_slope_0_1(dA, Z, activation):
    if activation == "leaky_relu":
        return dA * np.where(Z >= 0, 1.0, 0.1)
    return ref.activation_backward(dA, Z, activation)


def backward_sigmoid_derivative_for_tanh(dA, Z, activation):
    if activation == "tanh":
        A = np.tanh(Z)
        return dA * A * (1 - A)
    return ref.activation_backward(dA, Z, activation)


def backward_relu_slope_0_at_0(dA, Z, activation):
    if activation == "relu":
        return dA * (Z > 0)
    return ref.activation_backward(dA, Z, activation)


def layer_sizes_from_m(X, Y, n_h=4):
    return (X.shape[1], n_h, Y.shape[0])


def initialize_zeros(n_x, n_h, n_y, rng=None):
    return {
        "W1": np.zeros((n_h, n_x)),
        "b1": np.zeros((n_h, 1)),
        "W2": np.zeros((n_y, n_h)),
        "b2": np.zeros((n_y, 1)),
    }


def initialize_unscaled(n_x, n_h, n_y, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return {
        "W1": rng.standard_normal((n_h, n_x)),
        "b1": np.zeros((n_h, 1)),
        "W2": rng.standard_normal((n_y, n_h)),
        "b2": np.zeros((n_y, 1)),
    }


def initialize_identical_rows(n_x, n_h, n_y, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    row = rng.standard_normal((1, n_x)) * 0.01
    return {
        "W1": np.repeat(row, n_h, axis=0),
        "b1": np.zeros((n_h, 1)),
        "W2": rng.standard_normal((n_y, n_h)) * 0.01,
        "b2": np.zeros((n_y, 1)),
    }


def initialize_ignoring_rng(n_x, n_h, n_y, rng=None):
    return ref.initialize_parameters(n_x, n_h, n_y, rng=np.random.default_rng())


def forward_without_b1(X, parameters, activation="tanh"):
    return ref.forward_propagation(
        X, dict(parameters, b1=np.zeros_like(parameters["b1"])), activation
    )


def forward_hidden_activation_at_output(X, parameters, activation="tanh"):
    _, cache = ref.forward_propagation(X, parameters, activation)
    cache["A2"] = ref.activation_forward(cache["Z2"], activation)
    return cache["A2"], cache


def cost_without_1_over_m(A2, Y):
    return ref.compute_cost(A2, Y) * Y.shape[1]


def backprop_sigmoid_derivative_for_tanh(parameters, cache, X, Y, activation="tanh"):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    A1 = cache["A1"]
    slope = (
        A1 * (1 - A1)
        if activation == "tanh"
        else ref.activation_backward(np.ones_like(A1), cache["Z1"], activation)
    )
    dZ1 = (parameters["W2"].T @ dZ2) * slope
    return {
        "dW1": dZ1 @ X.T / m,
        "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
        "dW2": dZ2 @ A1.T / m,
        "db2": np.sum(dZ2, axis=1, keepdims=True) / m,
    }


def backprop_rank1_db(parameters, cache, X, Y, activation="tanh"):
    grads = ref.backward_propagation(parameters, cache, X, Y, activation)
    grads["db1"] = grads["db1"].ravel()
    grads["db2"] = grads["db2"].ravel()
    return grads


def backprop_without_1_over_m(parameters, cache, X, Y, activation="tanh"):
    grads = ref.backward_propagation(parameters, cache, X, Y, activation)
    return {k: v * X.shape[1] for k, v in grads.items()}


def update_in_place(parameters, grads, learning_rate=1.2):
    for key in ("W1", "b1", "W2", "b2"):
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters


def update_uphill(parameters, grads, learning_rate=1.2):
    return {k: v + learning_rate * grads["d" + k] for k, v in parameters.items()}


def predict_ignoring_activation(parameters, X, activation="tanh"):
    return ref.predict(parameters, X)


def predict_probabilities(parameters, X, activation="tanh"):
    A2, _ = ref.forward_propagation(X, parameters, activation)
    return A2


def nn_model_without_updates(
    X,
    Y,
    n_h,
    num_iterations=10000,
    learning_rate=1.2,
    activation="tanh",
    print_cost=False,
    rng=None,
):
    parameters = ref.initialize_parameters(X.shape[0], n_h, Y.shape[0], rng=rng)
    for _ in range(num_iterations):
        _, cache = ref.forward_propagation(X, parameters, activation)
        grads = ref.backward_propagation(parameters, cache, X, Y, activation)
        ref.update_parameters(parameters, grads, learning_rate)  # result thrown away
    return parameters


def nn_model_ignoring_rng(
    X,
    Y,
    n_h,
    num_iterations=10000,
    learning_rate=1.2,
    activation="tanh",
    print_cost=False,
    rng=None,
):
    return ref.nn_model(X, Y, n_h, num_iterations, learning_rate, activation, print_cost)


def nn_model_ignoring_n_h(
    X,
    Y,
    n_h,
    num_iterations=10000,
    learning_rate=1.2,
    activation="tanh",
    print_cost=False,
    rng=None,
):
    return ref.nn_model(X, Y, 4, num_iterations, learning_rate, activation, print_cost, rng)


MISTAKES = [
    ("activation_forward", forward_leaky_slope_0_1, r"slope of 0\.1 for z < 0"),
    ("activation_forward", forward_leaky_slope_0_02, r"slope 0\.01 for z < 0"),
    ("activation_backward", backward_leaky_slope_0_1, r"slope of 0\.1 for z < 0"),
    ("activation_backward", backward_sigmoid_derivative_for_tanh, "sigmoid derivative"),
    ("activation_backward", backward_relu_slope_0_at_0, r"relu'\(0\) = 0"),
    ("layer_sizes", layer_sizes_from_m, "number of examples"),
    ("initialize_parameters", initialize_zeros, "zero initialisation"),
    ("initialize_parameters", initialize_unscaled, "unscaled initialisation"),
    ("initialize_parameters", initialize_identical_rows, "rows of `W1` are identical"),
    ("initialize_parameters", initialize_ignoring_rng, "same seed"),
    ("forward_propagation", forward_without_b1, "missing bias b1"),
    ("forward_propagation", forward_hidden_activation_at_output, "output layer"),
    ("compute_cost", cost_without_1_over_m, "missing 1/m"),
    ("backward_propagation", backprop_sigmoid_derivative_for_tanh, "sigmoid derivative"),
    ("backward_propagation", backprop_rank1_db, "rank-1 array.*keepdims"),
    ("backward_propagation", backprop_without_1_over_m, "missing 1/m"),
    ("update_parameters", update_in_place, "in place"),
    ("update_parameters", update_uphill, "uphill"),
    ("predict", predict_ignoring_activation, "activation"),
    ("predict", predict_probabilities, "only 0 and 1"),
    ("nn_model", nn_model_without_updates, "accuracy"),
    ("nn_model", nn_model_ignoring_rng, "same seed"),
    ("nn_model", nn_model_ignoring_n_h, r"shape \(3, 2\)"),
]


@pytest.mark.parametrize(
    "function, wrong, message", MISTAKES, ids=[wrong.__name__ for _, wrong, _ in MISTAKES]
)
def test_visible_check_names_the_mistake(function, wrong, message):
    with pytest.raises(CheckFailure, match=message):
        getattr(visible, f"check_{function}")(wrong)


@pytest.mark.parametrize(
    "function, wrong, message", MISTAKES, ids=[wrong.__name__ for _, wrong, _ in MISTAKES]
)
@pytest.mark.parametrize("seed", SEEDS)
def test_hidden_check_fails_on_the_mistake(function, wrong, message, seed, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", seed)
    with pytest.raises(CheckFailure):
        getattr(hidden, function)(wrong)


def nn_model_ignoring_activation(
    X,
    Y,
    n_h,
    num_iterations=10000,
    learning_rate=1.2,
    activation="tanh",
    print_cost=False,
    rng=None,
):
    return ref.nn_model(X, Y, n_h, num_iterations, learning_rate, "tanh", print_cost, rng)


def nn_model_ignoring_learning_rate(
    X,
    Y,
    n_h,
    num_iterations=10000,
    learning_rate=1.2,
    activation="tanh",
    print_cost=False,
    rng=None,
):
    return ref.nn_model(X, Y, n_h, num_iterations, 1.2, activation, print_cost, rng)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (nn_model_ignoring_activation, "ignoring the activation argument"),
        (nn_model_ignoring_learning_rate, "ignoring the learning_rate argument"),
    ],
)
@pytest.mark.parametrize("seed", SEEDS)
def test_hidden_nn_model_check_follows_the_student_s_own_steps(wrong, message, seed, monkeypatch):
    """Visible checks train with tanh and the default rate only; the hidden check replays two
    steps of gradient descent from the student's own parameters, whatever their random start."""
    monkeypatch.setenv("AUTOGRADER_SEED", seed)
    with pytest.raises(CheckFailure, match=message):
        hidden.nn_model(wrong)


def test_hidden_messages_never_show_reference_values(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", "1")
    with pytest.raises(CheckFailure) as failure:
        hidden.backward_propagation(backprop_without_1_over_m)
    assert "expected:" not in str(failure.value) and "got:" not in str(failure.value)
