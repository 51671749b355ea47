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
One module per layer, each usable without the ones after it:

* :mod:`~utils.explorer.settings`: what the controls can set (data sets, features, activations,
  learning rates...), the reset rules and :class:`Settings`.
* :mod:`~utils.explorer.networks`: :class:`ShallowNetwork` and :class:`DeepNetwork`, one
  interface over the functions given, with messages a student can act on when one fails.
* :mod:`~utils.explorer.controller`: :class:`Explorer`, the controller: data, features, the
  network and its training, with no widget in it (the tests drive it directly).
* :mod:`~utils.explorer.canvas`: :class:`ExplorerCanvas`, an anywidget that draws the
  boundary, the points and the cost curves in the browser from a small uint8 grid sent as a
  binary buffer (``canvas.js`` and ``canvas.css`` beside it).
* :mod:`~utils.explorer.controls`: the ipywidgets controls and their layout.
* :mod:`~utils.explorer.widget`: :class:`BoundaryExplorer`, which ties the controls and the
  canvas to the controller and trains on an asyncio clock (25 frames/s, at most half of each
  frame spent training), so the controls stay live while it trains.
* :mod:`~utils.explorer.notebook_api`: :func:`shallow_explorer` and :func:`deep_explorer`.

``python -m autograder.explorer_benchmark`` (in the course's checkout) measures it in JupyterLab
in headless Chromium. A slider change reaches the screen in about 25 ms when JupyterLab runs the
server extension :mod:`utils.explorer_server`, about 55 ms without it (the server's Nagle delay).
"""

from utils.explorer.canvas import ExplorerCanvas
from utils.explorer.controller import Explorer, Frame
from utils.explorer.controls import CONTROL_WIDTH, PANEL_WIDTH, PICTURE_WIDTH, RATE_BOX_WIDTH
from utils.explorer.networks import DeepNetwork, ShallowNetwork, StudentCodeError
from utils.explorer.notebook_api import deep_explorer, shallow_explorer
from utils.explorer.settings import (
    ACTIVATIONS,
    DATA_SETTINGS,
    DATASETS,
    DEFAULT_NOISE,
    EPOCHS_PER_FRAME,
    FEATURES,
    GRID_SIZE,
    INIT_SCALES,
    KEEP_SETTINGS,
    LEARNING_RATES,
    M_POINTS,
    MAX_HIDDEN_LAYERS,
    MAX_HISTORY,
    MAX_UNITS,
    NETWORK_SETTINGS,
    STATE_VERSION,
    Settings,
    feature_matrix,
)
from utils.explorer.settings import _default_settings as _default_settings  # for the tests
from utils.explorer.widget import BoundaryExplorer

__all__ = [
    "ACTIVATIONS",
    "CONTROL_WIDTH",
    "DATASETS",
    "DATA_SETTINGS",
    "DEFAULT_NOISE",
    "EPOCHS_PER_FRAME",
    "FEATURES",
    "GRID_SIZE",
    "INIT_SCALES",
    "KEEP_SETTINGS",
    "LEARNING_RATES",
    "MAX_HIDDEN_LAYERS",
    "MAX_HISTORY",
    "MAX_UNITS",
    "M_POINTS",
    "NETWORK_SETTINGS",
    "PANEL_WIDTH",
    "PICTURE_WIDTH",
    "RATE_BOX_WIDTH",
    "STATE_VERSION",
    "BoundaryExplorer",
    "DeepNetwork",
    "Explorer",
    "ExplorerCanvas",
    "Frame",
    "Settings",
    "ShallowNetwork",
    "StudentCodeError",
    "deep_explorer",
    "feature_matrix",
    "shallow_explorer",
]
