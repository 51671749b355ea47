"""Shapes and scalars: exact array shapes, with rank-1, transposed and other known slips named."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from utils.checks.messages import CheckFailure, describe


def expect_shape(
    func_name: str,
    var: str,
    value: Any,
    shape: tuple[int, ...],
    *,
    rank1_hint: str = "",
) -> None:
    """Check that ``value`` is a NumPy array of exactly ``shape``.

    A rank-1 array where a column or row vector was asked, and a transposed result, are named
    as such.

    Parameters
    ----------
    func_name, var : str
        The graded function and the array's name.
    value : Any
        The value to check.
    shape : tuple of int
        The expected shape.
    rank1_hint : str, optional
        The likely cause of a rank-1 result here, for example
        ``"np.sum without keepdims=True"``.
    """
    shape = tuple(int(s) for s in shape)
    if not isinstance(value, np.ndarray):
        raise CheckFailure(
            f"{func_name}: `{var}` should be a NumPy array of shape {shape}, got {describe(value)}."
        )
    got = value.shape
    if got == shape:
        return
    message = f"{func_name}: `{var}` should have shape {shape}, got {got}."
    if len(shape) == 2 and value.ndim == 1 and value.size in shape and 1 in shape:
        cause = f" (often {rank1_hint})" if rank1_hint else ""
        message += (
            f" That is a rank-1 array{cause}; the course keeps vectors 2-D, "
            f"for example with .reshape{shape}."
        )
    elif len(shape) == 2 and got == shape[::-1]:
        message += " The result is transposed: check the order of the factors or a `.T`."
    elif value.ndim == 2 and len(shape) == 2 and got[0] == got[1] and shape[0] != shape[1]:
        message += (
            " A square result often means broadcasting a (n,1) against a (1,n) array, or"
            " mixing up the element-wise `*` and the matrix product (np.dot or @)."
        )
    raise CheckFailure(message)


def expect_scalar(func_name: str, var: str, value: Any) -> float:
    """Check that ``value`` is a real scalar and return it as a float.

    A Python number, a NumPy scalar and a 0-d array are all accepted.

    Parameters
    ----------
    func_name, var : str
        The graded function and the scalar's name.
    value : Any
        The value to check.

    Returns
    -------
    float
        The value as a Python float.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return float(value)
    hint = ""
    if isinstance(value, np.ndarray) and value.size == 1:
        hint = " Use float(...) or np.squeeze(...) to turn a one-element array into a scalar."
    raise CheckFailure(
        f"{func_name}: `{var}` should be a real scalar, got {describe(value)}.{hint}"
    )


def expect_shape_with_mistakes(
    func_name: str,
    var: str,
    value: Any,
    shape: tuple[int, ...],
    *,
    mistakes: Mapping[str, tuple[int, ...]],
    rank1_hint: str = "",
) -> None:
    """:func:`expect_shape`, naming a known mistake when the wrong shape is the one it gives.

    Parameters
    ----------
    func_name, var : str
        The graded function and the array's name.
    value : Any
        The value to check.
    shape : tuple of int
        The expected shape.
    mistakes : mapping of str to tuple of int
        Known mistakes and the shape each would produce, for example
        ``{"`*` where the matrix product X @ dZ.T was meant": (n_x, m)}``. A mistake whose
        shape equals ``shape`` can never be named here (its values are judged later).
    rank1_hint : str, optional
        Passed on to :func:`expect_shape`.
    """
    shape = tuple(int(s) for s in shape)
    if isinstance(value, np.ndarray) and value.shape != shape:
        for mistake, wrong in mistakes.items():
            if value.shape == tuple(int(s) for s in wrong):
                raise CheckFailure(
                    f"{func_name}: `{var}` should have shape {shape}, got {value.shape}. "
                    f"This is the shape that {mistake} gives."
                )
    expect_shape(func_name, var, value, shape, rank1_hint=rank1_hint)
