"""Visible checks of the forward pass of ``04_deep_network``: one layer, then the network."""

from __future__ import annotations

import numpy as np

from utils import checks
from utils.course import DEEP_ACTIVATIONS
from utils.visible_checks.deep_network.network import (
    ACT_FORWARD,
    FORWARD,
    PARAMETERS,
    X,
    fresh_copy,
    visible_caches,
)


def _expect_items(name, var, value, item_names):
    """Check that ``value`` is a tuple with one item per name (a cache, for example)."""
    checks.expect_type(name, var, value, tuple)
    checks.expect_equal(
        name,
        f"the number of items in {var} ({', '.join(item_names)})",
        len(value),
        len(item_names),
    )


def _check_linear_cache(name, var, linear_cache, A_prev, W, b, where=""):
    """``linear_cache`` must be ``(A_prev, W, b)``: the inputs of the linear step."""
    _expect_items(name, var, linear_cache, ("A_prev", "W", "b"))
    for item, value, expected in zip(
        ("A_prev", "W", "b"), linear_cache, (A_prev, W, b), strict=True
    ):
        checks.expect_shape(name, f"{var}[{item}]", value, expected.shape)
        checks.expect_close(name, f"{var}[{item}]", value, expected, where=where)


def check_linear_forward(linear_forward):
    """Check ``linear_forward`` on the first layer of the visible network (Z1 worked by hand)."""
    name = "linear_forward"
    A_prev, W, b = X.copy(), PARAMETERS["W1"].copy(), PARAMETERS["b1"].copy()
    run = checks.call(linear_forward, A_prev, W, b)
    Z, linear_cache = checks.expect_tuple(name, run.output, ("Z", "linear_cache"))
    checks.expect_shape(name, "Z", Z, (2, 4))
    checks.expect_unchanged(run)
    expected = FORWARD["relu"]["Z1"]
    checks.expect_close(
        name,
        "Z",
        Z,
        expected,
        mistakes={
            "the bias not added (Z = W A_prev)": expected - PARAMETERS["b1"],
            "the bias subtracted": expected - 2 * PARAMETERS["b1"],
        },
    )
    _check_linear_cache(name, "linear_cache", linear_cache, X, PARAMETERS["W1"], PARAMETERS["b1"])
    checks.all_passed(name)


_ACTIVATION_FORWARD_MISTAKES = {
    "relu": {"leaky ReLU instead of ReLU": "leaky_relu", "tanh instead of ReLU": "tanh"},
    "leaky_relu": {"ReLU (slope 0) instead of leaky ReLU (slope 0.01 for z < 0)": "relu"},
    "tanh": {"the sigmoid instead of tanh": "sigmoid", "ReLU instead of tanh": "relu"},
    "sigmoid": {"tanh instead of the sigmoid": "tanh", "ReLU instead of the sigmoid": "relu"},
}


def check_linear_activation_forward(linear_activation_forward):
    """Check ``linear_activation_forward`` with every activation on the first visible layer."""
    name = "linear_activation_forward"
    Z1 = FORWARD["relu"]["Z1"]
    for activation in DEEP_ACTIVATIONS:
        where = f'with activation="{activation}"'
        A_prev, W, b = X.copy(), PARAMETERS["W1"].copy(), PARAMETERS["b1"].copy()
        run = checks.call(linear_activation_forward, A_prev, W, b, activation, where=where)
        A, cache = checks.expect_tuple(name, run.output, ("A", "cache"))
        checks.expect_shape(name, "A", A, (2, 4))
        _expect_items(name, "cache", cache, ("linear_cache", "Z"))
        checks.expect_shape(name, "cache[Z]", cache[1], (2, 4))
        checks.expect_unchanged(run)
        expected = ACT_FORWARD[activation]
        mistakes = {"Z itself (no activation applied)": Z1}
        for mistake, other in _ACTIVATION_FORWARD_MISTAKES[activation].items():
            mistakes[mistake] = ACT_FORWARD[other]
        checks.expect_close(name, "A", A, expected, mistakes=mistakes, where=where)
        checks.expect_close(
            name,
            "cache[Z]",
            cache[1],
            Z1,
            mistakes={"A instead of Z (the backward pass needs Z to compute g'(Z))": expected},
            where=where,
        )
        _check_linear_cache(
            name, "cache[linear_cache]", cache[0], X, PARAMETERS["W1"], PARAMETERS["b1"], where
        )
    checks.all_passed(name)


def check_L_model_forward(L_model_forward):
    """Check ``L_model_forward`` on the visible 3-layer network with every hidden activation."""
    name = "L_model_forward"
    for activation in DEEP_ACTIVATIONS:
        where = f'with hidden_activation="{activation}"'
        kwargs = {} if activation == "relu" else {"hidden_activation": activation}
        if activation == "relu":
            where += " (the default)"
        run = checks.call(L_model_forward, X.copy(), fresh_copy(PARAMETERS), where=where, **kwargs)
        AL, caches = checks.expect_tuple(name, run.output, ("AL", "caches"))
        checks.expect_shape(name, "AL", AL, (1, 4))
        checks.expect_type(name, "caches", caches, list)
        checks.expect_equal(
            name,
            "len(caches)",
            len(caches),
            3,
            mistakes={"a missing cache (one cache per layer, the output layer's too)": 2},
            where=where,
        )
        for l, cache in enumerate(caches, start=1):  # noqa: E741
            _expect_items(name, f"caches[{l - 1}]", cache, ("linear_cache", "Z"))
            checks.expect_shape(
                name, f"caches[{l - 1}][Z]", cache[1], FORWARD[activation][f"Z{l}"].shape
            )
        checks.expect_unchanged(run)
        values = FORWARD[activation]
        Z3 = values["Z3"]
        mistakes = {
            "ReLU at the output layer (the output layer uses the sigmoid)": np.maximum(0, Z3),
            "the output layer's Z (no sigmoid applied)": Z3,
        }
        if activation != "sigmoid":
            mistakes["the sigmoid at every layer (hidden_activation ignored)"] = FORWARD["sigmoid"][
                "A3"
            ]
        if activation != "relu":
            mistakes["ReLU in the hidden layers (hidden_activation ignored)"] = FORWARD["relu"][
                "A3"
            ]
        checks.expect_close(name, "AL", AL, values["A3"], mistakes=mistakes, where=where)
        for l, cache in zip((1, 2, 3), visible_caches(activation), strict=True):  # noqa: E741
            checks.expect_close(
                name,
                f"caches[{l - 1}][Z] (Z{l})",
                caches[l - 1][1],
                cache[1],
                mistakes={f"A{l} instead of Z{l}": values[f"A{l}"]},
                where=where,
            )
            _check_linear_cache(
                name, f"caches[{l - 1}][linear_cache]", caches[l - 1][0], *cache[0], where
            )
    checks.all_passed(name)
