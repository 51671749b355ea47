"""Visible and hidden checks of 01_numpy_basics: the reference passes, wrong answers fail with
the intended message."""

from __future__ import annotations

import numpy as np
import pytest

import autograder.hidden.numpy_basics as hidden
from autograder.reference import numpy_basics as ref
from utils import course
from utils.checks import CheckFailure
from utils.visible_checks import numpy_basics as visible

FUNCTIONS = course.assignment("numpy_basics").functions


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_reference_passes_visible_and_hidden_checks(name, seed, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", seed)
    getattr(visible, f"check_{name}")(getattr(ref, name))
    getattr(hidden, name)(getattr(ref, name))


def _sigmoid_plus(z):
    return 1 / (1 + np.exp(z))


def _sigmoid_rank1_scalar(z):
    return np.atleast_1d(1 / (1 + np.exp(-np.asarray(z))))


def _derivative_of_z(z):
    return z * (1 - z)


def _derivative_without_s(z):
    return ref.sigmoid(z)


def _flatten_mixed(images):
    return images.reshape(-1, images.shape[0])


def _flatten_rows(images):
    return images.reshape(images.shape[0], -1)


def _normalize_no_keepdims(x):
    return x / np.linalg.norm(x, axis=1)


def _normalize_whole(x):
    return x / np.linalg.norm(x)


def _normalize_in_place(x):
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def _percent_rows(A):
    return 100 * A / A.sum(axis=1, keepdims=True)


def _percent_no_100(A):
    return A / A.sum(axis=0, keepdims=True)


WRONG = [
    ("sigmoid", _sigmoid_plus, "e\\^z instead of e\\^-z"),
    ("sigmoid", _sigmoid_rank1_scalar, "real scalar, got an array of shape \\(1,\\)"),
    ("sigmoid_derivative", _derivative_of_z, "z\\(1-z\\) instead of s\\(1-s\\)"),
    ("sigmoid_derivative", _derivative_without_s, "s instead of s\\(1-s\\)"),
    ("flatten_images", _flatten_mixed, "mixes pixels of different images"),
    ("flatten_images", _flatten_rows, "transposed"),
    ("normalize_rows", _normalize_no_keepdims, "keepdims=True"),
    ("normalize_rows", _normalize_whole, "norm of the whole matrix"),
    # The fix is said for an array named x, never in words of W or of dicts.
    (
        "normalize_rows",
        _normalize_in_place,
        "changed its input `x` in place.*not `x -= ...`, `x /= ...`",
    ),
    ("column_percentages", _percent_rows, "row sums \\(axis=1\\) instead of column sums"),
    ("column_percentages", _percent_no_100, "a missing factor 100"),
]


@pytest.mark.parametrize(("name", "wrong", "message"), WRONG, ids=[w[1].__name__ for w in WRONG])
def test_wrong_implementation_fails_visible_and_hidden_checks(name, wrong, message, monkeypatch):
    wrong.__name__ = name  # messages name the student's function
    with pytest.raises(CheckFailure, match=message):
        getattr(visible, f"check_{name}")(wrong)
    monkeypatch.setenv("AUTOGRADER_SEED", "7")
    with pytest.raises(CheckFailure, match=name):
        getattr(hidden, name)(wrong)


def test_hidden_messages_say_where_but_not_the_reference_values(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", "11")

    def sigmoid(z):
        return 1 / (1 + np.exp(-2 * np.asarray(z)))

    with pytest.raises(CheckFailure) as info:
        hidden.sigmoid(sigmoid)
    message = str(info.value)
    assert "on a random" in message and "max relative error" in message
    assert "expected" not in message


def test_same_seed_draws_the_same_hidden_inputs(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", "5")
    a = hidden.normalize_rows.cases()
    b = hidden.normalize_rows.cases()
    assert [c.args[0].shape for c in a] == [c.args[0].shape for c in b]
    np.testing.assert_array_equal(a[0].args[0], b[0].args[0])
