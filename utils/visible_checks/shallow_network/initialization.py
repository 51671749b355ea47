"""Visible checks of the sizes and the initialisation of ``03_shallow_network``.

:func:`expect_parameters`, :func:`expect_zero_biases` and :func:`expect_small_weights` judge any
parameters of the two-layer network; the hidden checks and ``nn_model``'s checks use them too.
"""

from __future__ import annotations

import numbers

import numpy as np

from utils import checks


def check_layer_sizes(layer_sizes):
    """Check ``layer_sizes`` on X of shape (5, 3) and Y of shape (2, 3), with and without n_h."""
    name = "layer_sizes"
    X, Y = np.zeros((5, 3)), np.zeros((2, 3))
    for kwargs, expected in [({}, (5, 4, 2)), ({"n_h": 7}, (5, 7, 2))]:
        run = checks.call(layer_sizes, X, Y, **kwargs)
        sizes = checks.expect_tuple(name, run.output, ("n_x", "n_h", "n_y"))
        for var, value in zip(("n_x", "n_h", "n_y"), sizes, strict=True):
            checks.expect_type(name, var, value, numbers.Integral)
        checks.expect_unchanged(run)
        n_h = expected[1]
        checks.expect_equal(
            name,
            f"(n_x, n_h, n_y) with {'n_h=7' if kwargs else 'the default n_h'}",
            tuple(int(s) for s in sizes),
            expected,
            mistakes={
                "X.shape[1] (the number of examples m) instead of X.shape[0]": (3, n_h, 2),
                "Y.shape[1] (the number of examples m) instead of Y.shape[0]": (5, n_h, 3),
                "a fixed n_h = 4 instead of the argument n_h": (5, 4, 2),
            },
        )
    checks.all_passed(name)


#: Standard deviation of the initial weights: the notes' ``randn * 0.01``.
WEIGHT_SCALE = 0.01
#: The spread each known mistake of the initial weights gives.
SCALE_MISTAKES = {"unscaled initialisation (randn without * 0.01)": 1.0}


def expect_parameters(name, parameters, n_x, n_h, n_y):
    """Check the keys and the shapes of a parameters dict of the two-layer network.

    Parameters
    ----------
    name : str
        The graded function.
    parameters : Any
        What it returned: a dict with ``W1`` of shape (n_h, n_x), ``b1`` of shape (n_h, 1),
        ``W2`` of shape (n_y, n_h) and ``b2`` of shape (n_y, 1) is expected.
    n_x, n_h, n_y : int
        The sizes of the input, hidden and output layers.
    """
    checks.expect_keys(name, "parameters", parameters, ("W1", "b1", "W2", "b2"))
    shapes = {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}
    for key, shape in shapes.items():
        checks.expect_shape(name, key, parameters[key], shape, rank1_hint="np.zeros(n_h)")


def expect_zero_biases(name, parameters, *, where="", show_values=True):
    """Check that the biases ``b1`` and ``b2`` start at zero.

    Parameters
    ----------
    name : str
        The graded function.
    parameters : dict of str to ndarray
        Its initial parameters, keys and shapes checked before (:func:`expect_parameters`).
    where : str, optional
        Where the inputs come from, for messages.
    show_values : bool, optional
        Whether a message may show the values (never for hidden checks).
    """
    shown = {"where": where, "show_values": show_values}
    for key in ("b1", "b2"):
        zeros = np.zeros(parameters[key].shape)
        checks.expect_close(name, f"{key} (biases start at zero)", parameters[key], zeros, **shown)


def expect_small_weights(name, parameters, *, mean_mistakes=None, where="", show_values=True):
    """Check the spread (:data:`WEIGHT_SCALE`) and the mean (0) of the entries of W1 and W2.

    Parameters
    ----------
    name : str
        The graded function.
    parameters : dict of str to ndarray
        Initial parameters with enough entries to measure their statistics (a few hundred
        per matrix), keys and shapes checked before.
    mean_mistakes : mapping of str to float, optional
        Known mistakes and the mean of the entries each would give.
    where, show_values
        As for :func:`expect_zero_biases`.
    """
    shown = {"where": where, "show_values": show_values}
    for key in ("W1", "W2"):
        checks.expect_std(
            name, key, parameters[key], WEIGHT_SCALE, mistakes=SCALE_MISTAKES, **shown
        )
        mean = float(np.mean(parameters[key]))
        # five standard errors of the mean of that many draws
        atol = 5 * WEIGHT_SCALE / np.sqrt(parameters[key].size)
        checks.expect_close(
            name,
            f"the mean of the entries of {key}",
            mean,
            0.0,
            rtol=0.0,
            atol=atol,
            mistakes=mean_mistakes,
            **shown,
        )


def check_initialize_parameters(initialize_parameters):
    """Check shapes, zero biases, the scale 0.01 of the weights and broken symmetry."""
    name = "initialize_parameters"
    # Shapes and biases on the flower's sizes, with and without an rng.
    for kwargs in ({"rng": np.random.default_rng(1)}, {}):
        run = checks.call(initialize_parameters, 2, 4, 1, **kwargs)
        parameters = run.output
        expect_parameters(name, parameters, 2, 4, 1)
        checks.expect_own_rng(run)
        expect_zero_biases(name, parameters)
    # Statistics need many draws: 50 inputs, 40 hidden units, 3 outputs.
    run = checks.call(initialize_parameters, 50, 40, 3, rng=np.random.default_rng(2))
    parameters = run.output
    expect_parameters(name, parameters, 50, 40, 3)
    expect_small_weights(
        name,
        parameters,
        mean_mistakes={"uniform draws (rng.random) instead of normal ones (randn)": 0.005},
    )
    checks.expect_distinct_rows(name, "W1", parameters["W1"])
    # Every draw comes from `rng`: the same seed gives the same parameters, another seed others.
    again = checks.call(initialize_parameters, 50, 40, 3, rng=np.random.default_rng(2)).output
    expect_parameters(name, again, 50, 40, 3)
    other = checks.call(initialize_parameters, 50, 40, 3, rng=np.random.default_rng(3)).output
    expect_parameters(name, other, 50, 40, 3)
    for key in ("W1", "W2"):
        checks.expect_reproducible(name, key, parameters[key], again[key])
        checks.expect_seed_matters(
            name, key, parameters[key], other[key], where="for seeds 2 and 3"
        )
    checks.all_passed(name)
