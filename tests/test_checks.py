"""The check vocabulary: each message is triggered by a wrong implementation that makes it."""

from __future__ import annotations

import numpy as np
import pytest

from utils import checks
from utils.checks import CheckFailure


def _column_means(X):
    return np.mean(X, axis=1, keepdims=True)


def test_call_returns_the_output_and_names_the_inputs():
    X = np.ones((2, 3))
    run = checks.call(_column_means, X)
    assert run.func_name == "_column_means"
    np.testing.assert_array_equal(run.output, np.ones((2, 1)))
    assert set(run.inputs) == {"X"}


def test_call_reports_a_function_not_implemented_yet():
    def propagate(w, b, X, Y):
        raise NotImplementedError()

    with pytest.raises(CheckFailure, match="propagate is not implemented yet"):
        checks.call(propagate, 1, 2, 3, 4)


def test_call_reports_an_exception_with_where_it_happened():
    def cost(A):
        return A / undefined_name  # noqa: F821

    with pytest.raises(CheckFailure, match=r"cost raised NameError on a random 3x4 input"):
        checks.call(cost, np.ones(3), where="on a random 3x4 input")


def test_call_names_missing_keepdims_when_broadcasting_fails():
    def normalize_rows(x):
        return x / np.linalg.norm(x, axis=1)  # (n,) against (n, d): missing keepdims

    with pytest.raises(CheckFailure, match="keepdims=True"):
        checks.call(normalize_rows, np.ones((3, 2)))


def test_tuple_structure():
    checks.expect_tuple("propagate", ({}, 1.0), ("grads", "cost"))
    with pytest.raises(CheckFailure, match=r"should return a tuple \(grads, cost\), got a dict"):
        checks.expect_tuple("propagate", {"grads": 1}, ("grads", "cost"))
    with pytest.raises(CheckFailure, match="of length 2, got a tuple of length 3"):
        checks.expect_tuple("propagate", (1, 2, 3), ("grads", "cost"))


def test_dict_keys_name_the_missing_and_the_unexpected():
    checks.expect_keys("f", "grads", {"dw": 1, "db": 2}, ["dw", "db"])
    with pytest.raises(CheckFailure, match=r"missing \['db'\], unexpected \['dW'\]"):
        checks.expect_keys("f", "grads", {"dw": 1, "dW": 2}, ["dw", "db"])
    with pytest.raises(CheckFailure, match="should be a dict, got a list"):
        checks.expect_keys("f", "grads", [1], ["dw"])


def test_type():
    checks.expect_type("f", "costs", [1.0], list)
    with pytest.raises(CheckFailure, match="`costs` should be a list, got an array of shape"):
        checks.expect_type("f", "costs", np.ones(3), list)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (np.ones(4), "rank-1 array"),
        (np.ones((1, 4)), "transposed"),
        (np.ones((4, 4)), "mixing up the element-wise `\\*` and the matrix product"),
        ([1, 2, 3, 4], "NumPy array of shape \\(4, 1\\), got a list"),
        (np.ones((3, 1)), "should have shape \\(4, 1\\), got \\(3, 1\\)"),
    ],
)
def test_shape_names_the_known_mistake(value, fragment):
    with pytest.raises(CheckFailure, match=fragment):
        checks.expect_shape("propagate", "dw", value, (4, 1))


def test_shape_passes_the_exact_shape_and_gives_the_rank1_cause():
    checks.expect_shape("f", "db1", np.zeros((3, 1)), (3, 1))
    with pytest.raises(CheckFailure, match="often np.sum without keepdims=True"):
        checks.expect_shape(
            "f", "db1", np.zeros(3), (3, 1), rank1_hint="np.sum without keepdims=True"
        )


def test_a_square_result_from_elementwise_product_is_named():
    # w * x with w (3, 1) and x (1, 3) broadcasts to (3, 3) where W @ X of shape (3, 5) was meant.
    w, x = np.ones((3, 1)), np.ones((1, 3))
    with pytest.raises(CheckFailure, match="matrix product"):
        checks.expect_shape("f", "Z", w * x, (3, 5))


@pytest.mark.parametrize("value", [0.5, np.float64(0.5), np.array(0.5), np.float32(0.5), 1])
def test_any_real_scalar_is_accepted(value):
    assert checks.expect_scalar("f", "cost", value) == pytest.approx(float(value))


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (np.array([[0.5]]), "array of shape \\(1, 1\\).*float\\(\\.\\.\\.\\)"),
        (np.ones(3), "real scalar, got an array of shape \\(3,\\)"),
        ("0.5", "real scalar, got a str"),
        (True, "real scalar, got a bool"),
        (None, "real scalar, got None"),
    ],
)
def test_non_scalars_are_refused(value, fragment):
    with pytest.raises(CheckFailure, match=fragment):
        checks.expect_scalar("f", "cost", value)


def test_mutated_input_is_named():
    def update_parameters(parameters, grads, learning_rate):
        parameters["W1"] -= learning_rate * grads["dW1"]
        return parameters

    params = {"W1": np.ones((2, 2))}
    run = checks.call(update_parameters, params, {"dW1": np.ones((2, 2))}, 0.1)
    with pytest.raises(CheckFailure, match="update_parameters changed its input `parameters`"):
        checks.expect_unchanged(run)


def test_unchanged_inputs_pass_and_rng_may_be_consumed():
    def init(n, rng):
        return rng.normal(size=(n, 1))

    run = checks.call(init, 3, np.random.default_rng(0))
    checks.expect_unchanged(run)


def test_close_values_pass_within_tolerance():
    checks.expect_close("f", "A", np.array([1.0, 2.0]) * (1 + 1e-8), np.array([1.0, 2.0]))
    checks.expect_close("f", "cost", np.float64(0.0), 0.0)


def test_wrong_values_show_expected_and_got_and_the_error():
    with pytest.raises(CheckFailure) as info:
        checks.expect_close("propagate", "dw", np.array([[2.0], [4.0]]), np.array([[1.0], [2.0]]))
    message = str(info.value)
    assert "propagate: `dw` has wrong values, max relative error 1" in message
    # Every row lines up under the first, after the 12 characters of "  expected: ".
    assert "expected: [[1.]\n" + " " * 12 + " [2.]]" in message
    assert "got:      [[2.]\n" + " " * 12 + " [4.]]" in message


def test_known_mistake_is_named_when_the_values_match_it():
    m = 5
    expected = np.array([[0.1], [0.2]])
    with pytest.raises(CheckFailure, match="This is what a missing 1/m gives"):
        checks.expect_close(
            "propagate", "dw", expected * m, expected, mistakes={"a missing 1/m": expected * m}
        )


def test_hidden_style_messages_hide_the_values():
    with pytest.raises(CheckFailure) as info:
        checks.expect_close(
            "propagate",
            "dw",
            np.ones((7, 1)),
            np.zeros((7, 1)) + 0.5,
            where="on a random 7x23 input",
            show_values=False,
        )
    message = str(info.value)
    assert "on a random 7x23 input, max relative error 1" in message
    assert "expected" not in message and "0.5" not in message


def test_nan_is_never_close():
    with pytest.raises(CheckFailure, match="max relative error inf"):
        checks.expect_close("f", "cost", np.nan, 0.3)


def test_binary_values():
    checks.expect_binary("predict", "Y_prediction", np.array([[0.0, 1.0, 1.0]]))
    with pytest.raises(CheckFailure, match="only 0 and 1.*Threshold"):
        checks.expect_binary("predict", "Y_prediction", np.array([[0.2, 0.9]]))


def test_all_passed_says_hidden_checks_run_at_grading(capsys):
    checks.all_passed("sigmoid")
    out = capsys.readouterr().out
    assert "All visible checks of sigmoid passed" in out and "graded" in out
