"""Visible checks of ``03_shallow_network``.

Expected values come from mathematics or from small hand-worked cases written out below (the
forward and backward pass of one tiny network, to full precision). The activation checks use
inputs z = ln(k), where the sigmoid and tanh take exact rational values:
sigmoid(ln k) = k / (k + 1) and tanh(ln k) = (k^2 - 1) / (k^2 + 1).
"""

from __future__ import annotations

import numbers

import numpy as np

from utils import checks

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")

# --------------------------------------------------------------------------------------------
# Activations: Z = ln(K), with an exact 0 at Z[0, 1] (where relu' and leaky_relu' are 1).
# --------------------------------------------------------------------------------------------
_K = np.array([[1 / 3, 1.0, 3.0, 2.0], [1 / 9, 1 / 2, 4.0, 9.0]])
_Z = np.log(_K)
_Z[0, 1] = 0.0
_NEGATIVE = _K < 1  # where z < 0

_SIGMOID = _K / (_K + 1)  # 0.25, 0.5, 0.75, 2/3; 0.1, 1/3, 0.8, 0.9
_TANH = (_K**2 - 1) / (_K**2 + 1)  # -0.8, 0, 0.8, 0.6; -40/41, -0.6, 15/17, 40/41
_RELU = np.where(_NEGATIVE, 0.0, _Z)
_LEAKY = np.where(_NEGATIVE, 0.01 * _Z, _Z)

_FORWARD = {"sigmoid": _SIGMOID, "tanh": _TANH, "relu": _RELU, "leaky_relu": _LEAKY}
_FORWARD_MISTAKES = {
    "sigmoid": {
        "e^z instead of e^-z": 1 / (_K + 1),
        "tanh instead of the sigmoid": _TANH,
    },
    "tanh": {
        "the sigmoid instead of tanh": _SIGMOID,
        "e^z and e^-z swapped in tanh": -_TANH,
    },
    "relu": {
        "min(0, z) instead of max(0, z)": np.where(_NEGATIVE, _Z, 0.0),
        "the leaky ReLU instead of the ReLU": _LEAKY,
    },
    "leaky_relu": {
        "a slope of 0 for z < 0 (the plain ReLU) instead of 0.01": _RELU,
        "a slope of 0.1 for z < 0 instead of 0.01": np.where(_NEGATIVE, 0.1 * _Z, _Z),
        "a slope of -0.01 for z < 0 instead of 0.01": np.where(_NEGATIVE, -0.01 * _Z, _Z),
        "min(0.01 z, z) instead of max(0.01 z, z)": np.where(_NEGATIVE, _Z, 0.01 * _Z),
    },
}

# Derivatives at the same points: sigmoid' = s(1 - s) = K / (K + 1)^2, tanh' = 1 - tanh^2 =
# 4 K^2 / (K^2 + 1)^2, relu' = 0 for z < 0 and 1 for z >= 0, leaky_relu' = 0.01 or 1.
_DA = np.array([[1.0, -2.0, 0.5, 3.0], [2.0, 1.0, -1.0, 0.5]])
_SIGMOID_SLOPE = _K / (_K + 1) ** 2
_TANH_SLOPE = 4 * _K**2 / (_K**2 + 1) ** 2
_RELU_SLOPE = np.where(_NEGATIVE, 0.0, 1.0)
_LEAKY_SLOPE = np.where(_NEGATIVE, 0.01, 1.0)
_SLOPES = {
    "sigmoid": _SIGMOID_SLOPE,
    "tanh": _TANH_SLOPE,
    "relu": _RELU_SLOPE,
    "leaky_relu": _LEAKY_SLOPE,
}
_AT_ZERO = np.zeros_like(_Z, dtype=bool)
_AT_ZERO[0, 1] = True
_BACKWARD_MISTAKES = {
    "sigmoid": {
        "g(z) = s instead of g'(z) = s(1 - s)": _DA * _SIGMOID,
        "s(1 - s) with s = Z instead of s = sigmoid(Z)": _DA * _Z * (1 - _Z),
    },
    "tanh": {
        "the sigmoid derivative s(1 - s), s = sigmoid(Z), used for tanh": _DA * _SIGMOID_SLOPE,
        "the sigmoid derivative's formula a(1 - a) with a = tanh(Z) (tanh' is 1 - a**2)": _DA
        * _TANH
        * (1 - _TANH),
        "1 - Z**2 instead of 1 - tanh(Z)**2": _DA * (1 - _Z**2),
        "1 - tanh(Z) instead of 1 - tanh(Z)**2": _DA * (1 - _TANH),
    },
    "relu": {
        "relu'(0) = 0 (the notes use relu'(z) = 1 for z >= 0)": _DA
        * np.where(_AT_ZERO, 0.0, _RELU_SLOPE),
        "dA * relu(Z) instead of dA * relu'(Z)": _DA * _RELU,
    },
    "leaky_relu": {
        "a slope of 0 for z < 0 (the ReLU derivative) instead of 0.01": _DA * _RELU_SLOPE,
        "a slope of 0.1 for z < 0 instead of 0.01": _DA * np.where(_NEGATIVE, 0.1, 1.0),
        "leaky_relu'(0) = 0.01 (the notes use 1 for z >= 0)": _DA
        * np.where(_AT_ZERO, 0.01, _LEAKY_SLOPE),
    },
}
for _name, _slope in _SLOPES.items():
    _BACKWARD_MISTAKES[_name]["g'(Z) alone, without the factor dA"] = _slope


def check_activation_forward(activation_forward):
    """Check ``activation_forward`` for the four activations at points z = ln(k)."""
    name = "activation_forward"
    for activation in ACTIVATIONS:
        run = checks.call(activation_forward, _Z.copy(), activation)
        var = f"A for activation={activation!r}"
        if activation == "leaky_relu":
            var += " (slope 0.01 for z < 0)"
        checks.expect_shape(name, var, run.output, _Z.shape)
        checks.expect_unchanged(run)
        checks.expect_close(
            name, var, run.output, _FORWARD[activation], mistakes=_FORWARD_MISTAKES[activation]
        )
    checks.all_passed(name)


def check_activation_backward(activation_backward):
    """Check ``activation_backward``: dZ = dA * g'(Z), including g'(0) = 1 for the ReLUs."""
    name = "activation_backward"
    for activation in ACTIVATIONS:
        run = checks.call(activation_backward, _DA.copy(), _Z.copy(), activation)
        var = f"dZ for activation={activation!r}"
        checks.expect_shape(name, var, run.output, _Z.shape)
        checks.expect_unchanged(run)
        checks.expect_close(
            name,
            var,
            run.output,
            _DA * _SLOPES[activation],
            mistakes=_BACKWARD_MISTAKES[activation],
        )
    checks.all_passed(name)


def check_layer_sizes(layer_sizes):
    """Check ``layer_sizes`` on X of shape (5, 3) and Y of shape (2, 3), with and without n_h."""
    name = "layer_sizes"
    X, Y = np.zeros((5, 3)), np.zeros((2, 3))
    for kwargs, expected in [({}, (5, 4, 2)), ({"n_h": 7}, (5, 7, 2))]:
        run = checks.call(layer_sizes, X, Y, **kwargs)
        sizes = checks.expect_tuple(name, run.output, ("n_x", "n_h", "n_y"))
        for var, value in zip(("n_x", "n_h", "n_y"), sizes, strict=True):
            checks.expect_type(name, var, value, numbers.Integral)
        checks.expect_unchanged(run)
        n_h = expected[1]
        checks.expect_equal(
            name,
            f"(n_x, n_h, n_y) with {'n_h=7' if kwargs else 'the default n_h'}",
            tuple(int(s) for s in sizes),
            expected,
            mistakes={
                "X.shape[1] (the number of examples m) instead of X.shape[0]": (3, n_h, 2),
                "Y.shape[1] (the number of examples m) instead of Y.shape[0]": (5, n_h, 3),
                "a fixed n_h = 4 instead of the argument n_h": (5, 4, 2),
            },
        )
    checks.all_passed(name)


def _expect_parameters(name, parameters, n_x, n_h, n_y):
    """Keys and shapes of a parameters dict of the two-layer network."""
    checks.expect_keys(name, "parameters", parameters, ("W1", "b1", "W2", "b2"))
    shapes = {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}
    for key, shape in shapes.items():
        checks.expect_shape(name, key, parameters[key], shape, rank1_hint="np.zeros(n_h)")


def check_initialize_parameters(initialize_parameters):
    """Check shapes, zero biases, the scale 0.01 of the weights and broken symmetry."""
    name = "initialize_parameters"
    # Shapes and biases on the flower's sizes, with and without an rng.
    for kwargs in ({"rng": np.random.default_rng(1)}, {}):
        run = checks.call(initialize_parameters, 2, 4, 1, **kwargs)
        parameters = run.output
        _expect_parameters(name, parameters, 2, 4, 1)
        checks.expect_own_rng(run)
        for key in ("b1", "b2"):
            checks.expect_close(
                name,
                f"{key} (biases start at zero)",
                parameters[key],
                np.zeros(parameters[key].shape),
            )
    # Statistics need many draws: 50 inputs, 40 hidden units, 3 outputs.
    run = checks.call(initialize_parameters, 50, 40, 3, rng=np.random.default_rng(2))
    parameters = run.output
    _expect_parameters(name, parameters, 50, 40, 3)
    mistakes = {"unscaled initialisation (randn without * 0.01)": 1.0}
    for key in ("W1", "W2"):
        checks.expect_std(name, key, parameters[key], 0.01, mistakes=mistakes)
        n = parameters[key].size
        checks.expect_close(
            name,
            f"the mean of the entries of {key}",
            float(np.mean(parameters[key])),
            0.0,
            rtol=0.0,
            atol=5 * 0.01 / np.sqrt(n),
            mistakes={"uniform draws (rng.random) instead of normal ones (randn)": 0.005},
        )
    checks.expect_distinct_rows(name, "W1", parameters["W1"])
    # Every draw comes from `rng`: the same seed gives the same parameters, another seed others.
    again = checks.call(initialize_parameters, 50, 40, 3, rng=np.random.default_rng(2)).output
    _expect_parameters(name, again, 50, 40, 3)
    other = checks.call(initialize_parameters, 50, 40, 3, rng=np.random.default_rng(3)).output
    _expect_parameters(name, other, 50, 40, 3)
    for key in ("W1", "W2"):
        checks.expect_reproducible(name, key, parameters[key], again[key])
        checks.expect_seed_matters(
            name, key, parameters[key], other[key], where="for seeds 2 and 3"
        )
    checks.all_passed(name)


# --------------------------------------------------------------------------------------------
# One tiny network, worked out by hand: n_x = 2, n_h = 3, n_y = 1, m = 4.
# --------------------------------------------------------------------------------------------
def _tiny():
    X = np.array([[1.0, 2.0, -1.0, 0.5], [0.0, -1.0, 2.0, 1.0]])
    Y = np.array([[1.0, 0.0, 0.0, 1.0]])
    parameters = {
        "W1": np.array([[1.0, -1.0], [0.5, 0.0], [0.0, 2.0]]),
        "b1": np.array([[0.0], [0.5], [-1.0]]),
        "W2": np.array([[1.0, -2.0, 0.5]]),
        "b2": np.array([[0.25]]),
    }
    return X, Y, parameters


# Z1 = W1 X + b1, the same for every activation (note the exact 0 at Z1[1, 2]).
_Z1 = np.array([[1.0, 3.0, -3.0, -0.5], [1.0, 1.5, 0.0, 0.75], [-1.0, -3.0, 3.0, 1.0]])
_Z1_WITHOUT_B1 = np.array([[1.0, 3.0, -3.0, -0.5], [0.5, 1.0, -0.5, 0.25], [0.0, -2.0, 4.0, 2.0]])

_TINY = {
    "tanh": {
        "Z1": _Z1,
        "A1": np.tanh(_Z1),
        "Z2": np.array(
            [[-0.8923912339336473, -1.0627691304463678, -0.24752737684336523, -1.101617984056702]]
        ),
        "A2": np.array(
            [[0.2906166072933952, 0.25678062600420215, 0.43843218921613675, 0.2494368556986597]]
        ),
        "dW1": np.array(
            [
                [-0.14808023470498774, -0.14604022848410658],
                [0.43371937242137704, -0.1913435472285755],
                [-0.05684877854525271, -0.038637436627570965],
            ]
        ),
        "db1": np.array([[-0.2203356277786484], [0.13043199516550336], [-0.07578513627484187]]),
        "dW2": np.array([[-0.0935418477793537, -0.19613927645584725, 0.0373477483326001]]),
        "db2": np.array([[-0.19118343044690156]]),
    },
    "relu": {
        "Z1": _Z1,
        "A1": np.array([[1.0, 3.0, 0.0, 0.0], [1.0, 1.5, 0.0, 0.75], [0.0, 0.0, 3.0, 1.0]]),
        "Z2": np.array([[-0.75, 0.25, 1.75, -0.75]]),
        "A2": 1 / (1 + np.exp(-np.array([[-0.75, 0.25, 1.75, -0.75]]))),
        "dW1": np.array(
            [
                [0.11129357564905079, -0.14054412522144952],
                [0.37318392447990195, -0.2312752019377151],
                [-0.14894276894450087, 0.12809086309515352],
            ]
        ),
        "db1": np.array([[-0.029250549572398726], [-0.02788595225166135], [0.0215967628491147]]),
        "dW2": np.array([[0.2518377008705003, -0.08632449305706016, 0.46916992668238466]]),
        "db2": np.array([[0.013942976125830675]]),
    },
}

# What known mistakes give for dW1 and db1 in the tiny network.
_BACKWARD_TINY_MISTAKES = {
    "tanh": {
        "the sigmoid derivative's formula A1 * (1 - A1) used for tanh (tanh' is 1 - A1**2)": (
            np.array(
                [
                    [0.24941559237275907, -0.30871806653305434],
                    [0.08583785800092211, 0.09798872183531192],
                    [-0.017261241429562667, 0.04722428064184335],
                ]
            ),
            np.array([[-0.12269404511110057], [0.14034368718339477], [0.03848045311490897]]),
        ),
        "the sigmoid derivative s(1 - s), s = sigmoid(Z1), used for tanh": (
            np.array(
                [
                    [-0.05606793068000909, -0.03709295311610145],
                    [0.12712871235916173, -0.008687111816877244],
                    [-0.026232999444278014, -0.014944544766597729],
                ]
            ),
            np.array([[-0.07111274315204605], [0.07755561263093748], [-0.03195443978457001]]),
        ),
        "1 - Z1**2 instead of 1 - A1**2 (the derivative of tanh is 1 - tanh(Z1)**2)": (
            np.array(
                [
                    [-0.22062342036278576, -1.380898094412644],
                    [0.6222847210212802, -0.4347343926528449],
                    [-0.07512906279226755, -0.6200837524280713],
                ]
            ),
            np.array([[-1.5311562199971793], [0.10545748446047618], [-0.695212815220339]]),
        ),
        "dZ1 = W2.T @ dZ2 without the factor g'(Z1)": (
            np.array(
                [
                    [-0.25238397551625186, -0.03261984796831724],
                    [0.5047679510325037, 0.06523969593663448],
                    [-0.12619198775812593, -0.01630992398415862],
                ]
            ),
            np.array([[-0.19118343044690156], [0.3823668608938031], [-0.09559171522345078]]),
        ),
    },
    "relu": {
        "relu'(0) = 0 (the notes use relu'(z) = 1 for z >= 0)": (
            np.array(
                [
                    [0.11129357564905079, -0.14054412522144952],
                    [-0.05279247650425334, 0.6206776000305956],
                    [-0.14894276894450087, 0.12809086309515352],
                ]
            ),
            np.array([[-0.029250549572398726], [0.39809044873249394], [0.0215967628491147]]),
        ),
        "the tanh derivative (the activation argument ignored)": (
            np.array(
                [
                    [-0.13740484766298539, -0.13071855162041782],
                    [0.5683032818432072, -0.598564102382338],
                    [-0.053146116255194, -0.03424666065761153],
                ]
            ),
            np.array([[-0.20135608075274877], [-0.13155791384288457], [-0.06956542522377701]]),
        ),
    },
}


def _with_slope(X, Y, parameters, slope):
    """``(dW1, db1)`` of the tiny network when g'(Z1) is replaced by ``slope`` (a mistake)."""
    m = X.shape[1]
    dZ2 = _TINY["tanh"]["A2"] - Y
    dZ1 = parameters["W2"].T @ dZ2 * slope
    return dZ1 @ X.T / m, np.sum(dZ1, axis=1, keepdims=True) / m


def _tiny_case(activation):
    """The tiny network's inputs, and the keyword arguments selecting ``activation``."""
    X, Y, parameters = _tiny()
    kwargs = {} if activation == "tanh" else {"activation": activation}  # tanh is the default
    label = "the default activation (tanh)" if activation == "tanh" else f"{activation!r}"
    return X, Y, parameters, kwargs, label


def check_forward_propagation(forward_propagation):
    """Check ``forward_propagation`` on a hand-worked network, with tanh and with relu."""
    name = "forward_propagation"
    for activation in ("tanh", "relu"):
        X, _, parameters, kwargs, label = _tiny_case(activation)
        expected = _TINY[activation]
        run = checks.call(forward_propagation, X, parameters, **kwargs)
        A2, cache = checks.expect_tuple(name, run.output, ("A2", "cache"))
        checks.expect_keys(name, "cache", cache, ("Z1", "A1", "Z2", "A2"))
        checks.expect_shape(name, "A2", A2, (1, 4))
        for key in ("Z1", "A1"):
            checks.expect_shape(name, f"cache[{key!r}]", cache[key], (3, 4))
        for key in ("Z2", "A2"):
            checks.expect_shape(name, f"cache[{key!r}]", cache[key], (1, 4))
        checks.expect_unchanged(run)
        hidden_mistakes = {
            "tanh": {"the sigmoid instead of tanh in the hidden layer": 1 / (1 + np.exp(-_Z1))},
            "relu": {"tanh instead of relu (the activation argument ignored)": np.tanh(_Z1)},
        }[activation]
        mistakes = {
            "Z1": {"a missing bias b1": _Z1_WITHOUT_B1},
            "A1": hidden_mistakes,
            "Z2": {"a missing bias b2": expected["Z2"] - 0.25},
            "A2": {
                "the hidden activation instead of the sigmoid in the output layer": {
                    "tanh": np.tanh(expected["Z2"]),
                    "relu": np.array([[0.0, 0.25, 1.75, 0.0]]),
                }[activation]
            },
        }
        for key in ("Z1", "A1", "Z2", "A2"):
            checks.expect_close(
                name,
                f"cache[{key!r}] with {label}",
                cache[key],
                expected[key],
                mistakes=mistakes[key],
            )
        checks.expect_close(name, f"A2 (returned) with {label}", A2, expected["A2"])
    checks.all_passed(name)


def check_compute_cost(compute_cost):
    """Check ``compute_cost`` where J = ln(100/9) / 4 exactly."""
    name = "compute_cost"
    A2 = np.array([[0.8, 0.1, 0.5, 0.75]])
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    # J = -(ln 0.8 + ln 0.9 + ln 0.5 + ln 0.25) / 4 = ln(1.25 * 10/9 * 2 * 4) / 4 = ln(100/9) / 4
    expected = np.log(100 / 9) / 4
    run = checks.call(compute_cost, A2.copy(), Y.copy())
    cost = checks.expect_scalar(name, "cost", run.output)
    checks.expect_unchanged(run)
    checks.expect_close(
        name,
        "cost",
        cost,
        expected,
        mistakes={
            "a missing 1/m (a sum instead of the mean over the m examples)": 4 * expected,
            "a missing minus sign": -expected,
            "log(A2) and log(1 - A2) swapped": -np.log(0.2 * 0.9 * 0.5 * 0.75) / 4,
            "only the Y * log(A2) term": -np.log(0.8 * 0.5) / 4,
        },
    )
    checks.all_passed(name)


def check_backward_propagation(backward_propagation):
    """Check ``backward_propagation`` on a hand-worked network, with tanh and with relu."""
    name = "backward_propagation"
    for activation in ("tanh", "relu"):
        X, Y, parameters, kwargs, label = _tiny_case(activation)
        expected = _TINY[activation]
        cache = {key: expected[key].copy() for key in ("Z1", "A1", "Z2", "A2")}
        run = checks.call(backward_propagation, parameters, cache, X, Y, **kwargs)
        grads = run.output
        checks.expect_keys(name, "grads", grads, ("dW1", "db1", "dW2", "db2"))
        hint = "np.sum without keepdims=True"
        m = X.shape[1]
        axis0 = "np.sum over axis=0 (over the units) where axis=1 (over the examples) was meant"
        axis_mistakes = {axis0: (1, m), f"{axis0}, without keepdims=True": (m,)}
        checks.expect_shape(name, "dW1", grads["dW1"], (3, 2))
        checks.expect_shape_with_mistakes(
            name, "db1", grads["db1"], (3, 1), mistakes=axis_mistakes, rank1_hint=hint
        )
        checks.expect_shape(name, "dW2", grads["dW2"], (1, 3))
        checks.expect_shape_with_mistakes(
            name, "db2", grads["db2"], (1, 1), mistakes=axis_mistakes, rank1_hint=hint
        )
        checks.expect_unchanged(run)
        known = dict(_BACKWARD_TINY_MISTAKES[activation])
        if activation == "tanh":
            known["1 - A1 instead of 1 - A1**2 (tanh' is 1 - tanh(Z1)**2)"] = _with_slope(
                X, Y, parameters, 1 - expected["A1"]
            )
        for index, key in enumerate(("dW1", "db1")):
            mistakes = {mistake: values[index] for mistake, values in known.items()}
            mistakes["a missing 1/m"] = 4 * expected[key]
            checks.expect_close(
                name, f"{key} with {label}", grads[key], expected[key], mistakes=mistakes
            )
        for key in ("dW2", "db2"):
            checks.expect_close(
                name,
                f"{key} with {label}",
                grads[key],
                expected[key],
                mistakes={
                    "a missing 1/m": 4 * expected[key],
                    "dZ2 = Y - A2 instead of A2 - Y": -expected[key],
                },
            )
    checks.all_passed(name)


def check_update_parameters(update_parameters):
    """Check one step W := W - learning_rate * dW, and that the inputs are left unchanged."""
    name = "update_parameters"
    parameters = {
        "W1": np.array([[1.0, -1.0], [0.5, 2.0], [0.0, 0.25]]),
        "b1": np.array([[0.5], [0.0], [-1.0]]),
        "W2": np.array([[1.0, -2.0, 0.5]]),
        "b2": np.array([[0.25]]),
    }
    grads = {
        "dW1": np.array([[0.5, 1.0], [-1.0, 0.25], [2.0, 0.0]]),
        "db1": np.array([[1.0], [-0.5], [0.25]]),
        "dW2": np.array([[-0.5, 1.0, 2.0]]),
        "db2": np.array([[0.5]]),
    }
    shapes = {key: value.shape for key, value in parameters.items()}
    for learning_rate in (0.5, None):
        kwargs = {} if learning_rate is None else {"learning_rate": learning_rate}
        used = 1.2 if learning_rate is None else learning_rate
        label = "the default learning_rate 1.2" if learning_rate is None else "learning_rate=0.5"
        run = checks.call(update_parameters, parameters, grads, **kwargs)
        new = run.output
        checks.expect_keys(name, "parameters", new, ("W1", "b1", "W2", "b2"))
        for key, shape in shapes.items():
            checks.expect_shape(name, key, new[key], shape)
        checks.expect_unchanged(run)
        for key in shapes:
            step = grads["d" + key]
            checks.expect_close(
                name,
                f"{key} with {label}",
                new[key],
                parameters[key] - used * step,
                mistakes={
                    "W + learning_rate * dW (a step uphill)": parameters[key] + used * step,
                    "a step without the learning rate": parameters[key] - step,
                    "the default learning rate 1.2 instead of the argument": parameters[key]
                    - 1.2 * step,
                },
            )
    checks.all_passed(name)


def check_predict(predict):
    """Check ``predict`` on a network whose outputs are worked out by hand, tanh and relu."""
    name = "predict"
    # Hidden unit j computes g(x_j); the output is sigmoid(2 g(x_1) - 2 g(x_2) + 0.5).
    X = np.array([[3.0, 0.0, 0.0, -3.0, 1.0], [0.0, 3.0, 0.0, 0.0, 1.0]])
    parameters = {
        "W1": np.array([[1.0, 0.0], [0.0, 1.0]]),
        "b1": np.zeros((2, 1)),
        "W2": np.array([[2.0, -2.0]]),
        "b2": np.array([[0.5]]),
    }
    # tanh: 2.49, -1.49, 0.5, -1.49, 0.5; relu: 6.5, -5.5, 0.5, 0.5, 0.5 (before the sigmoid).
    expected = {
        "tanh": np.array([[1.0, 0.0, 1.0, 0.0, 1.0]]),
        "relu": np.array([[1.0, 0.0, 1.0, 1.0, 1.0]]),
    }
    for activation in ("tanh", "relu"):
        kwargs = {} if activation == "tanh" else {"activation": activation}
        label = "the default activation (tanh)" if activation == "tanh" else "activation='relu'"
        run = checks.call(predict, parameters, X, **kwargs)
        checks.expect_shape(name, "predictions", run.output, (1, 5))
        checks.expect_binary(name, "predictions", run.output)
        checks.expect_unchanged(run)
        other = expected["relu" if activation == "tanh" else "tanh"]
        checks.expect_close(
            name,
            f"predictions with {label}",
            run.output,
            expected[activation],
            mistakes={
                "1 where A2 < 0.5 (the classes swapped)": 1 - expected[activation],
                "the wrong hidden activation (pass `activation` on to forward_propagation)": other,
            },
        )
    checks.all_passed(name)


def _one_unit_accuracy(parameters, x, Y):
    """Training accuracy of a 1-1-1 tanh network, from its decision boundary.

    The output sigmoid(w2 tanh(w1 x + b1) + b2) crosses 0.5 where tanh(w1 x + b1) = -b2 / w2,
    at x* = (artanh(-b2 / w2) - b1) / w1; it increases with x when w1 w2 > 0.
    """
    w1, b1, w2, b2 = (float(np.asarray(parameters[k]).ravel()[0]) for k in ("W1", "b1", "W2", "b2"))
    level = -b2 / w2 if w2 != 0 else np.inf
    if abs(level) >= 1 or w1 == 0:  # no crossing: one class everywhere, the sign of the output
        predictions = np.full(x.shape, float(w2 * np.tanh(b1) + b2 > 0))
    else:
        boundary = (np.arctanh(level) - b1) / w1
        predictions = (x > boundary) if w1 * w2 > 0 else (x < boundary)
    return float(np.mean(predictions.astype(float) == Y.ravel()))


def check_nn_model(nn_model):
    """Check ``nn_model``: structure, shapes, rng, and training on a 1-D task."""
    name = "nn_model"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 30))
    Y = (rng.random((1, 30)) > 0.5).astype(float)
    run = checks.call(nn_model, X, Y, 3, num_iterations=20, rng=np.random.default_rng(5))
    parameters = run.output
    _expect_parameters(name, parameters, 2, 3, 1)
    checks.expect_own_rng(run)
    checks.expect_unchanged(run)
    for key in ("W1", "b1", "W2", "b2"):
        checks.expect_finite(name, key, parameters[key])
    again = checks.call(nn_model, X, Y, 3, num_iterations=20, rng=np.random.default_rng(5)).output
    _expect_parameters(name, again, 2, 3, 1)
    other = checks.call(nn_model, X, Y, 3, num_iterations=20, rng=np.random.default_rng(8)).output
    _expect_parameters(name, other, 2, 3, 1)
    for key in ("W1", "W2"):
        checks.expect_reproducible(name, key, parameters[key], again[key])
        checks.expect_seed_matters(
            name, key, parameters[key], other[key], where="for seeds 5 and 8"
        )

    # A 1-D task: class 0 for x in [-1, 1], class 1 for x in [2, 3]. One tanh unit suffices;
    # untrained parameters (boundary at x = 0) get at most 71 % right.
    x = np.concatenate([np.linspace(-1.0, 1.0, 16), np.linspace(2.0, 3.0, 12)])
    X, Y = x.reshape(1, -1), (x > 1.5).astype(float).reshape(1, -1)
    run = checks.call(nn_model, X, Y, 1, num_iterations=300, rng=np.random.default_rng(6))
    _expect_parameters(name, run.output, 1, 1, 1)
    checks.expect_unchanged(run)
    checks.expect_at_least(
        name,
        "training accuracy on a 1-D task after 300 iterations (1 hidden unit)",
        _one_unit_accuracy(run.output, x, Y),
        0.95,
        hint="every iteration should run forward_propagation, backward_propagation and "
        "update_parameters, and the next iteration should use the updated parameters",
    )
    checks.all_passed(name)
