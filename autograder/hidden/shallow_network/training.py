"""Hidden checks of the update, the prediction and the training loop of ``03_shallow_network``.

``nn_model`` is run twice with the same seed, for 1 and for 3 iterations: the difference must be
exactly two steps of the reference's gradient descent from the student's own parameters, which
checks the activation and learning rate without knowing the student's random draws. Its
training is judged by the accuracy, on an XOR task, of the better of two runs.
"""

from __future__ import annotations

import numpy as np

from autograder.hidden.framework import Case, HiddenCheck, Seed, shape_text
from autograder.hidden.shallow_network.networks import (
    PARAMETER_KEYS,
    activation_kwargs,
    network_case,
    network_sizes,
    random_parameters,
)
from autograder.reference import shallow_network as ref
from utils import checks
from utils.course import ACTIVATIONS
from utils.visible_checks.shallow_network.initialization import expect_parameters


def _update_cases(rng):
    cases = []
    for with_rate in (True, False):
        n_x, n_h, _ = network_sizes(rng)
        parameters = random_parameters(rng, n_x, n_h)
        grads = {"d" + k: v for k, v in random_parameters(rng, n_x, n_h).items()}
        kwargs = {"learning_rate": float(rng.uniform(0.01, 2.0))} if with_rate else {}
        where = f"on a random {shape_text(n_x, n_h, 1)} network"
        where += (
            f" with learning_rate={kwargs['learning_rate']:.3g}"
            if with_rate
            else (" with the default learning_rate")
        )
        cases.append(Case((parameters, grads), kwargs, where=where))
    return cases


def _judge_update(case: Case, run: checks.Call) -> None:
    name = run.func_name
    parameters, grads = case.args
    new = run.output
    checks.expect_keys(name, "parameters", new, PARAMETER_KEYS)
    for key in PARAMETER_KEYS:
        checks.expect_shape(name, key, new[key], parameters[key].shape)
    checks.expect_unchanged(run)
    expected = ref.update_parameters(parameters, grads, **case.kwargs)
    for key in PARAMETER_KEYS:
        checks.expect_close(name, key, new[key], expected[key], where=case.where, show_values=False)


update_parameters = HiddenCheck("update_parameters", _update_cases, _judge_update)


# --------------------------------------------------------------------------------------------
# predict
# --------------------------------------------------------------------------------------------
def _predict_cases(rng):
    cases = []
    for activation in ACTIVATIONS:
        n_x, n_h, _ = network_sizes(rng)
        m = int(rng.integers(10, 40))
        parameters = random_parameters(rng, n_x, n_h, scale=1.5)
        X = rng.normal(0, 1.5, (n_x, m))
        cases.append(network_case((parameters, X), activation, n_x, n_h, m))
    return cases


def _judge_predict(case: Case, run: checks.Call) -> None:
    name = run.func_name
    parameters, X = case.args
    checks.expect_shape(name, "predictions", run.output, (1, X.shape[1]))
    checks.expect_binary(name, "predictions", run.output)
    checks.expect_unchanged(run)
    expected = ref.predict(parameters, X, case.context["activation"])
    checks.expect_close(
        name, "predictions", run.output, expected, where=case.where, show_values=False
    )


predict = HiddenCheck("predict", _predict_cases, _judge_predict)


# nn_model
# --------------------------------------------------------------------------------------------
#: Accuracy the better of two training runs must reach. Measured with the reference on 500
#: hidden seeds (1000 runs each of the tanh and the ReLU task): every tanh run reached 0.99,
#: one ReLU run in 1000 stayed below 0.9, and no group had both runs below. A network without a
#: working hidden layer is a linear classifier, which cannot separate the four blobs of an XOR
#: task (0.5 to 0.8).
NN_MODEL_MIN_ACCURACY = 0.9
NN_MODEL_ITERATIONS = 1000


def xor_blobs(rng, n_x, m):
    """Four Gaussian blobs at (+-2, +-2) in the first two features; class 1 where the signs agree.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_x : int
        Number of features, 2 or more (the others are noise).
    m : int
        Number of examples.

    Returns
    -------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    """
    centres = 2.0 * np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]])
    blob = rng.integers(0, 4, m)
    X = rng.normal(0, 0.5, (n_x, m))
    X[:2] += centres[blob].T
    Y = (blob < 2).astype(float).reshape(1, -1)
    return X, Y


def _nn_model_cases(rng):
    """Four groups: reproducibility, exact steps from the student's own start, two trainings."""
    cases = []
    # 1. Two short runs with the same seed must agree: every draw comes from `rng`.
    n_x, m, n_h = int(rng.integers(2, 4)), int(rng.integers(10, 30)), int(rng.integers(2, 6))
    X, Y = xor_blobs(rng, n_x, m)
    seed, group = int(rng.integers(1 << 30)), {}
    where = f"with n_h={n_h} and 10 iterations on {m} random examples with {n_x} features"
    for again in (False, True):
        cases.append(
            Case(
                (X.copy(), Y.copy(), n_h),
                {"num_iterations": 10, "rng": Seed(seed)},
                where=where + (", called again with the same seed" if again else ""),
                context={
                    "kind": "repeat",
                    "group": group,
                    "again": again,
                    "family": "the same seed, the same network",
                },
            )
        )
    # 2. The same seed after 1 and after 3 iterations: the two extra steps must be exactly those
    #    of gradient descent from the student's own parameters, with the requested activation
    #    and learning rate.
    n_x, m, n_h = int(rng.integers(2, 4)), int(rng.integers(10, 30)), int(rng.integers(2, 6))
    X, Y = xor_blobs(rng, n_x, m)
    X = X / 2  # keep the first steps away from saturation
    seed, group = int(rng.integers(1 << 30)), {}
    learning_rate = float(rng.uniform(0.3, 0.9))
    activation = str(rng.choice(["relu", "leaky_relu", "sigmoid"]))
    for iterations in (1, 3):
        cases.append(
            Case(
                (X.copy(), Y.copy(), n_h),
                {
                    "num_iterations": iterations,
                    "learning_rate": learning_rate,
                    "activation": activation,
                    "rng": Seed(seed),
                },
                where=f"with activation={activation!r}, learning_rate={learning_rate:.3g}, "
                f"n_h={n_h} and {iterations} iteration{'s' if iterations > 1 else ''} on {m} "
                f"random examples with {n_x} features",
                context={
                    "kind": "steps",
                    "group": group,
                    "activation": activation,
                    "family": "exact gradient steps",
                },
            )
        )
    # 3. and 4. Training on an XOR task, tanh (the default) and relu: the better of two runs
    #    with different seeds must reach NN_MODEL_MIN_ACCURACY.
    for activation, widths, rate in (("tanh", (4, 7), None), ("relu", (10, 15), 0.5)):
        n_x, m = int(rng.integers(2, 4)), int(rng.integers(150, 251))
        n_h = int(rng.integers(*widths))
        X, Y = xor_blobs(rng, n_x, m)
        group = {"accuracies": []}
        for run_index in range(2):
            kwargs = {
                "num_iterations": NN_MODEL_ITERATIONS,
                "rng": Seed(int(rng.integers(1 << 30))),
            }
            kwargs.update(activation_kwargs(activation))
            if rate is not None:  # a ReLU network with rate 1.2 can saturate the output
                kwargs["learning_rate"] = rate
            cases.append(
                Case(
                    (X.copy(), Y.copy(), n_h),
                    kwargs,
                    where=f"with activation={activation!r}, n_h={n_h}, {NN_MODEL_ITERATIONS} "
                    f"iterations, on a random XOR task of {m} examples with {n_x} features",
                    context={
                        "kind": "train",
                        "activation": activation,
                        "group": group,
                        "last": run_index == 1,
                        "family": f"training with {activation}",
                    },
                )
            )
    return cases


def _descend(parameters, X, Y, steps, learning_rate, activation):
    """``steps`` iterations of the reference's gradient descent from ``parameters``."""
    for _ in range(steps):
        _, cache = ref.forward_propagation(X, parameters, activation)
        grads = ref.backward_propagation(parameters, cache, X, Y, activation)
        parameters = ref.update_parameters(parameters, grads, learning_rate)
    return parameters


def _judge_nn_model(case: Case, run: checks.Call) -> None:
    name = run.func_name
    X, Y, n_h = case.args
    parameters = run.output
    expect_parameters(name, parameters, X.shape[0], n_h, 1)
    checks.expect_own_rng(run, where=case.where)
    checks.expect_unchanged(run)
    for key in PARAMETER_KEYS:
        checks.expect_finite(name, key, parameters[key], where=case.where)
    kind, group = case.context["kind"], case.context["group"]
    if kind in ("repeat", "steps") and "first" not in group:
        group["first"] = {key: np.array(parameters[key], dtype=float) for key in PARAMETER_KEYS}
        return
    if kind == "repeat":
        for key in PARAMETER_KEYS:
            checks.expect_reproducible(
                name, key, group["first"][key], parameters[key], where=case.where
            )
    elif kind == "steps":
        rate, activation = case.kwargs["learning_rate"], case.context["activation"]
        expected = _descend(group["first"], X, Y, 2, rate, activation)
        mistakes = {
            "ignoring the activation argument (tanh everywhere)": _descend(
                group["first"], X, Y, 2, rate, "tanh"
            ),
            "ignoring the learning_rate argument (1.2)": _descend(
                group["first"], X, Y, 2, 1.2, activation
            ),
        }
        for key in PARAMETER_KEYS:
            checks.expect_close(
                name,
                f"{key} (two more iterations should be two steps of gradient descent)",
                parameters[key],
                expected[key],
                mistakes={mistake: values[key] for mistake, values in mistakes.items()},
                where=case.where,
                show_values=False,
            )
    else:
        predictions = ref.predict(parameters, X, case.context["activation"])
        group["accuracies"].append(float(np.mean(predictions == Y)))
        if case.context["last"]:
            checks.expect_at_least(
                name,
                "training accuracy (the better of two runs with different seeds)",
                max(group["accuracies"]),
                NN_MODEL_MIN_ACCURACY,
                hint="check that nn_model passes n_h, learning_rate and activation on, and that "
                "each iteration updates the parameters the next one uses",
                where=case.where,
            )


nn_model = HiddenCheck("nn_model", _nn_model_cases, _judge_nn_model)
