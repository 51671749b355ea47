"""The functions a student passes in, behind one interface for the shallow and the deep network.

:class:`ShallowNetwork` (assignment 03) and :class:`DeepNetwork` (assignment 04) call the
student's functions and nothing else: every number the explorer computes about a network comes
from them. A function that fails raises :class:`StudentCodeError`, whose message says which
function to write or fix first.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping

import numpy as np


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
