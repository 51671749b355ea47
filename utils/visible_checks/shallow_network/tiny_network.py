"""One tiny network worked out by hand for ``03_shallow_network``: n_x = 2, n_h = 3, n_y = 1, m = 4.

Its forward and backward pass with tanh and with relu are written out to full precision, with
what known mistakes give for dW1 and db1; the course's tests recompute every value from the
reference.
"""

from __future__ import annotations

import numpy as np


def tiny_network():
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
Z1 = np.array([[1.0, 3.0, -3.0, -0.5], [1.0, 1.5, 0.0, 0.75], [-1.0, -3.0, 3.0, 1.0]])
Z1_WITHOUT_B1 = np.array([[1.0, 3.0, -3.0, -0.5], [0.5, 1.0, -0.5, 0.25], [0.0, -2.0, 4.0, 2.0]])

EXPECTED = {
    "tanh": {
        "Z1": Z1,
        "A1": np.tanh(Z1),
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
        "Z1": Z1,
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
BACKWARD_MISTAKES = {
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


def gradients_with_slope(X, Y, parameters, slope):
    """``(dW1, db1)`` of the tiny network when g'(Z1) is replaced by ``slope`` (a mistake)."""
    m = X.shape[1]
    dZ2 = EXPECTED["tanh"]["A2"] - Y
    dZ1 = parameters["W2"].T @ dZ2 * slope
    return dZ1 @ X.T / m, np.sum(dZ1, axis=1, keepdims=True) / m


def tiny_case(activation):
    """The tiny network's inputs, and the keyword arguments selecting ``activation``."""
    X, Y, parameters = tiny_network()
    kwargs = {} if activation == "tanh" else {"activation": activation}  # tanh is the default
    label = "the default activation (tanh)" if activation == "tanh" else f"{activation!r}"
    return X, Y, parameters, kwargs, label
