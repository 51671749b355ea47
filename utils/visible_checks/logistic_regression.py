"""Visible checks of ``02_logistic_regression``.

Every expected value below is worked out by hand. The inputs are chosen so that
``Z = w^T X + b`` takes the values ``ln 9``, ``ln 3``, ``0``, ``-ln 3``, ``-ln 9``, where the
sigmoid is exactly ``0.9``, ``0.75``, ``0.5``, ``0.25``, ``0.1`` (``sigma(ln k) = k / (k + 1)``),
so every gradient and cost is a short sum of simple fractions and logarithms.
"""

from __future__ import annotations

import numpy as np

from utils import checks

LN3 = np.log(3.0)
COST_HINT = (
    "the cost is recorded at iterations 0, 100, 200, ... (when i % 100 == 0), before that "
    "iteration's update"
)
ELEMENTWISE = "`*` (element-wise product) where a matrix product (np.dot or @) was meant"
ZERO_INIT_HINT = "np.zeros(dim) instead of np.zeros((dim, 1))"
RANK1_UPDATE = (
    "a rank-1 w or dw (in w - learning_rate * dw, an (n_x, 1) array and an (n_x,) array "
    "broadcast to (n_x, n_x))"
)
#: The keys of the dict ``model`` returns (the course specification).
MODEL_KEYS = (
    "costs",
    "Y_prediction_test",
    "Y_prediction_train",
    "w",
    "b",
    "learning_rate",
    "num_iterations",
)


# --------------------------------------------------------------------------------------------
# What propagate, optimize and model return: structure and shapes, judged here and at grading
# (the hidden checks call these with their own inputs).
# --------------------------------------------------------------------------------------------
def n_costs(num_iterations):
    """How many costs a run records: one at each of iterations 0, 100, 200, ..."""
    return (num_iterations + 99) // 100


def expect_propagate_output(name, run, n_x, m, *, elementwise, rank1_hint):
    """Check the ``(grads, cost)`` that ``propagate`` returned, every shape, and that no input
    changed.

    Parameters
    ----------
    name : str
        The graded function.
    run : checks.Call
        The call of ``propagate`` on ``X`` of shape ``(n_x, m)``.
    n_x, m : int
    elementwise : str
        The mistake that gives ``dw`` the shape ``(n_x, m)``.
    rank1_hint : str
        The likely cause of a rank-1 ``dw``.

    Returns
    -------
    dw : ndarray of shape (n_x, 1)
    db, cost : float
    """
    grads, cost = checks.expect_tuple(name, run.output, ("grads", "cost"))
    checks.expect_keys(name, "grads", grads, ("dw", "db"))
    checks.expect_shape_with_mistakes(
        name,
        "dw",
        grads["dw"],
        (n_x, 1),
        mistakes={elementwise: (n_x, m)},
        rank1_hint=rank1_hint,
    )
    db = checks.expect_scalar(name, "db", grads["db"])
    cost = checks.expect_scalar(name, "cost", cost)
    checks.expect_unchanged(run)
    return grads["dw"], db, cost


def expect_optimize_output(name, run, n_x, num_iterations, *, where, rank1_update=RANK1_UPDATE):
    """Check the ``(params, grads, costs)`` that ``optimize`` returned, every shape, and that
    no input changed.

    Parameters
    ----------
    name : str
        The graded function.
    run : checks.Call
        The call of ``optimize`` with ``n_x`` features and ``num_iterations``.
    n_x, num_iterations : int
    where : str
        Where the inputs come from, for messages.
    rank1_update : str
        The mistake that gives ``params["w"]`` the shape ``(n_x, n_x)``.

    Returns
    -------
    dict
        ``"w"`` and ``"dw"`` (arrays), ``"b"`` and ``"db"`` (floats), ``"costs"`` (floats).
    """
    params, grads, costs = checks.expect_tuple(name, run.output, ("params", "grads", "costs"))
    checks.expect_keys(name, "params", params, ("w", "b"))
    checks.expect_keys(name, "grads", grads, ("dw", "db"))
    checks.expect_length(name, "costs", costs, n_costs(num_iterations), hint=COST_HINT, where=where)
    checks.expect_shape_with_mistakes(
        name, 'params["w"]', params["w"], (n_x, 1), mistakes={rank1_update: (n_x, n_x)}
    )
    checks.expect_shape(name, 'grads["dw"]', grads["dw"], (n_x, 1))
    values = {
        "w": params["w"],
        "b": checks.expect_scalar(name, 'params["b"]', params["b"]),
        "dw": grads["dw"],
        "db": checks.expect_scalar(name, 'grads["db"]', grads["db"]),
        "costs": [checks.expect_scalar(name, f"costs[{i}]", c) for i, c in enumerate(costs)],
    }
    checks.expect_unchanged(run)
    return values


def expect_model_output(
    name,
    run,
    n_x,
    m_train,
    m_test,
    num_iterations,
    *,
    where,
    rank1_update=RANK1_UPDATE,
    rank1_hint="",
):
    """Check the dict that ``model`` returned, every shape, and that no input changed.

    Parameters
    ----------
    name : str
        The graded function.
    run : checks.Call
        The call of ``model`` with ``n_x`` features, ``m_train`` training and ``m_test`` test
        examples, and ``num_iterations``.
    n_x, m_train, m_test, num_iterations : int
    where : str
        Where the inputs come from, for messages.
    rank1_update : str
        The mistake that gives ``d["w"]`` the shape ``(n_x, n_x)``.
    rank1_hint : str
        The likely cause of a rank-1 ``d["w"]``.

    Returns
    -------
    dict
        ``"b"``, ``"learning_rate"``, ``"num_iterations"`` (floats), ``"costs"`` (floats) and
        ``"w"``.
    """
    d = run.output
    checks.expect_keys(name, "d", d, MODEL_KEYS)
    checks.expect_length(
        name, 'd["costs"]', d["costs"], n_costs(num_iterations), hint=COST_HINT, where=where
    )
    checks.expect_shape_with_mistakes(
        name,
        'd["w"]',
        d["w"],
        (n_x, 1),
        mistakes={rank1_update: (n_x, n_x)},
        rank1_hint=rank1_hint,
    )
    for key, m in (("Y_prediction_train", m_train), ("Y_prediction_test", m_test)):
        checks.expect_shape(name, f'd["{key}"]', d[key], (1, m))
    values = {
        "b": checks.expect_scalar(name, 'd["b"]', d["b"]),
        "learning_rate": checks.expect_scalar(name, 'd["learning_rate"]', d["learning_rate"]),
        "num_iterations": checks.expect_scalar(name, 'd["num_iterations"]', d["num_iterations"]),
        "costs": [checks.expect_scalar(name, f"costs[{i}]", c) for i, c in enumerate(d["costs"])],
        "w": d["w"],
    }
    for key in ("Y_prediction_train", "Y_prediction_test"):
        checks.expect_binary(name, f'd["{key}"]', d[key])
    checks.expect_unchanged(run)
    return values


# --------------------------------------------------------------------------------------------
# Case A: n_x = m = 3 (square, where a wrong product can still run). w = ln3 * (1, -1, 2),
# b = ln3, so Z = ln3 * (u.x + 1) = (2, 0, -1) * ln3 and A = (0.9, 0.5, 0.25).
# --------------------------------------------------------------------------------------------
W_A = LN3 * np.array([[1.0], [-1.0], [2.0]])
B_A = LN3
X_A = np.array([[1.0, 2.0, 0.0], [2.0, 1.0, 2.0], [1.0, -1.0, 0.0]])
Y_A = np.array([[1.0, 0.0, 1.0]])
# dZ = A - Y = (-0.1, 0.5, -0.75)
# dw = (1/3) X dZ^T: (-0.1 + 1.0) / 3, (-0.2 + 0.5 - 1.5) / 3, (-0.1 - 0.5) / 3
DW_A = np.array([[0.3], [-0.4], [-0.2]])
DB_A = -0.35 / 3  # (1/3)(-0.1 + 0.5 - 0.75)
COST_A = np.log(80 / 9) / 3  # (1/3)(ln(1/0.9) + ln(1/0.5) + ln(1/0.25))
MISTAKES_A = {
    "dw": {
        "a missing 1/m": 3 * DW_A,
        "dZ = Y - A instead of A - Y": -DW_A,
        "X.T instead of X (dw = X^T dZ^T / m)": np.array([[0.05], [0.35], [1 / 3]]),
        # Without b: A = (0.75, 0.25, 0.1), dZ = (-0.25, 0.25, -0.9).
        "forgetting to add b to Z": np.array([[0.25 / 3], [-2.05 / 3], [-0.5 / 3]]),
    },
    "db": {
        "a missing 1/m": 3 * DB_A,
        "dZ = Y - A instead of A - Y": -DB_A,
        "the mean of A instead of the mean of A - Y": 0.55,
        "forgetting to add b to Z": -0.3,
    },
    "cost": {
        "a missing 1/m (a sum instead of a mean)": 3 * COST_A,
        "a missing minus sign": -COST_A,
        "leaving out the (1 - Y) * log(1 - A) term": np.log(40 / 9) / 3,
        "log(A) and log(1 - A) swapped": np.log(80 / 3) / 3,
        "forgetting to add b to Z": np.log(160 / 9) / 3,
    },
}

# --------------------------------------------------------------------------------------------
# Case B: n_x = 2, m = 4 (a transposed result has another shape). w = ln3 * (1, 2), b = -ln3,
# so Z = (2, -1, 0, -2) * ln3 and A = (0.9, 0.25, 0.5, 0.1).
# --------------------------------------------------------------------------------------------
W_B = LN3 * np.array([[1.0], [2.0]])
B_B = -LN3
X_B = np.array([[1.0, 2.0, -1.0, 1.0], [1.0, -1.0, 1.0, -1.0]])
Y_B = np.array([[1.0, 0.0, 0.0, 1.0]])
# dZ = (-0.1, 0.25, 0.5, -0.9); dw = (1/4)(-0.1 + 0.5 - 0.5 - 0.9, -0.1 - 0.25 + 0.5 + 0.9)
DW_B = np.array([[-0.25], [0.2625]])
DB_B = -0.0625  # (1/4)(-0.1 + 0.25 + 0.5 - 0.9)
COST_B = np.log(800 / 27) / 4  # (1/4)(ln(10/9) + ln(4/3) + ln 2 + ln 10)
MISTAKES_B = {
    "dw": {"a missing 1/m": 4 * DW_B, "dZ = Y - A instead of A - Y": -DW_B},
    "db": {"a missing 1/m": 4 * DB_B, "dZ = Y - A instead of A - Y": -DB_B},
    "cost": {
        "a missing 1/m (a sum instead of a mean)": 4 * COST_B,
        "a missing minus sign": -COST_B,
    },
}

# One step of gradient descent from case B with learning rate 0.1.
STEP_RATE = 0.1
W_B_STEP = W_B - STEP_RATE * DW_B
B_B_STEP = B_B - STEP_RATE * DB_B
#: The cost at (W_B_STEP, B_B_STEP): what recording the cost after the update gives.
COST_B_AFTER_STEP = 0.8339254952027624
AFTER_UPDATE = "recording the cost after the update instead of before it"


def _check_propagate_case(propagate, w, b, X, Y, dw, db, cost, mistakes, label):
    """Run ``propagate`` on one hand-worked case and judge every output."""
    name = "propagate"
    n_x, m = X.shape
    run = checks.call(propagate, w.copy(), b, X.copy(), Y.copy())
    got_dw, got_db, got_cost = expect_propagate_output(
        name,
        run,
        n_x,
        m,
        elementwise=ELEMENTWISE + " (for example X * dZ instead of np.dot(X, dZ.T), or w.T * X "
        "instead of np.dot(w.T, X))",
        rank1_hint="a sum without keepdims=True, or np.dot(X, dZ[0])",
    )
    checks.expect_close(name, f"dw {label}", got_dw, dw, mistakes=mistakes["dw"])
    checks.expect_close(name, f"db {label}", got_db, db, mistakes=mistakes["db"])
    checks.expect_close(name, f"cost {label}", got_cost, cost, mistakes=mistakes["cost"])


def check_initialize_with_zeros(initialize_with_zeros):
    """Check ``initialize_with_zeros`` for dim = 3 and dim = 1."""
    name = "initialize_with_zeros"
    for dim in (3, 1):
        run = checks.call(initialize_with_zeros, dim)
        w, b = checks.expect_tuple(name, run.output, ("w", "b"))
        checks.expect_shape(name, f"w for dim={dim}", w, (dim, 1), rank1_hint=ZERO_INIT_HINT)
        b = checks.expect_scalar(name, "b", b)
        checks.expect_close(name, f"w for dim={dim}", w, np.zeros((dim, 1)))
        checks.expect_close(name, "b", b, 0.0)
    checks.all_passed(name)


def check_propagate(propagate):
    """Check ``propagate`` on two hand-worked cases: a square 3x3 ``X`` and a 2x4 ``X``."""
    _check_propagate_case(
        propagate, W_A, B_A, X_A, Y_A, DW_A, DB_A, COST_A, MISTAKES_A, "for the 3x3 example"
    )
    _check_propagate_case(
        propagate, W_B, B_B, X_B, Y_B, DW_B, DB_B, COST_B, MISTAKES_B, "for the 2x4 example"
    )
    checks.all_passed("propagate")


def _run_optimize(optimize, w, b, num_iterations, learning_rate=STEP_RATE):
    """Call ``optimize`` on case B's data and check the structure and shapes of its outputs."""
    run = checks.call(
        optimize,
        w.copy(),
        b,
        X_B.copy(),
        Y_B.copy(),
        num_iterations=num_iterations,
        learning_rate=learning_rate,
    )
    where = f"for num_iterations={num_iterations}"
    return expect_optimize_output("optimize", run, 2, num_iterations, where=where)


def check_optimize(optimize):
    """Check ``optimize``: one exact step, then the costs of 250 steps against shorter runs."""
    name = "optimize"
    # One step from case B: w - alpha dw, b - alpha db, with the gradients worked out above.
    one = _run_optimize(optimize, W_B, B_B, num_iterations=1)
    checks.expect_close(
        name,
        "costs[0], the cost at iteration 0 (before any update)",
        one["costs"][0],
        COST_B,
        mistakes={AFTER_UPDATE: COST_B_AFTER_STEP},
    )
    checks.expect_close(
        name,
        'params["w"] after one step with learning_rate=0.1',
        one["w"],
        W_B_STEP,
        mistakes={
            "w + learning_rate * dw (a step uphill)": W_B + STEP_RATE * DW_B,
            "no update of w": W_B,
            "the default learning_rate 0.009 instead of the one passed": W_B - 0.009 * DW_B,
            "two updates instead of one": W_B_STEP - STEP_RATE * DW_B,
        },
    )
    checks.expect_close(
        name,
        'params["b"] after one step with learning_rate=0.1',
        one["b"],
        B_B_STEP,
        mistakes={
            "b + learning_rate * db (a step uphill)": B_B + STEP_RATE * DB_B,
            "no update of b": B_B,
        },
    )
    checks.expect_close(name, 'grads["dw"] after one step', one["dw"], DW_B)
    checks.expect_close(name, 'grads["db"] after one step', one["db"], DB_B)

    # 250 steps record the cost at iterations 0, 100 and 200. The cost at iteration 100 is the
    # cost of the parameters after 100 updates: the first cost of a run that starts there.
    full = _run_optimize(optimize, W_B, B_B, num_iterations=250)
    checks.expect_close(name, "costs[0] for num_iterations=250", full["costs"][0], COST_B)
    w, b = W_B, B_B
    for k in (1, 2):
        after = _run_optimize(optimize, w, b, num_iterations=100)
        w, b = after["w"], after["b"]
        restart = _run_optimize(optimize, w, b, num_iterations=1)
        checks.expect_close(
            name,
            f"costs[{k}] for num_iterations=250 ({COST_HINT}: the cost of the parameters after "
            f"{100 * k} updates)",
            full["costs"][k],
            restart["costs"][0],
        )
    if not full["costs"][0] > full["costs"][1] > full["costs"][2]:
        raise checks.CheckFailure(
            f"{name}: the cost should decrease with a small learning rate, got costs "
            f"{full['costs']}. Check the sign of the update: w = w - learning_rate * dw."
        )
    checks.all_passed(name)


# --------------------------------------------------------------------------------------------
# predict: w = (1, 2), b = -0.5 and X built so that A takes the values below exactly.
# --------------------------------------------------------------------------------------------
_A_PREDICT = np.array([[0.9, 0.55, 0.45, 0.1, 0.61, 0.3, 0.7, 0.58]])
_W_PREDICT = np.array([[1.0], [2.0]])
_B_PREDICT = -0.5
_ROW2 = np.array([1.0, -1.0, 0.5, 2.0, 0.0, -0.5, 1.0, 0.0])
_Z_PREDICT = np.log(_A_PREDICT / (1 - _A_PREDICT))  # the logit: sigma(Z) = A
_X_PREDICT = np.vstack([_Z_PREDICT[0] - _B_PREDICT - 2 * _ROW2, _ROW2])
_PREDICTION = np.array([[1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0]])
_PREDICT_MISTAKES = {
    "a threshold on Z (Z > 0.5) instead of on A (A > 0.5, which is Z > 0)": np.array(
        [[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0]]
    ),
    "a threshold of 0.6 instead of 0.5": np.array([[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0]]),
    "swapped labels (1 where A <= 0.5)": 1 - _PREDICTION,
    # Without b, Z is 0.5 larger: A > 0.5 wherever Z > -0.5, i.e. A > 0.3775.
    "forgetting to add b to Z": np.array([[1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0]]),
}


def check_predict(predict):
    """Check ``predict`` on 8 examples whose probabilities A are known exactly."""
    name = "predict"
    n_x, m = _X_PREDICT.shape
    run = checks.call(predict, _W_PREDICT.copy(), _B_PREDICT, _X_PREDICT.copy())
    checks.expect_shape_with_mistakes(
        name,
        "Y_prediction",
        run.output,
        (1, m),
        mistakes={ELEMENTWISE + " (w * X instead of np.dot(w.T, X))": (n_x, m)},
        rank1_hint="indexing A[0] or filling np.zeros(m)",
    )
    checks.expect_binary(name, "Y_prediction", run.output)
    checks.expect_unchanged(run)
    checks.expect_close(
        name,
        f"Y_prediction for A = {_A_PREDICT[0].tolist()} (threshold 0.5 on A)",
        run.output,
        _PREDICTION,
        mistakes=_PREDICT_MISTAKES,
    )
    checks.all_passed(name)


# --------------------------------------------------------------------------------------------
# model: a tiny separable task. From zeros, one step with learning rate 0.5 gives
# dw = (1/5) X (0.5 - Y)^T = (-0.7, -0.3), db = -0.1, so w = (0.35, 0.15) and b = 0.05, which
# already classifies every training and test example correctly.
# --------------------------------------------------------------------------------------------
_X_TRAIN = np.array([[1.0, 2.0, -1.0, -2.0, 1.0], [1.0, 0.0, -1.0, 1.0, 2.0]])
_Y_TRAIN = np.array([[1.0, 1.0, 0.0, 0.0, 1.0]])
_X_TEST = np.array([[3.0, -1.0, 0.5], [0.0, -2.0, 0.5]])
_Y_TEST = np.array([[1.0, 0.0, 1.0]])
#: The cost at w = (0.35, 0.15), b = 0.05: what recording the cost after the update gives.
MODEL_COST_AFTER_STEP = 0.4425750933282514


def _run_model(model, **kwargs):
    """Call ``model`` on the tiny task and check structure and shapes; return the dict."""
    run = checks.call(
        model, _X_TRAIN.copy(), _Y_TRAIN.copy(), _X_TEST.copy(), _Y_TEST.copy(), **kwargs
    )
    num_iterations = kwargs.get("num_iterations", 2000)
    where = f"for num_iterations={num_iterations}"
    values = expect_model_output(
        "model", run, 2, 5, 3, num_iterations, where=where, rank1_hint=ZERO_INIT_HINT
    )
    return run.output, values


def check_model(model):
    """Check ``model``: one exact step on a tiny task, then the default hyperparameters."""
    name = "model"
    d, values = _run_model(model, num_iterations=1, learning_rate=0.5)
    checks.expect_close(name, 'd["num_iterations"]', values["num_iterations"], 1)
    checks.expect_close(name, 'd["learning_rate"]', values["learning_rate"], 0.5)
    checks.expect_close(
        name,
        'd["costs"][0], the cost of w = 0, b = 0',
        values["costs"][0],
        np.log(2.0),
        mistakes={AFTER_UPDATE: MODEL_COST_AFTER_STEP},
    )
    checks.expect_close(
        name,
        'd["w"] after one step from zeros with learning_rate=0.5',
        d["w"],
        np.array([[0.35], [0.15]]),
        mistakes={
            "w + learning_rate * dw (a step uphill)": np.array([[-0.35], [-0.15]]),
            "no training (w is still zero)": np.zeros((2, 1)),
        },
    )
    checks.expect_close(name, 'd["b"] after one step', values["b"], 0.05)
    checks.expect_close(name, 'd["Y_prediction_train"]', d["Y_prediction_train"], _Y_TRAIN)
    checks.expect_close(name, 'd["Y_prediction_test"]', d["Y_prediction_test"], _Y_TEST)

    d, values = _run_model(model)
    checks.expect_close(
        name, 'd["num_iterations"] with the default arguments', values["num_iterations"], 2000
    )
    checks.expect_close(
        name, 'd["learning_rate"] with the default arguments', values["learning_rate"], 0.5
    )
    checks.expect_close(name, 'd["costs"][0]', values["costs"][0], np.log(2.0))
    if not values["costs"][-1] < values["costs"][0]:
        raise checks.CheckFailure(
            f"{name}: the cost should go down during training, got costs[0] = "
            f"{values['costs'][0]:.6g} and costs[-1] = {values['costs'][-1]:.6g}."
        )
    checks.expect_close(
        name,
        'd["Y_prediction_train"] after 2000 iterations (this tiny task is separable)',
        d["Y_prediction_train"],
        _Y_TRAIN,
    )
    checks.all_passed(name)
