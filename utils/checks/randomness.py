"""Random numbers: drawn from the ``rng`` argument, with the right spread, symmetry broken.

Random initialisation is judged by statistics and by the student's own function (the same
seed gives the same result, another seed another), never by the order of random calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from utils.checks.calls import Call
from utils.checks.messages import CheckFailure, mistakes_line, where_text
from utils.checks.values import is_close

#: How a message names a function that does not take its random numbers from ``rng``.
GLOBAL_RANDOM = "draws from np.random / reseeds it: draw from rng"


def expect_own_rng(run: Call, *, where: str = "") -> None:
    """Check that a function given an ``rng`` left NumPy's global random state alone.

    ``np.random.seed(2)`` inside the function gives the same numbers whatever ``rng`` is, and
    ``np.random.randn`` changes the global state; both show as a change of that state during
    the call (recorded by :func:`call`).

    Parameters
    ----------
    run : Call
        The result of :func:`call`.
    where : str, optional
        Where the inputs come from, for messages.
    """
    if not run.global_random:
        return
    suffix = where_text(where)
    raise CheckFailure(
        f"{run.func_name} {GLOBAL_RANDOM}{suffix}. It changed NumPy's global random state "
        f"(np.random.seed, np.random.randn, ...): take every random number from the `rng` "
        f"argument (rng.standard_normal(...)), here and in the functions it calls, and leave "
        f"np.random alone."
    )


def expect_seed_matters(
    func_name: str,
    var: str,
    first: Any,
    other: Any,
    *,
    where: str = "",
) -> None:
    """Check that generators of two different seeds gave different random draws.

    A function that ignores ``rng`` (a fixed ``np.random.seed`` or ``default_rng(1)`` inside)
    returns the same numbers whatever generator it is given.

    Parameters
    ----------
    func_name, var : str
        The graded function and the value's name.
    first, other : array_like
        The value returned for a generator of one seed and for one of another seed.
    where : str, optional
        Where the inputs come from, for messages.
    """
    if not is_close(first, other, rtol=1e-12, atol=0.0):
        return
    suffix = where_text(where)
    raise CheckFailure(
        f"{func_name}: generators of two different seeds gave the same `{var}`{suffix}, so "
        f"the numbers do not come from `rng`: the function {GLOBAL_RANDOM} (the `rng` "
        f"argument, passed on as `rng=rng`), never a fixed np.random.seed(...) or "
        f"default_rng(seed) inside."
    )


def expect_reproducible(
    func_name: str,
    var: str,
    first: Any,
    second: Any,
    *,
    where: str = "",
) -> None:
    """Check that two calls given generators of the same seed returned the same value.

    A function with an ``rng`` argument must draw every random number from it, so that the
    same seed gives the same result; checks rely on that to compare a function with itself,
    never with the order of the reference's random calls.

    Parameters
    ----------
    func_name, var : str
        The graded function and the value's name.
    first, second : array_like or scalar
        The value returned by the first and by the second call (same shape, checked before).
    where : str, optional
        Where the inputs come from, for messages.
    """
    if is_close(first, second, rtol=1e-12, atol=0.0):
        return
    suffix = where_text(where)
    raise CheckFailure(
        f"{func_name}: two calls with `rng` generators of the same seed returned different "
        f"`{var}`{suffix}. Draw every random number from the `rng` argument (pass it on to "
        f"the initialisation function as `rng=rng`), never from np.random.* or a new "
        f"default_rng(), so that the same seed gives the same result."
    )


def expect_std(
    func_name: str,
    var: str,
    values: np.ndarray,
    expected_std: float,
    *,
    rtol: float | None = None,
    mistakes: Mapping[str, float] | None = None,
    where: str = "",
    show_values: bool = True,
) -> None:
    """Check the spread of random draws: the standard deviation of all entries of ``values``.

    Meant for random initialisation, where the drawn numbers depend on the order of random
    calls but their statistics do not.

    Parameters
    ----------
    func_name, var : str
        The graded function and the array's name.
    values : ndarray
        The random draws (for example a weight matrix); its shape was checked before.
    expected_std : float
        The standard deviation the draws should have.
    rtol : float, optional
        Accepted relative difference; by default five standard errors of a sample standard
        deviation, ``5 / sqrt(2 N)`` for ``N`` entries, but at least 5 %.
    mistakes : mapping of str to float, optional
        Known mistakes and the standard deviation each would give.
    where : str, optional
        Where the inputs come from, for messages.
    show_values : bool, optional
        Whether the message may show the measured and expected values.
    """
    values = np.asarray(values, dtype=float)
    if rtol is None:
        rtol = max(0.05, 5.0 / np.sqrt(2.0 * max(values.size, 1)))
    got = float(np.std(values))
    if np.isfinite(got) and abs(got - expected_std) <= rtol * abs(expected_std):
        return
    suffix = where_text(where)
    message = f"{func_name}: the entries of `{var}` have the wrong spread{suffix}"
    if show_values:
        message += f": standard deviation {got:.4g}, expected about {expected_std:.4g}."
    else:
        message += "."
    if got == 0:
        message += " They are all equal (zero initialisation?): draw them at random."
    matching = [m for m, wrong in (mistakes or {}).items() if abs(got - wrong) <= rtol * abs(wrong)]
    message += mistakes_line(matching[:1])
    raise CheckFailure(message)


def expect_distinct_rows(func_name: str, var: str, W: np.ndarray, *, where: str = "") -> None:
    """Check that no two rows of a weight matrix are equal (symmetry is broken).

    Two units whose incoming weights are equal compute the same activation and receive the same
    gradient, so they stay identical for ever; random initialisation exists to prevent that.

    Parameters
    ----------
    func_name, var : str
        The graded function and the matrix's name.
    W : ndarray of shape (n[l], n[l-1])
        The weights of one layer; its shape was checked before.
    where : str, optional
        Where the inputs come from, for messages.
    """
    W = np.asarray(W)
    if W.ndim != 2 or W.shape[0] < 2:
        return
    _, first, counts = np.unique(W, axis=0, return_index=True, return_counts=True)
    if np.all(counts == 1):
        return
    row = int(first[np.argmax(counts > 1)])
    suffix = where_text(where)
    raise CheckFailure(
        f"{func_name}: rows of `{var}` are identical (row {row} appears "
        f"{int(counts.max())} times){suffix}. Units with equal weights compute the same thing "
        f"and get the same gradient for ever: draw every weight at random to break the symmetry."
    )
