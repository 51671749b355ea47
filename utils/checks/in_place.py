"""Inputs not changed in place: what a function was given is what the caller still has."""

from __future__ import annotations

from typing import Any

import numpy as np

from utils.checks.calls import Call
from utils.checks.messages import CheckFailure
from utils.checks.values import same


def _fix(name: str, before: Any) -> str:
    """How to leave the input ``name`` alone, in the words of its kind."""
    if isinstance(before, dict):
        return (
            f"Build a new dict (for example `new = dict({name})`, then `new[key] = ...`) "
            f"instead of assigning into `{name}[...]`."
        )
    return (
        f"Compute a new array (for example `{name} = {name} - ...`, not `{name} -= ...`, "
        f"`{name} /= ...` or `{name}[...] = ...`)."
    )


def expect_unchanged(run: Call) -> None:
    """Check that the function did not change any of its inputs in place.

    Parameters
    ----------
    run : Call
        The result of :func:`call`.
    """
    for name, before in run.snapshots.items():
        if isinstance(before, np.random.Generator):
            continue  # drawing numbers is the point of an rng argument
        if not same(before, run.inputs[name]):
            raise CheckFailure(
                f"{run.func_name} changed its input `{name}` in place. {_fix(name, before)}"
            )
