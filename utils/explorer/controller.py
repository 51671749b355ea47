"""The explorer's controller: data, input features, the network and its training, without any
widget (the tests drive it directly).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import numpy as np

from utils.datasets import PLANAR_NAMES, load_planar
from utils.explorer.networks import StudentCodeError, _Network
from utils.explorer.settings import (
    ACTIVATIONS,
    DATA_SETTINGS,
    DATASETS,
    FEATURES,
    GRID_SIZE,
    M_POINTS,
    MAX_HIDDEN_LAYERS,
    MAX_HISTORY,
    NETWORK_SETTINGS,
    STATE_VERSION,
    Settings,
    _default_settings,
    _with_default_noise,
    feature_matrix,
)


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
