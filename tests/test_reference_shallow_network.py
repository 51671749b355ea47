"""The reference of ``03_shallow_network`` against mathematics: known values, shapes on random
sizes, and every backward pass against numerical derivatives."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from autograder.reference import shallow_network as ref
from utils import course
from utils.datasets import load_planar
from utils.gradient_check import numerical_gradient

ACTIVATIONS = course.ACTIVATIONS


def _random_network(seed, activation="tanh"):
    rng = np.random.default_rng(seed)
    n_x, n_h, m = (int(v) for v in rng.integers(2, 7, size=3))
    X = rng.normal(size=(n_x, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    parameters = {
        "W1": rng.normal(size=(n_h, n_x)),
        "b1": rng.normal(size=(n_h, 1)),
        "W2": rng.normal(size=(1, n_h)),
        "b2": rng.normal(size=(1, 1)),
    }
    return X, Y, parameters, (n_x, n_h, m)


# --------------------------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------------------------
def test_activations_known_values():
    Z = np.array([[-np.log(3), 0.0, np.log(3), -2.0, 5.0]])
    assert np.allclose(
        ref.activation_forward(Z, "sigmoid"), [[0.25, 0.5, 0.75, 0.11920292, 0.99330715]]
    )
    assert np.allclose(ref.activation_forward(Z, "tanh")[0, :3], [-0.8, 0.0, 0.8])
    assert np.array_equal(ref.activation_forward(Z, "relu"), [[0.0, 0.0, np.log(3), 0.0, 5.0]])
    leaky = ref.activation_forward(Z, "leaky_relu")
    assert np.allclose(leaky, [[-0.01 * np.log(3), 0.0, np.log(3), -0.02, 5.0]])


def test_derivatives_follow_the_notes_at_zero_and_below():
    Z = np.array([[-3.0, -1e-9, 0.0, 1e-9, 2.0]])
    ones = np.ones_like(Z)
    assert np.array_equal(ref.activation_backward(ones, Z, "relu"), [[0, 0, 1, 1, 1]])
    assert np.array_equal(ref.activation_backward(ones, Z, "leaky_relu"), [[0.01, 0.01, 1, 1, 1]])
    assert ref.activation_backward(ones, np.zeros((1, 1)), "tanh")[0, 0] == 1.0
    assert ref.activation_backward(ones, np.zeros((1, 1)), "sigmoid")[0, 0] == 0.25
    assert ref.LEAKY_SLOPE == 0.01


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_backward_matches_numerical_derivative(activation):
    rng = np.random.default_rng(3)
    Z = rng.normal(0, 2, (3, 7))
    Z[np.abs(Z) < 1e-3] = 0.5  # away from the ReLU kink
    dA = rng.normal(size=Z.shape)

    def total(z):
        return float(np.sum(dA * ref.activation_forward(z, activation)))

    assert np.allclose(
        ref.activation_backward(dA, Z, activation), numerical_gradient(total, Z), atol=1e-7
    )


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activations_keep_shapes_and_do_not_warn_on_large_inputs(activation):
    Z = np.array([[-1000.0, -30.0, 0.0, 30.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A = ref.activation_forward(Z, activation)
        dZ = ref.activation_backward(np.ones_like(Z), Z, activation)
    assert A.shape == dZ.shape == Z.shape
    assert np.all(np.isfinite(A)) and np.all(np.isfinite(dZ))


def test_unknown_activation_is_an_error():
    with pytest.raises(ValueError, match="unknown activation"):
        ref.activation_forward(np.zeros((1, 2)), "softplus")


# --------------------------------------------------------------------------------------------
# Sizes and initialisation
# --------------------------------------------------------------------------------------------
def test_layer_sizes():
    assert ref.layer_sizes(np.zeros((5, 3)), np.zeros((2, 3))) == (5, 4, 2)
    assert ref.layer_sizes(np.zeros((2, 400)), np.zeros((1, 400)), n_h=9) == (2, 9, 1)


def test_initialize_parameters_shapes_scale_and_seed():
    parameters = ref.initialize_parameters(60, 50, 4, rng=np.random.default_rng(0))
    assert {k: v.shape for k, v in parameters.items()} == {
        "W1": (50, 60),
        "b1": (50, 1),
        "W2": (4, 50),
        "b2": (4, 1),
    }
    assert np.all(parameters["b1"] == 0) and np.all(parameters["b2"] == 0)
    assert abs(np.std(parameters["W1"]) - 0.01) < 0.0005
    again = ref.initialize_parameters(60, 50, 4, rng=np.random.default_rng(0))
    assert all(np.array_equal(parameters[k], again[k]) for k in parameters)
    assert ref.initialize_parameters(2, 3, 1)["W1"].shape == (3, 2)  # rng=None works


# --------------------------------------------------------------------------------------------
# Forward, cost, backward, update
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_propagation_shapes_and_consistency(seed, activation):
    X, _, parameters, (n_x, n_h, m) = _random_network(seed)
    A2, cache = ref.forward_propagation(X, parameters, activation)
    assert A2.shape == (1, m) and cache["A1"].shape == cache["Z1"].shape == (n_h, m)
    assert np.allclose(cache["Z1"], parameters["W1"] @ X + parameters["b1"])
    assert np.allclose(cache["A1"], ref.activation_forward(cache["Z1"], activation))
    assert np.allclose(cache["Z2"], parameters["W2"] @ cache["A1"] + parameters["b2"])
    assert np.array_equal(A2, cache["A2"]) and np.all((A2 > 0) & (A2 < 1))


def test_compute_cost_known_value_and_saturation():
    A2 = np.array([[0.8, 0.1, 0.5, 0.75]])
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    cost = ref.compute_cost(A2, Y)
    assert isinstance(cost, float)
    assert np.isclose(cost, np.log(100 / 9) / 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        saturated = ref.compute_cost(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))
    assert np.isfinite(saturated) and saturated > 30


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backward_propagation_matches_numerical_derivatives(seed, activation):
    X, Y, parameters, (n_x, n_h, m) = _random_network(seed)
    _, cache = ref.forward_propagation(X, parameters, activation)
    assert np.min(np.abs(cache["Z1"])) > 1e-4  # no ReLU kink within the finite differences
    grads = ref.backward_propagation(parameters, cache, X, Y, activation)
    for key in ("W1", "b1", "W2", "b2"):

        def cost(value, key=key):
            A2, _ = ref.forward_propagation(X, dict(parameters, **{key: value}), activation)
            return ref.compute_cost(A2, Y)

        assert grads["d" + key].shape == parameters[key].shape
        assert np.allclose(grads["d" + key], numerical_gradient(cost, parameters[key]), atol=1e-7)


def test_update_parameters_is_one_step_and_leaves_inputs_alone():
    X, Y, parameters, _ = _random_network(0)
    before = {k: v.copy() for k, v in parameters.items()}
    grads = {"d" + k: np.ones_like(v) for k, v in parameters.items()}
    new = ref.update_parameters(parameters, grads, learning_rate=0.5)
    for key in parameters:
        assert np.array_equal(parameters[key], before[key])
        assert np.allclose(new[key], before[key] - 0.5)
    assert np.allclose(ref.update_parameters(parameters, grads)["W1"], before["W1"] - 1.2)


# --------------------------------------------------------------------------------------------
# Training and prediction
# --------------------------------------------------------------------------------------------
def test_nn_model_solves_the_flower_where_logistic_regression_cannot():
    X, Y = load_planar("flower")
    parameters = ref.nn_model(X, Y, 4, num_iterations=5000, rng=np.random.default_rng(1))
    accuracy = np.mean(ref.predict(parameters, X) == Y)
    assert accuracy > 0.9
    A2, _ = ref.forward_propagation(X, parameters)
    assert ref.compute_cost(A2, Y) < 0.3 < np.log(2)  # the cost at initialisation is ln 2


def test_nn_model_same_seed_same_result_and_prints_costs(capsys):
    X, Y = load_planar("moons", m=60)
    first = ref.nn_model(
        X, Y, 3, num_iterations=1001, print_cost=True, rng=np.random.default_rng(2)
    )
    again = ref.nn_model(X, Y, 3, num_iterations=1001, rng=np.random.default_rng(2))
    assert all(np.array_equal(first[k], again[k]) for k in first)
    printed = capsys.readouterr().out
    assert "iteration 0:" in printed and "iteration 1000:" in printed


def test_predict_thresholds_at_one_half():
    parameters = {
        "W1": np.eye(2),
        "b1": np.zeros((2, 1)),
        "W2": np.array([[2.0, -2.0]]),
        "b2": np.array([[0.5]]),
    }
    X = np.array([[3.0, 0.0, 0.0, -3.0], [0.0, 3.0, 0.0, 0.0]])
    assert np.array_equal(ref.predict(parameters, X), [[1, 0, 1, 0]])
    assert np.array_equal(ref.predict(parameters, X, "relu"), [[1, 0, 1, 1]])
