"""Functions that take ``rng`` must draw from it, and leave NumPy's global random state alone.

The wrong answers are those real students handed in (they got full marks when the checks only
compared two calls with the same seed): ``np.random.seed(2)`` inside
``initialize_parameters``, ``np.random.seed(1)`` inside ``two_layer_model``; and two more of
the same family: ``np.random.randn`` without a seed (uses the global state), and a generator
seeded inside the function (ignores ``rng``). Each must fail the visible check in the kernel
and at grading, and the hidden check, with a message that names the mistake.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.reference import deep_network as ref_deep
from autograder.reference import deep_network_application as ref_app
from autograder.reference import shallow_network as ref_shallow
from tests.recording import graded_verdict, hidden_verdict, kernel_verdict
from utils import checks

NAMED = "draws from np.random / reseeds it: draw from rng"  # the message the issue asks for


def initialize_parameters_reseeds(n_x, n_h, n_y, rng=None):
    np.random.seed(2)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initialize_parameters_fixed_generator(n_x, n_h, n_y, rng=None):
    rng = np.random.default_rng(1)
    return {
        "W1": rng.standard_normal((n_h, n_x)) * 0.01,
        "b1": np.zeros((n_h, 1)),
        "W2": rng.standard_normal((n_y, n_h)) * 0.01,
        "b2": np.zeros((n_y, 1)),
    }


def initialize_parameters_deep_global(layer_dims, scale=0.01, rng=None):
    parameters = {}
    for l in range(1, len(layer_dims)):  # noqa: E741
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        if scale == "he":
            factor = np.sqrt(2 / n_prev)
        elif scale == "xavier":
            factor = np.sqrt(1 / n_prev)
        else:
            factor = scale
        parameters[f"W{l}"] = np.random.randn(n, n_prev) * factor
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


def two_layer_model_reseeds(
    X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False, rng=None
):
    np.random.seed(1)
    return ref_app.two_layer_model(
        X, Y, layers_dims, learning_rate, num_iterations, print_cost, rng=rng
    )


def nn_model_with_reseeding_init(X, Y, n_h, num_iterations=10000, learning_rate=1.2,
                                 activation="tanh", print_cost=False, rng=None):  # fmt: skip
    parameters = initialize_parameters_reseeds(X.shape[0], n_h, Y.shape[0])
    for _ in range(num_iterations):
        A2, cache = ref_shallow.forward_propagation(X, parameters, activation)
        grads = ref_shallow.backward_propagation(parameters, cache, X, Y, activation)
        parameters = ref_shallow.update_parameters(parameters, grads, learning_rate)
    return parameters


WRONG = [
    ("shallow_network", "initialize_parameters", initialize_parameters_reseeds, NAMED),
    ("shallow_network", "initialize_parameters", initialize_parameters_fixed_generator, "seeds"),
    ("shallow_network", "nn_model", nn_model_with_reseeding_init, NAMED),
    ("deep_network", "initialize_parameters_deep", initialize_parameters_deep_global, NAMED),
    ("deep_network_application", "two_layer_model", two_layer_model_reseeds, NAMED),
]


@pytest.mark.parametrize(("module", "function", "student", "named"), WRONG)
def test_a_function_that_does_not_draw_from_rng_fails(module, function, student, named):
    student.__name__ = function
    in_kernel = kernel_verdict(module, function, student)
    assert in_kernel[0] == "failed"
    assert NAMED in in_kernel[1], in_kernel[1]
    if named == "seeds":
        assert "two different seeds" in in_kernel[1]
    assert graded_verdict(module, function, student) == in_kernel
    hidden = hidden_verdict(module, function, student)
    if named == NAMED:  # a fixed generator inside is caught by the visible check only
        assert hidden.status == "failed" and NAMED in hidden.message, hidden.message


@pytest.mark.parametrize(
    ("module", "function", "reference"),
    [
        ("shallow_network", "initialize_parameters", ref_shallow.initialize_parameters),
        ("deep_network", "initialize_parameters_deep", ref_deep.initialize_parameters_deep),
        ("deep_network_application", "two_layer_model", ref_app.two_layer_model),
    ],
)
def test_drawing_from_rng_passes_whatever_the_global_state(module, function, reference):
    np.random.seed(0)
    state = np.random.get_state()
    assert kernel_verdict(module, function, reference) == ("passed", "")
    assert graded_verdict(module, function, reference) == ("passed", "")
    assert hidden_verdict(module, function, reference).status == "passed"
    after = np.random.get_state()
    assert after[2] == state[2] and np.array_equal(after[1], state[1])


def test_the_call_records_a_change_of_the_global_state():
    assert checks.call(lambda: np.random.seed(3)).global_random
    assert checks.call(lambda: np.random.randn(2)).global_random
    assert not checks.call(lambda: np.random.default_rng(3).standard_normal(2)).global_random
