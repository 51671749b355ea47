"""``utils.gradient_check``: numerical derivatives and the comparison with analytic gradients."""

from __future__ import annotations

import numpy as np
import pytest

from utils.gradient_check import (
    GradientCheck,
    gradient_check,
    numerical_gradient,
    numerical_gradients,
    relative_difference,
)


def test_numerical_gradient_of_known_functions():
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**2), x), 2 * x, atol=1e-8)
    np.testing.assert_allclose(
        numerical_gradient(lambda v: np.sum(np.sin(v)), x), np.cos(x), atol=1e-8
    )
    # A linear function: central differences are exact up to rounding.
    c = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(c * v), x), c, atol=1e-8)


def test_numerical_gradient_does_not_change_its_input():
    x = np.array([[1.0, 2.0]])
    before = x.copy()
    numerical_gradient(lambda v: float(v[0, 0] * v[0, 1]), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_accepts_integer_arrays():
    grad = numerical_gradient(lambda v: float(np.sum(v**3)), np.array([1, 2]))
    np.testing.assert_allclose(grad, [3.0, 12.0], rtol=1e-6)


def test_relative_difference():
    a = np.array([1.0, 2.0])
    assert relative_difference(a, a) == 0.0
    assert relative_difference(a, -a) == pytest.approx(1.0)
    assert relative_difference(np.zeros(3), np.zeros(3)) == 0.0
    # Scale-free: multiplying both by 1000 changes nothing.
    b = a + 1e-3
    assert relative_difference(1000 * a, 1000 * b) == pytest.approx(relative_difference(a, b))


def quadratic_problem():
    """J = sum(W1**2) + 3 sum(b1) + sum(W1) * b2, with its exact gradients."""
    parameters = {
        "W1": np.array([[1.0, -2.0], [0.5, 3.0]]),
        "b1": np.array([[0.5], [1.0]]),
        "b2": np.array([[2.0]]),
    }

    def cost(p):
        return float(np.sum(p["W1"] ** 2) + 3 * np.sum(p["b1"]) + np.sum(p["W1"]) * p["b2"][0, 0])

    grads = {
        "dW1": 2 * parameters["W1"] + parameters["b2"][0, 0],
        "db1": np.full((2, 1), 3.0),
        "db2": np.array([[np.sum(parameters["W1"])]]),
        "dA0": np.zeros((2, 5)),  # ignored: not a parameter
    }
    return cost, parameters, grads


def test_numerical_gradients_of_every_parameter():
    cost, parameters, grads = quadratic_problem()
    numerical = numerical_gradients(cost, parameters)
    assert set(numerical) == {"dW1", "db1", "db2"}
    for key, value in numerical.items():
        np.testing.assert_allclose(value, grads[key], atol=1e-7)


def test_gradient_check_passes_on_right_gradients_and_keeps_parameters():
    cost, parameters, grads = quadratic_problem()
    before = {k: v.copy() for k, v in parameters.items()}
    result = gradient_check(cost, parameters, grads)
    assert isinstance(result, GradientCheck)
    assert result.passed
    assert max(result.differences.values()) < 1e-8
    for key, value in before.items():
        np.testing.assert_array_equal(parameters[key], value)
    assert "all gradients agree" in result.report()


def test_gradient_check_finds_a_wrong_gradient():
    cost, parameters, grads = quadratic_problem()
    grads["db1"] = grads["db1"] / 2  # a wrong factor
    result = gradient_check(cost, parameters, grads)
    assert not result.passed
    assert result.worst[0] == "db1"
    assert result.differences["dW1"] < 1e-8
    report = result.report()
    assert "WRONG" in report and "some gradients disagree" in report


def test_gradient_check_reports_missing_and_misshapen_gradients():
    cost, parameters, grads = quadratic_problem()
    del grads["db2"]
    with pytest.raises(KeyError, match="db2"):
        gradient_check(cost, parameters, grads)
    cost, parameters, grads = quadratic_problem()
    grads["db1"] = grads["db1"].ravel()
    with pytest.raises(ValueError, match="shape"):
        gradient_check(cost, parameters, grads)
