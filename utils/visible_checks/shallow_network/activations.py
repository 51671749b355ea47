"""Visible checks of the activations of ``03_shallow_network``, at points z = ln(k).

There the sigmoid and tanh take exact rational values: sigmoid(ln k) = k / (k + 1) and
tanh(ln k) = (k^2 - 1) / (k^2 + 1).
"""

from __future__ import annotations

import numpy as np

from utils import checks
from utils.course import ACTIVATIONS, LEAKY_SLOPE

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
_LEAKY = np.where(_NEGATIVE, LEAKY_SLOPE * _Z, _Z)

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
_LEAKY_SLOPES = np.where(_NEGATIVE, LEAKY_SLOPE, 1.0)
_SLOPES = {
    "sigmoid": _SIGMOID_SLOPE,
    "tanh": _TANH_SLOPE,
    "relu": _RELU_SLOPE,
    "leaky_relu": _LEAKY_SLOPES,
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
        * np.where(_AT_ZERO, LEAKY_SLOPE, _LEAKY_SLOPES),
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
