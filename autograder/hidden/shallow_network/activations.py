"""Hidden checks of the activations of ``03_shallow_network``: random Z with exact zeros."""

from __future__ import annotations

from autograder.hidden.framework import Case, HiddenCheck, judge_like_reference, shape_text
from autograder.reference import shallow_network as ref
from utils.course import ACTIVATIONS


def _random_Z(rng, n, m):
    """Normal values with a few exact zeros (where relu' = 1) and saturating entries."""
    Z = rng.normal(0, 3, (n, m))
    flat = Z.reshape(-1)
    picks = rng.choice(flat.size, size=3, replace=False)
    flat[picks] = (0.0, 30.0, -30.0)
    return Z


def _activation_cases(rng, with_dA):
    cases = []
    for activation in ACTIVATIONS:
        n, m = int(rng.integers(2, 7)), int(rng.integers(3, 20))
        Z = _random_Z(rng, n, m)
        where = f"for activation={activation!r} on a random {shape_text(n, m)} Z"
        args = (rng.normal(0, 2, (n, m)), Z, activation) if with_dA else (Z, activation)
        cases.append(Case(args, where=where, context={"activation": activation}))
    return cases


activation_forward = HiddenCheck(
    "activation_forward",
    lambda rng: _activation_cases(rng, with_dA=False),
    judge_like_reference("A", ref.activation_forward),
)
activation_backward = HiddenCheck(
    "activation_backward",
    lambda rng: _activation_cases(rng, with_dA=True),
    judge_like_reference("dZ", ref.activation_backward),
)
