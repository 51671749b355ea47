"""What the explorer's controls can set: data sets, input features, network choices, the reset
rules, and :class:`Settings`, which holds one choice of each.

Nothing here depends on a widget or on the functions a student passes in.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from utils import course, datasets
from utils.datasets import PLANAR_NAMES

# --------------------------------------------------------------------------------------------
# Choices offered by the controls
# --------------------------------------------------------------------------------------------
#: Input features by key: (label shown on the toggle, transform of the two coordinates).
FEATURES: dict[str, tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    "x1": ("x\u2081", lambda x1, x2: x1),
    "x2": ("x\u2082", lambda x1, x2: x2),
    "x1^2": ("x\u2081\u00b2", lambda x1, x2: x1**2),
    "x2^2": ("x\u2082\u00b2", lambda x1, x2: x2**2),
    "x1*x2": ("x\u2081\u00b7x\u2082", lambda x1, x2: x1 * x2),
    "sin(x1)": ("sin x\u2081", lambda x1, x2: np.sin(x1)),
    "sin(x2)": ("sin x\u2082", lambda x1, x2: np.sin(x2)),
}

#: Data sets by key and the label of their button.
DATASETS = {
    "flower": "Flower",
    "moons": "Moons",
    "circles": "Circles",
    "xor": "XOR",
    "spiral": "Spiral",
}
assert tuple(DATASETS) == PLANAR_NAMES

#: Noise of each data set at its defaults: the default of its maker in :mod:`utils.datasets`,
#: where each data set still looks like its name (two clear arms for the spiral).
DEFAULT_NOISE = {
    name: float(inspect.signature(getattr(datasets, name)).parameters["noise"].default)
    for name in PLANAR_NAMES
}

#: Activations of the hidden layers: the course's four, in the order of the notes.
ACTIVATIONS = course.ACTIVATIONS

#: Learning rates offered by the slider, about three per factor of ten up to the rates that
#: make training bounce or diverge (the notebooks' "ten times larger" experiments); the text
#: box beside the slider takes any other positive value.
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.6, 1.2, 3.0, 6.0, 10.0, 30.0)

#: Gradient-descent iterations trained per frame, at most (a frame also has a time budget).
EPOCHS_PER_FRAME = (1, 2, 5, 10, 20, 50, 100, 200, 500)

#: Weight scales of ``initialize_parameters_deep`` offered (deep networks only).
INIT_SCALES = ("he", "xavier", 1.0, 0.1, 0.01)

#: Most hidden layers of a deep network, and most units of a hidden layer.
MAX_HIDDEN_LAYERS = 6
MAX_UNITS = {"shallow": 50, "deep": 16}

#: What a change of each setting resets. Data settings draw new data and a new network;
#: network settings draw a new network; the others keep the trained parameters.
DATA_SETTINGS = frozenset({"dataset", "noise", "train_percent", "data_seed"})
NETWORK_SETTINGS = frozenset({"features", "hidden", "activation", "init_scale", "init_seed"})
KEEP_SETTINGS = frozenset(
    {"learning_rate", "epochs_per_frame", "show_test", "discretize", "hide_controls"}
)

#: Number of points in every data set (train and test together).
M_POINTS = 400
#: The boundary is evaluated on a GRID_SIZE x GRID_SIZE grid (the browser scales it up
#: smoothly; 64 looks like 100 at 320 pixels and costs the kernel half as much).
GRID_SIZE = 64
#: Points of the cost history kept (older points are thinned out two to one).
MAX_HISTORY = 400
#: Version of the saved JSON state.
STATE_VERSION = 1


def feature_matrix(X: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """The input features of the network, computed from the two coordinates.

    Parameters
    ----------
    X : ndarray of shape (2, m)
        Coordinates ``x1`` (row 0) and ``x2`` (row 1) of m points.
    features : sequence of str
        Keys of :data:`FEATURES`, in the order of the rows wanted.

    Returns
    -------
    F : ndarray of shape (len(features), m)
        Row i is feature ``features[i]`` of every point (not standardised).
    """
    x1, x2 = X[0], X[1]
    return np.vstack([FEATURES[key][1](x1, x2) for key in features])


# --------------------------------------------------------------------------------------------
# Settings and the state saved as JSON
# --------------------------------------------------------------------------------------------
@dataclass
class Settings:
    """Everything the controls set. A :class:`Settings` plus the trained parameters, the epoch
    and the cost history is the explorer's whole state (see :meth:`Explorer.state`)."""

    dataset: str = "flower"
    noise: float = DEFAULT_NOISE["flower"]
    train_percent: int = 50
    data_seed: int = 1
    features: list[str] = field(default_factory=lambda: ["x1", "x2"])
    hidden: list[int] = field(default_factory=lambda: [4])
    activation: str = "tanh"
    init_scale: str | float = "he"
    init_seed: int = 0
    learning_rate: float = 1.2
    epochs_per_frame: int = 10
    show_test: bool = False
    discretize: bool = False
    hide_controls: bool = False


def _default_settings(kind: str) -> Settings:
    """The settings an explorer opens with, for ``kind`` ``"shallow"`` or ``"deep"``."""
    if kind == "shallow":
        return Settings()
    return Settings(hidden=[8, 8], activation="relu", init_scale="he", learning_rate=0.3)


def _with_default_noise(changes: dict) -> dict:
    """``changes`` plus the new data set's default noise when it picks a data set and no noise."""
    if "dataset" in changes and "noise" not in changes and changes["dataset"] in DEFAULT_NOISE:
        return {**changes, "noise": DEFAULT_NOISE[changes["dataset"]]}
    return changes
