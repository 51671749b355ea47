"""Hidden checks of ``05_deep_network_application``: the training loops on fresh random tasks.

None of them depends on how a student draws the initial weights (scale, order of random
calls). Each check calls the student's function three times on one random task:

1. ``num_iterations=1, learning_rate=0`` returns the student's own initial parameters ``P0``;
   the one recorded cost must be the cost of ``P0``.
2. The same call with a generator of the same seed must return the same ``P0``.
3. A real run (same seed) must return the right structure and shapes, ``ceil(num_iterations /
   100)`` finite costs that go down, and, replayed by the reference from the student's ``P0``,
   the same costs at iterations 0, 100, 200, ... and the same final parameters.

Then a fourth call trains on a small task that needs a hidden layer (label 1 inside a ball),
which a correct implementation solves with a wide margin: its accuracy on held-out points must
pass a threshold. The calls of one check share its ``P0`` through ``Case.context["shared"]``,
so the cases must be judged in order.
"""

from __future__ import annotations

import numpy as np

from autograder.hidden.framework import Case, HiddenCheck, Seed, shape_text
from autograder.reference import deep_network as dn
from utils import checks
from utils.visible_checks.deep_network_application import UPDATE_HINT, check_result

#: Tolerance of a replayed training run (the same arithmetic, a few hundred steps).
REPLAY_RTOL = 1e-5
REPLAY_ATOL = 1e-8

#: Accuracy on held-out points that every correct implementation passes with a wide margin.
MIN_ACCURACY = 0.8


def _settings(dims, num_iterations, learning_rate):
    return (
        f"layers_dims={list(dims)}, num_iterations={num_iterations}, learning_rate={learning_rate}"
    )


def _ball(rng, n_x, m):
    """``m`` standard-normal points; label 1 inside the ball holding about half of them."""
    X = rng.standard_normal((n_x, m))
    radius2 = n_x * (1 - 2 / (9 * n_x)) ** 3  # the median of a chi-square with n_x degrees
    Y = (np.sum(X**2, axis=0, keepdims=True) < radius2).astype(float)
    return X, Y


def _replay(parameters, X, Y, learning_rate, num_iterations):
    """Replay gradient descent from ``parameters`` with the reference's steps.

    Returns
    -------
    costs : list of float
        The cost before each of ``num_iterations + 1`` updates (the last one is the cost of
        the final parameters).
    parameters : dict of str to ndarray
        The parameters after ``num_iterations`` updates.
    """
    costs = []
    for i in range(num_iterations + 1):
        AL, caches = dn.L_model_forward(X, parameters)
        costs.append(dn.compute_cost(AL, Y))
        if i < num_iterations:
            grads = dn.L_model_backward(AL, Y, caches)
            parameters = dn.update_parameters(parameters, grads, learning_rate)
    return costs, parameters


def _make_cases(deep):
    """The cases of one training function; ``deep`` draws 3 or 4 layers, else 2."""

    def make_cases(rng: np.random.Generator) -> list[Case]:
        seed = int(rng.integers(2**31))
        n_x, m = int(rng.integers(2, 6)), int(rng.integers(30, 80))
        L = int(rng.integers(3, 5)) if deep else 2
        dims = [n_x, *(int(n) for n in rng.integers(3, 8, size=L - 1)), 1]
        X = rng.normal(size=(n_x, m))
        Y = (rng.random((1, m)) < 0.5).astype(float)
        X[0] += 1.5 * (Y[0] - 0.5)  # some signal, so that the cost has somewhere to go
        num_iterations = int(rng.integers(150, 380))
        learning_rate = 0.1
        shared: dict = {}
        task = f"on a random {shape_text(n_x, m)} input"

        def case(n_iter, lr, role):
            return Case(
                (X, Y, list(dims)),
                {"learning_rate": lr, "num_iterations": n_iter, "rng": Seed(seed)},
                where=f"{task} ({_settings(dims, n_iter, lr)})",
                context={"role": role, "shared": shared, "dims": dims},
            )

        n_acc = int(rng.integers(2, 4))
        X_train, Y_train = _ball(rng, n_x=n_acc, m=200)
        X_test, Y_test = _ball(rng, n_x=n_acc, m=400)
        acc_dims = [n_acc, 8, 6, 1] if deep else [n_acc, 12, 1]
        acc_lr, acc_iterations = (0.3, 1500) if deep else (0.5, 1500)
        accuracy_case = Case(
            (X_train, Y_train, acc_dims),
            {
                "learning_rate": acc_lr,
                "num_iterations": acc_iterations,
                "rng": Seed(int(rng.integers(2**31))),
            },
            where=(
                f"on a random task with {n_acc} features, label 1 inside a ball "
                f"({_settings(acc_dims, acc_iterations, acc_lr)})"
            ),
            context={"role": "accuracy", "dims": acc_dims, "test": (X_test, Y_test)},
        )
        return [
            case(1, 0.0, "initial"),
            case(1, 0.0, "repeat"),
            case(num_iterations, learning_rate, "train"),
            accuracy_case,
        ]

    return make_cases


def judge(case: Case, run: checks.Call) -> None:
    """Judge one call of a training function (see the module docstring)."""
    name, where = run.func_name, case.where
    role, dims, shared = case.context["role"], case.context["dims"], case.context.get("shared")
    X, Y = case.args[0], case.args[1]
    num_iterations = case.kwargs["num_iterations"]
    learning_rate = case.kwargs["learning_rate"]
    parameters, costs = check_result(name, run.output, dims, num_iterations, where)
    checks.expect_own_rng(run, where=where)
    checks.expect_unchanged(run)

    if role == "initial":
        AL, _caches = dn.L_model_forward(X, parameters)
        checks.expect_close(
            name,
            "costs[0]",
            costs[0],
            dn.compute_cost(AL, Y),
            where=f"{where}: with learning_rate=0 the parameters returned are the initial "
            f"ones, and the one cost recorded is theirs, through relu hidden layers and a "
            f"sigmoid output",
            show_values=False,
        )
        shared["P0"] = {k: np.array(v, dtype=float) for k, v in parameters.items()}
        return

    if role == "repeat":
        for key, value in parameters.items():
            checks.expect_reproducible(name, key, shared["P0"][key], value, where=where)
        return

    checks.expect_decrease(name, "costs", costs, hint=UPDATE_HINT, where=where)

    if role == "train":
        every, expected_parameters = _replay(shared["P0"], X, Y, learning_rate, num_iterations)
        checks.expect_close(
            name,
            "costs",
            np.array(costs),
            np.array(every[0:num_iterations:100]),
            rtol=REPLAY_RTOL,
            atol=REPLAY_ATOL,
            mistakes={
                "recording the cost after the update instead of before it": np.array(
                    every[1 : num_iterations + 1 : 100]
                ),
            },
            where=f"{where}, replaying your own initial parameters",
            show_values=False,
        )
        for key, expected in expected_parameters.items():
            checks.expect_close(
                name,
                key,
                parameters[key],
                expected,
                rtol=REPLAY_RTOL,
                atol=REPLAY_ATOL,
                where=f"{where}, replaying your own initial parameters: the hidden layers use "
                f"relu, the output layer sigmoid, one update_parameters step per iteration",
                show_values=False,
            )
        return

    # role == "accuracy"
    X_test, Y_test = case.context["test"]
    AL, _caches = dn.L_model_forward(X_test, parameters)
    accuracy = float(np.mean((AL > 0.5) == (Y_test == 1)))
    checks.expect_at_least(
        name,
        "accuracy on held-out points",
        accuracy,
        MIN_ACCURACY,
        hint="a correct implementation passes with a wide margin. Initialise with "
        'initialize_parameters_deep(layers_dims, scale="he", rng=rng): zero weights never '
        "break the symmetry, and randn * 0.01 starves a deep network",
        where=where,
    )


two_layer_model = HiddenCheck("two_layer_model", _make_cases(deep=False), judge)
L_layer_model = HiddenCheck("L_layer_model", _make_cases(deep=True), judge)
