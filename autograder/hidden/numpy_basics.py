"""Hidden checks of ``01_numpy_basics``: fresh random inputs of random shapes."""

from __future__ import annotations

import numpy as np

from autograder.hidden.framework import Case, HiddenCheck, judge_like_reference, shape_text
from autograder.reference import numpy_basics as ref


def _elementwise_cases(rng: np.random.Generator) -> list[Case]:
    """A scalar, a random matrix with large values (saturation) and a random row vector."""
    n, m = rng.integers(2, 9), rng.integers(5, 30)
    Z = rng.normal(0, 4, size=(n, m))
    Z[0, 0], Z[-1, -1] = 40.0, -40.0
    return [
        Case((float(rng.normal()),), where="on a random scalar", context={"family": "a scalar"}),
        Case((Z,), where=f"on a random {shape_text(n, m)} input", context={"family": "arrays"}),
        Case(
            (rng.normal(size=(1, m)),),
            where=f"on a random {shape_text(1, m)} input",
            context={"family": "arrays"},
        ),
    ]


sigmoid = HiddenCheck("sigmoid", _elementwise_cases, judge_like_reference("s", ref.sigmoid))
sigmoid_derivative = HiddenCheck(
    "sigmoid_derivative", _elementwise_cases, judge_like_reference("ds", ref.sigmoid_derivative)
)


def _flatten_cases(rng: np.random.Generator) -> list[Case]:
    """A grey and a colour stack of random size."""
    grey = tuple(int(s) for s in rng.integers(2, 7, size=3))
    colour = (*(int(s) for s in rng.integers(2, 6, size=3)), 3)
    return [
        Case(
            (rng.random(shape),),
            where=f"on random images of shape {shape}",
            context={"family": family},
        )
        for shape, family in ((grey, "images (m, h, w)"), (colour, "images (m, h, w, c)"))
    ]


flatten_images = HiddenCheck(
    "flatten_images", _flatten_cases, judge_like_reference("X", ref.flatten_images)
)


def _matrix_cases(rng: np.random.Generator) -> list[Case]:
    """A tall random matrix and a square one (where broadcasting mistakes hide)."""
    n, d = rng.integers(3, 12), rng.integers(2, 6)
    k = rng.integers(3, 7)
    return [
        Case((rng.random((n, d)) + 0.1,), where=f"on a random {shape_text(n, d)} input"),
        Case((rng.random((k, k)) + 0.1,), where=f"on a random {shape_text(k, k)} input"),
    ]


def _matrix_mistakes(name: str, x: np.ndarray) -> dict:
    """The values known mistakes give on ``x`` (named in the message, never shown)."""
    if name == "normalize_rows":
        return {
            "the column norms (axis=0) instead of the row norms (axis=1)": x
            / np.linalg.norm(x, axis=0, keepdims=True),
            "the norm of the whole matrix (np.linalg.norm without axis=1)": x / np.linalg.norm(x),
        }
    rows = x.sum(axis=1, keepdims=True)
    return {
        "row sums (axis=1) instead of column sums (axis=0)": 100 * x / rows,
        "a missing factor 100": x / x.sum(axis=0, keepdims=True),
        "row sums (axis=1) instead of column sums, and a missing factor 100": x / rows,
    }


normalize_rows = HiddenCheck(
    "normalize_rows",
    _matrix_cases,
    judge_like_reference("x_normalized", ref.normalize_rows, _matrix_mistakes),
)
column_percentages = HiddenCheck(
    "column_percentages",
    _matrix_cases,
    judge_like_reference("P", ref.column_percentages, _matrix_mistakes),
)
