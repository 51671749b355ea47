"""Hidden checks of the sizes and the initialisation of ``03_shallow_network``.

Random initialisation is judged by statistics, zero biases, broken symmetry and
reproducibility for a fixed seed, never by the order of the student's random calls.
"""

from __future__ import annotations

import numpy as np

from autograder.hidden.framework import Case, HiddenCheck, Seed, shape_text
from autograder.reference import shallow_network as ref
from utils import checks
from utils.visible_checks.shallow_network.initialization import (
    expect_parameters,
    expect_small_weights,
    expect_zero_biases,
)


def _layer_sizes_cases(rng):
    cases = []
    for with_n_h in (False, True):
        n_x, n_y, m = (int(v) for v in rng.integers(2, 12, size=3))
        kwargs = {"n_h": int(rng.integers(1, 20))} if with_n_h else {}
        where = f"on random X of shape {(n_x, m)} and Y of shape {(n_y, m)}"
        where += f" with n_h={kwargs['n_h']}" if with_n_h else " with the default n_h"
        cases.append(Case((np.zeros((n_x, m)), np.ones((n_y, m))), kwargs, where=where))
    return cases


def _judge_layer_sizes(case: Case, run: checks.Call) -> None:
    name = run.func_name
    sizes = checks.expect_tuple(name, run.output, ("n_x", "n_h", "n_y"))
    for var, value in zip(("n_x", "n_h", "n_y"), sizes, strict=True):
        checks.expect_type(name, var, value, (int, np.integer))
    checks.expect_unchanged(run)
    expected = ref.layer_sizes(*case.args, **case.kwargs)
    checks.expect_equal(
        name,
        "(n_x, n_h, n_y)",
        tuple(int(s) for s in sizes),
        expected,
        where=case.where,
        show_values=False,
    )


layer_sizes = HiddenCheck("layer_sizes", _layer_sizes_cases, _judge_layer_sizes)


# --------------------------------------------------------------------------------------------
# initialize_parameters
# --------------------------------------------------------------------------------------------
def _initialize_cases(rng):
    small = tuple(int(v) for v in rng.integers(2, 7, size=2)) + (1,)
    large = (int(rng.integers(20, 41)), int(rng.integers(30, 51)), int(rng.integers(3, 6)))
    seed = int(rng.integers(1 << 30))
    group: dict = {}
    text = shape_text(*large)
    return [
        Case(small, where=f"for sizes {shape_text(*small)} without an rng"),
        Case(small, {"rng": Seed(seed + 1)}, where=f"for sizes {shape_text(*small)}"),
        Case(large, {"rng": Seed(seed)}, where=f"for sizes {text}", context={"group": group}),
        Case(
            large,
            {"rng": Seed(seed)},
            where=f"for sizes {text}, called again with the same seed",
            context={"group": group, "again": True},
        ),
    ]


def _judge_initialize(case: Case, run: checks.Call) -> None:
    name = run.func_name
    n_x, n_h, n_y = case.args
    parameters = run.output
    expect_parameters(name, parameters, n_x, n_h, n_y)
    checks.expect_own_rng(run, where=case.where)
    checks.expect_unchanged(run)
    expect_zero_biases(name, parameters, where=case.where, show_values=False)
    for key in ("W1", "W2"):
        checks.expect_finite(name, key, parameters[key], where=case.where)
    checks.expect_distinct_rows(name, "W1", parameters["W1"], where=case.where)
    group = case.context.get("group")
    if group is None:
        return
    expect_small_weights(name, parameters, where=case.where, show_values=False)
    if case.context.get("again"):
        for key in ("W1", "W2"):
            checks.expect_reproducible(
                name, key, group["first"][key], parameters[key], where=case.where
            )
    else:
        group["first"] = {key: np.array(parameters[key]) for key in ("W1", "W2")}


initialize_parameters = HiddenCheck("initialize_parameters", _initialize_cases, _judge_initialize)
