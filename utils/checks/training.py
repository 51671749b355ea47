"""Training runs: a cost that goes down, a score that reaches a threshold.

Meant for functions whose result depends on random initial parameters: these checks hold
whatever the draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from utils.checks.messages import CheckFailure, hint_sentence, where_text


def expect_decrease(
    func_name: str,
    var: str,
    values: Any,
    *,
    hint: str = "",
    where: str = "",
) -> None:
    """Check that the last of a sequence of recorded values is below the first.

    Meant for the costs recorded during training: whatever the random initial parameters,
    gradient descent with a small enough learning rate lowers the cost.

    Parameters
    ----------
    func_name, var : str
        The graded function and the sequence's name.
    values : list, tuple or rank-1 array of real scalars
        The recorded values, first to last; their length and finiteness were checked before.
    hint : str, optional
        The likely cause when the value did not go down, for example
        ``"the updated parameters are not used in the next iteration"``.
    where : str, optional
        Where the inputs come from, for messages.
    """
    values = [float(np.asarray(v)) for v in values]
    if len(values) < 2 or values[-1] < values[0]:
        return
    suffix = where_text(where)
    change = "stayed the same" if values[-1] == values[0] else "went up"
    message = (
        f"{func_name}: `{var}` should go down during training{suffix}, but it {change}: "
        f"first {values[0]:.6g}, last {values[-1]:.6g}."
    )
    if hint:
        message += f" Check whether {hint}."
    raise CheckFailure(message)


def expect_at_least(
    func_name: str,
    var: str,
    value: Any,
    minimum: float,
    *,
    hint: str = "",
    where: str = "",
) -> None:
    """Check that a score (an accuracy, for example) reaches a threshold.

    The threshold is not a reference value: it is set well below what a correct
    implementation reaches, so the message may show it.

    Parameters
    ----------
    func_name, var : str
        The graded function and the score's name.
    value : real scalar
        The score the student's result achieved.
    minimum : float
        The lowest accepted score.
    hint : str, optional
        Likely causes of a low score, for the message.
    where : str, optional
        Where the inputs come from, for messages.
    """
    got = float(np.asarray(value))
    if np.isfinite(got) and got >= minimum:
        return
    suffix = where_text(where)
    raise CheckFailure(
        f"{func_name}: `{var}` is {got:.4g}{suffix}; it should be at least {minimum:.4g}."
        + hint_sentence(hint)
    )
