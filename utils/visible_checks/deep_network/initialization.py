"""Visible checks of the layer shapes and the initialisation of ``04_deep_network``.

:func:`expect_parameters` and :func:`initial_std` judge the parameters of any deep network: the
hidden checks of ``04`` and the checks of ``05``'s training loops use them too.
"""

from __future__ import annotations

import numpy as np

from utils import checks


def check_layer_shapes(layer_shapes):
    """Check ``layer_shapes`` on a 3-layer and a 1-layer network, against hand-written shapes."""
    name = "layer_shapes"
    cases = [
        (
            [5, 4, 3, 1],
            7,
            {
                "A0": (5, 7),
                "W1": (4, 5),
                "b1": (4, 1),
                "Z1": (4, 7),
                "A1": (4, 7),
                "W2": (3, 4),
                "b2": (3, 1),
                "Z2": (3, 7),
                "A2": (3, 7),
                "W3": (1, 3),
                "b3": (1, 1),
                "Z3": (1, 7),
                "A3": (1, 7),
            },
        ),
        ([2, 1], 3, {"A0": (2, 3), "W1": (1, 2), "b1": (1, 1), "Z1": (1, 3), "A1": (1, 3)}),
    ]
    for layer_dims, m, expected in cases:
        where = f"for layer_dims={layer_dims}, m={m}"
        run = checks.call(layer_shapes, list(layer_dims), m)
        checks.expect_keys(name, "shapes", run.output, expected)
        checks.expect_unchanged(run)
        for key, shape in expected.items():
            mistakes = {}
            if key.startswith("W"):
                mistakes["a transposed weight shape (n[l-1], n[l]) instead of (n[l], n[l-1])"] = (
                    shape[::-1]
                )
            elif key.startswith("b"):
                mistakes["a rank-1 bias shape (n[l],) instead of the column (n[l], 1)"] = shape[:1]
            else:
                mistakes[
                    "(m, n[l]), one example per row (the course puts one example per column)"
                ] = shape[::-1]
            checks.expect_equal(
                name, f"shapes['{key}']", run.output[key], shape, mistakes=mistakes, where=where
            )
    checks.all_passed(name)


_INIT_DIMS = [400, 200, 100, 1]


def initial_std(scale, n_prev):
    """The standard deviation of the entries of W[l] that ``initialize_parameters_deep`` gives.

    Parameters
    ----------
    scale : float or {"he", "xavier"}
        Its ``scale`` argument: a number multiplies standard-normal draws, ``"he"`` is
        sqrt(2 / n[l-1]) and ``"xavier"`` is 1 / sqrt(n[l-1]).
    n_prev : int
        The width n[l-1] of the previous layer.

    Returns
    -------
    float
    """
    if scale == "he":
        return np.sqrt(2 / n_prev)
    if scale == "xavier":
        return np.sqrt(1 / n_prev)
    return scale


def _scale_mistakes(scale, n_prev, n):
    """The standard deviation each known initialisation mistake gives, for one layer."""
    he, xavier = initial_std("he", n_prev), initial_std("xavier", n_prev)
    uniform = "rng.random (uniform on [0, 1)) instead of standard-normal draws"
    if scale == "he":
        return {
            "Xavier's 1/sqrt(n[l-1]) instead of He's sqrt(2/n[l-1])": xavier,
            "sqrt(2/n[l]) (the layer's own size; He uses the previous layer's n[l-1])": np.sqrt(
                2 / n
            ),
            "2/n[l-1] without the square root": 2 / n_prev,
            "the default 0.01 (the scale argument was ignored)": 0.01,
            uniform: he / np.sqrt(12),
        }
    if scale == "xavier":
        return {
            "He's sqrt(2/n[l-1]) instead of Xavier's 1/sqrt(n[l-1])": he,
            "1/sqrt(n[l]) (the layer's own size; Xavier uses the previous layer's n[l-1])": (
                np.sqrt(1 / n)
            ),
            "1/n[l-1] without the square root": 1 / n_prev,
            "the default 0.01 (the scale argument was ignored)": 0.01,
            uniform: xavier / np.sqrt(12),
        }
    return {
        "He's sqrt(2/n[l-1]) instead of the number given as scale": he,
        "Xavier's 1/sqrt(n[l-1]) instead of the number given as scale": xavier,
        "the default 0.01 (the scale argument was ignored)": 0.01,
        uniform: scale / np.sqrt(12),
    }


def expect_parameters(name, parameters, layer_dims):
    """Check the keys, then the shape of every W[l] and b[l], of a deep network's parameters.

    Parameters
    ----------
    name : str
        The graded function.
    parameters : Any
        What it returned: a dict with ``W{l}`` of shape (n[l], n[l-1]) and ``b{l}`` of shape
        (n[l], 1) for l = 1..L is expected.
    layer_dims : sequence of int
        ``[n_x, n[1], ..., n[L]]``.
    """
    L = len(layer_dims) - 1
    keys = [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]  # noqa: E741
    checks.expect_keys(name, "parameters", parameters, keys)
    for l in range(1, L + 1):  # noqa: E741
        checks.expect_shape(name, f"W{l}", parameters[f"W{l}"], (layer_dims[l], layer_dims[l - 1]))
        checks.expect_shape(
            name,
            f"b{l}",
            parameters[f"b{l}"],
            (layer_dims[l], 1),
            rank1_hint="np.zeros(n) instead of np.zeros((n, 1))",
        )


def check_initialize_parameters_deep(initialize_parameters_deep):
    """Check keys, shapes, zero biases, broken symmetry and the spread of every W[l].

    The drawn numbers themselves are never compared (they depend on the order of random
    calls); their standard deviation is, on layers large enough to measure it.
    """
    name = "initialize_parameters_deep"
    layer_dims = list(_INIT_DIMS)
    cases = [
        ("he", {"scale": "he"}),
        ("xavier", {"scale": "xavier"}),
        (0.01, {}),
        (0.5, {"scale": 0.5}),
    ]
    for scale, kwargs in cases:
        where = f"for layer_dims={layer_dims}, scale={scale!r}"
        run = checks.call(
            initialize_parameters_deep, list(layer_dims), rng=np.random.default_rng(1), **kwargs
        )
        parameters = run.output
        expect_parameters(name, parameters, layer_dims)
        checks.expect_own_rng(run, where=where)
        checks.expect_unchanged(run)
        for l in range(1, len(layer_dims)):  # noqa: E741
            n_prev, n = layer_dims[l - 1], layer_dims[l]
            b = parameters[f"b{l}"]
            checks.expect_close(name, f"b{l}", b, np.zeros((n, 1)), where=where)
            checks.expect_distinct_rows(name, f"W{l}", parameters[f"W{l}"], where=where)
            checks.expect_std(
                name,
                f"W{l}",
                parameters[f"W{l}"],
                initial_std(scale, n_prev),
                mistakes=_scale_mistakes(scale, n_prev, n),
                where=where,
            )

    # The numbers come from rng: two generators seeded alike give the same parameters.
    where = "for layer_dims=[6, 4, 3], scale='he', rng=np.random.default_rng(7)"
    runs = [
        checks.call(
            initialize_parameters_deep,
            [6, 4, 3],
            scale="he",
            rng=np.random.default_rng(seed),
            where=where,
        )
        for seed in (7, 7, 8)
    ]
    for run in runs:
        expect_parameters(name, run.output, [6, 4, 3])
    for key in ("W1", "W2"):
        checks.expect_reproducible(name, key, runs[0].output[key], runs[1].output[key], where=where)
        checks.expect_seed_matters(
            name, key, runs[0].output[key], runs[2].output[key], where="for seeds 7 and 8"
        )
    # rng=None (the default) must work too.
    run = checks.call(initialize_parameters_deep, [3, 2, 1])
    expect_parameters(name, run.output, [3, 2, 1])
    checks.expect_own_rng(run, where="with the default rng=None")
    checks.all_passed(name)
