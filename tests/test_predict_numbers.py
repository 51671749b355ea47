"""What a prediction is: the numbers 0 and 1, as the notebooks' text asks, never booleans.

02 says "`A > 0.5` gives booleans; `.astype(float)` turns them into numbers" and 03 the same;
a ``predict`` returning the comparison itself used to pass the visible checks.
"""

from __future__ import annotations

import functools

import pytest

from autograder.reference import logistic_regression as ref_lr
from autograder.reference import shallow_network as ref_shallow
from tests.recording import graded_verdict, hidden_verdict, kernel_verdict

PREDICTS = [
    ("logistic_regression", ref_lr.predict),
    ("shallow_network", ref_shallow.predict),
]


def _as(dtype, predict):
    @functools.wraps(predict)
    def student(*args, **kwargs):
        return (
            predict(*args, **kwargs) > 0.5
            if dtype is bool
            else predict(*args, **kwargs).astype(dtype)
        )

    return student


@pytest.mark.parametrize(("module", "predict"), PREDICTS)
def test_booleans_are_not_predictions(module, predict):
    student = _as(bool, predict)
    in_kernel = kernel_verdict(module, "predict", student)
    assert in_kernel[0] == "failed" and "booleans" in in_kernel[1], in_kernel
    assert graded_verdict(module, "predict", student) == in_kernel
    hidden = hidden_verdict(module, "predict", student)
    assert hidden.status == "failed" and "booleans" in hidden.message, hidden.message


@pytest.mark.parametrize(("module", "predict"), PREDICTS)
@pytest.mark.parametrize("dtype", [float, int])
def test_numbers_0_and_1_are_predictions(module, predict, dtype):
    student = _as(dtype, predict)
    assert kernel_verdict(module, "predict", student) == ("passed", "")
    assert graded_verdict(module, "predict", student) == ("passed", "")
    assert hidden_verdict(module, "predict", student).status == "passed"


def test_model_predictions_are_numbers_too():
    @functools.wraps(ref_lr.model)
    def model(*args, **kwargs):
        d = ref_lr.model(*args, **kwargs)
        return {**d, "Y_prediction_test": d["Y_prediction_test"] > 0.5}

    in_kernel = kernel_verdict("logistic_regression", "model", model)
    assert in_kernel[0] == "failed" and "booleans" in in_kernel[1], in_kernel
    assert "booleans" in hidden_verdict("logistic_regression", "model", model).message
