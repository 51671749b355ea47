"""Static plots of the course: planar data, decision boundaries, cost curves, activations, a
network's connections, and test accuracy against the amount of training data.

Every function takes data in the course's layout (``X`` of shape (n_x, m), ``Y`` of shape
(1, m), one example per column) and functions in the course's style: a classifier is any
``predict(X) -> (1, m)`` array of 0/1 (or of probabilities, thresholded at 0.5). Each plotting
function draws on ``ax`` when given, else on a new figure, and returns what it computed so that
it can be tested and reused.

Example
-------
>>> import numpy as np
>>> from utils.plotting import plot_decision_boundary
>>> X = np.array([[-1.0, 1.0, -0.5, 0.5], [0.0, 0.0, 1.0, -1.0]])
>>> Y = np.array([[0.0, 1.0, 0.0, 1.0]])
>>> def right_half(X):  # a linear classifier: class 1 where x1 > 0
...     return (X[0:1, :] > 0).astype(float)
>>> result = plot_decision_boundary(right_half, X, Y, resolution=50)
>>> result.accuracy
1.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection

from utils.course import ACTIVATIONS

#: Largest number of grid points per axis: the grid never exceeds 200 x 200 = 40,000 points.
MAX_RESOLUTION = 200

#: Colours of class 0 and class 1: points, and (lighter) the regions a classifier assigns,
#: drawn with opacity REGION_ALPHA. The explorer (utils/explorer/) draws with these too, so
#: a class has one colour in every picture of the course.
CLASS_COLOURS = ("#2166ac", "#b2182b")
REGION_COLOURS = ("#92c5de", "#f4a582")
REGION_ALPHA = 0.6

#: The activations of the course, in the order the notebooks show them.
ACTIVATION_NAMES = ACTIVATIONS


@dataclass
class BoundaryPlot:
    """What :func:`plot_decision_boundary` computed and drew.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The axes drawn on.
    x1 : ndarray of shape (n1,)
        Grid coordinates along the first feature (the horizontal axis).
    x2 : ndarray of shape (n2,)
        Grid coordinates along the second feature (the vertical axis).
    grid_predictions : ndarray of shape (n2, n1)
        ``predict`` at every grid point: row ``i``, column ``j`` is the point
        ``(x1[j], x2[i])``.
    accuracy : float
        Fraction of the examples ``X`` that ``predict`` classifies as ``Y`` says.
    """

    ax: plt.Axes
    x1: np.ndarray
    x2: np.ndarray
    grid_predictions: np.ndarray
    accuracy: float


def _new_axes(ax, figsize=(5.0, 4.0), title: str | None = None):
    """``ax``, or the axes of a new figure of ``figsize`` if None; titled ``title`` if given."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    if title:
        ax.set_title(title)
    return ax


def _as_row(values, m: int, what: str) -> np.ndarray:
    """``values`` as a float row (1, m); a clear error if it cannot be one."""
    values = np.asarray(values)
    if values.size != m:
        raise ValueError(
            f"{what} should return an array of shape (1, {m}) for an input of shape (2, {m}), "
            f"got shape {values.shape}"
        )
    return values.reshape(1, m).astype(float)


def plot_data(X, Y, ax=None, title: str | None = None, size: float = 12.0):
    """Scatter a planar data set, coloured by class.

    Parameters
    ----------
    X : ndarray of shape (2, m)
        Inputs, one example per column.
    Y : ndarray of shape (1, m)
        Labels 0 or 1.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    title : str, optional
    size : float
        Marker size.

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    X = np.asarray(X, dtype=float)
    labels = np.asarray(Y).reshape(-1)
    ax = _new_axes(ax, title=title)
    for label, colour in enumerate(CLASS_COLOURS):
        chosen = labels == label
        ax.scatter(
            X[0, chosen],
            X[1, chosen],
            s=size,
            c=colour,
            edgecolors="white",
            linewidths=0.3,
            label=f"y = {label}",
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def boundary_grid(X, resolution: int = MAX_RESOLUTION, padding: float = 0.1):
    """The grid of points on which a decision boundary is evaluated.

    Parameters
    ----------
    X : ndarray of shape (2, m)
        The data; the grid covers its bounding box, widened by ``padding`` of its size.
    resolution : int
        Number of grid points per axis, 2 to :data:`MAX_RESOLUTION`.
    padding : float
        Extra margin on each side, as a fraction of the data's extent.

    Returns
    -------
    x1 : ndarray of shape (resolution,)
    x2 : ndarray of shape (resolution,)
    grid : ndarray of shape (2, resolution**2)
        Every grid point as a column, in the course's layout; point ``i * resolution + j`` is
        ``(x1[j], x2[i])``.
    """
    resolution = int(resolution)
    if not 2 <= resolution <= MAX_RESOLUTION:
        raise ValueError(f"resolution must be between 2 and {MAX_RESOLUTION}, got {resolution}")
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X should have shape (2, m), one example per column; got {X.shape}")
    low, high = X.min(axis=1), X.max(axis=1)
    extent = np.maximum(high - low, 1e-9)
    low, high = low - padding * extent, high + padding * extent
    x1 = np.linspace(low[0], high[0], resolution)
    x2 = np.linspace(low[1], high[1], resolution)
    xx1, xx2 = np.meshgrid(x1, x2)
    grid = np.vstack([xx1.ravel(), xx2.ravel()])
    return x1, x2, grid


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    X,
    Y,
    ax=None,
    resolution: int = MAX_RESOLUTION,
    title: str | None = None,
    padding: float = 0.1,
) -> BoundaryPlot:
    """Colour the plane by the class a classifier predicts, and scatter the data on top.

    ``predict`` is called once on a grid of ``resolution x resolution`` points (at most
    200 x 200 = 40,000) passed in the course's layout, shape (2, k), and once on ``X`` for the
    accuracy. Outputs are thresholded at 0.5, so probabilities work too.

    Cost, measured on a 2-core machine with the flower (m = 400) and a 2-4-1 network's
    ``predict``: the 40,000-point forward pass takes about 4 ms and the whole call about 10 ms
    (about 5 ms with ``resolution=100``); rendering the figure to PNG in a notebook adds about
    50 ms, whatever the resolution.

    Parameters
    ----------
    predict : callable
        ``predict(X) -> ndarray of shape (1, k)`` for ``X`` of shape (2, k); for example
        ``lambda X: predict(parameters, X)``.
    X : ndarray of shape (2, m)
        Inputs, one example per column.
    Y : ndarray of shape (1, m)
        Labels 0 or 1.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    resolution : int
        Grid points per axis, 2 to 200.
    title : str, optional
        Shown above the plot, followed by the accuracy.
    padding : float
        Margin around the data, as a fraction of its extent.

    Returns
    -------
    BoundaryPlot
        The axes, the grid and the predictions on it, and the accuracy on ``X``.
    """
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y)
    x1, x2, grid = boundary_grid(X, resolution, padding)
    on_grid = _as_row(predict(grid), grid.shape[1], "predict")
    grid_predictions = on_grid.reshape(len(x2), len(x1))
    on_data = _as_row(predict(X), X.shape[1], "predict") > 0.5
    accuracy = float(np.mean(on_data == (Y.reshape(1, -1) > 0.5)))

    ax = _new_axes(ax)
    ax.contourf(
        x1,
        x2,
        grid_predictions,
        levels=[-np.inf, 0.5, np.inf],
        colors=REGION_COLOURS,
        alpha=REGION_ALPHA,
    )
    plot_data(X, Y, ax=ax)
    ax.set_xlim(x1[0], x1[-1])
    ax.set_ylim(x2[0], x2[-1])
    label = f"accuracy {100 * accuracy:.1f} %"
    ax.set_title(f"{title}\n{label}" if title else label)
    return BoundaryPlot(ax, x1, x2, grid_predictions, accuracy)


def plot_boundary_grid(
    predictors: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    X,
    Y,
    ncols: int = 4,
    resolution: int = 100,
    panel_size: float = 3.2,
) -> tuple[plt.Figure, list[BoundaryPlot]]:
    """Decision boundaries of several classifiers side by side, each with its accuracy.

    Parameters
    ----------
    predictors : mapping of str to callable
        Panel title to ``predict(X) -> (1, k)``, drawn in order.
    X : ndarray of shape (2, m)
    Y : ndarray of shape (1, m)
    ncols : int
        Panels per row.
    resolution : int
        Grid points per axis of each panel (at most 200; 100 keeps a grid of many panels fast).
    panel_size : float
        Width and height of one panel, in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    results : list of BoundaryPlot
        One per panel, in the order of ``predictors``.
    """
    n = len(predictors)
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(panel_size * ncols, panel_size * nrows), squeeze=False
    )
    results = []
    for ax, (title, predict) in zip(axes.flat, predictors.items(), strict=False):
        results.append(
            plot_decision_boundary(predict, X, Y, ax=ax, resolution=resolution, title=title)
        )
        ax.set_xlabel("")
        ax.set_ylabel("")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.tight_layout()
    return fig, results


def plot_costs(
    costs: Sequence[float] | Mapping[str, Sequence[float]],
    every: int = 100,
    ax=None,
    title: str | None = None,
    log_scale: bool = False,
):
    """Cost curves: the cost recorded every ``every`` iterations, one curve per run.

    Parameters
    ----------
    costs : sequence of float, or mapping of str to sequence of float
        One run's costs, or several runs by label (shown in a legend).
    every : int
        Iterations between two recorded costs; cost ``i`` is drawn at iteration ``i * every``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    title : str, optional
    log_scale : bool
        Logarithmic cost axis (useful when costs span several orders of magnitude).

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    runs = dict(costs) if isinstance(costs, Mapping) else {None: costs}
    ax = _new_axes(ax, figsize=(6.0, 3.5), title=title)
    for label, values in runs.items():
        values = np.asarray(values, dtype=float).reshape(-1)
        ax.plot(np.arange(len(values)) * every, values, label=label)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost J")
    if log_scale:
        ax.set_yscale("log")
    if len(runs) > 1 or None not in runs:
        ax.legend()
    return ax


def plot_activations(
    activation_forward: Callable[[np.ndarray, str], np.ndarray],
    activation_backward: Callable[[np.ndarray, np.ndarray, str], np.ndarray],
    activations: Sequence[str] = ACTIVATION_NAMES,
    z=None,
    panel_size: float = 3.2,
):
    """Each activation g(z) and its derivative g'(z), side by side, one panel per activation.

    The derivative is obtained as ``activation_backward(dA=1, Z, activation)``, that is
    ``1 * g'(Z)``, so any pair of functions with the course's signatures can be shown.

    Parameters
    ----------
    activation_forward : callable
        ``activation_forward(Z, activation) -> A``, same shape as ``Z``.
    activation_backward : callable
        ``activation_backward(dA, Z, activation) -> dZ``, same shape as ``Z``.
    activations : sequence of str
        Names to show, in order.
    z : ndarray of shape (k,), optional
        Points of the horizontal axis; 401 points from -5 to 5 by default.
    panel_size : float
        Width and height of one panel, in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    values : dict
        Activation name to ``(g, g_prime)``, two arrays of shape (1, k).
    """
    z = np.linspace(-5, 5, 401) if z is None else np.asarray(z, dtype=float).reshape(-1)
    Z = z.reshape(1, -1)
    fig, axes = plt.subplots(
        1, len(activations), figsize=(panel_size * len(activations), panel_size), squeeze=False
    )
    values = {}
    for ax, name in zip(axes[0], activations, strict=True):
        g = np.asarray(activation_forward(Z.copy(), name), dtype=float)
        g_prime = np.asarray(activation_backward(np.ones_like(Z), Z.copy(), name), dtype=float)
        values[name] = (g, g_prime)
        ax.axhline(0, color="grey", linewidth=0.5)
        ax.axvline(0, color="grey", linewidth=0.5)
        ax.plot(z, g.reshape(-1), label="g(z)")
        ax.plot(z, g_prime.reshape(-1), "--", label="g'(z)")
        ax.set_title(name)
        ax.set_xlabel("z")
        ax.legend(loc="upper left")
    fig.tight_layout()
    return fig, values


def plot_network(layer_dims: Sequence[int], ax=None, title: str | None = None):
    """Draw a network's units as circles and every weight as a line between two units.

    Every unit of layer l is joined to every unit of layer l - 1: the layers are fully
    connected, so ``W{l}`` of shape (n[l], n[l-1]) has one entry per line.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n[1], ..., n[L]]``; keep each entry below about 20 to see the lines.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    title : str, optional

    Returns
    -------
    ax : matplotlib.axes.Axes
    lines : dict of str to int
        ``"W{l}"`` to the number of lines drawn between layer l - 1 and layer l.
    """
    dims = [int(n) for n in layer_dims]
    if len(dims) < 2 or min(dims) < 1:
        raise ValueError(f"layer_dims should be [n_x, n[1], ..., n[L]], all >= 1; got {dims}")
    ax = _new_axes(ax, figsize=(1.6 * len(dims) + 1.0, 3.5), title=title)
    tallest = max(dims)
    # The units of a layer one apart, centred on 0: every layer is centred on the tallest.
    heights = [np.linspace(-(n - 1) / 2, (n - 1) / 2, n) for n in dims]
    lines, segments = {}, []
    for layer in range(1, len(dims)):
        # Row j, column k of W{layer}: from unit k of layer - 1 to unit j of layer.
        drawn = [
            [(layer - 1, y_from), (layer, y_to)]
            for y_to in heights[layer]
            for y_from in heights[layer - 1]
        ]
        segments += drawn
        lines[f"W{layer}"] = len(drawn)
    # One collection for every line: a single artist draws fast however many weights there are.
    ax.add_collection(LineCollection(segments, colors="grey", linewidths=0.6, zorder=1))
    bottom = -(tallest - 1) / 2 - 0.6
    for layer, ys in enumerate(heights):
        ax.scatter(np.full(len(ys), layer), ys, s=260, c="white", edgecolors="black", zorder=2)
        name = "input" if layer == 0 else ("output" if layer == len(dims) - 1 else "hidden")
        ax.text(
            layer,
            bottom,
            f"layer {layer}, {name}\nn[{layer}] = {dims[layer]}",
            ha="center",
            va="top",
            fontsize=8,
        )
    ax.set_xlim(-0.5, len(dims) - 0.5)
    ax.set_ylim(bottom - 1.1, (tallest - 1) / 2 + 0.5)
    ax.axis("off")
    return ax, lines


def plot_accuracy_vs_data(measurement: Mapping, ax=None, title: str | None = None):
    """Test accuracy against the number of training examples m, one curve per model.

    Each curve is the mean over the seeds of a measurement; the band around it spans the
    lowest to the highest seed, so that a difference smaller than the band is not read as one.

    Parameters
    ----------
    measurement : mapping
        As notebook 05's ``accuracy_vs_data.json`` holds it: ``"sizes"``, the values of m,
        increasing; ``"models"``, a list of mappings, each with ``"label"``, ``"layers_dims"``
        and ``"test_accuracy"``, a list with one list per size of the accuracy of each seed.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    title : str, optional

    Returns
    -------
    ax : matplotlib.axes.Axes
    means : dict of str to ndarray of shape (len(sizes),)
        The legend's label of each model to its mean test accuracy at each size.
    """
    sizes = np.asarray(measurement["sizes"], dtype=float)
    ax = _new_axes(ax, figsize=(7.0, 4.0), title=title)
    means = {}
    for model in measurement["models"]:
        accuracy = np.asarray(model["test_accuracy"], dtype=float)  # (sizes, seeds)
        if accuracy.shape[0] != len(sizes):
            raise ValueError(
                f"{model['label']}: {accuracy.shape[0]} rows of accuracies for {len(sizes)} sizes"
            )
        label = f"{model['label']} {list(model['layers_dims'])}"
        means[label] = accuracy.mean(axis=1)
        (line,) = ax.plot(sizes, means[label], "o-", ms=4, label=label)
        ax.fill_between(
            sizes, accuracy.min(axis=1), accuracy.max(axis=1), color=line.get_color(), alpha=0.15
        )
    ax.set_xscale("log")
    ax.set_xticks(sizes, [str(int(m)) for m in sizes])
    ax.minorticks_off()
    ax.set_xlabel("training examples m (log scale)")
    ax.set_ylabel("test accuracy")
    ax.legend(fontsize=8, loc="lower right")
    return ax, means
