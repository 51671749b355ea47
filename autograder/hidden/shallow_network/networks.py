"""Random two-layer networks and the names their hidden checks share."""

from __future__ import annotations

from autograder.hidden.framework import Case, shape_text

PARAMETER_KEYS = ("W1", "b1", "W2", "b2")
GRAD_KEYS = ("dW1", "db1", "dW2", "db2")
CACHE_KEYS = ("Z1", "A1", "Z2", "A2")
RANK1_HINT = "np.sum without keepdims=True"


def activation_kwargs(activation: str) -> dict:
    """Keyword arguments selecting ``activation``; tanh is left to the default."""
    return {} if activation == "tanh" else {"activation": activation}


def random_parameters(rng, n_x, n_h, n_y=1, scale=1.0):
    """Parameters of a two-layer network, every entry normal with standard deviation ``scale``.

    Returns
    -------
    dict of str to ndarray
        ``W1`` of shape (n_h, n_x), ``b1`` of shape (n_h, 1), ``W2`` of shape (n_y, n_h) and
        ``b2`` of shape (n_y, 1).
    """
    return {
        "W1": rng.normal(0, scale, (n_h, n_x)),
        "b1": rng.normal(0, scale, (n_h, 1)),
        "W2": rng.normal(0, scale, (n_y, n_h)),
        "b2": rng.normal(0, scale, (n_y, 1)),
    }


def network_sizes(rng):
    """Random ``(n_x, n_h, m)`` of a small network and its number of examples."""
    return int(rng.integers(2, 5)), int(rng.integers(2, 6)), int(rng.integers(3, 12))


def network_case(args, activation, n_x, n_h, m, detail=""):
    """The case of a random ``n_x``-``n_h``-1 network on ``m`` examples with ``activation``.

    Parameters
    ----------
    args : tuple
        The positional arguments of the graded function.
    activation : str
        The hidden activation, passed as the ``activation`` keyword (tanh is left to the
        default) and named in the messages.
    n_x, n_h, m : int
        The sizes, for the messages.
    detail : str, optional
        What else the messages should say about the inputs.
    """
    where = f"with activation={activation!r} on a random {shape_text(n_x, n_h, 1)} network"
    return Case(
        args,
        activation_kwargs(activation),
        where=f"{where} and {m} examples{detail}",
        context={"activation": activation},
    )
