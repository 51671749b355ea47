"""Values: equality of nested results, closeness within tolerances, finiteness, 0/1 labels.

Values are checked after the structure and every shape (see :mod:`utils.checks`), so each
check here may assume the shapes agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from utils.checks.messages import CheckFailure, mistakes_line, where_text

#: Relative tolerance for exact computations (the specification's 1e-6).
RTOL = 1e-6
#: Absolute tolerance, so that values that should be 0 are not judged relatively.
ATOL = 1e-9


def same(a: Any, b: Any) -> bool:
    """Structural equality of nested arrays, dicts, lists and scalars (NaN equals NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    try:
        return bool(a == b)
    except Exception:  # objects without equality (a Generator): identity is all we can say
        return a is b


def max_relative_error(got: Any, expected: Any, atol: float = ATOL) -> float:
    """Largest ``|got - expected| / (|expected| + atol)`` over all entries.

    Parameters
    ----------
    got, expected : array_like
        Arrays of the same shape (or scalars).
    atol : float
        Added to the denominator so that entries near 0 are not judged relatively.

    Returns
    -------
    float
        The largest relative error; ``inf`` where ``got`` is NaN or infinite and expected not.
    """
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        err = np.abs(got - expected) / (np.abs(expected) + atol)
    err = np.where(np.isnan(err), np.inf, err)
    return float(np.max(err)) if err.size else 0.0


def _format(value: Any, indent: int = 0) -> str:
    """Print an array or number compactly for a message, every row after the first indented by
    ``indent`` spaces so that the rows line up under the first."""
    with np.printoptions(precision=6, suppress=True, threshold=12, edgeitems=3, linewidth=90):
        if not np.ndim(value):
            return f"{float(value):.8g}"
        return np.array2string(np.asarray(value)).replace("\n", "\n" + " " * indent)


def is_close(got: Any, expected: Any, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Whether ``got`` matches ``expected`` in shape and within the tolerances."""
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        return False
    try:
        return bool(np.allclose(got.astype(float), expected.astype(float), rtol=rtol, atol=atol))
    except (TypeError, ValueError):
        return False


def expect_close(
    func_name: str,
    var: str,
    value: Any,
    expected: Any,
    *,
    rtol: float = RTOL,
    atol: float = ATOL,
    mistakes: Mapping[str, Any] | None = None,
    where: str = "",
    show_values: bool = True,
) -> None:
    """Check values against the expected ones within a relative tolerance.

    Parameters
    ----------
    func_name, var : str
        The graded function and the value's name.
    value : array_like or scalar
        What the student's function computed (its shape was checked before).
    expected : array_like or scalar
        The correct values.
    rtol, atol : float
        Tolerances as in ``np.allclose``; the specification asks ``rtol=1e-6`` for exact
        computations and looser where training is involved.
    mistakes : mapping of str to array_like, optional
        Known mistakes and the values each would produce, for example
        ``{"missing 1/m": expected * m}``. A value matching one is named in the message.
    where : str, optional
        Where the inputs come from, for example ``"on a random 7x23 input"``.
    show_values : bool, optional
        Whether the message may show the expected values (never for hidden checks).
    """
    if is_close(value, expected, rtol=rtol, atol=atol):
        return
    suffix = where_text(where)
    err = max_relative_error(value, expected, atol=atol)
    message = f"{func_name}: `{var}` has wrong values{suffix}, max relative error {err:.2g}."
    if show_values:
        message += f"\n  expected: {_format(expected, 12)}\n  got:      {_format(value, 12)}"
    # Every known mistake that gives these values is named: naming one of two would be a
    # guess, and possibly the wrong one.
    matching = [
        mistake
        for mistake, wrong in (mistakes or {}).items()
        if is_close(value, wrong, rtol=max(rtol, 1e-6), atol=atol)
    ]
    message += mistakes_line(matching)
    raise CheckFailure(message)


def expect_binary(func_name: str, var: str, value: np.ndarray) -> None:
    """Check that every entry of ``value`` is the number 0 or 1 (predictions, labels).

    Booleans are refused: the notebooks ask for numbers (``(A > 0.5).astype(float)``).

    Parameters
    ----------
    func_name, var : str
        The graded function and the array's name.
    value : ndarray
        The array to check; its shape was checked before.
    """
    if np.asarray(value).dtype == bool:
        # The notebooks ask for numbers: booleans print as True/False, and arithmetic such as
        # np.mean(Y_prediction == Y) * 100 reads differently on them.
        raise CheckFailure(
            f"{func_name}: `{var}` should hold the numbers 0 and 1, got booleans (True/False). "
            f"A comparison such as A > 0.5 gives booleans: .astype(float) turns them into 0.0 "
            f"and 1.0."
        )
    values = np.unique(np.asarray(value))
    if not np.all(np.isin(values, (0, 1))):
        shown = values[:6].tolist()
        raise CheckFailure(
            f"{func_name}: `{var}` should hold only 0 and 1, got values such as {shown}. "
            f"Threshold the probabilities: 1 where A > 0.5, else 0."
        )


def expect_finite(func_name: str, var: str, value: Any, *, hint: str = "", where: str = "") -> None:
    """Check that every entry of ``value`` is a finite number (no NaN, no inf).

    Parameters
    ----------
    func_name, var : str
        The graded function and the value's name.
    value : array_like or scalar
        The value to check.
    hint : str, optional
        The likely cause, for example ``"log(0) when AL is exactly 0 or 1"``.
    where : str, optional
        Where the inputs come from, for messages.
    """
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(np.asarray(value, dtype=float))
    if np.all(finite):
        return
    suffix = where_text(where)
    kinds = []
    array = np.asarray(value, dtype=float)
    if np.any(np.isnan(array)):
        kinds.append("NaN")
    if np.any(np.isinf(array)):
        kinds.append("inf")
    message = f"{func_name}: `{var}` contains {' and '.join(kinds)}{suffix}."
    if hint:
        message += f" This usually comes from {hint}."
    raise CheckFailure(message)
