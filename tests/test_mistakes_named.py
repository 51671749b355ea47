"""The mistakes of the issue's table get the right name (or none rather than a wrong one).

Each wrong answer is written as the students wrote it; its first failure must name what
happened, in the student's kernel and at grading alike (the hidden check names the axis and
factor mistakes of 01 too, without showing values).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograder.reference import shallow_network as ref_shallow
from tests.recording import graded_verdict, hidden_verdict, kernel_verdict


def sigmoid_math_exp(z):
    return 1 / (1 + math.exp(-z))


def sigmoid_loop(z):
    s = np.zeros(np.shape(z))
    for i in range(len(z)):
        s[i] = 1 / (1 + np.exp(-z[i]))
    return s


def sigmoid_precedence(z):
    return 1 / 1 + np.exp(-z)


def _s(z):
    return 1 / (1 + np.exp(-z))


def derivative_at(z):
    s = _s(z)
    return s @ (1 - s)


def derivative_dot(z):
    s = _s(z)
    return np.dot(s, (1 - s).T)


def derivative_one_minus_z(z):
    return _s(z) * (1 - z)


def normalize_rows_axis0(x):
    return x / np.linalg.norm(x, axis=0, keepdims=True)


def column_percentages_axis1(A):
    return 100 * A / np.sum(A, axis=1, keepdims=True)


def column_percentages_no_100(A):
    return A / np.sum(A, axis=0, keepdims=True)


def backward_db1_axis0(parameters, cache, X, Y, activation="tanh"):
    grads = ref_shallow.backward_propagation(parameters, cache, X, Y, activation)
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = parameters["W2"].T @ dZ2 * ref_shallow.activation_backward(1.0, cache["Z1"], activation)
    return {**grads, "db1": np.sum(dZ1, axis=0, keepdims=True) / m}


def backward_tanh_one_minus_A1(parameters, cache, X, Y, activation="tanh"):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = parameters["W2"].T @ dZ2 * (1 - cache["A1"])
    return {
        "dW1": dZ1 @ X.T / m,
        "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
        "dW2": dZ2 @ cache["A1"].T / m,
        "db2": np.sum(dZ2, axis=1, keepdims=True) / m,
    }


TABLE = [
    ("numpy_basics", "sigmoid", sigmoid_math_exp, "np.exp", None),
    ("numpy_basics", "sigmoid", sigmoid_loop, "loop over len(", None),
    ("numpy_basics", "sigmoid", sigmoid_precedence, "brackets: 1 / (1 + np.exp(-z))", None),
    ("numpy_basics", "sigmoid_derivative", derivative_at, "is written with `*`", None),
    ("numpy_basics", "sigmoid_derivative", derivative_dot, "where the element-wise `*`", None),
    (
        "numpy_basics",
        "sigmoid_derivative",
        derivative_one_minus_z,
        "s(1-z) instead of s(1-s)",
        None,
    ),
    ("numpy_basics", "normalize_rows", normalize_rows_axis0, "axis=0", "axis=0"),
    ("numpy_basics", "column_percentages", column_percentages_axis1, "axis=1", "axis=1"),
    ("numpy_basics", "column_percentages", column_percentages_no_100, "factor 100", "factor 100"),
    ("shallow_network", "backward_propagation", backward_db1_axis0, "axis=0", None),
    ("shallow_network", "backward_propagation", backward_tanh_one_minus_A1, "1 - A1 instead", None),
]


@pytest.mark.parametrize(
    ("module", "function", "student", "named", "hidden_named"),
    TABLE,
    ids=[row[2].__name__ for row in TABLE],
)
def test_the_mistake_is_named(module, function, student, named, hidden_named):
    student.__name__ = function
    in_kernel = kernel_verdict(module, function, student)
    assert in_kernel[0] == "failed"
    assert named in in_kernel[1], in_kernel[1]
    assert graded_verdict(module, function, student) == in_kernel
    if hidden_named:
        hidden = hidden_verdict(module, function, student)
        assert hidden.status == "failed" and hidden_named in hidden.message, hidden.message


def test_a_wrong_derivative_at_zero_is_not_misnamed():
    """s(1-z) equals s at z = 0: the message must not call it "s instead of s(1-s)"."""
    derivative_one_minus_z.__name__ = "sigmoid_derivative"
    message = kernel_verdict("numpy_basics", "sigmoid_derivative", derivative_one_minus_z)[1]
    assert "s instead of s(1-s)" not in message
