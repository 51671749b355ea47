"""Hidden checks of ``03_shallow_network``: fresh random inputs of random shapes.

Caches given to ``backward_propagation`` come from a real forward pass of the reference, and
its gradients are also compared with numerical derivatives of the reference cost. Random
initialisation and training are judged without depending on the order of the student's random
calls: shapes, statistics, zero biases, broken symmetry, reproducibility for a fixed seed, and
accuracy on a task the reference solves with a wide margin.

``nn_model`` is also run twice with the same seed, for 1 and for 3 iterations: the difference
must be exactly two steps of the reference's gradient descent from the student's own
parameters, which checks the activation and learning rate without knowing the student's
random draws.

Some checks judge a *group* of cases together (two calls with the same seed must agree; the
better of two training runs must reach a threshold; the steps above). The cases of a group share one
``context["group"]`` dict, so the cases of one check must be judged in order, in one process.
"""

from __future__ import annotations

import numpy as np

from autograder.hidden.framework import Case, HiddenCheck, Seed, shape_text
from autograder.reference import shallow_network as ref
from utils import checks
from utils.gradient_check import numerical_gradient

ACTIVATIONS = ref.ACTIVATIONS
PARAMETER_KEYS = ("W1", "b1", "W2", "b2")
GRAD_KEYS = ("dW1", "db1", "dW2", "db2")
CACHE_KEYS = ("Z1", "A1", "Z2", "A2")
RANK1_HINT = "np.sum without keepdims=True"


def _activation_kwargs(activation: str) -> dict:
    """Keyword arguments selecting ``activation``; tanh is left to the default."""
    return {} if activation == "tanh" else {"activation": activation}


def _random_parameters(rng, n_x, n_h, n_y=1, scale=1.0):
    return {
        "W1": rng.normal(0, scale, (n_h, n_x)),
        "b1": rng.normal(0, scale, (n_h, 1)),
        "W2": rng.normal(0, scale, (n_y, n_h)),
        "b2": rng.normal(0, scale, (n_y, 1)),
    }


def _expect_parameters(name, parameters, n_x, n_h, n_y, where=""):
    checks.expect_keys(name, "parameters", parameters, PARAMETER_KEYS)
    shapes = {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}
    for key, shape in shapes.items():
        checks.expect_shape(name, key, parameters[key], shape, rank1_hint="np.zeros(n_h)")


# --------------------------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------------------------
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


def _judge_activation(var, reference):
    def judge(case: Case, run: checks.Call) -> None:
        Z = case.args[-2]
        checks.expect_shape(run.func_name, var, run.output, Z.shape)
        checks.expect_unchanged(run)
        checks.expect_close(
            run.func_name,
            var,
            run.output,
            reference(*case.args),
            where=case.where,
            show_values=False,
        )

    return judge


activation_forward = HiddenCheck(
    "activation_forward",
    lambda rng: _activation_cases(rng, with_dA=False),
    _judge_activation("A", ref.activation_forward),
)
activation_backward = HiddenCheck(
    "activation_backward",
    lambda rng: _activation_cases(rng, with_dA=True),
    _judge_activation("dZ", ref.activation_backward),
)


# --------------------------------------------------------------------------------------------
# layer_sizes
# --------------------------------------------------------------------------------------------
def _layer_sizes_cases(rng):
    cases = []
    for with_n_h in (False, True):
        n_x, n_y, m = (int(v) for v in rng.integers(2, 12, size=3))
        kwargs = {"n_h": int(rng.integers(1, 20))} if with_n_h else {}
        where = f"on random X of shape {(n_x, m)} and Y of shape {(n_y, m)}"
        where += f" with n_h={kwargs['n_h']}" if with_n_h else " with the default n_h"
        cases.append(Case((np.zeros((n_x, m)), np.ones((n_y, m))), kwargs, where=where))
    return cases


def _judge_layer_sizes(case: Case, run: checks.Call) -> None:
    name = run.func_name
    sizes = checks.expect_tuple(name, run.output, ("n_x", "n_h", "n_y"))
    for var, value in zip(("n_x", "n_h", "n_y"), sizes, strict=True):
        checks.expect_type(name, var, value, (int, np.integer))
    checks.expect_unchanged(run)
    expected = ref.layer_sizes(*case.args, **case.kwargs)
    checks.expect_equal(
        name,
        "(n_x, n_h, n_y)",
        tuple(int(s) for s in sizes),
        expected,
        where=case.where,
        show_values=False,
    )


layer_sizes = HiddenCheck("layer_sizes", _layer_sizes_cases, _judge_layer_sizes)


# --------------------------------------------------------------------------------------------
# initialize_parameters
# --------------------------------------------------------------------------------------------
def _initialize_cases(rng):
    small = tuple(int(v) for v in rng.integers(2, 7, size=2)) + (1,)
    large = (int(rng.integers(20, 41)), int(rng.integers(30, 51)), int(rng.integers(3, 6)))
    seed = int(rng.integers(1 << 30))
    group: dict = {}
    text = shape_text(*large)
    return [
        Case(small, where=f"for sizes {shape_text(*small)} without an rng"),
        Case(small, {"rng": Seed(seed + 1)}, where=f"for sizes {shape_text(*small)}"),
        Case(large, {"rng": Seed(seed)}, where=f"for sizes {text}", context={"group": group}),
        Case(
            large,
            {"rng": Seed(seed)},
            where=f"for sizes {text}, called again with the same seed",
            context={"group": group, "again": True},
        ),
    ]


def _judge_initialize(case: Case, run: checks.Call) -> None:
    name = run.func_name
    n_x, n_h, n_y = case.args
    parameters = run.output
    _expect_parameters(name, parameters, n_x, n_h, n_y)
    checks.expect_own_rng(run, where=case.where)
    checks.expect_unchanged(run)
    for key in ("b1", "b2"):
        checks.expect_close(
            name,
            f"{key} (biases start at zero)",
            parameters[key],
            np.zeros(parameters[key].shape),
            where=case.where,
            show_values=False,
        )
    for key in ("W1", "W2"):
        checks.expect_finite(name, key, parameters[key], where=case.where)
    checks.expect_distinct_rows(name, "W1", parameters["W1"], where=case.where)
    group = case.context.get("group")
    if group is None:
        return
    mistakes = {"unscaled initialisation (randn without * 0.01)": 1.0}
    for key in ("W1", "W2"):
        checks.expect_std(
            name, key, parameters[key], 0.01, mistakes=mistakes, where=case.where, show_values=False
        )
        checks.expect_close(
            name,
            f"the mean of the entries of {key}",
            float(np.mean(parameters[key])),
            0.0,
            rtol=0.0,
            atol=5 * 0.01 / np.sqrt(parameters[key].size),
            where=case.where,
            show_values=False,
        )
    if case.context.get("again"):
        for key in ("W1", "W2"):
            checks.expect_reproducible(
                name, key, group["first"][key], parameters[key], where=case.where
            )
    else:
        group["first"] = {key: np.array(parameters[key]) for key in ("W1", "W2")}


initialize_parameters = HiddenCheck("initialize_parameters", _initialize_cases, _judge_initialize)


# --------------------------------------------------------------------------------------------
# forward_propagation
# --------------------------------------------------------------------------------------------
def _network_sizes(rng):
    return int(rng.integers(2, 5)), int(rng.integers(2, 6)), int(rng.integers(3, 12))


def _forward_cases(rng):
    cases = []
    for activation in ACTIVATIONS:
        n_x, n_h, m = _network_sizes(rng)
        X = rng.normal(0, 1, (n_x, m))
        parameters = _random_parameters(rng, n_x, n_h)
        where = f"with activation={activation!r} on a random {shape_text(n_x, n_h, 1)} network"
        where += f" and {m} examples"
        cases.append(
            Case(
                (X, parameters),
                _activation_kwargs(activation),
                where=where,
                context={"activation": activation},
            )
        )
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
        n_x, n_h, m = _network_sizes(rng)
        while True:  # numerical derivatives mislead at the ReLU kink and when A2 saturates
            X = rng.normal(0, 1, (n_x, m))
            parameters = _random_parameters(rng, n_x, n_h)
            A2, cache = ref.forward_propagation(X, parameters, activation)
            if np.min(np.abs(cache["Z1"])) > 1e-3 and np.all(np.abs(A2 - 0.5) < 0.49):
                break
        Y = (rng.random((1, m)) > 0.5).astype(float)
        where = f"with activation={activation!r} on a random {shape_text(n_x, n_h, 1)} network"
        where += f" and {m} examples (cache from a real forward pass)"
        cases.append(
            Case(
                (parameters, cache, X, Y),
                _activation_kwargs(activation),
                where=where,
                context={"activation": activation},
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


# --------------------------------------------------------------------------------------------
# update_parameters
# --------------------------------------------------------------------------------------------
def _update_cases(rng):
    cases = []
    for with_rate in (True, False):
        n_x, n_h, _ = _network_sizes(rng)
        parameters = _random_parameters(rng, n_x, n_h)
        grads = {"d" + k: v for k, v in _random_parameters(rng, n_x, n_h).items()}
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
        n_x, n_h, _ = _network_sizes(rng)
        m = int(rng.integers(10, 40))
        parameters = _random_parameters(rng, n_x, n_h, scale=1.5)
        X = rng.normal(0, 1.5, (n_x, m))
        where = f"with activation={activation!r} on a random {shape_text(n_x, n_h, 1)} network"
        where += f" and {m} examples"
        cases.append(
            Case(
                (parameters, X),
                _activation_kwargs(activation),
                where=where,
                context={"activation": activation},
            )
        )
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


# --------------------------------------------------------------------------------------------
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
            kwargs.update(_activation_kwargs(activation))
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
    _expect_parameters(name, parameters, X.shape[0], n_h, 1)
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
