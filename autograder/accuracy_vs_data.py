"""Test accuracy against the amount of training data: the measurement behind notebook 05's figure.

The notes explain why deep learning took off (data, computation, algorithms) with a picture of
performance against the amount of labelled data: traditional learning levels off, small, medium
and large neural networks keep improving, the larger ones longest. This module measures that
picture on the course's own task, even versus odd digits (:mod:`utils.datasets`), with the
course's reference models (:mod:`autograder.reference`): notebook 02's logistic regression as
the traditional method, and ``L_layer_model`` of notebook 05 for a small, a medium and a large
network. Each model is trained on nested subsets of ``m`` of the 1200 training images, several
times (a new subset and new initial weights for each seed), and scored on the 597 test images.

Training the 140 runs takes about two minutes on a 2-core machine, far more than a notebook may
spend (20 s for all of it), so the numbers are measured here, written next to notebook 05's
source and shipped with its release; the notebook plots them and retrains one point with the
student's own ``L_layer_model``. To measure again::

    .venv/bin/python -m autograder.accuracy_vs_data     # writes source/05_.../accuracy_vs_data.json
    ./course release                                    # copies it into notebooks/
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.course import SOURCE
from autograder.reference import deep_network_application as networks
from autograder.reference import logistic_regression
from utils import datasets

#: The assignment whose release carries the measurement, and the file's name there.
ASSIGNMENT = "05_deep_network_application"
FILE_NAME = "accuracy_vs_data.json"
DEFAULT_OUT = SOURCE / ASSIGNMENT / FILE_NAME

#: Training-set sizes m, doubling up to the whole training split of the digits (1200 images).
SIZES = (25, 50, 100, 200, 400, 800, 1200)
#: Number of repetitions per point: seed s draws the subset and the initial weights.
SEEDS = 5


@dataclass(frozen=True)
class Model:
    """One curve of the figure: a model and how it is trained (the same for every m).

    Attributes
    ----------
    key : str
        ``"traditional"``, ``"small"``, ``"medium"`` or ``"large"``: the notes' names.
    label : str
        What the figure's legend says.
    layers_dims : tuple of int
        ``[n_x, n[1], ..., n[L]]``; ``(64, 1)`` is logistic regression.
    learning_rate : float
    num_iterations : int
    """

    key: str
    label: str
    layers_dims: tuple[int, ...]
    learning_rate: float
    num_iterations: int

    @property
    def parameter_count(self) -> int:
        """Number of entries of every ``W{l}`` and ``b{l}``: n[l] * n[l-1] + n[l] per layer."""
        dims = self.layers_dims
        return sum(dims[i] * dims[i - 1] + dims[i] for i in range(1, len(dims)))

    def describe(self) -> dict:
        """The training settings, as the file records them."""
        return {
            "key": self.key,
            "label": self.label,
            "layers_dims": list(self.layers_dims),
            "learning_rate": self.learning_rate,
            "num_iterations": self.num_iterations,
            "parameters": self.parameter_count,
        }


#: The four curves, smallest model first. Logistic regression is trained as in notebook 02 (from
#: zeros, alpha = 0.5, 2000 iterations); the networks as in notebook 05 (He initialisation, ReLU
#: hidden layers, 1000 iterations; alpha = 0.5 for one hidden layer and 0.1 for three, which
#: is stable for the deeper network).
MODELS = (
    Model("traditional", "logistic regression", (64, 1), 0.5, 2000),
    Model("small", "small network", (64, 4, 1), 0.5, 1000),
    Model("medium", "medium network", (64, 16, 1), 0.5, 1000),
    Model("large", "large network", (64, 64, 32, 16, 1), 0.1, 1000),
)


def digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The course's even-vs-odd split in its layout.

    Returns
    -------
    X_train : ndarray of shape (64, 1200)
    Y_train : ndarray of shape (1, 1200)
    X_test : ndarray of shape (64, 597)
    Y_test : ndarray of shape (1, 597)
    """
    split = datasets.load_digits_even_odd()
    return (
        datasets.images_to_X(split.train_images),
        split.Y_train,
        datasets.images_to_X(split.test_images),
        split.Y_test,
    )


def train_and_score(model: Model, X, Y, X_test, Y_test, seed: int) -> float:
    """Train ``model`` on ``X``, ``Y`` and return its accuracy on the test set.

    Parameters
    ----------
    model : Model
    X : ndarray of shape (n_x, m)
        Training inputs.
    Y : ndarray of shape (1, m)
        Training labels.
    X_test : ndarray of shape (n_x, m_test)
    Y_test : ndarray of shape (1, m_test)
    seed : int
        Seed of the initial weights (logistic regression starts from zeros and ignores it).

    Returns
    -------
    float
        Fraction of the ``m_test`` test images classified correctly.
    """
    if len(model.layers_dims) == 2:
        trained = logistic_regression.model(
            X, Y, X_test, Y_test, model.num_iterations, model.learning_rate
        )
        predictions = trained["Y_prediction_test"]
    else:
        parameters, _costs = networks.L_layer_model(
            X,
            Y,
            list(model.layers_dims),
            learning_rate=model.learning_rate,
            num_iterations=model.num_iterations,
            rng=np.random.default_rng(seed),
        )
        predictions = networks.predict(parameters, X_test)
    return float(np.mean(predictions == Y_test))


def measure(
    models: Sequence[Model] = MODELS,
    sizes: Sequence[int] = SIZES,
    seeds: Iterable[int] = range(SEEDS),
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Train every model on every training-set size with every seed; collect test accuracies.

    Parameters
    ----------
    models : sequence of Model
    sizes : sequence of int
        Training-set sizes m, increasing, at most 1200.
    seeds : iterable of int
        Seed ``s`` draws the subset (:func:`utils.datasets.training_subset`) and the initial
        weights.
    progress : callable, optional
        Called with one line per model and size.

    Returns
    -------
    dict
        The content of ``accuracy_vs_data.json``: ``"sizes"``, ``"seeds"``, ``"m_test"`` and,
        per model, its settings (:meth:`Model.describe`), ``"test_accuracy"`` (one list per
        size, one accuracy per seed, rounded to 4 digits: one test image is 0.0017) and
        ``"seconds"`` (the median time of one training run, per size).
    """
    seeds = list(seeds)
    X_train, Y_train, X_test, Y_test = digits()
    started = time.perf_counter()
    curves = []
    for model in models:
        accuracies, seconds = [], []
        for m in sizes:
            per_seed, times = [], []
            for seed in seeds:
                X, Y = datasets.training_subset(X_train, Y_train, m, seed)
                start = time.perf_counter()
                per_seed.append(round(train_and_score(model, X, Y, X_test, Y_test, seed), 4))
                times.append(time.perf_counter() - start)
            accuracies.append(per_seed)
            seconds.append(round(float(np.median(times)), 4))
            if progress:
                progress(
                    f"{model.key:11} m = {m:4}: test accuracy {np.mean(per_seed):.3f} "
                    f"(seeds {min(per_seed):.3f} to {max(per_seed):.3f}), {seconds[-1]:.2f} s a run"
                )
        curves.append({**model.describe(), "test_accuracy": accuracies, "seconds": seconds})
    return {
        "what": "test accuracy on the even-vs-odd digits against the number m of training "
        "images, for logistic regression and a small, a medium and a large network",
        "command": "python -m autograder.accuracy_vs_data",
        "sizes": list(sizes),
        "seeds": seeds,
        "m_test": int(Y_test.shape[1]),
        "models": curves,
        "measured_with": {
            "numpy": np.__version__,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "blas_threads": 1,
            "total_seconds": round(time.perf_counter() - started, 1),
        },
    }


def to_json(result: dict) -> str:
    """``result`` as JSON text, one line per list of numbers so that a diff shows what changed."""
    text = json.dumps(result, indent=1)

    def one_line(found: re.Match) -> str:
        return "[" + ", ".join(number.strip() for number in found.group(1).split(",")) + "]"

    # Only lists json.dumps spread over lines: a "[" inside a string stays as it is.
    return re.sub(r"\[(\n[-+0-9.eE,\s]+)\]", one_line, text) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder.accuracy_vs_data [--out FILE] [--seeds N]``."""
    parser = argparse.ArgumentParser(
        prog="python -m autograder.accuracy_vs_data",
        description="Measure notebook 05's figure of test accuracy against the amount of "
        "training data, and write it next to the notebook's source (then run ./course release).",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default {DEFAULT_OUT}")
    parser.add_argument(
        "--seeds", type=int, default=SEEDS, help=f"runs per point (default {SEEDS})"
    )
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    # One BLAS thread, as in the notebooks: these matrices are too small to gain from more, and
    # the timings then say what one core does.
    with threadpool_limits(limits=1):
        result = measure(seeds=range(args.seeds), progress=lambda line: print(line, flush=True))
    args.out.write_text(to_json(result), encoding="utf-8")
    print(f"wrote {args.out} ({result['measured_with']['total_seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
