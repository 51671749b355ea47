"""Gradient checking: compare a backward pass with numerical derivatives of the cost.

Backpropagation is easy to get almost right. The derivative of the cost ``J`` with respect to
one parameter ``theta`` can also be estimated without any calculus, by nudging ``theta`` up and
down and watching ``J`` change (a central difference)::

    dJ/dtheta ~ (J(theta + eps) - J(theta - eps)) / (2 eps)

The error of this estimate is of order ``eps**2``. Doing this for every entry of every ``W{l}``
and ``b{l}`` is slow (two forward passes per entry) but independent of the backward code, so
it is a tool for checking a backward pass on a small network, never for training.

Example
-------
>>> import numpy as np
>>> from utils.gradient_check import gradient_check
>>> parameters = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])}
>>> def cost(p):  # J = sum(W1**2) + 3 b1
...     return float(np.sum(p["W1"] ** 2) + 3 * p["b1"][0, 0])
>>> grads = {"dW1": 2 * parameters["W1"], "db1": np.array([[3.0]])}
>>> result = gradient_check(cost, parameters, grads)
>>> result.passed
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

#: Default step of the central differences: small enough for an O(eps**2) error of about
#: 1e-14, large enough that rounding (about 1e-16 / eps) stays below 1e-9.
EPSILON = 1e-6

#: A relative difference below this means the analytic and numerical gradients agree.
THRESHOLD = 1e-6


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = EPSILON):
    """Central-difference estimate of the gradient of a scalar function of an array.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; it must not keep a reference to ``x`` between calls.
    x : ndarray of any shape
        The point at which to differentiate. It is not changed (a copy is nudged).
    eps : float, default EPSILON
        The step of the central difference.

    Returns
    -------
    grad : ndarray, same shape as ``x``
        ``grad[i] ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every entry ``i``.
    """
    x = np.array(x, dtype=float)  # a private copy: the caller's array is never nudged
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        f_plus = float(f(x))
        x[index] = original - eps
        f_minus = float(f(x))
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """``||a - b|| / (||a|| + ||b||)``: 0 when equal, 1 when opposite, scale-free.

    Parameters
    ----------
    a, b : ndarray of the same shape

    Returns
    -------
    float
        0.0 when both are all zeros.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


def numerical_gradients(
    cost: Callable[[dict], float], parameters: Mapping[str, np.ndarray], eps: float = EPSILON
) -> dict[str, np.ndarray]:
    """Numerical derivatives of ``cost`` with respect to every parameter.

    Parameters
    ----------
    cost : callable
        ``cost(parameters) -> float``, for example the cost of a forward pass on fixed data.
    parameters : dict of str to ndarray
        ``{"W1": ..., "b1": ..., ...}``. Not changed.
    eps : float, default EPSILON
        The step of the central differences.

    Returns
    -------
    dict of str to ndarray
        ``{"dW1": ..., "db1": ..., ...}``: for each parameter ``P``, ``"dP"`` has ``P``'s shape.
    """
    numerical = {}
    for name, value in parameters.items():

        def cost_of(x, name=name):
            nudged = {key: (x if key == name else val) for key, val in parameters.items()}
            return cost(nudged)

        numerical[f"d{name}"] = numerical_gradient(cost_of, value, eps)
    return numerical


@dataclass
class GradientCheck:
    """The outcome of :func:`gradient_check`.

    Attributes
    ----------
    differences : dict of str to float
        For each gradient name (``"dW1"``, ...), the relative difference between the analytic
        and the numerical gradient.
    numerical : dict of str to ndarray
        The numerical gradients.
    threshold : float
        Differences below it pass.
    """

    differences: dict[str, float]
    numerical: dict[str, np.ndarray] = field(repr=False)
    threshold: float = THRESHOLD

    @property
    def passed(self) -> bool:
        """Whether every gradient agrees with its numerical estimate."""
        return all(d < self.threshold for d in self.differences.values())

    @property
    def worst(self) -> tuple[str, float]:
        """The gradient with the largest relative difference, and that difference."""
        name = max(self.differences, key=self.differences.get)
        return name, self.differences[name]

    def report(self) -> str:
        """A small table: one line per gradient, its difference, and ok / WRONG."""
        lines = [f"{'gradient':>9}  {'relative difference':>19}"]
        for name, difference in self.differences.items():
            verdict = "ok" if difference < self.threshold else "WRONG"
            lines.append(f"{name:>9}  {difference:19.2e}  {verdict}")
        summary = "all gradients agree" if self.passed else "some gradients disagree"
        lines.append(f"{summary} (threshold {self.threshold:.0e})")
        return "\n".join(lines)


def gradient_check(
    cost: Callable[[dict], float],
    parameters: Mapping[str, np.ndarray],
    grads: Mapping[str, np.ndarray],
    eps: float = EPSILON,
    threshold: float = THRESHOLD,
) -> GradientCheck:
    """Compare analytic gradients with numerical derivatives of the cost.

    Parameters
    ----------
    cost : callable
        ``cost(parameters) -> float``.
    parameters : dict of str to ndarray
        ``{"W1": ..., "b1": ..., ...}`` at which the gradients were computed. Not changed.
    grads : dict of str to ndarray
        At least ``"dW1"``, ``"db1"``, ... for every parameter (other keys, such as ``"dA1"``,
        are ignored).
    eps : float, default EPSILON
        The step of the central differences.
    threshold : float, default THRESHOLD
        Relative differences below it count as agreement.

    Returns
    -------
    GradientCheck
        Per-gradient relative differences, the numerical gradients, and ``passed``.

    Raises
    ------
    KeyError
        If a parameter has no gradient in ``grads``.
    ValueError
        If a gradient's shape differs from its parameter's.
    """
    numerical = numerical_gradients(cost, parameters, eps)
    differences = {}
    for name, estimate in numerical.items():
        if name not in grads:
            raise KeyError(f"grads has no {name!r}; it should hold one gradient per parameter")
        analytic = np.asarray(grads[name])
        if analytic.shape != estimate.shape:
            raise ValueError(
                f"{name} has shape {analytic.shape}, its parameter has shape {estimate.shape}"
            )
        differences[name] = relative_difference(analytic, estimate)
    return GradientCheck(differences, numerical, threshold)
