"""The checks of ``02_logistic_regression``: right answers pass, each known mistake is caught.

A "student" below is a class whose methods are the five graded functions, written the way the
notes write them (the cost with ``np.log(A)``). A wrong student overrides one method with one
mistake; the visible check must fail with a message naming the mistake, and the hidden check
must fail too.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograder.hidden.logistic_regression as hidden
from autograder.hidden.framework import SEED_VARIABLE
from autograder.reference import logistic_regression as ref
from utils import checks, course
from utils.checks import CheckFailure
from utils.visible_checks import logistic_regression as visible

FUNCTIONS = course.assignment("logistic_regression").functions
SEEDS = (0, 1, 2)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class Student:
    """Correct answers, written as a student following the notes would."""

    def initialize_with_zeros(self, dim):
        w = np.zeros((dim, 1))
        b = 0.0
        return w, b

    def forward(self, w, b, X):
        return np.dot(w.T, X) + b

    def propagate(self, w, b, X, Y):
        m = X.shape[1]
        A = sigmoid(self.forward(w, b, X))
        cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
        dZ = A - Y
        dw = 1 / m * np.dot(X, dZ.T)
        db = 1 / m * np.sum(dZ)
        return {"dw": dw, "db": db}, cost

    def record(self, i):
        return i % 100 == 0

    def optimize(self, w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
        costs = []
        for i in range(num_iterations):
            grads, cost = self.propagate(w, b, X, Y)
            if self.record(i):
                costs.append(cost)
            w, b = self.step(w, b, grads, learning_rate)
        return {"w": w, "b": b}, grads, costs

    def step(self, w, b, grads, learning_rate):
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        return w, b

    def predict(self, w, b, X):
        A = sigmoid(self.forward(w, b, X))
        return (A > 0.5).astype(float)

    def model(
        self, X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5,
        print_cost=False,
    ):  # fmt: skip
        w, b = self.initialize_with_zeros(X_train.shape[0])
        params, grads, costs = self.optimize(
            w, b, X_train, Y_train, num_iterations, learning_rate, print_cost
        )
        w, b = params["w"], params["b"]
        return {
            "costs": costs,
            "Y_prediction_test": self.predict(w, b, X_test),
            "Y_prediction_train": self.predict(w, b, X_train),
            "w": w,
            "b": b,
            "learning_rate": learning_rate,
            "num_iterations": num_iterations,
        }


def run_visible(student, function):
    getattr(visible, f"check_{function}")(getattr(student, function))


def run_hidden(student, function, seed, monkeypatch):
    monkeypatch.setenv(SEED_VARIABLE, str(seed))
    getattr(hidden, function)(getattr(student, function))


# --------------------------------------------------------------------------------------------
# Right answers pass
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_the_visible_checks(function, capsys):
    getattr(visible, f"check_{function}")(getattr(ref, function))
    assert f"All visible checks of {function} passed" in capsys.readouterr().out


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_the_hidden_checks(function, seed, monkeypatch, capsys):
    monkeypatch.setenv(SEED_VARIABLE, str(seed))
    getattr(hidden, function)(getattr(ref, function))
    assert f"Hidden checks of {function} passed" in capsys.readouterr().out


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_student_following_the_notes_passes_everywhere(function, monkeypatch):
    """The naive cost (np.log of A) must never meet a saturated sigmoid in the checks."""
    student = Student()
    with np.errstate(divide="raise", invalid="raise", over="raise"):
        run_visible(student, function)
        for seed in range(20):
            run_hidden(student, function, seed, monkeypatch)


class PythonFloats(Student):
    def propagate(self, w, b, X, Y):
        grads, cost = super().propagate(w, b, X, Y)
        return {"dw": grads["dw"], "db": float(grads["db"])}, float(cost)

    def step(self, w, b, grads, learning_rate):
        w, b = super().step(w, b, grads, learning_rate)
        return w, float(b)


class NumpyScalars(Student):
    def initialize_with_zeros(self, dim):
        return np.zeros((dim, 1)), np.float64(0.0)

    def propagate(self, w, b, X, Y):
        grads, cost = super().propagate(w, b, X, Y)
        return {"dw": grads["dw"], "db": np.float64(grads["db"])}, np.float64(cost)


class ZeroDimArrays(Student):
    def initialize_with_zeros(self, dim):
        return np.zeros((dim, 1)), np.array(0.0)

    def propagate(self, w, b, X, Y):
        grads, cost = super().propagate(w, b, X, Y)
        return {"dw": grads["dw"], "db": np.array(grads["db"])}, np.array(cost)

    def step(self, w, b, grads, learning_rate):
        w, b = super().step(w, b, grads, learning_rate)
        return w, np.array(b)


@pytest.mark.parametrize("student", [PythonFloats(), NumpyScalars(), ZeroDimArrays()])
@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_kind_of_real_scalar_is_accepted(student, function, monkeypatch):
    run_visible(student, function)
    run_hidden(student, function, 0, monkeypatch)


def test_scalar_kinds_really_reach_the_checks():
    """Guard the test above: the wrappers return what their names say."""
    X, Y = visible.X_B, visible.Y_B
    grads, cost = ZeroDimArrays().propagate(visible.W_B, visible.B_B, X, Y)
    assert isinstance(cost, np.ndarray) and cost.ndim == 0
    params, _, _ = ZeroDimArrays().optimize(visible.W_B, visible.B_B, X, Y, 3)
    assert isinstance(params["b"], np.ndarray) and params["b"].ndim == 0
    assert type(PythonFloats().propagate(visible.W_B, visible.B_B, X, Y)[1]) is float
    assert type(NumpyScalars().initialize_with_zeros(2)[1]) is np.float64


def test_hand_worked_constants_agree_with_the_reference():
    """The visible checks' numbers were worked out by hand; the reference agrees."""
    for w, b, X, Y, dw, db, cost in (
        (visible.W_A, visible.B_A, visible.X_A, visible.Y_A, visible.DW_A, visible.DB_A,
         visible.COST_A),
        (visible.W_B, visible.B_B, visible.X_B, visible.Y_B, visible.DW_B, visible.DB_B,
         visible.COST_B),
    ):  # fmt: skip
        grads, got_cost = ref.propagate(w, b, X, Y)
        np.testing.assert_allclose(grads["dw"], dw, rtol=1e-12)
        assert grads["db"] == pytest.approx(db, rel=1e-12)
        assert got_cost == pytest.approx(cost, rel=1e-12)
    _, after = ref.propagate(visible.W_B_STEP, visible.B_B_STEP, visible.X_B, visible.Y_B)
    assert after == pytest.approx(visible.COST_B_AFTER_STEP, rel=1e-12)
    w_one_step = np.array([[0.35], [0.15]])  # worked out in the visible checks
    _, after = ref.propagate(w_one_step, 0.05, visible._X_TRAIN, visible._Y_TRAIN)
    assert after == pytest.approx(visible.MODEL_COST_AFTER_STEP, rel=1e-12)
    d = ref.model(visible._X_TRAIN, visible._Y_TRAIN, visible._X_TEST, visible._Y_TEST, 1)
    np.testing.assert_allclose(d["w"], w_one_step, rtol=1e-12)
    np.testing.assert_array_equal(
        ref.predict(visible._W_PREDICT, visible._B_PREDICT, visible._X_PREDICT),
        visible._PREDICTION,
    )


@pytest.mark.parametrize("seed", range(30))
def test_hidden_model_task_is_solved_with_a_wide_margin(seed, monkeypatch):
    """The reference classifies the hidden test set perfectly, far above the pass mark."""
    monkeypatch.setenv(SEED_VARIABLE, str(seed))
    for case in hidden.model.cases():
        d = ref.model(*case.args, **case.kwargs)
        assert ref.accuracy(d["Y_prediction_test"], case.args[3]) == 1.0
        assert ref.accuracy(d["Y_prediction_train"], case.args[1]) == 1.0
    assert hidden.MIN_TEST_ACCURACY <= 0.9


@pytest.mark.parametrize("seed", range(30))
def test_hidden_predict_cases_hold_probabilities_just_above_one_half(seed, monkeypatch):
    monkeypatch.setenv(SEED_VARIABLE, str(seed))
    for case in hidden.predict.cases():
        w, b, X = case.args
        A = sigmoid(w.T @ X + b)
        assert np.sum((A > 0.5) & (A < 0.6)) >= 3
        assert np.min(np.abs(A - 0.5)) > 1e-3


# --------------------------------------------------------------------------------------------
# Each known mistake is caught: visible (naming it) and hidden
# --------------------------------------------------------------------------------------------
class RankOneW(Student):
    def initialize_with_zeros(self, dim):
        return np.zeros(dim), 0.0


class RankOneDw(Student):
    def propagate(self, w, b, X, Y):
        grads, cost = super().propagate(w, b, X, Y)
        A = sigmoid(self.forward(w, b, X))
        grads["dw"] = np.sum(X * (A - Y), axis=1) / X.shape[1]  # (n_x,): no keepdims
        return grads, cost


class NoOneOverMInDw(Student):
    def propagate(self, w, b, X, Y):
        grads, cost = super().propagate(w, b, X, Y)
        grads["dw"] = grads["dw"] * X.shape[1]
        return grads, cost


class NoOneOverMInDb(Student):
    def propagate(self, w, b, X, Y):
        grads, cost = super().propagate(w, b, X, Y)
        grads["db"] = grads["db"] * X.shape[1]
        return grads, cost


class NoOneOverMInCost(Student):
    def propagate(self, w, b, X, Y):
        grads, cost = super().propagate(w, b, X, Y)
        return grads, cost * X.shape[1]


class ElementwiseDw(Student):
    def propagate(self, w, b, X, Y):
        grads, cost = super().propagate(w, b, X, Y)
        A = sigmoid(self.forward(w, b, X))
        grads["dw"] = 1 / X.shape[1] * X * (A - Y)  # (n_x, m) instead of X @ dZ.T
        return grads, cost


class ElementwiseForward(Student):
    def forward(self, w, b, X):
        return w.T * X + b  # (1, n_x) * (n_x, m): runs only when n_x == m, and is wrong


class ElementwisePredict(Student):
    def predict(self, w, b, X):
        A = sigmoid(w * X + b)  # (n_x, m)
        return (A > 0.5).astype(float)


class CostAfterUpdate(Student):
    def optimize(self, w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
        costs = []
        for i in range(num_iterations):
            grads, _ = self.propagate(w, b, X, Y)
            w, b = self.step(w, b, grads, learning_rate)
            if i % 100 == 0:
                costs.append(self.propagate(w, b, X, Y)[1])
        return {"w": w, "b": b}, grads, costs


class CostFromOne(Student):
    def optimize(self, w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
        costs = []
        for i in range(1, num_iterations + 1):
            grads, cost = self.propagate(w, b, X, Y)
            if i % 100 == 0:
                costs.append(cost)
            w, b = self.step(w, b, grads, learning_rate)
        return {"w": w, "b": b}, grads, costs


class CostEveryIteration(Student):
    def record(self, i):
        return True


class CostEvery10(Student):
    def record(self, i):
        return i % 10 == 0


class ThresholdSixTenths(Student):
    def predict(self, w, b, X):
        A = sigmoid(self.forward(w, b, X))
        return (A >= 0.6).astype(float)


class ThresholdOnZ(Student):
    def predict(self, w, b, X):
        Z = self.forward(w, b, X)
        return (Z > 0.5).astype(float)


class MutatesW(Student):
    def step(self, w, b, grads, learning_rate):
        w -= learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        return w, b


class BiasArrayInit(Student):
    def initialize_with_zeros(self, dim):
        return np.zeros((dim, 1)), np.zeros((1, 1))


class BiasArrayGradient(Student):
    def propagate(self, w, b, X, Y):
        grads, cost = super().propagate(w, b, X, Y)
        A = sigmoid(self.forward(w, b, X))
        grads["db"] = np.sum(A - Y, axis=1, keepdims=True) / X.shape[1]  # (1, 1)
        return grads, cost


class BiasRankOne(Student):
    def step(self, w, b, grads, learning_rate):
        w, b = super().step(w, b, grads, learning_rate)
        return w, np.reshape(b, (1,))


RANK1 = r"rank-1 array"
SCALAR = r"should be a real scalar, got an array of shape"
ITERATIONS = r"iterations 0, 100, 200"
ELEMENTWISE = r"`\*` \(element-wise product\) where a matrix product"

MISTAKES = [
    # rank-1 w
    (RankOneW, "initialize_with_zeros", RANK1 + r".*np\.zeros\(dim\) instead of"),
    (RankOneW, "model", r"`d\[\"w\"\]` should have shape \(2, 1\), got \(2, 2\).*a rank-1 w"),
    (RankOneDw, "propagate", RANK1 + r".*keepdims=True"),
    (RankOneDw, "optimize", r"`params\[\"w\"\]`.*got \(2, 2\).*a rank-1 w or dw"),
    # missing 1/m
    (NoOneOverMInDw, "propagate", r"`dw for the 3x3 example` has wrong values.*a missing 1/m"),
    (NoOneOverMInDb, "propagate", r"`db for the 3x3 example` has wrong values.*a missing 1/m"),
    (NoOneOverMInCost, "propagate", r"`cost for the 3x3 example`.*a missing 1/m"),
    (NoOneOverMInDw, "optimize", r"params\[\"w\"\]"),
    # element-wise product where a matrix product was meant
    (ElementwiseDw, "propagate", ELEMENTWISE + r".*X \* dZ instead of np\.dot\(X, dZ\.T\)"),
    (ElementwiseForward, "propagate", ELEMENTWISE),
    (ElementwisePredict, "predict", ELEMENTWISE + r".*w \* X instead of np\.dot\(w\.T, X\)"),
    # costs recorded at the wrong iterations
    (CostAfterUpdate, "optimize", r"iteration 0 \(before any update\).*cost after the update"),
    (
        CostFromOne,
        "optimize",
        r"`costs` should have 1 entry.*got 0\. " + "The cost is recorded at " + ITERATIONS,
    ),
    (CostEveryIteration, "optimize", r"`costs` should have 3 entries.*got 250.*" + ITERATIONS),
    (CostEvery10, "optimize", r"got 25\. .*" + ITERATIONS),
    (CostEvery10, "model", r"`d\[\"costs\"\]` should have 20 entries.*" + ITERATIONS),
    (CostAfterUpdate, "model", r"the cost of w = 0, b = 0.*the cost after the update"),
    # a wrong threshold
    (ThresholdSixTenths, "predict", r"threshold 0\.5 on A.*a threshold of 0\.6 instead of 0\.5"),
    (ThresholdOnZ, "predict", r"a threshold on Z \(Z > 0\.5\) instead of on A"),
    # mutated inputs
    (MutatesW, "optimize", r"optimize changed its input `w` in place.*not `w -= \.\.\.`"),
    # b returned as an array of the wrong shape
    (BiasArrayInit, "initialize_with_zeros", r"`b` " + SCALAR + r" \(1, 1\)"),
    (BiasArrayGradient, "propagate", r"`db` " + SCALAR + r" \(1, 1\)"),
    (BiasArrayGradient, "optimize", r"`params\[\"b\"\]` " + SCALAR + r" \(1, 1\)"),
    (BiasArrayGradient, "model", r"`d\[\"b\"\]` " + SCALAR + r" \(1, 1\)"),
    (BiasRankOne, "optimize", r"`params\[\"b\"\]` " + SCALAR + r" \(1,\)"),
    (BiasRankOne, "model", r"`d\[\"b\"\]` " + SCALAR + r" \(1,\)"),
]


@pytest.mark.parametrize(
    ("student_class", "function", "message"),
    MISTAKES,
    ids=[f"{cls.__name__}-{function}" for cls, function, _ in MISTAKES],
)
def test_a_known_mistake_fails_the_visible_and_the_hidden_check(
    student_class, function, message, monkeypatch
):
    student = student_class()
    with np.errstate(all="ignore"):  # some wrong answers overflow on the way
        with pytest.raises(CheckFailure, match="(?s)" + message) as failure:
            run_visible(student, function)
        assert "All visible checks" not in str(failure.value)
        for seed in SEEDS:
            with pytest.raises(CheckFailure) as failure:
                run_hidden(student, function, seed, monkeypatch)
            assert "expected:" not in str(failure.value)  # hidden checks never show answers


def test_the_mistake_list_covers_every_graded_function():
    assert {function for _, function, _ in MISTAKES} == set(FUNCTIONS)


# --------------------------------------------------------------------------------------------
# Two helpers of the check vocabulary (utils/checks/) this assignment uses
# --------------------------------------------------------------------------------------------
def test_expect_length_accepts_lists_tuples_and_rank1_arrays():
    for value in ([0.7, 0.5], (0.7, 0.5), np.array([0.7, 0.5])):
        checks.expect_length("optimize", "costs", value, 2)
    with pytest.raises(CheckFailure, match=r"should have 1 entry for n=1, got 2\. Recorded at"):
        checks.expect_length("optimize", "costs", [1, 2], 1, hint="recorded at 0", where="for n=1")
    with pytest.raises(CheckFailure, match=r"should be a list of 2 numbers, got an array of shape"):
        checks.expect_length("optimize", "costs", np.zeros((2, 1)), 2)


def test_expect_shape_with_mistakes_names_the_mistake_or_falls_back():
    mistakes = {"`*` instead of a matrix product": (3, 5)}
    checks.expect_shape_with_mistakes("f", "dw", np.zeros((3, 1)), (3, 1), mistakes=mistakes)
    with pytest.raises(CheckFailure, match=r"got \(3, 5\)\. This is the shape that `\*` instead"):
        checks.expect_shape_with_mistakes("f", "dw", np.zeros((3, 5)), (3, 1), mistakes=mistakes)
    with pytest.raises(CheckFailure, match=r"rank-1 array \(often no keepdims\)"):
        checks.expect_shape_with_mistakes(
            "f", "dw", np.zeros(3), (3, 1), mistakes=mistakes, rank1_hint="no keepdims"
        )


@pytest.mark.parametrize("seed", range(20))
def test_hidden_inputs_keep_the_sigmoid_away_from_saturation(seed, monkeypatch):
    """|Z| stays small enough along every hidden run that np.log(1 - A) keeps its precision."""
    monkeypatch.setenv(SEED_VARIABLE, str(seed))
    for case in hidden.propagate.cases():
        w, b, X, _ = case.args
        assert np.max(np.abs(w.T @ X + b)) <= hidden.MAX_ABS_Z + 1e-9
    for case in hidden.optimize.cases():
        w, b, X, Y = case.args
        params, _, _ = ref.optimize(w, b, X, Y, **case.kwargs)
        assert np.max(np.abs(params["w"].T @ X + params["b"])) < 20
    for case in hidden.model.cases():
        d = ref.model(*case.args, **case.kwargs)
        assert np.max(np.abs(d["w"].T @ case.args[0] + d["b"])) < 20
