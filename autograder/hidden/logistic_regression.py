"""Hidden checks of ``02_logistic_regression``: fresh random inputs of random shapes.

The inputs keep ``|Z|`` well below the point where the sigmoid rounds to exactly 0 or 1, so a
cost written with ``np.log(A)`` as in the notes is judged fairly against the reference.
"""

from __future__ import annotations

import numpy as np

from autograder.hidden.framework import Case, HiddenCheck
from autograder.reference import logistic_regression as ref
from utils import checks
from utils.visible_checks.logistic_regression import (
    ELEMENTWISE,
    expect_model_output,
    expect_optimize_output,
    expect_propagate_output,
)

#: Relative tolerance for values that come out of many steps of gradient descent.
TRAINING_RTOL = 1e-5
#: Test accuracy a correct ``model`` reaches on the separable task of :func:`_model_cases`
#: (the reference gets 100 % there, see tests/test_checks_logistic_regression.py).
MIN_TEST_ACCURACY = 0.9
RANK1_UPDATE = "a rank-1 w or dw (broadcast to (n_x, n_x) in w - learning_rate * dw)"


def _labels(rng: np.random.Generator, m: int) -> np.ndarray:
    """Random 0/1 labels of shape (1, m) with both classes present."""
    Y = (rng.random((1, m)) < 0.5).astype(float)
    Y[0, :2] = (0.0, 1.0)
    return Y[:, rng.permutation(m)]


#: The largest |Z| of a hidden input. With ``np.log(1 - A)`` written as in the notes, 1 - A
#: loses about 1e-16 * e^|Z| of relative precision: below |Z| = 12 that is far under RTOL.
MAX_ABS_Z = 12.0


def _classification_data(rng: np.random.Generator, n_x: int, m: int, scale: float = 0.5):
    """Random ``w``, ``b``, ``X``, ``Y`` with ``|w^T X + b|`` of order ``scale``, at most
    :data:`MAX_ABS_Z`."""
    X = rng.normal(size=(n_x, m))
    w = rng.normal(0.0, scale / np.sqrt(n_x), size=(n_x, 1))
    b = float(rng.normal(0.0, scale))
    largest = float(np.max(np.abs(w.T @ X + b)))
    if largest > MAX_ABS_Z:
        w, b = w * (MAX_ABS_Z / largest), b * (MAX_ABS_Z / largest)
    return w, b, X, _labels(rng, m)


# --------------------------------------------------------------------------------------------
# initialize_with_zeros
# --------------------------------------------------------------------------------------------
def _init_cases(rng: np.random.Generator) -> list[Case]:
    dims = (1, int(rng.integers(2, 20)), int(rng.integers(50, 300)))
    return [Case((dim,), where=f"for dim={dim}") for dim in dims]


def _judge_init(case: Case, run: checks.Call) -> None:
    (dim,) = case.args
    name = run.func_name
    w, b = checks.expect_tuple(name, run.output, ("w", "b"))
    checks.expect_shape(
        name, "w", w, (dim, 1), rank1_hint="np.zeros(dim) instead of np.zeros((dim, 1))"
    )
    b = checks.expect_scalar(name, "b", b)
    checks.expect_close(name, "w", w, np.zeros((dim, 1)), where=case.where, show_values=False)
    checks.expect_close(name, "b", b, 0.0, where=case.where, show_values=False)


initialize_with_zeros = HiddenCheck("initialize_with_zeros", _init_cases, _judge_init)


# --------------------------------------------------------------------------------------------
# propagate
# --------------------------------------------------------------------------------------------
def _propagate_cases(rng: np.random.Generator) -> list[Case]:
    """Three random problems (n_x < m always); the last with |Z| up to MAX_ABS_Z."""
    cases = []
    for scale in (0.5, 1.0, 4.0):
        n_x, m = int(rng.integers(2, 9)), int(rng.integers(10, 40))
        w, b, X, Y = _classification_data(rng, n_x, m, scale)
        where = f"on a random problem with n_x={n_x}, m={m}"
        cases.append(Case((w, b, X, Y), where=where))
    return cases


def _judge_propagate(case: Case, run: checks.Call) -> None:
    w, b, X, Y = case.args
    n_x, m = X.shape
    name = run.func_name
    expected, expected_cost = ref.propagate(w, b, X, Y)
    dw, db, cost = expect_propagate_output(
        name, run, n_x, m, elementwise=ELEMENTWISE, rank1_hint="a sum without keepdims=True"
    )
    for var, got, want in (
        ("dw", dw, expected["dw"]),
        ("db", db, expected["db"]),
        ("cost", cost, expected_cost),
    ):
        checks.expect_close(
            name,
            var,
            got,
            want,
            mistakes={"a missing 1/m": np.multiply(want, m), "a sign error": np.negative(want)},
            where=case.where,
            show_values=False,
        )


propagate = HiddenCheck("propagate", _propagate_cases, _judge_propagate)


# --------------------------------------------------------------------------------------------
# optimize
# --------------------------------------------------------------------------------------------
def _optimize_cases(rng: np.random.Generator) -> list[Case]:
    """A random start with a random number of iterations, and a start from zeros with a
    multiple of 100 iterations (the last recorded cost is then at num_iterations - 100)."""
    cases = []
    for from_zeros in (False, True):
        n_x, m = int(rng.integers(2, 9)), int(rng.integers(10, 40))
        w, b, X, Y = _classification_data(rng, n_x, m)
        if from_zeros:
            w, b = np.zeros((n_x, 1)), 0.0
            num_iterations = 100 * int(rng.integers(2, 4))
        else:
            num_iterations = int(rng.integers(101, 400))
        learning_rate = float(np.round(rng.uniform(0.01, 0.3), 4))
        where = (
            f"on a random problem with n_x={n_x}, m={m}, num_iterations={num_iterations}, "
            f"learning_rate={learning_rate}"
        )
        cases.append(
            Case(
                (w, b, X, Y),
                {"num_iterations": num_iterations, "learning_rate": learning_rate},
                where=where,
            )
        )
    return cases


def _judge_optimize(case: Case, run: checks.Call) -> None:
    w, b, X, Y = case.args
    n_x = X.shape[0]
    name = run.func_name
    num_iterations = case.kwargs["num_iterations"]
    ref_params, ref_grads, ref_costs = ref.optimize(w, b, X, Y, **case.kwargs)
    got = expect_optimize_output(
        name, run, n_x, num_iterations, where=case.where, rank1_update=RANK1_UPDATE
    )
    for var, value, want in (
        ("costs", got["costs"], ref_costs),
        ('params["w"]', got["w"], ref_params["w"]),
        ('params["b"]', got["b"], ref_params["b"]),
        ('grads["dw"]', got["dw"], ref_grads["dw"]),
        ('grads["db"]', got["db"], ref_grads["db"]),
    ):
        checks.expect_close(
            name, var, value, want, rtol=TRAINING_RTOL, where=case.where, show_values=False
        )


optimize = HiddenCheck("optimize", _optimize_cases, _judge_optimize)


# --------------------------------------------------------------------------------------------
# predict
# --------------------------------------------------------------------------------------------
def _predict_cases(rng: np.random.Generator) -> list[Case]:
    """Random problems where several A fall just above and just below 0.5.

    ``X[0]`` is solved for so that ``Z = w^T X + b`` takes chosen values: a third of them in
    (0.02, 0.4) (A between 0.505 and 0.6, where a threshold of 0.6, or 0.5 on Z, goes wrong),
    a third in (-0.4, -0.02), the rest with 0.02 < |Z| < 6 (never on the boundary).
    """
    cases = []
    for _ in range(2):
        n_x, m = int(rng.integers(2, 9)), int(rng.integers(12, 40))
        X = rng.normal(size=(n_x, m))
        w = rng.normal(size=(n_x, 1))
        w[0, 0] = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 2.0)
        b = float(rng.normal())
        k = m // 3
        Z = np.concatenate(
            [
                rng.uniform(0.02, 0.4, k),
                -rng.uniform(0.02, 0.4, k),
                rng.choice([-1.0, 1.0], m - 2 * k) * rng.uniform(0.02, 6.0, m - 2 * k),
            ]
        )[rng.permutation(m)]
        X[0] = (Z - b - w[1:, 0] @ X[1:]) / w[0, 0]
        cases.append(Case((w, b, X), where=f"on a random problem with n_x={n_x}, m={m}"))
    return cases


def _judge_predict(case: Case, run: checks.Call) -> None:
    w, b, X = case.args
    n_x, m = X.shape
    name = run.func_name
    checks.expect_shape_with_mistakes(
        name, "Y_prediction", run.output, (1, m), mistakes={ELEMENTWISE: (n_x, m)}
    )
    checks.expect_binary(name, "Y_prediction", run.output)
    checks.expect_unchanged(run)
    checks.expect_close(
        name,
        "Y_prediction (threshold 0.5 on A)",
        run.output,
        ref.predict(w, b, X),
        where=case.where,
        show_values=False,
    )


predict = HiddenCheck("predict", _predict_cases, _judge_predict)


# --------------------------------------------------------------------------------------------
# model
# --------------------------------------------------------------------------------------------
def _separable_task(rng: np.random.Generator, n_x: int, m: int, direction: np.ndarray):
    """Gaussian points labelled by the side of a plane, pushed 1.5 away from it."""
    X = rng.normal(size=(n_x, m))
    Y = (direction.T @ X > 0).astype(float)
    X = X + 1.5 * direction * (2 * Y - 1)
    return X, Y


def _model_cases(rng: np.random.Generator) -> list[Case]:
    """A random separable task: the reference classifies its test set perfectly."""
    n_x = int(rng.integers(2, 7))
    m_train, m_test = int(rng.integers(40, 80)), int(rng.integers(20, 40))
    direction = rng.normal(size=(n_x, 1))
    direction /= np.linalg.norm(direction)
    X_train, Y_train = _separable_task(rng, n_x, m_train, direction)
    X_test, Y_test = _separable_task(rng, n_x, m_test, direction)
    num_iterations = int(rng.integers(150, 450))
    learning_rate = float(np.round(rng.uniform(0.05, 0.5), 3))
    where = (
        f"on a random task with n_x={n_x}, m_train={m_train}, m_test={m_test}, "
        f"num_iterations={num_iterations}, learning_rate={learning_rate}"
    )
    return [
        Case(
            (X_train, Y_train, X_test, Y_test),
            {"num_iterations": num_iterations, "learning_rate": learning_rate},
            where=where,
        )
    ]


def _judge_model(case: Case, run: checks.Call) -> None:
    X_train, Y_train, X_test, Y_test = case.args
    n_x = X_train.shape[0]
    name = run.func_name
    expected = ref.model(*case.args, **case.kwargs)
    d = run.output
    got = expect_model_output(
        name,
        run,
        n_x,
        X_train.shape[1],
        X_test.shape[1],
        case.kwargs["num_iterations"],
        where=case.where,
        rank1_update=RANK1_UPDATE,
    )
    for key in ("num_iterations", "learning_rate"):
        checks.expect_close(
            name, f'd["{key}"]', got[key], case.kwargs[key], where=case.where, show_values=False
        )
    for key in ("costs", "w", "b"):
        checks.expect_close(
            name,
            f'd["{key}"]',
            got[key],
            expected[key],
            rtol=TRAINING_RTOL,
            where=case.where,
            show_values=False,
        )
    if not got["costs"][-1] < got["costs"][0]:
        raise checks.CheckFailure(f"{name}: the cost did not go down during training {case.where}.")
    for key, X in (("Y_prediction_train", X_train), ("Y_prediction_test", X_test)):
        # Judge only examples the reference does not put on the boundary (|Z| > 1e-6).
        clear = np.abs(expected["w"].T @ X + expected["b"]) > 1e-6
        checks.expect_close(
            name,
            f'd["{key}"] (threshold 0.5 on A)',
            np.asarray(d[key])[clear],
            expected[key][clear],
            where=case.where,
            show_values=False,
        )
    test_accuracy = float(np.mean(np.asarray(d["Y_prediction_test"]) == Y_test))
    if test_accuracy < MIN_TEST_ACCURACY:
        raise checks.CheckFailure(
            f"{name}: test accuracy {100 * test_accuracy:.0f} % {case.where}; a correct model "
            f"reaches at least {100 * MIN_TEST_ACCURACY:.0f} % on this task."
        )


model = HiddenCheck("model", _model_cases, _judge_model)
