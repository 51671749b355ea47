"""Type and structure: tuples, dict keys, lengths of recorded lists, exact discrete values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from utils.checks.messages import (
    CheckFailure,
    describe,
    hint_sentence,
    mistakes_line,
    where_text,
)
from utils.checks.values import same


def expect_type(func_name: str, var: str, value: Any, expected: type | tuple[type, ...]) -> None:
    """Check that ``value`` is an instance of ``expected``.

    Parameters
    ----------
    func_name, var : str
        The graded function and the name of the checked value, for the message.
    value : Any
        The value to check.
    expected : type or tuple of types
        Accepted types.
    """
    if not isinstance(value, expected):
        names = expected if isinstance(expected, tuple) else (expected,)
        wanted = " or ".join(t.__name__ for t in names)
        raise CheckFailure(f"{func_name}: `{var}` should be a {wanted}, got {describe(value)}.")


def expect_tuple(func_name: str, value: Any, names: Iterable[str]) -> tuple:
    """Check that a function returned a tuple with one item per name in ``names``.

    Parameters
    ----------
    func_name : str
        The graded function.
    value : Any
        What it returned.
    names : iterable of str
        The names of the items, in order (for example ``("grads", "cost")``).

    Returns
    -------
    tuple
        ``value``, so that it can be unpacked.
    """
    names = tuple(names)
    wanted = f"a tuple ({', '.join(names)})"
    if not isinstance(value, tuple):
        raise CheckFailure(f"{func_name} should return {wanted}, got {describe(value)}.")
    if len(value) != len(names):
        raise CheckFailure(
            f"{func_name} should return {wanted} of length {len(names)}, "
            f"got a tuple of length {len(value)}."
        )
    return value


def expect_keys(func_name: str, var: str, value: Any, keys: Iterable[str]) -> None:
    """Check that ``value`` is a dict with exactly the given keys.

    Parameters
    ----------
    func_name, var : str
        The graded function and the dict's name.
    value : Any
        The value to check.
    keys : iterable of str
        The keys the dict must have, no more and no fewer.
    """
    expect_type(func_name, var, value, dict)
    wanted, got = set(keys), set(value)
    missing = sorted(wanted - got)
    extra = sorted(map(str, got - wanted))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"unexpected {extra}")
        raise CheckFailure(
            f"{func_name}: `{var}` should have the keys {sorted(wanted)}; {', '.join(parts)}."
        )


def expect_length(
    func_name: str,
    var: str,
    value: Any,
    length: int,
    *,
    hint: str = "",
    where: str = "",
) -> None:
    """Check that a list, a tuple or a rank-1 array has ``length`` entries.

    Meant for values recorded during training, such as the costs every 100 iterations.

    Parameters
    ----------
    func_name, var : str
        The graded function and the sequence's name.
    value : Any
        The value to check.
    length : int
        The number of entries it should have.
    hint : str, optional
        What decides the length, for the message; for example
        ``"the cost is recorded at iterations 0, 100, 200, ..."``.
    where : str, optional
        Where the inputs come from, for messages.
    """
    suffix = where_text(where)
    if isinstance(value, np.ndarray) and value.ndim == 1:
        got = value.shape[0]
    elif isinstance(value, list | tuple):
        got = len(value)
    else:
        raise CheckFailure(
            f"{func_name}: `{var}` should be a list of {length} numbers{suffix}, "
            f"got {describe(value)}."
        )
    if got != length:
        entries = "entry" if length == 1 else "entries"
        raise CheckFailure(
            f"{func_name}: `{var}` should have {length} {entries}{suffix}, got {got}."
            + hint_sentence(hint)
        )


def expect_equal(
    func_name: str,
    var: str,
    value: Any,
    expected: Any,
    *,
    mistakes: Mapping[str, Any] | None = None,
    where: str = "",
    show_values: bool = True,
) -> None:
    """Check a discrete value exactly: a shape tuple, an int, a string, a nested structure.

    Parameters
    ----------
    func_name, var : str
        The graded function and the value's name.
    value : Any
        What the student's function computed.
    expected : Any
        The correct value; tuples, lists, dicts and arrays are compared entry by entry, and a
        tuple is not equal to a list.
    mistakes : mapping of str to Any, optional
        Known mistakes and the value each would produce; a value equal to one is named.
    where : str, optional
        Where the inputs come from, for messages.
    show_values : bool, optional
        Whether the message may show the expected value (never for hidden checks).
    """

    def same_kind(a: Any, b: Any) -> bool:
        if isinstance(a, tuple | list) or isinstance(b, tuple | list):
            return type(a) is type(b) and len(a) == len(b) and all(map(same_kind, a, b))
        return same(a, b)

    if same_kind(value, expected):
        return
    suffix = where_text(where)
    message = f"{func_name}: `{var}` is wrong{suffix}."
    if show_values:
        message += f"\n  expected: {expected!r}\n  got:      {value!r}"
    else:
        message += f" Got {describe(value)}."
    matching = [mistake for mistake, wrong in (mistakes or {}).items() if same_kind(value, wrong)]
    message += mistakes_line(matching[:1])
    raise CheckFailure(message)
