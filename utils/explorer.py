"""The decision-boundary explorer: train a small network live and watch its boundary move.

The explorer trains a network built from the functions it is given, in the course's layout
(``X`` of shape (n_x, m), ``Y`` of shape (1, m)): your own ``initialize_parameters``,
``forward_propagation``, ``backward_propagation`` and ``update_parameters`` of assignment 03,
or the L-layer functions of assignment 04. It contains no solution of any graded function:
everything it computes about the network goes through the functions you pass in.

Example
-------
In a notebook, after writing the functions::

    from utils import explorer
    explorer.shallow_explorer(initialize_parameters, forward_propagation,
                              backward_propagation, update_parameters,
                              compute_cost=compute_cost)

or, for an L-layer network::

    explorer.deep_explorer(initialize_parameters_deep, L_model_forward,
                           L_model_backward, update_parameters, compute_cost=compute_cost)

Pass ``compute_cost`` for the cost curves; without it they show the error rate (the explorer
never computes a cost itself). Options: any field of :class:`Settings` (``dataset="moons"``,
``hidden=[8, 8]``, ``features=["x1^2", "x2^2"]``, ``learning_rate=0.3``, ...), ``state=`` (a
saved JSON state: dict, text or file path) and ``hide_controls=True`` (lecture mode).

Reset rules: data set, noise, train/test ratio and Regenerate draw new data and a new network
(epoch 0); a new data set also brings its own default noise (:data:`DEFAULT_NOISE`, the noise
at which it looks like its name); features, hidden layers, units, activation, initialisation
and Reset draw a new network on the same data; learning rate, epochs per frame, "show test
data", "discretize" and "hide controls" keep the trained network.

No hidden layer (``hidden=[]``) is logistic regression, the baseline of both explorers. The
deep explorer passes ``layer_dims = [n_x, 1]`` to your L-layer functions. Assignment 03's
functions always build a hidden layer, so the shallow explorer feeds the inputs through a fixed
layer of ``2 n_x`` ReLU units, ``W1 = [I; -I]`` and ``b1 = 0``, whose output weights are tied
as ``W2 = [w, -w]``: since ``relu(x) - relu(-x) = x``, the output is ``sigmoid(w x + b2)``, and
your forward, backward and update functions compute every step of it.

How it is built
---------------
* :class:`Explorer` is the controller: data, features, the network and its training, with
  no widget in it (the tests drive it directly).
* :class:`ExplorerCanvas` is an anywidget that draws the boundary, the points and the cost
  curves in the browser from a small uint8 grid sent as a binary buffer
  (``explorer_widget.js`` next to this file).
* :class:`BoundaryExplorer` ties ipywidgets controls and the canvas to the controller and
  trains on an asyncio clock (25 frames/s, at most half of each frame spent training), so the
  controls stay live while it trains.

``python -m autograder.explorer_benchmark`` measures it in JupyterLab in headless Chromium. A
slider change reaches the screen in about 25 ms when JupyterLab runs the server extension
:mod:`utils.explorer_server`, about 55 ms without it (the server's Nagle delay).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import math
import pathlib
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import anywidget
import ipywidgets as widgets
import numpy as np
import traitlets

from utils import datasets
from utils.datasets import PLANAR_NAMES, load_planar
from utils.plotting import CLASS_COLOURS, REGION_ALPHA, REGION_COLOURS

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

#: Activations of the hidden layers (the course's four).
ACTIVATIONS = ("tanh", "relu", "leaky_relu", "sigmoid")

#: Learning rates offered by the slider, about three per factor of ten up to the rates that
#: make training bounce or diverge (the notebooks' "ten times larger" experiments); the text
#: box beside the slider takes any other positive value.
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.6, 1.2, 3.0, 6.0, 10.0, 30.0)

#: Gradient-descent iterations trained per frame, at most (a frame also has a time budget).
EPOCHS_PER_FRAME = (1, 2, 5, 10, 20, 50, 100, 200, 500)

#: Weight scales of ``initialize_parameters_deep`` offered (deep networks only).
INIT_SCALES = ("he", "xavier", 1.0, 0.1, 0.01)

#: Width in CSS pixels of each of the two control panels, of a control in a panel (the panel's
#: padding and each widget's 2-pixel margins take the rest), and of the learning-rate box.
#: Two panels and the 320-pixel picture (838 pixels) fit the 848 pixels of a notebook's output
#: in a 1280-pixel window with the file browser open.
PANEL_WIDTH = 252
CONTROL_WIDTH = PANEL_WIDTH - 24
PICTURE_WIDTH = 324  # the 320-pixel picture of explorer_widget.js and its border
RATE_BOX_WIDTH = 64

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
    if kind == "shallow":
        return Settings()
    return Settings(hidden=[8, 8], activation="relu", init_scale="he", learning_rate=0.3)


def _with_default_noise(changes: dict) -> dict:
    """``changes`` plus the new data set's default noise when it picks a data set and no noise."""
    if "dataset" in changes and "noise" not in changes and changes["dataset"] in DEFAULT_NOISE:
        return {**changes, "noise": DEFAULT_NOISE[changes["dataset"]]}
    return changes


# --------------------------------------------------------------------------------------------
# Calling the student's functions, with messages a student can act on
# --------------------------------------------------------------------------------------------
class StudentCodeError(Exception):
    """A function the explorer was given failed; the message says which one and what to do."""


def _explain(name: str, exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)[1:]  # [0] is the explorer's own call
    inner = frames[-1] if frames else None
    # Raised in the function itself: call it by its role; deeper: by the helper's name.
    inner_name = inner.name if len(frames) > 1 and inner.name != "<module>" else name
    if isinstance(exc, NotImplementedError):
        if inner_name != name:
            return (
                f"Write `{inner_name}` first: it still raises NotImplementedError "
                f"(the explorer calls it through `{name}`). Run its cell, then run this cell "
                "again."
            )
        return (
            f"Write `{name}` first: it still raises NotImplementedError. Run its cell, then "
            "run this cell again."
        )
    where = f" (in `{inner_name}`, line {inner.lineno})" if inner is not None else ""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (
        f"`{name}` raised {type(exc).__name__}{': ' + detail if detail else ''}{where}. "
        "Fix it (its visible checks help), run its cell, then run this cell again."
    )


def _call(name: str, func: Callable, *args):
    try:
        return func(*args)
    except Exception as exc:
        raise StudentCodeError(_explain(name, exc)) from exc


class _Network:
    """Adapter over the functions given: one interface for the shallow and the deep network."""

    kind = ""
    names: tuple[str, ...] = ()

    def __init__(self, initialize, forward, backward, update, compute_cost=None):
        self.initialize, self.forward_fn, self.backward_fn = initialize, forward, backward
        self.update_fn, self.cost_fn = update, compute_cost

    def forward(self, X, parameters, activation):
        out = _call(self.names[1], self.forward_fn, X, parameters, activation)
        if not (isinstance(out, tuple) and len(out) == 2):
            raise StudentCodeError(
                f"`{self.names[1]}` should return a tuple (A, cache); it returned "
                f"{type(out).__name__}. Fix it, run its cell, then run this cell again."
            )
        A = np.asarray(out[0])
        if A.shape != (1, X.shape[1]):
            raise StudentCodeError(
                f"`{self.names[1]}` returned an output of shape {A.shape} for X of shape "
                f"{X.shape}; expected (1, {X.shape[1]}). Fix it, run its cell, then run "
                "this cell again."
            )
        return A, out[1]

    def cost(self, A, Y):
        return float(np.asarray(_call("compute_cost", self.cost_fn, A, Y)))

    def update(self, parameters, grads, learning_rate):
        new = _call(self.names[3], self.update_fn, parameters, grads, learning_rate)
        if not isinstance(new, Mapping):
            raise StudentCodeError(
                f"`{self.names[3]}` returned {type(new).__name__}; it should return the new "
                "parameters dict. Fix it, run its cell, then run this cell again."
            )
        return new

    def _dict(self, name, value):
        if not isinstance(value, Mapping):
            raise StudentCodeError(
                f"`{name}` returned {type(value).__name__}; it should return a dict. "
                "Fix it, run its cell, then run this cell again."
            )
        return value


class ShallowNetwork(_Network):
    """Assignment 03's functions: one hidden layer of ``hidden[0]`` units, or none.

    With no hidden layer (``layer_dims = [n_x, 1]``) it is logistic regression, still computed
    by the functions given: a fixed pass-through layer of ``2 n_x`` ReLU units
    (``W1 = [I; -I]``, ``b1 = 0``) with output weights tied as ``W2 = [w, -w]``, so that
    ``Z2 = w relu(X) - w relu(-X) + b2 = w X + b2``.
    """

    kind = "shallow"
    names = (
        "initialize_parameters",
        "forward_propagation",
        "backward_propagation",
        "update_parameters",
    )

    #: The pass-through layer needs the identity relu(x) - relu(-x) = x, hence ReLU units.
    LINEAR_ACTIVATION = "relu"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._n_x = 0  # > 0 while the network has no hidden layer (logistic regression)

    def init(self, layer_dims, scale, rng):
        if len(layer_dims) == 2:  # no hidden layer: logistic regression
            n_x, n_y = layer_dims
            params = dict(
                self._dict(
                    self.names[0], _call(self.names[0], self.initialize, n_x, 2 * n_x, n_y, rng)
                )
            )
            eye = np.eye(n_x)
            W2 = np.asarray(params["W2"], dtype=float)
            w = (W2[:, :n_x] - W2[:, n_x:]) / 2  # the random start of w, at the same scale
            params["W1"] = np.vstack([eye, -eye])
            params["b1"] = np.zeros((2 * n_x, 1))
            params["W2"] = np.hstack([w, -w])
            self._n_x = n_x
            return params
        self._n_x = 0
        n_x, n_h, n_y = layer_dims
        return self._dict(self.names[0], _call(self.names[0], self.initialize, n_x, n_h, n_y, rng))

    def forward(self, X, parameters, activation):
        return super().forward(X, parameters, self.LINEAR_ACTIVATION if self._n_x else activation)

    def backward(self, parameters, cache, A, X, Y, activation):
        if self._n_x:
            activation = self.LINEAR_ACTIVATION
        grads = _call(self.names[2], self.backward_fn, parameters, cache, X, Y, activation)
        grads = self._dict(self.names[2], grads)
        if not self._n_x:
            return grads
        # Chain rule through the tie W2 = [w, -w]: dJ/dw = dW2[:, :n_x] - dW2[:, n_x:]. Passing
        # [dw, -dw] for W2 and zeros for the fixed layer keeps the tie through the update.
        n_x = self._n_x
        dW2 = np.asarray(grads["dW2"], dtype=float)
        dw = dW2[:, :n_x] - dW2[:, n_x:]
        tied = dict(grads)
        tied["dW2"] = np.hstack([dw, -dw])
        tied["dW1"] = np.zeros((2 * n_x, n_x))
        tied["db1"] = np.zeros((2 * n_x, 1))
        return tied

    def update(self, parameters, grads, learning_rate):
        new = super().update(parameters, grads, learning_rate)
        if self._n_x:
            # The pass-through layer is fixed whatever the update does (zero gradients keep
            # it already; this also undoes an update that changes parameters in place).
            eye = np.eye(self._n_x)
            new = dict(new)
            new["W1"] = np.vstack([eye, -eye])
            new["b1"] = np.zeros((2 * self._n_x, 1))
        return new


class DeepNetwork(_Network):
    """Assignment 04's functions: any number of hidden layers, including none."""

    kind = "deep"
    names = (
        "initialize_parameters_deep",
        "L_model_forward",
        "L_model_backward",
        "update_parameters",
    )

    def init(self, layer_dims, scale, rng):
        params = _call(self.names[0], self.initialize, list(layer_dims), scale, rng)
        return self._dict(self.names[0], params)

    def backward(self, parameters, cache, A, X, Y, activation):
        return self._dict(
            self.names[2], _call(self.names[2], self.backward_fn, A, Y, cache, activation)
        )


# --------------------------------------------------------------------------------------------
# The controller
# --------------------------------------------------------------------------------------------
@dataclass
class Frame:
    """What the canvas draws: the network's output on a grid and the two costs.

    Attributes
    ----------
    grid : bytes
        ``grid_size * grid_size`` uint8 values, ``round(255 * A)`` row by row from the top
        (largest x2) to the bottom; empty when the network cannot run yet.
    train_value, test_value : float or None
        The cost (or error rate, see :attr:`Explorer.metric`) on the training and test sets.
    """

    grid: bytes
    train_value: float | None
    test_value: float | None


class Explorer:
    """Data, features, network and training of the explorer, without any widget.

    Parameters
    ----------
    network : ShallowNetwork or DeepNetwork
        The functions to train with.
    settings : Settings, optional
        Initial settings; the network kind's defaults when omitted.
    m : int
        Number of points of each data set (train and test together).
    grid_size : int
        The boundary is evaluated on a ``grid_size`` x ``grid_size`` grid.

    Attributes
    ----------
    error : str
        Empty while everything runs; otherwise a message for the student (which function
        to write or fix first). The explorer never raises for the student's code.
    """

    def __init__(
        self,
        network: _Network,
        settings: Settings | None = None,
        *,
        m: int = M_POINTS,
        grid_size: int = GRID_SIZE,
    ):
        self.net = network
        self.kind = network.kind
        self.settings = settings if settings is not None else _default_settings(self.kind)
        self.m = m
        self.grid_size = grid_size
        self.parameters: dict | None = None
        self.epoch = 0
        self.history: list[tuple[int, float, float]] = []
        self.error = ""
        self.data_version = 0
        self._validate_settings(self.settings)
        self._make_data()
        self._init_network()

    # --- settings --------------------------------------------------------------------------
    @property
    def metric(self) -> str:
        """What the curves show: ``"cost"`` with a ``compute_cost``, else ``"error rate"``."""
        return "cost" if self.net.cost_fn is not None else "error rate"

    def _validate_settings(self, s: Settings) -> None:
        if s.dataset not in DATASETS:
            raise ValueError(f"unknown data set {s.dataset!r}; choose one of {PLANAR_NAMES}")
        unknown = [f for f in s.features if f not in FEATURES]
        if unknown or not s.features:
            raise ValueError(f"features must be a non-empty list of {list(FEATURES)}")
        if s.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {s.activation!r}; choose one of {ACTIVATIONS}")
        if not 1 <= s.train_percent <= 99:
            raise ValueError("train_percent must be between 1 and 99")
        if self.kind == "shallow" and len(s.hidden) > 1:
            raise ValueError(
                "the shallow network has one hidden layer, or none (logistic regression)"
            )
        if len(s.hidden) > MAX_HIDDEN_LAYERS or any(int(n) < 1 for n in s.hidden):
            raise ValueError(f"hidden: at most {MAX_HIDDEN_LAYERS} layers of at least 1 unit")
        if not (s.learning_rate > 0 and s.epochs_per_frame >= 1):
            raise ValueError("learning_rate and epochs_per_frame must be positive")

    def update(self, **changes: Any) -> str:
        """Change settings and apply the reset rules.

        Returns
        -------
        what : str
            ``"data"`` (new data and a new network), ``"network"`` (a new network on the same
            data) or ``"view"`` (the trained parameters are kept).
        """
        unknown = set(changes) - {f.name for f in fields(Settings)}
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        if "features" in changes:
            changes["features"] = [f for f in FEATURES if f in changes["features"]]
        if "hidden" in changes:
            changes["hidden"] = [int(n) for n in changes["hidden"]]
        if changes.get("dataset", self.settings.dataset) != self.settings.dataset:
            changes = _with_default_noise(changes)
        new = replace(self.settings, **changes)
        self._validate_settings(new)
        changed = {k for k in changes if getattr(self.settings, k) != getattr(new, k)}
        self.settings = new
        if changed & DATA_SETTINGS:
            self._make_data()
            self._init_network()
            return "data"
        if changed & NETWORK_SETTINGS:
            self._make_inputs()
            self._init_network()
            return "network"
        return "view"

    def reset(self) -> None:
        """A new random network (the next initialisation seed) on the same data; epoch 0."""
        self.update(init_seed=self.settings.init_seed + 1)

    def regenerate(self) -> None:
        """New data of the same kind (the next data seed), and a new network."""
        self.update(data_seed=self.settings.data_seed + 1)

    # --- data -----------------------------------------------------------------------------
    def _make_data(self) -> None:
        s = self.settings
        X, Y = load_planar(s.dataset, m=self.m, noise=float(s.noise), seed=int(s.data_seed))
        order = np.random.default_rng([int(s.data_seed), 7]).permutation(X.shape[1])
        n_train = max(1, min(X.shape[1] - 1, round(X.shape[1] * s.train_percent / 100)))
        train, test = order[:n_train], order[n_train:]
        self.X_raw_train, self.Y_train = X[:, train], Y[:, train]
        self.X_raw_test, self.Y_test = X[:, test], Y[:, test]
        # A square box around all points, so circles look round.
        lo, hi = X.min(axis=1), X.max(axis=1)
        center, half = (lo + hi) / 2, (hi - lo).max() / 2 * 1.1 + 1e-9
        self.domain = (center[0] - half, center[0] + half, center[1] - half, center[1] + half)
        self.data_version += 1
        self._make_inputs()

    def _make_inputs(self) -> None:
        """Features of the training, test and grid points, standardised with the training
        set's mean and standard deviation (so one learning rate suits every feature)."""
        feats = self.settings.features
        F_train = feature_matrix(self.X_raw_train, feats)
        self._mean = F_train.mean(axis=1, keepdims=True)
        std = F_train.std(axis=1, keepdims=True)
        self._std = np.where(std > 1e-12, std, 1.0)
        self.X_train = (F_train - self._mean) / self._std
        self.X_test = self.standardise(feature_matrix(self.X_raw_test, feats))
        G = self.grid_size
        x0, x1, y0, y1 = self.domain
        xs = x0 + (np.arange(G) + 0.5) * (x1 - x0) / G
        ys = y1 - (np.arange(G) + 0.5) * (y1 - y0) / G  # row 0 at the top
        gx, gy = np.meshgrid(xs, ys)
        self.X_grid = self.standardise(feature_matrix(np.vstack([gx.ravel(), gy.ravel()]), feats))

    def standardise(self, F: np.ndarray) -> np.ndarray:
        """Standardise features with the training set's statistics.

        Parameters
        ----------
        F : ndarray of shape (n_x, m)

        Returns
        -------
        X : ndarray of shape (n_x, m)
        """
        return (F - self._mean) / self._std

    @property
    def layer_dims(self) -> list[int]:
        """``[n_x, n[1], ..., n[L]]`` of the network the settings describe."""
        return [len(self.settings.features), *self.settings.hidden, 1]

    # --- network ---------------------------------------------------------------------------
    def _init_network(self) -> None:
        self.epoch = 0
        self.history = []
        self.parameters = None
        self.error = ""
        rng = np.random.default_rng(int(self.settings.init_seed))
        try:
            self.parameters = self.net.init(self.layer_dims, self.settings.init_scale, rng)
            self._probe()
        except StudentCodeError as exc:
            self.error = str(exc)

    def _probe(self) -> None:
        """Run every function once (on copies) so a missing one is named before training."""
        s = self.settings
        with np.errstate(all="ignore"):
            A, cache = self.net.forward(self.X_train, self.parameters, s.activation)
            if self.net.cost_fn is not None:
                self.net.cost(A, self.Y_train)
            grads = self.net.backward(
                self.parameters, cache, A, self.X_train, self.Y_train, s.activation
            )
            self.net.update(self.parameters, grads, s.learning_rate)

    @property
    def ready(self) -> bool:
        """True when every function runs and training can go on."""
        return self.parameters is not None and not self.error

    def train(self, epochs: int, budget: float | None = None) -> int:
        """Batch gradient descent on the training set with the functions given.

        Parameters
        ----------
        epochs : int
            Most iterations to run.
        budget : float or None
            Stop after this many seconds (at least one iteration runs).

        Returns
        -------
        done : int
            Iterations run. Nothing runs while :attr:`error` is set; a failure sets it.
        """
        if not self.ready:
            return 0
        s = self.settings
        X, Y, params, done = self.X_train, self.Y_train, self.parameters, 0
        deadline = None if budget is None else time.perf_counter() + budget
        try:
            with np.errstate(all="ignore"):
                while done < epochs:
                    A, cache = self.net.forward(X, params, s.activation)
                    grads = self.net.backward(params, cache, A, X, Y, s.activation)
                    params = self.net.update(params, grads, s.learning_rate)
                    done += 1
                    if deadline is not None and time.perf_counter() >= deadline:
                        break
        except StudentCodeError as exc:
            self.error = str(exc)
        self.parameters = params
        self.epoch += done
        return done

    def _metric(self, A: np.ndarray, Y: np.ndarray) -> float:
        if self.net.cost_fn is not None:
            return self.net.cost(A, Y)
        return float(np.mean((A >= 0.5) != (Y >= 0.5)))

    def frame(self) -> Frame:
        """Evaluate the network on the grid and both sets, and record the costs.

        Returns
        -------
        Frame
        """
        if not self.ready:
            return Frame(b"", None, None)
        act = self.settings.activation
        try:
            with np.errstate(all="ignore"):
                A_grid, _ = self.net.forward(self.X_grid, self.parameters, act)
                A_train, _ = self.net.forward(self.X_train, self.parameters, act)
                A_test, _ = self.net.forward(self.X_test, self.parameters, act)
                train_value = self._metric(A_train, self.Y_train)
                test_value = self._metric(A_test, self.Y_test)
        except StudentCodeError as exc:
            self.error = str(exc)
            return Frame(b"", None, None)
        if not (math.isfinite(train_value) and np.isfinite(A_grid).all()):
            self.error = (
                f"Training diverged at epoch {self.epoch} (the {self.metric} is not a finite "
                "number): lower the learning rate, then press Reset."
            )
            return Frame(b"", None, None)
        grid = np.clip(np.rint(A_grid * 255.0), 0, 255).astype(np.uint8).tobytes()
        self._record(train_value, test_value)
        return Frame(grid, train_value, test_value)

    def _record(self, train_value: float, test_value: float) -> None:
        if self.history and self.history[-1][0] == self.epoch:
            self.history[-1] = (self.epoch, train_value, test_value)
            return
        self.history.append((self.epoch, train_value, test_value))
        if len(self.history) > MAX_HISTORY:
            # Thin out two to one, keeping the first and the latest point.
            self.history = self.history[:-1:2] + [self.history[-1]]

    # --- what the canvas needs --------------------------------------------------------------
    def points_bytes(self) -> bytes:
        """float32 (m, 3) row by row: u, v in [0, 1] across the box (v down), then the label
        plus 2 for a test point."""
        x0, x1, y0, y1 = self.domain
        X = np.hstack([self.X_raw_train, self.X_raw_test])
        flags = np.hstack([self.Y_train[0], self.Y_test[0] + 2])
        u = (X[0] - x0) / (x1 - x0)
        v = (y1 - X[1]) / (y1 - y0)
        return np.vstack([u, v, flags]).T.astype(np.float32).tobytes()

    def history_bytes(self) -> bytes:
        """float32 (k, 3): epoch, training value, test value."""
        return np.asarray(self.history, dtype=np.float32).reshape(-1, 3).tobytes()

    # --- saving and loading ------------------------------------------------------------------
    def state(self) -> dict:
        """The whole state as plain JSON-ready data: settings, parameters, epoch, history."""
        params = None
        if self.parameters is not None:
            params = {k: np.asarray(v, dtype=float).tolist() for k, v in self.parameters.items()}
        return {
            "version": STATE_VERSION,
            "kind": self.kind,
            "settings": asdict(self.settings),
            "epoch": self.epoch,
            "parameters": params,
            "history": [list(h) for h in self.history],
        }

    def load_state(self, state: Mapping) -> None:
        """Restore a state made by :meth:`state` (settings first, then parameters).

        Parameters whose shapes do not fit the settings are replaced by a new network.
        """
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unknown explorer state version {state.get('version')!r}")
        known = {f.name for f in fields(Settings)}
        values = {k: v for k, v in state["settings"].items() if k in known}
        settings = replace(_default_settings(self.kind), **values)
        self._validate_settings(settings)
        self.settings = settings
        self._make_data()
        self._init_network()
        params = state.get("parameters")
        if params and self.parameters is not None:
            loaded = {k: np.asarray(v, dtype=float) for k, v in params.items()}
            fits = set(loaded) == set(self.parameters) and all(
                loaded[k].shape == np.shape(self.parameters[k]) for k in loaded
            )
            if fits:
                self.parameters = loaded
                self.epoch = int(state.get("epoch", 0))
                self.history = [tuple(h) for h in state.get("history", [])]
                self.history = [(int(e), float(a), float(b)) for e, a, b in self.history]


# --------------------------------------------------------------------------------------------
# The widget
# --------------------------------------------------------------------------------------------
_HERE = pathlib.Path(__file__).parent
if not (_HERE / "explorer_widget.js").is_file():  # anywidget would take the path for code
    raise ImportError(f"{_HERE / 'explorer_widget.js'} is missing (package data not installed)")


class ExplorerCanvas(anywidget.AnyWidget):
    """Draws the boundary, the points, the epoch and the cost curves in the browser.

    The grid arrives as uint8 bytes (a binary buffer, 4 KB for 64 x 64) and is
    coloured in JavaScript; discretising and hiding the test points happen there too. While
    training, the browser acknowledges each frame it drew, so training never runs ahead of the
    screen.
    Data attributes ``data-frame``, ``data-epoch`` and ``data-drawn-at`` on the element of
    class ``explorer-canvas`` tell tests what was drawn and when.
    """

    _esm = _HERE / "explorer_widget.js"
    _css = _HERE / "explorer_widget.css"

    grid = traitlets.Bytes(b"").tag(sync=True)
    grid_size = traitlets.Int(0).tag(sync=True)
    points = traitlets.Bytes(b"").tag(sync=True)
    history = traitlets.Bytes(b"").tag(sync=True)
    domain = traitlets.List(traitlets.Float(), default_value=[-1.0, 1.0, -1.0, 1.0]).tag(sync=True)
    epoch = traitlets.Int(0).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    metric = traitlets.Unicode("cost").tag(sync=True)
    train_value = traitlets.Float(None, allow_none=True).tag(sync=True)
    test_value = traitlets.Float(None, allow_none=True).tag(sync=True)
    show_test = traitlets.Bool(False).tag(sync=True)
    discretize = traitlets.Bool(False).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    #: The colours of the static plots (utils.plotting), so that a class has one colour in
    #: the whole course: points of class 0 and 1, and the regions, drawn with this opacity
    #: over white as matplotlib does.
    class_colours = traitlets.List(traitlets.Unicode(), list(CLASS_COLOURS)).tag(sync=True)
    region_colours = traitlets.List(traitlets.Unicode(), list(REGION_COLOURS)).tag(sync=True)
    region_alpha = traitlets.Float(REGION_ALPHA).tag(sync=True)


class BoundaryExplorer:
    """The explorer in a notebook: controls, canvas and a training clock.

    Use :func:`shallow_explorer` or :func:`deep_explorer` to make one; display it as the last
    expression of a cell. Methods :meth:`play`, :meth:`pause`, :meth:`step`, :meth:`reset`,
    :meth:`regenerate`, :meth:`save` and :meth:`load` do what the buttons do.

    Parameters
    ----------
    network : ShallowNetwork or DeepNetwork
    settings : Settings, optional
    state : dict, str or path, optional
        A saved state (dict, JSON text or the path of a JSON file) to start from.
    hide_controls : bool or None
        Show only the picture and Play/Pause/Step/Reset (for lectures); ``None`` keeps the
        state's choice.
    grid_size : int
        Resolution of the boundary picture.
    fps : float
        Frames per second aimed at while training.
    """

    #: Share of a frame's period spent training (the rest draws and leaves the kernel idle).
    TRAIN_SHARE = 0.5
    #: Frames sent but not yet drawn by the browser before training waits for it.
    MAX_IN_FLIGHT = 2
    #: Seconds without any acknowledgement after which the browser is not waited for.
    ACK_TIMEOUT = 0.5
    #: Seconds without any acknowledgement after which training pauses: the picture is gone
    #: (its cell ran again) or hidden (a background tab), so nobody watches it train.
    PAUSE_UNSEEN_AFTER = 3.0

    def __init__(
        self,
        network: _Network,
        *,
        settings: Settings | None = None,
        state=None,
        hide_controls: bool | None = None,
        grid_size: int = GRID_SIZE,
        fps: float = 25.0,
        m: int = M_POINTS,
    ):
        self.controller = Explorer(network, settings, m=m, grid_size=grid_size)
        self.fps = fps
        self.canvas = ExplorerCanvas()
        self.canvas.add_class("explorer-canvas-widget")
        self.canvas.on_msg(self._on_canvas_msg)
        self._playing = False
        self._task: asyncio.Task | None = None
        self._syncing = False
        self._acked = 0
        self._last_ack = None
        self._sent_at = 0.0
        self._build()
        if state is not None:
            self.load(state)
        if hide_controls is not None:
            self.controls["hide"].value = bool(hide_controls)
        self._push()

    # --- public API -------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self.controller.settings

    @property
    def epoch(self) -> int:
        return self.controller.epoch

    @property
    def message(self) -> str:
        """The message shown over the picture (empty when all is well)."""
        return self.controller.error

    @property
    def playing(self) -> bool:
        return self._playing

    def play(self) -> None:
        """Start training on the clock (an asyncio task in the kernel's event loop)."""
        if self._playing or not self.controller.ready:
            self._push()
            return
        self._playing = True
        self._last_ack = None  # wait for this run's first acknowledgement
        self._sync_buttons()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (plain Python): call tick() to advance
            loop = None
        if loop is not None and (self._task is None or self._task.done()):
            self._task = loop.create_task(self._run())  # else the running clock goes on
        self._push()

    def pause(self) -> None:
        """Stop training after the current frame."""
        self._playing = False
        self._sync_buttons()
        self._push()

    def step(self, epochs: int = 1) -> None:
        """Pause and train ``epochs`` iterations, then draw."""
        self._playing = False
        self._sync_buttons()
        self.controller.train(epochs)
        self._push()

    def reset(self) -> None:
        """Pause; a new random network on the same data (epoch 0)."""
        self._playing = False
        self.controller.reset()
        self._sync_buttons()
        self._push()

    def regenerate(self) -> None:
        """New data of the same kind, and a new network."""
        self.controller.regenerate()
        self._sync_controls()
        self._push()

    def update(self, **changes: Any) -> str:
        """Change settings as the controls would (see :meth:`Explorer.update`)."""
        what = self.controller.update(**changes)
        self._sync_controls()
        self._push()
        return what

    def tick(self) -> None:
        """One frame of the clock: train for a bounded time, then draw."""
        if not self._playing:
            return
        period = 1.0 / self.fps
        self.controller.train(self.settings.epochs_per_frame, budget=period * self.TRAIN_SHARE)
        self._push()

    def state(self) -> dict:
        """The whole state (see :meth:`Explorer.state`)."""
        return self.controller.state()

    def to_json(self) -> str:
        """The whole state as JSON text."""
        return json.dumps(self.state())

    def load(self, state) -> None:
        """Load a state: a dict, JSON text, or the path of a JSON file."""
        if isinstance(state, pathlib.Path) or (
            isinstance(state, str) and not state.lstrip().startswith("{")
        ):
            state = pathlib.Path(state).read_text(encoding="utf-8")
        if isinstance(state, str):
            state = json.loads(state)
        self._playing = False
        self.controller.load_state(state)
        self._sync_controls()
        self._push()

    def save(self, path) -> pathlib.Path:
        """Write the whole state to a JSON file; returns its path."""
        path = pathlib.Path(path)
        path.write_text(json.dumps(self.state(), indent=1), encoding="utf-8")
        return path

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- clock ------------------------------------------------------------------------------
    def _waiting_for_browser(self) -> bool:
        if self._last_ack is None:  # no browser has drawn anything: nobody to wait for
            return False
        behind = self.canvas.frame - self._acked >= self.MAX_IN_FLIGHT
        return behind and time.perf_counter() - self._sent_at < self.ACK_TIMEOUT

    def _unseen(self) -> bool:
        if self._last_ack is None:  # no browser yet (or none at all, as under nbclient)
            return False
        return time.perf_counter() - self._last_ack > self.PAUSE_UNSEEN_AFTER

    async def _run(self) -> None:
        period = 1.0 / self.fps
        loop = asyncio.get_running_loop()
        next_time = loop.time()
        try:
            while self._playing:
                if self._unseen():
                    self.pause()
                    break
                if self._waiting_for_browser():
                    await asyncio.sleep(0.004)
                    continue
                self.tick()
                next_time += period
                delay = next_time - loop.time()
                if delay < 0:  # late: do not try to catch up
                    next_time, delay = loop.time(), 0.0
                await asyncio.sleep(delay)
        except Exception as exc:  # never leave a dead clock behind a "Pause" button
            self._playing = False
            self.controller.error = f"The explorer stopped: {type(exc).__name__}: {exc}"
            self._sync_buttons()
            self._push()
        finally:
            self._task = None

    def _on_canvas_msg(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "drawn":
            self._acked = max(self._acked, int(content.get("frame", 0)))
            self._last_ack = time.perf_counter()

    # --- drawing -----------------------------------------------------------------------------
    def _push(self) -> None:
        c, s = self.controller, self.controller.settings
        frame = c.frame()
        if not c.ready:  # a function failed or training diverged: stop and say why
            self._playing = False
            self._sync_buttons()
        with self.canvas.hold_sync():
            if self.canvas.grid_size != c.grid_size:
                self.canvas.grid_size = c.grid_size
            self.canvas.points = c.points_bytes()
            self.canvas.domain = [float(v) for v in c.domain]
            self.canvas.grid = frame.grid
            self.canvas.history = c.history_bytes()
            self.canvas.metric = c.metric
            self.canvas.train_value = frame.train_value
            self.canvas.test_value = frame.test_value
            self.canvas.epoch = c.epoch
            self.canvas.show_test = s.show_test
            self.canvas.discretize = s.discretize
            self.canvas.playing = self._playing
            self.canvas.message = c.error
            self.canvas.frame += 1
        self._sent_at = time.perf_counter()

    # --- controls ------------------------------------------------------------------------------
    def _build(self) -> None:
        s, kind = self.settings, self.controller.kind
        c: dict[str, widgets.Widget] = {}
        style = {"description_width": "90px"}

        def wide():  # one Layout per widget: a shared one would hide them all at once
            return widgets.Layout(width=f"{CONTROL_WIDTH}px")

        def button(name, label, icon, tooltip, handler):
            b = widgets.Button(
                description=label, icon=icon, tooltip=tooltip, layout=widgets.Layout(width="auto")
            )
            b.add_class(f"explorer-{name}")
            b.on_click(lambda _b: handler())
            c[name] = b
            return b

        top = [
            button("play", "Play", "play", "Train on a clock", self.play),
            button("pause", "Pause", "pause", "Stop training", self.pause),
            button("step", "Step", "step-forward", "Train one epoch", self.step),
            button("reset", "Reset", "undo", "A new random network, epoch 0", self.reset),
        ]
        c["hide"] = widgets.ToggleButton(
            value=s.hide_controls,
            description="Hide controls",
            tooltip="Lecture mode: only the picture",
            layout=widgets.Layout(width="auto"),
        )
        c["hide"].add_class("explorer-hide")
        c["hide"].observe(self._on_hide, names="value")

        c["dataset"] = widgets.Dropdown(
            options=[(v, k) for k, v in DATASETS.items()],
            value=s.dataset,
            description="Data set",
            layout=wide(),
            style=style,
        )
        c["noise"] = widgets.FloatSlider(
            value=s.noise,
            min=0.0,
            max=max(0.5, s.noise),
            step=0.05,
            description="Noise",
            layout=wide(),
            style=style,
        )
        c["train_percent"] = widgets.IntSlider(
            value=s.train_percent,
            min=min(10, s.train_percent),
            max=max(90, s.train_percent),
            step=10,
            description="Train %",
            layout=wide(),
            style=style,
        )
        regen = button(
            "regenerate", "Regenerate", "refresh", "New data of the same kind", self.regenerate
        )
        c["features"] = {}
        for key, (label, _f) in FEATURES.items():
            t = widgets.ToggleButton(
                value=key in s.features,
                description=label,
                layout=widgets.Layout(width="66px", margin="2px"),
            )
            t.add_class("explorer-feature")
            t.observe(self._on_feature, names="value")
            c["features"][key] = t

        deep = kind == "deep"
        c["layers"] = widgets.IntSlider(
            value=len(s.hidden),
            min=0,
            max=MAX_HIDDEN_LAYERS if deep else 1,
            description="Hidden layers",
            tooltip="0: no hidden layer, logistic regression",
            layout=wide(),
            style=style,
        )
        c["units_box"] = widgets.VBox()
        c["units"] = []
        c["activation"] = widgets.Dropdown(
            options=list(ACTIVATIONS),
            value=s.activation,
            description="Activation",
            layout=wide(),
            style=style,
        )
        c["init_scale"] = widgets.Dropdown(
            options=_scale_options(s.init_scale),
            value=s.init_scale,
            description="Init scale",
            layout=wide(),
            style=style,
        )
        c["init_scale"].layout.display = "" if deep else "none"
        c["learning_rate"] = widgets.SelectionSlider(
            options=_with(LEARNING_RATES, s.learning_rate),
            value=s.learning_rate,
            description="Learning rate",
            readout=False,  # the box beside it shows the value and takes any other
            layout=widgets.Layout(width=f"{CONTROL_WIDTH - 4 - RATE_BOX_WIDTH}px"),
            style=style,
        )
        c["learning_rate_text"] = widgets.BoundedFloatText(
            value=s.learning_rate,
            min=1e-6,
            max=1e6,
            step=None,  # any number, not multiples of a step
            tooltip="Any learning rate: type it and press Enter",
            layout=widgets.Layout(width=f"{RATE_BOX_WIDTH}px"),
        )
        c["learning_rate_text"].add_class("explorer-learning-rate-text")
        c["learning_rate_text"].observe(self._on_rate_text, names="value")
        c["epochs_per_frame"] = widgets.SelectionSlider(
            options=_with(EPOCHS_PER_FRAME, s.epochs_per_frame),
            value=s.epochs_per_frame,
            description="Epochs/frame",
            layout=wide(),
            style=style,
        )
        c["show_test"] = widgets.Checkbox(
            value=s.show_test,
            description="Show test data",
            indent=False,
            layout=widgets.Layout(width="auto"),  # not ipywidgets' 300 px: under the picture
        )
        c["discretize"] = widgets.Checkbox(
            value=s.discretize,
            description="Discretize output",
            indent=False,
            layout=widgets.Layout(width="auto"),  # not ipywidgets' 300 px: under the picture
        )
        c["state_file"] = widgets.Text(
            value="explorer_state.json", description="State file", layout=wide(), style=style
        )
        save = button("save", "Save", "save", "Save the whole state as JSON", self._save_file)
        load = button("load", "Load", "folder-open", "Load a saved state", self._load_file)
        c["file_status"] = widgets.HTML("")
        for key in (
            "dataset",
            "noise",
            "train_percent",
            "layers",
            "activation",
            "init_scale",
            "learning_rate",
            "epochs_per_frame",
            "show_test",
            "discretize",
        ):
            c[key].add_class(f"explorer-{key.replace('_', '-')}")
            c[key].observe(self._on_control, names="value")
        self.controls = c
        self._make_unit_sliders()

        def panel(title, children):
            box = widgets.VBox(
                [widgets.HTML(f"<b>{title}</b>"), *children],
                layout=widgets.Layout(width=f"{PANEL_WIDTH}px", flex="0 0 auto"),
            )
            box.add_class("explorer-panel")
            return box

        features = widgets.Box(
            list(c["features"].values()),
            layout=widgets.Layout(flex_flow="row wrap", width=f"{CONTROL_WIDTH}px"),
        )
        data_panel = panel(
            "Data",
            [
                c["dataset"],
                c["noise"],
                c["train_percent"],
                regen,
                widgets.HTML("Features"),
                features,
                c["state_file"],
                widgets.HBox([save, load]),
                c["file_status"],
            ],
        )
        net_panel = panel(
            "Network",
            [
                c["layers"],
                c["units_box"],
                c["activation"],
                c["init_scale"],
                widgets.HBox([c["learning_rate"], c["learning_rate_text"]]),
                c["epochs_per_frame"],
            ],
        )
        view_options = widgets.HBox([c["show_test"], c["discretize"]])
        self._panels = [data_panel, net_panel, view_options]
        # Wrapping, not scrolling: where the three columns do not fit (a narrow window, the
        # file browser open) the picture moves under the controls.
        self.widget = widgets.VBox(
            [
                widgets.HBox([*top, c["hide"]], layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HBox(
                    [
                        data_panel,
                        net_panel,
                        widgets.VBox(
                            [self.canvas, view_options],
                            layout=widgets.Layout(width=f"{PICTURE_WIDTH}px", flex="0 0 auto"),
                        ),
                    ],
                    layout=widgets.Layout(flex_flow="row wrap"),
                ),
            ],
            layout=widgets.Layout(max_width="100%"),
        )
        self.widget.add_class("explorer")
        self._on_hide({"new": s.hide_controls})
        self._sync_buttons()

    def _make_unit_sliders(self) -> None:
        hidden = self.settings.hidden
        sliders = self.controls["units"]
        top = MAX_UNITS[self.controller.kind]
        while len(sliders) < len(hidden):
            i = len(sliders) + 1
            label = "Hidden units" if self.controller.kind == "shallow" else f"Layer {i} units"
            sl = widgets.IntSlider(
                value=hidden[i - 1],
                min=1,
                max=top,
                description=label,
                layout=widgets.Layout(width=f"{CONTROL_WIDTH}px"),
                style={"description_width": "90px"},
            )
            sl.add_class("explorer-units")
            sl.add_class(f"explorer-units-{i}")
            sl.observe(self._on_units, names="value")
            sliders.append(sl)
        del sliders[len(hidden) :]
        for sl, n in zip(sliders, hidden, strict=True):
            sl.value = n
        self.controls["units_box"].children = tuple(sliders)

    def _sync_controls(self) -> None:
        """Show the settings in the controls without triggering their handlers."""
        s, c = self.settings, self.controls
        self._syncing = True
        try:
            c["noise"].max = max(c["noise"].max, s.noise)
            c["train_percent"].min = min(c["train_percent"].min, s.train_percent)
            c["train_percent"].max = max(c["train_percent"].max, s.train_percent)
            c["init_scale"].options = _scale_options(s.init_scale)
            for key in (
                "dataset",
                "noise",
                "train_percent",
                "activation",
                "init_scale",
                "show_test",
                "discretize",
            ):
                c[key].value = getattr(s, key)
            for key in ("learning_rate", "epochs_per_frame"):
                value = getattr(s, key)
                c[key].options = _with(c[key].options, value)
                c[key].value = value
            c["learning_rate_text"].value = s.learning_rate
            c["layers"].value = len(s.hidden)
            for key, t in c["features"].items():
                t.value = key in s.features
            self._make_unit_sliders()
            c["hide"].value = s.hide_controls
        finally:
            self._syncing = False
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        c = self.controls
        # Without a hidden layer there is no hidden activation to choose.
        c["activation"].disabled = not self.settings.hidden
        c["play"].disabled = self._playing or not self.controller.ready
        c["pause"].disabled = not self._playing
        c["step"].disabled = not self.controller.ready

    # --- handlers -------------------------------------------------------------------------------
    def _apply(self, **changes) -> None:
        what = self.controller.update(**changes)
        if "dataset" in changes:  # the new data set's noise is shown on the noise slider
            self._sync_controls()
        elif what != "view":
            self._sync_buttons()
        if "learning_rate" in changes:
            self._syncing = True
            try:
                self.controls["learning_rate_text"].value = self.settings.learning_rate
            finally:
                self._syncing = False
        self._push()

    def _on_control(self, change) -> None:
        if self._syncing:
            return
        owner = change["owner"]
        key = next(k for k, w in self.controls.items() if w is owner)
        if key == "layers":
            hidden = list(self.settings.hidden[: change["new"]])
            while len(hidden) < change["new"]:
                hidden.append(hidden[-1] if hidden else 4)
            self._apply(hidden=hidden)
            self._syncing = True
            try:
                self._make_unit_sliders()
            finally:
                self._syncing = False
            return
        self._apply(**{key: change["new"]})

    def _on_rate_text(self, change) -> None:
        """A learning rate typed in the box: the slider gets it as an option if it is new."""
        if self._syncing or not change["new"] or change["new"] <= 0:
            return
        rate = float(change["new"])
        slider = self.controls["learning_rate"]
        self._syncing = True
        try:
            slider.options = _with(slider.options, rate)
            slider.value = rate
        finally:
            self._syncing = False
        self._apply(learning_rate=rate)

    def _on_units(self, change) -> None:
        if self._syncing:
            return
        self._apply(hidden=[sl.value for sl in self.controls["units"]])

    def _on_feature(self, change) -> None:
        if self._syncing:
            return
        chosen = [k for k, t in self.controls["features"].items() if t.value]
        if not chosen:  # at least one input feature
            self._syncing = True
            change["owner"].value = True
            self._syncing = False
            return
        self._apply(features=chosen)

    def _on_hide(self, change) -> None:
        hide = bool(change["new"])
        for p in self._panels:
            p.layout.display = "none" if hide else ""
        self.controls["hide"].description = "Show controls" if hide else "Hide controls"
        if not self._syncing and self.settings.hide_controls != hide:
            self.controller.update(hide_controls=hide)

    def _save_file(self) -> None:
        try:
            path = self.save(self.controls["state_file"].value)
            self.controls["file_status"].value = f"Saved to {path}"
        except OSError as exc:
            self.controls["file_status"].value = f"Could not save: {exc}"

    def _load_file(self) -> None:
        try:
            self.load(pathlib.Path(self.controls["state_file"].value))
            self.controls["file_status"].value = "Loaded."
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.controls["file_status"].value = f"Could not load: {exc}"


def _scale_options(value) -> list[tuple[str, str | float]]:
    """The initialisation menu: He, Xavier and a few numbers, plus ``value`` if it is another."""
    labels = {"he": "He", "xavier": "Xavier"}
    values = list(INIT_SCALES) + ([] if value in INIT_SCALES else [value])
    return [(labels.get(v, str(v)), v) for v in values]


def _with(options: Sequence, value) -> tuple:
    """The options of a selection slider, with ``value`` added in order if it is missing."""
    return tuple(options) if value in options else tuple(sorted([*options, value]))


# --------------------------------------------------------------------------------------------
# One-call API for notebooks
# --------------------------------------------------------------------------------------------
def shallow_explorer(
    initialize_parameters,
    forward_propagation,
    backward_propagation,
    update_parameters,
    compute_cost=None,
    **options,
) -> BoundaryExplorer:
    """The explorer on assignment 03's network (one hidden layer), trained with your functions.

    Parameters
    ----------
    initialize_parameters : callable
        ``initialize_parameters(n_x, n_h, n_y, rng) -> parameters``.
    forward_propagation : callable
        ``forward_propagation(X, parameters, activation) -> (A2, cache)``.
    backward_propagation : callable
        ``backward_propagation(parameters, cache, X, Y, activation) -> grads``.
    update_parameters : callable
        ``update_parameters(parameters, grads, learning_rate) -> parameters``.
    compute_cost : callable, optional
        ``compute_cost(A2, Y) -> cost``; without it the curves show the error rate.
    **options
        ``settings``, ``state``, ``hide_controls``, ``grid_size``, ``fps`` of
        :class:`BoundaryExplorer`, or any field of :class:`Settings` (``dataset="moons"``).

    Returns
    -------
    BoundaryExplorer
        Display it (last expression of a cell).
    """
    net = ShallowNetwork(
        initialize_parameters,
        forward_propagation,
        backward_propagation,
        update_parameters,
        compute_cost,
    )
    return _make(net, options)


def deep_explorer(
    initialize_parameters_deep,
    L_model_forward,
    L_model_backward,
    update_parameters,
    compute_cost=None,
    **options,
) -> BoundaryExplorer:
    """The explorer on assignment 04's L-layer network, trained with your functions.

    Parameters
    ----------
    initialize_parameters_deep : callable
        ``initialize_parameters_deep(layer_dims, scale, rng) -> parameters``.
    L_model_forward : callable
        ``L_model_forward(X, parameters, hidden_activation) -> (AL, caches)``.
    L_model_backward : callable
        ``L_model_backward(AL, Y, caches, hidden_activation) -> grads``.
    update_parameters : callable
        ``update_parameters(parameters, grads, learning_rate) -> parameters``.
    compute_cost : callable, optional
        ``compute_cost(AL, Y) -> cost``; without it the curves show the error rate.
    **options
        As for :func:`shallow_explorer`; ``hidden=[]`` gives logistic regression.

    Returns
    -------
    BoundaryExplorer
    """
    net = DeepNetwork(
        initialize_parameters_deep,
        L_model_forward,
        L_model_backward,
        update_parameters,
        compute_cost,
    )
    return _make(net, options)


def _make(net: _Network, options: dict) -> BoundaryExplorer:
    setting_names = {f.name for f in fields(Settings)}
    overrides = {k: options.pop(k) for k in list(options) if k in setting_names}
    settings = options.pop("settings", None) or _default_settings(net.kind)
    if overrides.get("dataset", settings.dataset) != settings.dataset:
        overrides = _with_default_noise(overrides)  # dataset="spiral" opens on clear arms
    if overrides:
        settings = replace(settings, **overrides)
    return BoundaryExplorer(net, settings=settings, **options)
