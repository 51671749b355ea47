"""What a student reads: the check failure, descriptions of values, the closing line.

:class:`CheckFailure` is raised by every check of the course; in IPython it shows as its
message alone, and :func:`show_full_tracebacks` brings the whole traceback back.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

#: Whether a failed check shows Python's whole traceback (see :func:`show_full_tracebacks`).
_full_tracebacks = False


def show_full_tracebacks(on: bool = True) -> None:
    """Show the whole traceback of failed checks, through the checks' own code, from now on.

    By default a failed check shows only its message (and the student's line that raised);
    ``show_full_tracebacks()`` then ``%tb`` shows the last one in full.

    Parameters
    ----------
    on : bool
        ``False`` goes back to the short form.
    """
    global _full_tracebacks
    _full_tracebacks = bool(on)


class CheckFailure(AssertionError):
    """A check found a wrong answer; its message is meant for the student.

    In IPython it shows as its message alone: the checks' own source and the chained
    traceback of the student's exception are noise to a student (and the checks' source
    would show hints of the fix). The message already names the student's line that raised.
    """

    @property
    def _render_traceback_(self):
        # IPython calls this to print the exception; an AttributeError here makes it print
        # the ordinary full traceback instead.
        if _full_tracebacks:
            raise AttributeError("_render_traceback_")
        return self._short_traceback

    def _short_traceback(self) -> list[str]:
        lines = str(self).splitlines() or [""]
        return [
            f"\x1b[0;31mCheckFailure\x1b[0m: {lines[0]}",
            *lines[1:],
            "\x1b[2m(the full traceback: utils.checks.show_full_tracebacks(), then %tb)\x1b[0m",
        ]


def describe(value: Any) -> str:
    """A short description of a value for messages: its type and, for arrays, its shape.

    Parameters
    ----------
    value : Any
        Anything a student's function might return.

    Returns
    -------
    str
        For example ``"an array of shape (3, 1)"``, ``"a float"``, ``"None"``.
    """
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"a 0-d array ({value.dtype})"
        return f"an array of shape {value.shape}"
    if isinstance(value, bool | np.bool_):
        return "a bool"
    if isinstance(value, numbers.Integral):
        return "an int"
    if isinstance(value, numbers.Real):
        return "a float"
    if isinstance(value, tuple):
        return f"a tuple of length {len(value)}"
    if isinstance(value, list):
        return f"a list of length {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    return f"a {type(value).__name__}"


def where_text(where: str) -> str:
    """Where the inputs come from, as the end of a sentence: ``" on a random 7x23 input"``, or
    nothing when ``where`` is empty."""
    return f" {where}" if where else ""


def hint_sentence(hint: str) -> str:
    """A hint as a sentence of its own after a message (capitalised, with its full stop), or
    nothing when ``hint`` is empty."""
    return f" {hint[0].upper()}{hint[1:]}." if hint else ""


def mistakes_line(mistakes: Sequence[str]) -> str:
    """The line that names the known mistakes giving the values a student's function gave, or
    nothing when there are none."""
    return f"\n  This is what {' or '.join(mistakes)} gives." if mistakes else ""


def all_passed(func_name: str) -> None:
    """Tell the student that every visible check of ``func_name`` passed.

    Parameters
    ----------
    func_name : str
        The graded function.
    """
    print(
        f"All visible checks of {func_name} passed. "
        f"Hidden checks on new inputs run when your notebook is graded."
    )
