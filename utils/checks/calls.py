"""It runs: calling a student's function, and where that call is answered.

:func:`call` keeps a deep copy of every argument (for :func:`utils.checks.expect_unchanged`)
and notes whether NumPy's global random state changed (for
:func:`utils.checks.expect_own_rng`). At grading, a :class:`CallTransport` records the calls
in the student's process and replays them in the grader's (:func:`set_transport`).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from utils.checks.raised import failure_for, raise_detail
from utils.checks.values import same


@dataclass
class Call:
    """The outcome of calling a student's function through :func:`call`.

    Attributes
    ----------
    func_name : str
        The function's name, used in every message.
    output : Any
        What the function returned.
    inputs : dict
        Argument name to the object that was passed (possibly changed by the function).
    snapshots : dict
        Argument name to a deep copy taken before the call.
    global_random : bool
        Whether NumPy's global random state (``np.random.seed``, ``np.random.randn``...)
        changed during the call: a function given an ``rng`` must leave it alone.
    """

    func_name: str
    output: Any
    inputs: dict[str, Any] = field(default_factory=dict)
    snapshots: dict[str, Any] = field(default_factory=dict)
    global_random: bool = False


def argument_names(func: Callable, args: tuple, kwargs: dict) -> list[str]:
    """The parameter names the arguments bind to, in order (``arg0``... when unknown)."""
    return list(_bind_names(func, args, kwargs))


def _bind_names(func: Callable, args: tuple, kwargs: dict) -> dict[str, Any]:
    """Map each passed argument to its parameter name (positional ones get ``arg0``...)."""
    try:
        bound = inspect.signature(func).bind_partial(*args, **kwargs)
        return dict(bound.arguments)
    except (TypeError, ValueError):
        named = {f"arg{i}": a for i, a in enumerate(args)}
        named.update(kwargs)
        return named


def call(func: Callable, *args: Any, where: str = "", **kwargs: Any) -> Call:
    """Call a student's function and check that it runs.

    Parameters
    ----------
    func : callable
        The student's function.
    *args, **kwargs
        Its arguments. Deep copies are kept so that :func:`expect_unchanged` can tell whether
        the function changed them.
    where : str, optional
        Where the inputs come from, for messages (for example ``"on a random 7x23 input"``).

    Returns
    -------
    Call
        The output and the inputs before and after.

    Raises
    ------
    CheckFailure
        If the function is not implemented yet or raises an exception.
    """
    if _transport is not None:
        return _transport.call(func, args, kwargs, where)
    return call_here(func, args, kwargs, where)


def call_here(func: Callable, args: tuple, kwargs: dict, where: str = "") -> Call:
    """:func:`call` in this process, whatever transport is set."""
    name = getattr(func, "__name__", "the function")
    inputs = _bind_names(func, args, kwargs)
    snapshots = {k: copy.deepcopy(v) for k, v in inputs.items()}
    # A fresh global random state before the call: after np.random.seed(2) in an earlier
    # call, the state may already be what np.random.seed(2) and the same draws leave behind.
    saved = np.random.get_state()
    marker = np.random.RandomState().get_state()
    np.random.set_state(marker)
    try:
        output = func(*args, **kwargs)
    except Exception as err:  # any error of the student's code becomes a readable message
        detail = raise_detail(func, err, inputs)
        failure = failure_for(name, type(err).__name__, str(err), where, detail)
        failure.detail = detail
        raise failure from err
    finally:
        global_random = not same(list(marker), list(np.random.get_state()))
        if not global_random:
            np.random.set_state(saved)  # untouched: give the student's state back
    return Call(
        func_name=name,
        output=output,
        inputs=inputs,
        snapshots=snapshots,
        global_random=global_random,
    )


class CallTransport:
    """How :func:`call` reaches a student's function when it is not simply called here.

    The grader sets one: inside the grading sandbox a transport records every call's outputs,
    and in the grader's own process another replays those records, so that checks judge the
    outputs with a NumPy the student's code never touched.
    """

    def call(self, func: Callable, args: tuple, kwargs: dict, where: str) -> Call:
        raise NotImplementedError


_transport: CallTransport | None = None


def set_transport(transport: CallTransport | None) -> CallTransport | None:
    """Route :func:`call` through ``transport`` (None: call here); returns the previous one."""
    global _transport
    previous, _transport = _transport, transport
    return previous
