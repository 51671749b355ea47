"""Data sets of the course, all in the course's layout: ``X`` of shape (n_x, m), ``Y`` (1, m).

* Real images: scikit-learn's 8x8 handwritten digits (they ship inside the package, so nothing
  is downloaded), as the binary task "is the digit even?".
* Planar data: the flower, moons, circles, XOR and a two-arm spiral, generated with NumPy.
"""

from __future__ import annotations

import gzip
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The planar data sets by name, for menus and loops.
PLANAR_NAMES = ("flower", "moons", "circles", "xor", "spiral")


@dataclass
class DigitsSplit:
    """The even-vs-odd digits task, split into a training and a test set.

    Attributes
    ----------
    train_images : ndarray of shape (m_train, 8, 8)
        Pixel intensities 0..16 as in scikit-learn.
    train_digits : ndarray of shape (m_train,)
        The digit 0..9 shown by each training image.
    test_images : ndarray of shape (m_test, 8, 8)
    test_digits : ndarray of shape (m_test,)
    """

    train_images: np.ndarray
    train_digits: np.ndarray
    test_images: np.ndarray
    test_digits: np.ndarray

    @property
    def Y_train(self) -> np.ndarray:
        """Labels of shape (1, m_train): 1 for an even digit, 0 for an odd one."""
        return (self.train_digits % 2 == 0).astype(float).reshape(1, -1)

    @property
    def Y_test(self) -> np.ndarray:
        """Labels of shape (1, m_test)."""
        return (self.test_digits % 2 == 0).astype(float).reshape(1, -1)


def load_digits_even_odd(m_train: int = 1200, seed: int = 1) -> DigitsSplit:
    """Load the 1797 digit images and split them at random (seeded) into train and test.

    Parameters
    ----------
    m_train : int
        Number of training images; the rest (1797 - m_train) form the test set.
    seed : int
        Seed of the split, so every student and the grader see the same split.

    Returns
    -------
    DigitsSplit
    """
    images, labels = _digits()
    order = np.random.default_rng(seed).permutation(len(labels))
    train, test = order[:m_train], order[m_train:]
    return DigitsSplit(images[train], labels[train], images[test], labels[test])


def _digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1797 digits: images of shape (1797, 8, 8) and digits of shape (1797,).

    The same arrays as ``sklearn.datasets.load_digits()``, read from the file that ships inside
    scikit-learn without importing it: importing scikit-learn costs about a second (it imports
    SciPy), a good part of a notebook's run. Where that file is not found, ``load_digits``.
    """
    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "datasets" / "data" / "digits.csv.gz"
        if path.is_file():
            with gzip.open(path, "rt", encoding="utf-8") as f:
                data = np.loadtxt(f, delimiter=",")
            return data[:, :-1].reshape(-1, 8, 8), data[:, -1].astype(int)
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.images, digits.target


def images_to_X(images: np.ndarray) -> np.ndarray:
    """Flatten and scale 8x8 digit images into the course's input matrix.

    This is the data preparation the notebooks use (after notebook 01 graded
    ``flatten_images``): pixels are scaled from 0..16 to 0..1.

    Parameters
    ----------
    images : ndarray of shape (m, 8, 8)

    Returns
    -------
    X : ndarray of shape (64, m)
    """
    m = images.shape[0]
    return images.reshape(m, -1).T / 16.0


def training_subset(X: np.ndarray, Y: np.ndarray, m: int, seed: int):
    """The first ``m`` examples of a seeded shuffle of a training set.

    The same ``seed`` gives nested subsets: the subset of 100 examples holds the subset of 50.
    Notebook 05's accuracy-against-data figure trains on these subsets.

    Parameters
    ----------
    X : ndarray of shape (n_x, m_all)
        Inputs, one example per column.
    Y : ndarray of shape (1, m_all)
        Labels.
    m : int
        Number of examples to keep, 1 to ``m_all``.
    seed : int
        Seed of the shuffle.

    Returns
    -------
    X_subset : ndarray of shape (n_x, m)
    Y_subset : ndarray of shape (1, m)
    """
    m_all = X.shape[1]
    if not 1 <= m <= m_all:
        raise ValueError(f"m must be between 1 and {m_all}, the number of examples; got {m}")
    chosen = np.random.default_rng(seed).permutation(m_all)[:m]
    return X[:, chosen], Y[:, chosen]


# --------------------------------------------------------------------------------------------
# Planar data sets
# --------------------------------------------------------------------------------------------
def _shuffled(X: np.ndarray, Y: np.ndarray, rng: np.random.Generator):
    order = rng.permutation(X.shape[1])
    return X[:, order], Y[:, order]


def flower(m: int = 400, noise: float = 0.2, seed: int | None = 1):
    """A two-class "flower": petals of alternating classes around the origin.

    Parameters
    ----------
    m : int
        Number of points (half of each class).
    noise : float
        Standard deviation of the noise added to each petal's angle and radius.
    seed : int or None
        Seed of the generator; ``None`` draws a new data set each call.

    Returns
    -------
    X : ndarray of shape (2, m)
    Y : ndarray of shape (1, m), values 0 or 1
    """
    rng = np.random.default_rng(seed)
    half = m // 2
    X = np.zeros((2, 2 * half))
    Y = np.zeros((1, 2 * half))
    for j in range(2):
        idx = slice(half * j, half * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, half) + rng.normal(0, noise, half)
        r = 4 * np.sin(4 * t) + rng.normal(0, noise, half)
        X[:, idx] = np.vstack([r * np.sin(t), r * np.cos(t)])
        Y[0, idx] = j
    return _shuffled(X, Y, rng)


def moons(m: int = 400, noise: float = 0.2, seed: int | None = 1):
    """Two interleaving half circles. Same parameters and returns as :func:`flower`."""
    rng = np.random.default_rng(seed)
    half = m // 2
    t = rng.uniform(0, np.pi, 2 * half)
    upper = np.vstack([np.cos(t[:half]), np.sin(t[:half])])
    lower = np.vstack([1 - np.cos(t[half:]), 0.5 - np.sin(t[half:])])
    X = np.hstack([upper, lower]) + rng.normal(0, noise, (2, 2 * half))
    Y = np.hstack([np.zeros(half), np.ones(half)]).reshape(1, -1)
    return _shuffled(X, Y, rng)


def circles(m: int = 400, noise: float = 0.1, seed: int | None = 1):
    """A disc of one class inside a ring of the other. Parameters as :func:`flower`."""
    rng = np.random.default_rng(seed)
    half = m // 2
    t = rng.uniform(0, 2 * np.pi, 2 * half)
    r = np.hstack([rng.uniform(0, 0.5, half), rng.uniform(0.8, 1.2, half)])
    X = np.vstack([r * np.cos(t), r * np.sin(t)]) + rng.normal(0, noise, (2, 2 * half))
    Y = np.hstack([np.ones(half), np.zeros(half)]).reshape(1, -1)
    return _shuffled(X, Y, rng)


def xor(m: int = 400, noise: float = 0.1, seed: int | None = 1):
    """Points in the four quadrants; class 1 where x1 and x2 have the same sign."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (2, m))
    Y = (X[0] * X[1] > 0).astype(float).reshape(1, -1)
    # Keep the classes apart a little, then blur them with the noise.
    X = X + 0.1 * np.sign(X) + rng.normal(0, noise, (2, m))
    return X, Y


def spiral(m: int = 400, noise: float = 0.05, seed: int | None = 1):
    """Two interleaved spiral arms, one per class. Parameters as :func:`flower`."""
    rng = np.random.default_rng(seed)
    half = m // 2
    t = np.sqrt(rng.uniform(0, 1, half)) * 3 * np.pi
    arm = np.vstack([t * np.cos(t), t * np.sin(t)]) / (3 * np.pi)
    X = np.hstack([arm, -arm]) + rng.normal(0, noise, (2, 2 * half))
    Y = np.hstack([np.zeros(half), np.ones(half)]).reshape(1, -1)
    return _shuffled(X, Y, rng)


def load_planar(name: str, m: int = 400, noise: float | None = None, seed: int | None = 1):
    """Any planar data set by name (one of :data:`PLANAR_NAMES`).

    Parameters
    ----------
    name : str
    m : int
    noise : float or None
        ``None`` takes the data set's default noise.
    seed : int or None

    Returns
    -------
    X : ndarray of shape (2, m)
    Y : ndarray of shape (1, m)
    """
    makers = {"flower": flower, "moons": moons, "circles": circles, "xor": xor, "spiral": spiral}
    if name not in makers:
        raise ValueError(f"unknown data set {name!r}; choose one of {PLANAR_NAMES}")
    kwargs = {"m": m, "seed": seed}
    if noise is not None:
        kwargs["noise"] = noise
    return makers[name](**kwargs)
