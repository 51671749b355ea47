"""Visible check of the cost of ``04_deep_network``, on simple and on saturated outputs."""

from __future__ import annotations

import numpy as np

from utils import checks
from utils.visible_checks.shallow_network.propagation import expect_cost

#: What gives NaN or inf where ``AL`` saturates.
SATURATION_HINT = (
    "log(0) (or 0 * log(0)) when AL is exactly 0 or 1: clip AL into [eps, 1 - eps] "
    "with np.clip, for example eps = 1e-15, before taking logs"
)


def _finite_cost(compute_cost, AL, Y, where):
    """The cost of saturated outputs ``AL``: a real scalar, never NaN or inf."""
    run = checks.call(compute_cost, AL, Y)
    cost = checks.expect_scalar("compute_cost", "cost", run.output)
    checks.expect_finite("compute_cost", "cost", cost, hint=SATURATION_HINT, where=where)
    return cost


def check_compute_cost(compute_cost):
    """Check ``compute_cost`` where the losses are logs of simple numbers, and at saturation."""
    name = "compute_cost"
    AL = np.array([[0.5, 0.75, 0.25, 0.9]])
    Y = np.array([[1.0, 1.0, 0.0, 0.0]])
    # Losses: -log(0.5) = ln 2, -log(0.75) = ln(4/3) twice, -log(1 - 0.9) = ln 10.
    expected = (np.log(2) + 2 * np.log(4 / 3) + np.log(10)) / 4
    expect_cost(
        compute_cost,
        AL,
        Y,
        expected,
        mistakes={
            "a missing 1/m (the sum of the losses instead of their mean)": 4 * expected,
            "a missing minus sign": -expected,
            "only the Y log(AL) term (the (1 - Y) log(1 - AL) term is missing)": (
                np.log(2) + np.log(4 / 3)
            )
            / 4,
            "log10 instead of the natural log": expected / np.log(10),
        },
    )
    # Saturated outputs: AL exactly 1 or 0. A right answer costs (almost) nothing; a wrong one
    # costs a lot, but never NaN or inf.
    where = "on saturated outputs AL = [[1.0, 0.0, 0.5]], Y = [[1, 0, 1]]"
    cost = _finite_cost(
        compute_cost, np.array([[1.0, 0.0, 0.5]]), np.array([[1.0, 0.0, 1.0]]), where
    )
    checks.expect_close(name, "cost", cost, np.log(2) / 3, rtol=1e-5, where=where)
    where = "on confidently wrong outputs AL = [[0.0, 1.0]], Y = [[1, 0]]"
    _finite_cost(compute_cost, np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]), where)
    checks.all_passed(name)
