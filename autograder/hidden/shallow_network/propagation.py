"""Hidden checks of the forward pass, the cost and the backward pass of ``03_shallow_network``.

Caches given to ``backward_propagation`` come from a real forward pass of the reference, and
its gradients are also compared with numerical derivatives of the reference cost.
"""

from __future__ import annotations

import numpy as np

from autograder.hidden.framework import Case, HiddenCheck
from autograder.hidden.shallow_network.networks import (
    CACHE_KEYS,
    GRAD_KEYS,
    RANK1_HINT,
    network_case,
    network_sizes,
    random_parameters,
)
from autograder.reference import shallow_network as ref
from utils import checks
from utils.course import ACTIVATIONS
from utils.gradient_check import numerical_gradient


def _forward_cases(rng):
    cases = []
    for activation in ACTIVATIONS:
        n_x, n_h, m = network_sizes(rng)
        X = rng.normal(0, 1, (n_x, m))
        parameters = random_parameters(rng, n_x, n_h)
        cases.append(network_case((X, parameters), activation, n_x, n_h, m))
    return cases


def _judge_forward(case: Case, run: checks.Call) -> None:
    name = run.func_name
    X, parameters = case.args
    activation = case.context["activation"]
    A2, cache = checks.expect_tuple(name, run.output, ("A2", "cache"))
    checks.expect_keys(name, "cache", cache, CACHE_KEYS)
    expected_A2, expected = ref.forward_propagation(X, parameters, activation)
    checks.expect_shape(name, "A2", A2, expected_A2.shape)
    for key in CACHE_KEYS:
        checks.expect_shape(name, f"cache[{key!r}]", cache[key], expected[key].shape)
    checks.expect_unchanged(run)
    for key in CACHE_KEYS:
        checks.expect_close(
            name, f"cache[{key!r}]", cache[key], expected[key], where=case.where, show_values=False
        )
    checks.expect_close(name, "A2", A2, expected_A2, where=case.where, show_values=False)


forward_propagation = HiddenCheck("forward_propagation", _forward_cases, _judge_forward)


# --------------------------------------------------------------------------------------------
# compute_cost
# --------------------------------------------------------------------------------------------
def _cost_cases(rng):
    cases = []
    for m in (int(rng.integers(2, 8)), int(rng.integers(20, 200))):
        A2 = rng.uniform(0.02, 0.98, (1, m))
        Y = (rng.random((1, m)) > 0.5).astype(float)
        Y[0, :2] = (0.0, 1.0)  # both classes, so every term of the cost counts
        cases.append(Case((A2, Y), where=f"on random A2 and Y of shape (1, {m})"))
    return cases


def _judge_cost(case: Case, run: checks.Call) -> None:
    cost = checks.expect_scalar(run.func_name, "cost", run.output)
    checks.expect_unchanged(run)
    checks.expect_close(
        run.func_name,
        "cost",
        cost,
        ref.compute_cost(*case.args),
        where=case.where,
        show_values=False,
    )


compute_cost = HiddenCheck("compute_cost", _cost_cases, _judge_cost)


# --------------------------------------------------------------------------------------------
# backward_propagation
# --------------------------------------------------------------------------------------------
def _backward_cases(rng):
    cases = []
    for activation in ACTIVATIONS:
        n_x, n_h, m = network_sizes(rng)
        while True:  # numerical derivatives mislead at the ReLU kink and when A2 saturates
            X = rng.normal(0, 1, (n_x, m))
            parameters = random_parameters(rng, n_x, n_h)
            A2, cache = ref.forward_propagation(X, parameters, activation)
            if np.min(np.abs(cache["Z1"])) > 1e-3 and np.all(np.abs(A2 - 0.5) < 0.49):
                break
        Y = (rng.random((1, m)) > 0.5).astype(float)
        cases.append(
            network_case(
                (parameters, cache, X, Y),
                activation,
                n_x,
                n_h,
                m,
                detail=" (cache from a real forward pass)",
            )
        )
    return cases


def _judge_backward(case: Case, run: checks.Call) -> None:
    name = run.func_name
    parameters, cache, X, Y = case.args
    activation = case.context["activation"]
    grads = run.output
    checks.expect_keys(name, "grads", grads, GRAD_KEYS)
    for key in GRAD_KEYS:
        checks.expect_shape(
            name,
            key,
            grads[key],
            parameters[key[1:]].shape,
            rank1_hint=RANK1_HINT if key.startswith("db") else "",
        )
    checks.expect_unchanged(run)
    expected = ref.backward_propagation(parameters, cache, X, Y, activation)
    for key in GRAD_KEYS:
        checks.expect_close(
            name, key, grads[key], expected[key], where=case.where, show_values=False
        )

    # The same gradients, measured: central differences of the cost J(parameters).
    def cost_with(key):
        def cost(value):
            changed = dict(parameters, **{key: value})
            A2, _ = ref.forward_propagation(X, changed, activation)
            return ref.compute_cost(A2, Y)

        return cost

    for key in GRAD_KEYS:
        numerical = numerical_gradient(cost_with(key[1:]), parameters[key[1:]], eps=1e-5)
        checks.expect_close(
            name,
            f"{key} compared with numerical derivatives of the cost",
            grads[key],
            numerical,
            rtol=1e-4,
            atol=1e-7,
            where=case.where,
            show_values=False,
        )


backward_propagation = HiddenCheck("backward_propagation", _backward_cases, _judge_backward)
