"""The visible network of ``04_deep_network`` and its forward pass, written out.

A 3-layer network ``[3, 2, 2, 1]`` on ``m = 4`` examples whose hidden values are halves and
whose output pre-activations are multiples of ``ln 3``, so that with ReLU hidden layers
``AL = [1/10, 243/244, 1/244, 1/2]`` exactly. The values of the other activations were worked
once from the notes' formulas, to 12 significant digits; the course's tests recompute every one
of them from the reference.
"""

from __future__ import annotations

import numpy as np

LN3 = np.log(3.0)

# The visible network: X (3, 4), W1 (2, 3), b1 (2, 1), W2 (2, 2), b2 (2, 1), W3 (1, 2), b3 (1, 1).
X = np.array([[1.0, 2.0, 0.0, -1.0], [0.0, 1.0, 3.0, 2.0], [2.0, -1.0, 1.0, 0.0]])
Y = np.array([[0.0, 1.0, 0.0, 1.0]])
PARAMETERS = {
    "W1": np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]),
    "b1": np.array([[0.5], [-1.5]]),
    "W2": np.array([[1.0, 1.0], [-1.0, 2.0]]),
    "b2": np.array([[-1.0], [0.5]]),
    "W3": LN3 * np.array([[2.0, -2.0]]),
    "b3": np.array([[LN3]]),
}
# dZ for linear_backward; dA and a Z with exact zeros (relu'(0) = 1) for linear_activation_backward.
DZ = np.array([[1.0, -1.0, 2.0, 0.5], [0.5, 1.0, -1.0, 1.0]])
DA = np.array([[1.0, -1.0, 2.0, 0.5], [0.5, 1.0, -1.0, 2.0]])
Z_BACKWARD = np.array([[-0.5, 0.0, 2.0, -1.0], [1.0, -2.0, 0.0, 0.5]])

# ---------------------------------------------------------------------------------------------
# Expected values (12 significant digits). Exact ones, by hand: Z1 = W1 X + b1 =
# [[-0.5, 3.5, -0.5, -0.5], [0.5, 3.5, 1.5, -1.5]]; with ReLU, A1 = max(0, Z1), and so on.
# ---------------------------------------------------------------------------------------------
ACT_FORWARD = {
    "relu": np.array([[0.0, 3.5, 0.0, 0.0], [0.5, 3.5, 1.5, 0.0]]),
    "leaky_relu": np.array([[-0.005, 3.5, -0.005, -0.005], [0.5, 3.5, 1.5, -0.015]]),
    "tanh": np.array(
        [
            [-0.46211715726, 0.998177897611, -0.46211715726, -0.46211715726],
            [0.46211715726, 0.998177897611, 0.905148253645, -0.905148253645],
        ]
    ),
    "sigmoid": np.array(
        [
            [0.377540668798, 0.970687769249, 0.377540668798, 0.377540668798],
            [0.622459331202, 0.970687769249, 0.817574476194, 0.182425523806],
        ]
    ),
}
FORWARD = {
    "relu": {
        "Z1": np.array([[-0.5, 3.5, -0.5, -0.5], [0.5, 3.5, 1.5, -1.5]]),
        "A1": np.array([[0.0, 3.5, 0.0, 0.0], [0.5, 3.5, 1.5, 0.0]]),
        "Z2": np.array([[-0.5, 6.0, 0.5, -1.0], [1.5, 4.0, 3.5, 0.5]]),
        "A2": np.array([[0.0, 6.0, 0.5, 0.0], [1.5, 4.0, 3.5, 0.5]]),
        "Z3": np.array([[-2.19722457734, 5.49306144334, -5.49306144334, 0.0]]),
        "A3": np.array([[0.1, 0.995901639344, 0.00409836065574, 0.5]]),
    },
    "leaky_relu": {
        "Z1": np.array([[-0.5, 3.5, -0.5, -0.5], [0.5, 3.5, 1.5, -1.5]]),
        "A1": np.array([[-0.005, 3.5, -0.005, -0.005], [0.5, 3.5, 1.5, -0.015]]),
        "Z2": np.array([[-0.505, 6.0, 0.495, -1.02], [1.505, 4.0, 3.505, 0.475]]),
        "A2": np.array([[-0.00505, 6.0, 0.495, -0.0102], [1.505, 4.0, 3.505, 0.475]]),
        "Z3": np.array([[-2.21930668434, 5.49306144334, -5.51503368911, 0.0325189237446]]),
        "A3": np.array([[0.0980300903189, 0.995901639344, 0.00400964969631, 0.508129014593]]),
    },
    "tanh": {
        "Z1": np.array([[-0.5, 3.5, -0.5, -0.5], [0.5, 3.5, 1.5, -1.5]]),
        "A1": np.array(
            [
                [-0.46211715726, 0.998177897611, -0.46211715726, -0.46211715726],
                [0.46211715726, 0.998177897611, 0.905148253645, -0.905148253645],
            ]
        ),
        "Z2": np.array(
            [
                [-1.0, 0.996355795222, -0.556968903615, -2.3672654109],
                [1.88635147178, 1.49817789761, 2.77241366455, -0.84817935003],
            ]
        ),
        "A2": np.array(
            [
                [-0.761594155956, 0.760059430763, -0.505725022672, -0.982579922076],
                [0.955053631782, 0.904818444065, 0.99221518433, -0.69011712325],
            ]
        ),
        "Z3": np.array([[-2.67324842118, 0.78054422685, -2.19269874954, 0.45600583913]]),
        "A3": np.array([[0.064570482531, 0.68579739543, 0.100408062534, 0.612066223517]]),
    },
    "sigmoid": {
        "Z1": np.array([[-0.5, 3.5, -0.5, -0.5], [0.5, 3.5, 1.5, -1.5]]),
        "A1": np.array(
            [
                [0.377540668798, 0.970687769249, 0.377540668798, 0.377540668798],
                [0.622459331202, 0.970687769249, 0.817574476194, 0.182425523806],
            ]
        ),
        "Z2": np.array(
            [
                [0.0, 0.941375538497, 0.195115144992, -0.440033807395],
                [1.36737799361, 1.47068776925, 1.75760828359, 0.487310378815],
            ]
        ),
        "A2": np.array(
            [
                [0.5, 0.719377426025, 0.548624622747, 0.391732913657],
                [0.796956198661, 0.813161901062, 0.852909861493, 0.619472621961],
            ]
        ),
        "Z3": np.array([[0.446132830578, 0.892546735145, 0.430029283575, 0.598217004348]]),
        "A3": np.array([[0.60971938735, 0.709415449574, 0.605880661057, 0.645248279062]]),
    },
}


def fresh_copy(value):
    """A deep copy of nested tuples, lists, dicts and arrays (each check gets fresh inputs)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: fresh_copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(fresh_copy(v) for v in value)
    return value


def visible_caches(activation):
    """The caches of the visible network's forward pass with this hidden activation."""
    values = FORWARD[activation]
    A_prevs = [X, values["A1"], values["A2"]]
    return [
        (
            (A_prevs[l - 1].copy(), PARAMETERS[f"W{l}"].copy(), PARAMETERS[f"b{l}"].copy()),
            values[f"Z{l}"].copy(),
        )
        for l in (1, 2, 3)  # noqa: E741
    ]
