"""Visible checks of ``01_numpy_basics``."""

from __future__ import annotations

import numpy as np

from utils import checks

# Points where the sigmoid takes exact values: sigma(ln k) = k / (k + 1).
_Z = np.log(np.array([[1.0, 3.0, 1 / 3], [9.0, 1 / 9, 4.0]]))
_S = np.array([[0.5, 0.75, 0.25], [0.9, 0.1, 0.8]])
PRECEDENCE = "1 / 1 + np.exp(-z), which is (1 / 1) + e^-z (brackets: 1 / (1 + np.exp(-z)))"


def _expect_array(name, func, x, var, expected, *, mistakes, label=None):
    """Call ``func(x)`` and check its result: the shape of ``expected``, ``x`` unchanged, then
    the values (as ``label``, by default ``var``), the known mistakes named."""
    run = checks.call(func, x)
    checks.expect_shape(name, var, run.output, expected.shape)
    checks.expect_unchanged(run)
    checks.expect_close(name, label or var, run.output, expected, mistakes=mistakes)


def check_sigmoid(sigmoid):
    """Check ``sigmoid`` on a scalar and on a (2, 3) array of exactly known values."""
    name = "sigmoid"
    run = checks.call(sigmoid, 0.0)
    s0 = checks.expect_scalar(name, "sigmoid(0.0)", run.output)
    checks.expect_close(name, "sigmoid(0.0)", s0, 0.5, mistakes={PRECEDENCE: 2.0})

    _expect_array(
        name,
        sigmoid,
        _Z.copy(),
        "s",
        _S,
        mistakes={
            "e^z instead of e^-z": 1 - _S,
            "the slope s(1-s) instead of s": _S * (1 - _S),
            PRECEDENCE: 1 + np.exp(-_Z),
        },
    )
    checks.all_passed(name)


def check_sigmoid_derivative(sigmoid_derivative):
    """Check ``sigmoid_derivative`` where s(1-s) is known exactly."""
    name = "sigmoid_derivative"
    # At z = ln 3, s = 3/4 and s(1-s) = 3/16; the known mistakes all give other values there
    # (at z = 0, s(1-z) and s would both give 1/2, and could not be told apart).
    z = float(np.log(3.0))
    run = checks.call(sigmoid_derivative, z)
    ds0 = checks.expect_scalar(name, "sigmoid_derivative(ln 3)", run.output)
    checks.expect_close(
        name,
        "sigmoid_derivative(ln 3)",
        ds0,
        3 / 16,
        mistakes={
            "s instead of s(1-s)": 0.75,
            "z(1-z) instead of s(1-s) with s = sigmoid(z)": z * (1 - z),
            "s(1-z) instead of s(1-s)": 0.75 * (1 - z),
            "s * 1 - s, which is 0 (brackets: s * (1 - s))": 0.0,
        },
    )

    run = checks.call(sigmoid_derivative, _Z.copy())
    checks.expect_shape_with_mistakes(
        name,
        "ds",
        run.output,
        (2, 3),
        mistakes={
            "a matrix product (np.dot or @) where the element-wise `*` was meant "
            "(s(1-s) is taken entry by entry)": (2, 2)
        },
    )
    checks.expect_unchanged(run)
    expected = _S * (1 - _S)  # 0.25, 0.1875, 0.1875, 0.09, 0.09, 0.16
    checks.expect_close(
        name,
        "ds",
        run.output,
        expected,
        mistakes={
            "s instead of s(1-s)": _S,
            "z(1-z) instead of s(1-s) with s = sigmoid(z)": _Z * (1 - _Z),
            "s(1-z) instead of s(1-s)": _S * (1 - _Z),
            "s(1+s) instead of s(1-s)": _S * (1 + _S),
            "s * 1 - s, which is 0 (brackets: s * (1 - s))": np.zeros_like(_S),
        },
    )
    checks.all_passed(name)


def check_flatten_images(flatten_images):
    """Check ``flatten_images`` on grey (m, h, w) and colour (m, h, w, c) stacks."""
    name = "flatten_images"
    for shape in [(3, 2, 4), (2, 3, 2, 3)]:
        images = np.arange(np.prod(shape), dtype=float).reshape(shape)
        m, n_x = shape[0], int(np.prod(shape[1:]))
        # Column i must be image i read row by row: built here with a loop, on purpose.
        expected = np.zeros((n_x, m))
        for i in range(m):
            expected[:, i] = [value for value in images[i].flat]
        _expect_array(
            name,
            flatten_images,
            images,
            "X",
            expected,
            label=f"X for images of shape {shape}",
            mistakes={
                "reshape(-1, m), which mixes pixels of different images "
                "(use reshape(m, -1).T)": images.reshape(-1, m),
                "flattening each image in column (Fortran) order": np.stack(
                    [img.ravel(order="F") for img in images], axis=1
                ),
            },
        )
    checks.all_passed(name)


def check_normalize_rows(normalize_rows):
    """Check ``normalize_rows`` on rows whose norms are whole numbers (3-4-5 triangles)."""
    name = "normalize_rows"
    x = np.array([[3.0, 4.0], [6.0, 8.0], [0.0, -2.0]])
    expected = np.array([[0.6, 0.8], [0.6, 0.8], [0.0, -1.0]])
    _expect_array(
        name,
        normalize_rows,
        x,
        "x_normalized",
        expected,
        mistakes={
            "the norm of the whole matrix (np.linalg.norm without axis=1)": x / np.sqrt(129.0),
            "the squared norm (a missing square root)": x / np.array([[25.0], [100.0], [4.0]]),
            # column norms: sqrt(9 + 36 + 0), sqrt(16 + 64 + 4)
            "the column norms (axis=0) instead of the row norms (axis=1)": x
            / np.sqrt(np.array([[45.0, 84.0]])),
        },
    )
    # A square input, where dividing by a rank-1 norm vector broadcasts along the wrong axis.
    x = np.array([[3.0, 4.0], [6.0, 8.0]])
    run = checks.call(normalize_rows, x)
    checks.expect_shape(name, "x_normalized", run.output, (2, 2))
    checks.expect_close(
        name,
        "x_normalized of a square x",
        run.output,
        np.array([[0.6, 0.8], [0.6, 0.8]]),
        mistakes={
            "missing keepdims=True (each column was divided instead of each row)": x
            / np.array([5.0, 10.0]),
            "the column norms (axis=0) instead of the row norms": x
            / np.sqrt(np.array([45.0, 80.0])),
        },
    )
    checks.all_passed(name)


def check_column_percentages(column_percentages):
    """Check ``column_percentages`` on a square table with whole-number percentages."""
    name = "column_percentages"
    A = np.array([[1.0, 2.0, 3.0], [1.0, 6.0, 1.0], [2.0, 2.0, 6.0]])  # column sums 4, 10, 10
    expected = np.array([[25.0, 20.0, 30.0], [25.0, 60.0, 10.0], [50.0, 20.0, 60.0]])
    _expect_array(
        name,
        column_percentages,
        A,
        "P",
        expected,
        mistakes={
            "row sums (axis=1) instead of column sums": 100 * A / np.array([[6.0], [8.0], [10.0]]),
            "row sums without keepdims (axis=1, broadcast along columns)": 100
            * A
            / np.array([6.0, 8.0, 10.0]),
            "a missing factor 100": expected / 100,
            "row sums (axis=1) instead of column sums, and a missing factor 100": A
            / np.array([[6.0], [8.0], [10.0]]),
            "the sum of the whole table instead of each column": 100 * A / 24.0,
        },
    )
    checks.all_passed(name)
