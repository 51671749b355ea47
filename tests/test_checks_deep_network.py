"""The checks of ``04_deep_network``: the reference passes them, known mistakes fail them.

Every wrong implementation below is deliberately wrong in one known way; the visible check must
fail with a message naming that mistake, and the hidden check must fail too.
"""

from __future__ import annotations

import contextlib
import io
import re

import numpy as np
import pytest

import autograder.hidden.deep_network as hidden
from autograder import judging, transfer
from autograder.reference import deep_network as ref
from utils import checks as checks_module
from utils import course
from utils.checks import CheckFailure
from utils.visible_checks import deep_network as visible
from utils.visible_checks.deep_network import gradients, network

FUNCTIONS = course.assignment("deep_network").functions
SEEDS = ("0", "1", "2023")


def graded(name):
    """Give a wrong implementation the graded function's name (messages use it)."""

    def rename(func):
        func.__name__ = name  # __qualname__ keeps the wrong implementation's own name
        return func

    return rename


# ---------------------------------------------------------------------------------------------
# (a) The reference passes every check
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_visible_check(function, capsys):
    getattr(visible, f"check_{function}")(getattr(ref, function))
    assert "All visible checks" in capsys.readouterr().out


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_hidden_check(function, seed, monkeypatch, capsys):
    monkeypatch.setenv("AUTOGRADER_SEED", seed)
    getattr(hidden, function)(getattr(ref, function))
    assert "Hidden checks" in capsys.readouterr().out


def test_hidden_checks_without_a_seed_draw_new_cases():
    first = [case.where for case in hidden.L_model_forward.cases()]
    assert any(first != [case.where for case in hidden.L_model_forward.cases()] for _ in range(5))


def test_visible_literals_match_the_reference():
    """The written-out expected values of the visible checks are the reference's."""
    p = network.PARAMETERS
    for activation in course.DEEP_ACTIVATIONS:
        A, _ = ref.linear_activation_forward(network.X, p["W1"], p["b1"], activation)
        np.testing.assert_allclose(network.ACT_FORWARD[activation], A, rtol=1e-11)
        AL, caches = ref.L_model_forward(network.X, p, activation)
        values = network.FORWARD[activation]
        np.testing.assert_allclose(values["A3"], AL, rtol=1e-11)
        for l, ((A_prev, _, _), Z) in enumerate(caches, start=1):  # noqa: E741
            np.testing.assert_allclose(values[f"Z{l}"], Z, rtol=1e-11, atol=1e-15)
            if l > 1:
                np.testing.assert_allclose(values[f"A{l - 1}"], A_prev, rtol=1e-11)
        grads = ref.L_model_backward(AL, network.Y, caches, activation)
        for key, value in gradients.GRADS[activation].items():
            np.testing.assert_allclose(value, grads[key], rtol=1e-10, atol=1e-15)
        cache = ((network.X, p["W1"], p["b1"]), network.Z_BACKWARD)
        expected = ref.linear_activation_backward(network.DA, cache, activation)
        for key, value in zip(("dA_prev", "dW", "db"), expected, strict=True):
            np.testing.assert_allclose(gradients.ACT_BACKWARD[activation][key], value, rtol=1e-11)
    expected = ref.linear_backward(network.DZ, (network.X, p["W1"], p["b1"]))
    for key, value in zip(("dA_prev", "dW", "db"), expected, strict=True):
        np.testing.assert_allclose(gradients.LINEAR_BACKWARD[key], value, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# (b) Wrong implementations
# ---------------------------------------------------------------------------------------------
@graded("layer_shapes")
def shapes_W_transposed(layer_dims, m):
    shapes = ref.layer_shapes(layer_dims, m)
    return {k: (v[::-1] if k.startswith("W") else v) for k, v in shapes.items()}


@graded("layer_shapes")
def shapes_rank1_bias(layer_dims, m):
    shapes = ref.layer_shapes(layer_dims, m)
    return {k: (v[:1] if k.startswith("b") else v) for k, v in shapes.items()}


@graded("layer_shapes")
def shapes_examples_in_rows(layer_dims, m):
    shapes = ref.layer_shapes(layer_dims, m)
    return {k: (v[::-1] if k[0] in "AZ" else v) for k, v in shapes.items()}


def _init(layer_dims, rng, std_of, transpose=False, bias=None):
    rng = rng or np.random.default_rng()
    parameters = {}
    for l in range(1, len(layer_dims)):  # noqa: E741
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        shape = (n_prev, n) if transpose else (n, n_prev)
        parameters[f"W{l}"] = rng.standard_normal(shape) * std_of(n_prev, n)
        parameters[f"b{l}"] = np.zeros((n, 1)) if bias is None else bias(n)
    return parameters


def _right_std(scale):
    if scale == "he":
        return lambda n_prev, n: np.sqrt(2 / n_prev)
    if scale == "xavier":
        return lambda n_prev, n: np.sqrt(1 / n_prev)
    return lambda n_prev, n: scale


@graded("initialize_parameters_deep")
def init_W_transposed(layer_dims, scale=0.01, rng=None):
    return _init(layer_dims, rng, _right_std(scale), transpose=True)


@graded("initialize_parameters_deep")
def init_he_as_xavier(layer_dims, scale=0.01, rng=None):
    std = _right_std("xavier" if scale == "he" else scale)
    return _init(layer_dims, rng, std)


@graded("initialize_parameters_deep")
def init_he_own_size(layer_dims, scale=0.01, rng=None):
    std = (lambda n_prev, n: np.sqrt(2 / n)) if scale == "he" else _right_std(scale)
    return _init(layer_dims, rng, std)


@graded("initialize_parameters_deep")
def init_he_without_sqrt(layer_dims, scale=0.01, rng=None):
    std = (lambda n_prev, n: 2 / n_prev) if scale == "he" else _right_std(scale)
    return _init(layer_dims, rng, std)


@graded("initialize_parameters_deep")
def init_zeros(layer_dims, scale=0.01, rng=None):
    return _init(layer_dims, rng, lambda n_prev, n: 0.0)


@graded("initialize_parameters_deep")
def init_same_row(layer_dims, scale=0.01, rng=None):
    parameters = ref.initialize_parameters_deep(layer_dims, scale, rng)
    return {
        k: (np.tile(v[:1], (v.shape[0], 1)) if k[0] == "W" else v) for k, v in parameters.items()
    }


@graded("initialize_parameters_deep")
def init_random_bias(layer_dims, scale=0.01, rng=None):
    rng = rng or np.random.default_rng()
    return _init(layer_dims, rng, _right_std(scale), bias=lambda n: rng.standard_normal((n, 1)))


@graded("initialize_parameters_deep")
def init_rank1_bias(layer_dims, scale=0.01, rng=None):
    parameters = ref.initialize_parameters_deep(layer_dims, scale, rng)
    return {k: (v.ravel() if k[0] == "b" else v) for k, v in parameters.items()}


@graded("linear_forward")
def forward_without_bias(A_prev, W, b):
    return W @ A_prev, (A_prev, W, b)


@graded("linear_forward")
def forward_transposed(A_prev, W, b):
    return (W @ A_prev + b).T, (A_prev, W, b)


@graded("linear_activation_forward")
def activation_forward_caches_A(A_prev, W, b, activation):
    A, (linear_cache, _Z) = ref.linear_activation_forward(A_prev, W, b, activation)
    return A, (linear_cache, A)


@graded("linear_activation_forward")
def activation_forward_relu_for_leaky(A_prev, W, b, activation):
    activation = "relu" if activation == "leaky_relu" else activation
    return ref.linear_activation_forward(A_prev, W, b, activation)


@graded("L_model_forward")
def L_forward_relu_output(X, parameters, hidden_activation="relu"):
    L = len(parameters) // 2
    caches, A = [], X
    for l in range(1, L + 1):  # noqa: E741
        act = "relu" if l == L else hidden_activation
        A, cache = ref.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], act)
        caches.append(cache)
    return A, caches


@graded("L_model_forward")
def L_forward_ignores_hidden_activation(X, parameters, hidden_activation="relu"):
    return ref.L_model_forward(X, parameters, "relu")


@graded("L_model_forward")
def L_forward_missing_output_cache(X, parameters, hidden_activation="relu"):
    AL, caches = ref.L_model_forward(X, parameters, hidden_activation)
    return AL, caches[:-1]


@graded("compute_cost")
def cost_unsafe(AL, Y):
    m = Y.shape[1]
    with np.errstate(all="ignore"):
        return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


@graded("compute_cost")
def cost_without_mean(AL, Y):
    return ref.compute_cost(AL, Y) * Y.shape[1]


@graded("compute_cost")
def cost_as_array(AL, Y):
    return np.array([[ref.compute_cost(AL, Y)]])


@graded("linear_backward")
def backward_rank1_db(dZ, linear_cache):
    dA_prev, dW, db = ref.linear_backward(dZ, linear_cache)
    return dA_prev, dW, db.ravel()


@graded("linear_backward")
def backward_without_mean(dZ, linear_cache):
    dA_prev, dW, db = ref.linear_backward(dZ, linear_cache)
    return dA_prev, dW * dZ.shape[1], db


@graded("linear_backward")
def backward_dA_prev_averaged(dZ, linear_cache):
    dA_prev, dW, db = ref.linear_backward(dZ, linear_cache)
    return dA_prev / dZ.shape[1], dW, db


@graded("linear_activation_backward")
def derivative_from_A(dA, cache, activation):
    linear_cache, Z = cache
    A = ref.activate(Z, activation)
    return ref.linear_backward(dA * ref.activation_derivative(A, activation), linear_cache)


@graded("linear_activation_backward")
def a_formula_on_Z(dA, cache, activation):
    linear_cache, Z = cache
    if activation == "sigmoid":
        gprime = Z * (1 - Z)
    elif activation == "tanh":
        gprime = 1 - Z**2
    else:
        gprime = ref.activation_derivative(Z, activation)
    return ref.linear_backward(dA * gprime, linear_cache)


@graded("linear_activation_backward")
def relu_derivative_zero_at_zero(dA, cache, activation):
    linear_cache, Z = cache
    gprime = ref.activation_derivative(Z, activation)
    if activation in ("relu", "leaky_relu"):
        gprime = np.where(Z > 0, 1.0, 0.0 if activation == "relu" else 0.01)
    return ref.linear_backward(dA * gprime, linear_cache)


def _L_backward(AL, Y, caches, hidden_activation, output_activation="sigmoid", sign=1.0):
    """The Coursera-style backward pass: dAL, then linear_activation_backward layer by layer."""
    L = len(caches)
    grads = {}
    dA = sign * -(Y / AL - (1 - Y) / (1 - AL))
    for l in range(L, 0, -1):  # noqa: E741
        act = output_activation if l == L else hidden_activation
        dA, grads[f"dW{l}"], grads[f"db{l}"] = ref.linear_activation_backward(
            dA, caches[l - 1], act
        )
        grads[f"dA{l - 1}"] = dA
    return grads


@graded("L_model_backward")
def L_backward_relu_output(AL, Y, caches, hidden_activation="relu"):
    return _L_backward(AL, Y, caches, hidden_activation, output_activation=hidden_activation)


@graded("L_model_backward")
def L_backward_wrong_sign(AL, Y, caches, hidden_activation="relu"):
    return _L_backward(AL, Y, caches, hidden_activation, sign=-1.0)


@graded("L_model_backward")
def L_backward_rank1_db(AL, Y, caches, hidden_activation="relu"):
    grads = ref.L_model_backward(AL, Y, caches, hidden_activation)
    return {k: (v.ravel() if k.startswith("db") else v) for k, v in grads.items()}


@graded("L_model_backward")
def L_backward_derivative_from_A(AL, Y, caches, hidden_activation="relu"):
    grads, dA, L = {}, None, len(caches)
    linear_cache, _ = caches[-1]
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = ref.linear_backward(
        AL - Y, linear_cache
    )
    for l in range(L - 1, 0, -1):  # noqa: E741
        dA = grads[f"dA{l}"]
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = derivative_from_A(
            dA, caches[l - 1], hidden_activation
        )
    return grads


@graded("L_model_backward")
def L_backward_dA_shifted(AL, Y, caches, hidden_activation="relu"):
    grads = ref.L_model_backward(AL, Y, caches, hidden_activation)
    L = len(caches)
    return {(f"dA{int(k[2:]) + 1}" if k.startswith("dA") else k): v for k, v in grads.items()} | {
        f"dA{L}": None
    }


@graded("update_parameters")
def update_in_place(parameters, grads, learning_rate):
    for key in parameters:
        parameters[key] -= learning_rate * grads[f"d{key}"]
    return parameters


@graded("update_parameters")
def update_same_dict(parameters, grads, learning_rate):
    for key in list(parameters):
        parameters[key] = parameters[key] - learning_rate * grads[f"d{key}"]
    return parameters


@graded("update_parameters")
def update_uphill(parameters, grads, learning_rate):
    return {k: v + learning_rate * grads[f"d{k}"] for k, v in parameters.items()}


@graded("update_parameters")
def update_first_layer_only(parameters, grads, learning_rate):
    new = {k: v.copy() for k, v in parameters.items()}
    for key in ("W1", "b1"):
        new[key] = parameters[key] - learning_rate * grads[f"d{key}"]
    return new


WRONG = [
    # the list
    (shapes_W_transposed, "transposed weight shape"),
    (init_W_transposed, "The result is transposed"),
    (init_he_as_xavier, "Xavier's 1/sqrt(n[l-1]) instead of He's"),
    (init_he_own_size, "the layer's own size"),
    (init_he_without_sqrt, "without the square root"),
    (backward_rank1_db, "rank-1 array (often np.sum(dZ, axis=1) without keepdims=True)"),
    (L_forward_relu_output, "ReLU at the output layer"),
    (L_backward_relu_output, "relu derivative at the output layer"),
    (derivative_from_A, "the derivative taken from A = relu(Z) instead of from Z"),
    (L_backward_derivative_from_A, "the derivative of the hidden layers taken from A"),
    (a_formula_on_Z, "the formula 1 - a**2 needs a = tanh(Z)"),
    (update_in_place, "changed its input `parameters` in place"),
    (update_same_dict, "changed its input `parameters` in place"),
    # more known mistakes
    (shapes_rank1_bias, "a rank-1 bias shape"),
    (shapes_examples_in_rows, "one example per row"),
    (init_zeros, "break the symmetry"),
    (init_same_row, "break the symmetry"),
    (init_random_bias, "`b1` has wrong values"),
    (init_rank1_bias, "np.zeros(n) instead of np.zeros((n, 1))"),
    (forward_without_bias, "the bias not added"),
    (forward_transposed, "transposed"),
    (activation_forward_caches_A, "A instead of Z"),
    (activation_forward_relu_for_leaky, "ReLU (slope 0) instead of leaky ReLU"),
    (L_forward_ignores_hidden_activation, "hidden_activation ignored"),
    (L_forward_missing_output_cache, "a missing cache"),
    (cost_unsafe, "clip AL"),
    (cost_without_mean, "a missing 1/m"),
    (cost_as_array, "should be a real scalar"),
    (backward_without_mean, "a missing 1/m"),
    (backward_dA_prev_averaged, "a 1/m in dA_prev"),
    (relu_derivative_zero_at_zero, "relu'(0) = 0"),
    (L_backward_wrong_sign, "the opposite sign"),
    (L_backward_rank1_db, "rank-1 array"),
    (L_backward_dA_shifted, "missing ['dA0']"),
    (update_uphill, "a step uphill"),
    (update_first_layer_only, "W2 not updated"),
]
WRONG_IDS = [wrong.__qualname__ for wrong, _ in WRONG]


@pytest.mark.parametrize("wrong, fragment", WRONG, ids=WRONG_IDS)
def test_wrong_implementation_fails_visible_check_with_named_mistake(wrong, fragment):
    check = getattr(visible, f"check_{wrong.__name__}")
    with pytest.raises(CheckFailure, match=re.escape(fragment)):
        check(wrong)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("wrong, fragment", WRONG, ids=WRONG_IDS)
def test_wrong_implementation_fails_hidden_check(wrong, fragment, seed, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", seed)
    with pytest.raises(CheckFailure):
        getattr(hidden, wrong.__name__)(wrong)


@graded("initialize_parameters_deep")
def init_ignores_rng(layer_dims, scale=0.01, rng=None):
    return ref.initialize_parameters_deep(layer_dims, scale, np.random.default_rng())


def test_initialisation_ignoring_rng_fails_visible_check():
    """Statistics cannot tell; two identically seeded generators can (visible check only)."""
    with pytest.raises(
        CheckFailure, match=re.escape("Draw every random number from the `rng` argument")
    ):
        visible.check_initialize_parameters_deep(init_ignores_rng)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_stub_fails_both_checks_with_not_implemented(function, monkeypatch):
    @graded(function)
    def stub(*args, **kwargs):
        raise NotImplementedError()

    with pytest.raises(CheckFailure, match="not implemented yet"):
        getattr(visible, f"check_{function}")(stub)
    monkeypatch.setenv("AUTOGRADER_SEED", "0")
    with pytest.raises(CheckFailure, match="not implemented yet"):
        getattr(hidden, function)(stub)


def test_hidden_messages_do_not_reveal_values(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", "0")
    with pytest.raises(CheckFailure) as info:
        hidden.L_model_forward(L_forward_relu_output)
    assert "expected:" not in str(info.value) and "on a random" in str(info.value)


# ---------------------------------------------------------------------------------------------
# (c) The checks survive the grader's record-and-replay (outputs judged outside the kernel)
# ---------------------------------------------------------------------------------------------
class _Recorder(checks_module.CallTransport):
    """Like the sandbox's recorder: run here, keep the encoded outputs and inputs."""

    def __init__(self):
        self.records = []

    def call(self, func, args, kwargs, where):
        names = checks_module.argument_names(func, args, kwargs)
        try:
            run = checks_module.call_here(func, args, kwargs, where)
        except CheckFailure as failure:
            cause = failure.__cause__
            self.records.append({"names": names, "error": [type(cause).__name__, str(cause)]})
            raise
        self.records.append(
            {
                "names": names,
                "output": transfer.encode(run.output),
                "inputs": transfer.encode(run.inputs),
            }
        )
        return run


def _record(run):
    recorder = _Recorder()
    previous = checks_module.set_transport(recorder)
    try:
        with contextlib.suppress(CheckFailure), contextlib.redirect_stdout(io.StringIO()):
            run()
    finally:
        checks_module.set_transport(previous)
    return recorder.records


def _verdicts(function, implementation, seed=5):
    """The grader's verdicts on the visible and the hidden cell of one function."""
    visible_plan = judging.GradeCellPlan(
        f"{function}__visible", "visible", "deep_network", function
    )
    hidden_plan = judging.GradeCellPlan(f"{function}__hidden", "hidden", "deep_network", function)
    visible_records = _record(lambda: getattr(visible, f"check_{function}")(implementation))
    cases = judging.hidden_check("deep_network", function).cases(seed)
    payload = transfer.decode(
        transfer.encode([{"args": c.args, "kwargs": c.kwargs, "where": c.where} for c in cases])
    )

    def run_hidden():
        for case in payload:
            args, kwargs = transfer.materialise(case["args"]), transfer.materialise(case["kwargs"])
            with contextlib.suppress(CheckFailure):
                checks_module.call(implementation, *args, where=case["where"], **kwargs)

    hidden_records = _record(run_hidden)
    fallback = judging.Verdict("passed")
    return (
        judging.judge_visible(visible_plan, visible_records, fallback),
        judging.judge_hidden(hidden_plan, cases, hidden_records, fallback),
    )


@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_after_record_and_replay(function):
    visible_verdict, hidden_verdict = _verdicts(function, getattr(ref, function))
    assert visible_verdict.status == "passed", visible_verdict.message
    assert hidden_verdict.status == "passed", hidden_verdict.message


@pytest.mark.parametrize("wrong, fragment", WRONG, ids=WRONG_IDS)
def test_wrong_implementation_fails_after_record_and_replay(wrong, fragment):
    visible_verdict, hidden_verdict = _verdicts(wrong.__name__, wrong)
    assert visible_verdict.status == "failed" and fragment in visible_verdict.message
    assert hidden_verdict.status == "failed"
