"""Hidden checks of ``04_deep_network``: fresh random networks of random depths and widths.

Every activation is exercised. Initialisation is judged by shapes, zero biases, broken symmetry
and the spread of the weights (never by the drawn numbers, which depend on the order of random
calls), then the student's parameters are fed through the reference forward pass.
``L_model_backward`` is compared with the reference and with numerical derivatives of the
reference cost.
"""

from __future__ import annotations

import numpy as np

from autograder.hidden.framework import Case, HiddenCheck, Seed, shape_text
from autograder.reference import deep_network as ref
from utils import checks
from utils.course import DEEP_ACTIVATIONS
from utils.gradient_check import numerical_gradients
from utils.visible_checks.deep_network.initialization import expect_parameters, initial_std


def _dims(rng: np.random.Generator, low: int = 2, high: int = 5, out: int | None = 1) -> list:
    """``[n_x, n[1], ..., n[L]]`` with L in [low, high], widths 1..8 and ``n[L] = out``."""
    L = int(rng.integers(low, high + 1))
    dims = [int(n) for n in rng.integers(1, 9, size=L + 1)]
    if out is not None:
        dims[-1] = out
    return dims


def _judge_close(case: Case, run: checks.Call, var: str, value, expected, **kwargs) -> None:
    """Shape was checked before: compare values without revealing them."""
    checks.expect_close(
        run.func_name, var, value, expected, where=case.where, show_values=False, **kwargs
    )


def _judge_items(case: Case, run: checks.Call, var: str, value, items: tuple) -> None:
    """``value`` must be a tuple of as many items as ``items`` names."""
    checks.expect_type(run.func_name, var, value, tuple)
    checks.expect_equal(
        run.func_name,
        f"the number of items in {var} ({', '.join(items)})",
        len(value),
        len(items),
        where=case.where,
        show_values=False,
    )


def _judge_linear_cache(case: Case, run: checks.Call, var: str, linear_cache, expected) -> None:
    """``linear_cache`` must be the tuple ``(A_prev, W, b)`` like the reference's ``expected``."""
    name = run.func_name
    _judge_items(case, run, var, linear_cache, ("A_prev", "W", "b"))
    for item, value, exp in zip(("A_prev", "W", "b"), linear_cache, expected, strict=True):
        checks.expect_shape(name, f"{var}[{item}]", value, exp.shape)
        _judge_close(case, run, f"{var}[{item}]", value, exp)


def _judge_cache(case: Case, run: checks.Call, var: str, cache, expected_cache) -> None:
    """``cache`` must be ``(linear_cache, Z)`` like the reference's."""
    name = run.func_name
    _judge_items(case, run, var, cache, ("linear_cache", "Z"))
    linear_cache, Z = expected_cache
    checks.expect_shape(name, f"{var}[Z]", cache[1], Z.shape)
    _judge_close(case, run, f"{var}[Z]", cache[1], Z)
    _judge_linear_cache(case, run, f"{var}[linear_cache]", cache[0], linear_cache)


def _forward_judge(reference, output: str, cache_name: str, judge_cache):
    """A judge of the tuple ``(output, cache)`` against ``reference(*case.args)``: the output's
    shape, inputs unchanged, the output's values, then the cache (``judge_cache``)."""

    def judge(case: Case, run: checks.Call) -> None:
        name = run.func_name
        expected, expected_cache = reference(*case.args)
        value, cache = checks.expect_tuple(name, run.output, (output, cache_name))
        checks.expect_shape(name, output, value, expected.shape)
        checks.expect_unchanged(run)
        _judge_close(case, run, output, value, expected)
        judge_cache(case, run, cache_name, cache, expected_cache)

    return judge


# ---------------------------------------------------------------------------------------------
# layer_shapes
# ---------------------------------------------------------------------------------------------
def _layer_shapes_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(3):
        dims = _dims(rng, 1, 6, out=None)
        m = int(rng.integers(1, 40))
        cases.append(Case((dims, m), where=f"for a random layer_dims={dims}, m={m}"))
    return cases


def _judge_layer_shapes(case: Case, run: checks.Call) -> None:
    expected = ref.layer_shapes(*case.args)
    checks.expect_keys(run.func_name, "shapes", run.output, expected)
    checks.expect_unchanged(run)
    for key, shape in expected.items():
        checks.expect_equal(
            run.func_name,
            f"shapes['{key}']",
            run.output[key],
            shape,
            where=case.where,
            show_values=False,
        )


layer_shapes = HiddenCheck("layer_shapes", _layer_shapes_cases, _judge_layer_shapes)


# ---------------------------------------------------------------------------------------------
# initialize_parameters_deep
# ---------------------------------------------------------------------------------------------
def _alternating_dims(rng: np.random.Generator) -> list:
    """Widths alternating between large (120..250) and small (20..50), built from the output.

    Consecutive widths differ by a factor of 2.4 or more, so a scale computed from n[l] instead
    of n[l-1] is far from the right one, and every W[l] has at least 2400 entries: enough to
    measure its standard deviation within a few percent.
    """
    L = int(rng.integers(2, 5))
    dims = []
    for position in range(L + 1):
        big = position % 2 == 1  # dims[L] is small, dims[L-1] large, ...
        dims.append(int(rng.integers(120, 251) if big else rng.integers(20, 51)))
    return dims[::-1]


def _init_cases(rng: np.random.Generator) -> list[Case]:
    scales = ["he", "xavier", round(float(rng.uniform(0.005, 0.05)), 4)]
    scales.append(round(float(rng.uniform(0.2, 2.0)), 3))
    cases = []
    for scale in scales:
        dims = _alternating_dims(rng)
        cases.append(
            Case(
                (dims,),
                {"scale": scale, "rng": Seed(int(rng.integers(2**31)))},
                where=f"for a random layer_dims={dims}, scale={scale!r}",
            )
        )
    return cases


def _judge_init(case: Case, run: checks.Call) -> None:
    name = run.func_name
    (dims,) = case.args
    scale = case.kwargs["scale"]
    parameters = run.output
    L = len(dims) - 1
    expect_parameters(name, parameters, dims)
    checks.expect_own_rng(run, where=case.where)
    checks.expect_unchanged(run)
    for l in range(1, L + 1):  # noqa: E741
        _judge_close(case, run, f"b{l}", parameters[f"b{l}"], np.zeros((dims[l], 1)))
        checks.expect_distinct_rows(name, f"W{l}", parameters[f"W{l}"], where=case.where)
        checks.expect_std(
            name,
            f"W{l}",
            parameters[f"W{l}"],
            initial_std(scale, dims[l - 1]),
            where=case.where,
            show_values=False,
        )
    # The student's parameters drive the reference network.
    X = np.random.default_rng(0).standard_normal((dims[0], 5))
    AL, _ = ref.L_model_forward(X, {k: np.asarray(v, dtype=float) for k, v in parameters.items()})
    checks.expect_finite(name, "AL of a forward pass with these parameters", AL, where=case.where)


initialize_parameters_deep = HiddenCheck("initialize_parameters_deep", _init_cases, _judge_init)


# ---------------------------------------------------------------------------------------------
# linear_forward, linear_activation_forward
# ---------------------------------------------------------------------------------------------
def _layer_inputs(rng: np.random.Generator) -> tuple:
    n_prev, n, m = (int(s) for s in rng.integers(1, 10, size=3))
    m += 3  # m differs from n often enough to tell a transposed result
    return (
        rng.standard_normal((n_prev, m)),
        rng.standard_normal((n, n_prev)),
        rng.standard_normal((n, 1)),
    )


def _describe_layer(A_prev, W) -> str:
    return f"on a random layer with W {shape_text(*W.shape)} and A_prev {shape_text(*A_prev.shape)}"


def _linear_forward_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(3):
        A_prev, W, b = _layer_inputs(rng)
        cases.append(Case((A_prev, W, b), where=_describe_layer(A_prev, W)))
    return cases


linear_forward = HiddenCheck(
    "linear_forward",
    _linear_forward_cases,
    _forward_judge(ref.linear_forward, "Z", "linear_cache", _judge_linear_cache),
)


def _activation_forward_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for activation in DEEP_ACTIVATIONS:
        A_prev, W, b = _layer_inputs(rng)
        where = f'{_describe_layer(A_prev, W)}, activation="{activation}"'
        cases.append(Case((A_prev, W, b, activation), where=where))
    return cases


linear_activation_forward = HiddenCheck(
    "linear_activation_forward",
    _activation_forward_cases,
    _forward_judge(ref.linear_activation_forward, "A", "cache", _judge_cache),
)


# ---------------------------------------------------------------------------------------------
# L_model_forward
# ---------------------------------------------------------------------------------------------
def _network(rng: np.random.Generator, activation: str, low: int = 2, high: int = 5) -> dict:
    """A random network and data whose hidden Z stay away from the kinks of ReLU (|Z| > 1e-3).

    Returns a dict with ``dims``, ``X``, ``Y``, ``parameters``, ``AL`` and ``caches``.
    """
    while True:
        dims = _dims(rng, low, high)
        m = int(rng.integers(3, 16))
        parameters = ref.initialize_parameters_deep(dims, scale="he", rng=rng)
        parameters = {
            k: (v + 0.1 * rng.standard_normal(v.shape)) if k.startswith("b") else v
            for k, v in parameters.items()
        }
        X = rng.standard_normal((dims[0], m))
        Y = (rng.random((1, m)) < 0.5).astype(float)
        AL, caches = ref.L_model_forward(X, parameters, activation)
        if min(np.min(np.abs(Z)) for _, Z in caches) > 1e-3:
            return {
                "dims": dims,
                "X": X,
                "Y": Y,
                "parameters": parameters,
                "AL": AL,
                "caches": caches,
            }


def _describe_network(net: dict, activation: str) -> str:
    dims, m = net["dims"], net["X"].shape[1]
    return (
        f"on a random {len(dims) - 1}-layer network layer_dims={dims}, m={m}, "
        f'hidden_activation="{activation}"'
    )


def _L_forward_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for activation in DEEP_ACTIVATIONS:
        net = _network(rng, activation)
        cases.append(
            Case(
                (net["X"], net["parameters"]),
                {"hidden_activation": activation},
                where=_describe_network(net, activation),
            )
        )
    return cases


def _judge_L_forward(case: Case, run: checks.Call) -> None:
    name = run.func_name
    AL_ref, caches_ref = ref.L_model_forward(*case.args, **case.kwargs)
    AL, caches = checks.expect_tuple(name, run.output, ("AL", "caches"))
    checks.expect_shape(name, "AL", AL, AL_ref.shape)
    checks.expect_type(name, "caches", caches, list)
    checks.expect_equal(
        name, "len(caches)", len(caches), len(caches_ref), where=case.where, show_values=False
    )
    checks.expect_unchanged(run)
    _judge_close(case, run, "AL", AL, AL_ref)
    for l, (cache, cache_ref) in enumerate(zip(caches, caches_ref, strict=True)):  # noqa: E741
        _judge_cache(case, run, f"caches[{l}]", cache, cache_ref)


L_model_forward = HiddenCheck("L_model_forward", _L_forward_cases, _judge_L_forward)


# ---------------------------------------------------------------------------------------------
# compute_cost
# ---------------------------------------------------------------------------------------------
def _cost_cases(rng: np.random.Generator) -> list[Case]:
    m = int(rng.integers(5, 60))
    AL = rng.uniform(0.01, 0.99, size=(1, m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    cases = [Case((AL, Y), where=f"on random AL, Y of shape {shape_text(1, m)}")]
    # Saturated and right: some AL exactly equal to their label.
    m = int(rng.integers(6, 40))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    AL = rng.uniform(0.05, 0.95, size=(1, m))
    AL[:, : m // 2] = Y[:, : m // 2]
    cases.append(Case((AL, Y), where="on outputs where some AL are exactly 0 or 1 (right)"))
    # Saturated and wrong: only finiteness is judged (the value depends on the clipping).
    AL = AL.copy()
    AL[:, :2] = 1 - Y[:, :2]
    cases.append(
        Case(
            (AL, Y),
            where="on outputs where some AL are exactly 0 or 1 (wrong)",
            context={"finite_only": True},
        )
    )
    return cases


def _judge_cost(case: Case, run: checks.Call) -> None:
    name = run.func_name
    cost = checks.expect_scalar(name, "cost", run.output)
    checks.expect_unchanged(run)
    checks.expect_finite(
        name,
        "cost",
        cost,
        hint="log(0) when AL is exactly 0 or 1: clip AL into [eps, 1 - eps] before the logs",
        where=case.where,
    )
    if not case.context.get("finite_only"):
        _judge_close(case, run, "cost", cost, ref.compute_cost(*case.args), rtol=1e-5)


compute_cost = HiddenCheck("compute_cost", _cost_cases, _judge_cost)


# ---------------------------------------------------------------------------------------------
# linear_backward, linear_activation_backward
# ---------------------------------------------------------------------------------------------
def _gradients_judge(reference):
    """A judge of the tuple (dA_prev, dW, db) against ``reference(*case.args)``: every shape,
    inputs unchanged, then dW, db, dA_prev."""

    def judge(case: Case, run: checks.Call) -> None:
        name = run.func_name
        expected = reference(*case.args)
        got = checks.expect_tuple(name, run.output, ("dA_prev", "dW", "db"))
        for var, value, exp in zip(("dA_prev", "dW", "db"), got, expected, strict=True):
            hint = "np.sum(dZ, axis=1) without keepdims=True" if var == "db" else ""
            checks.expect_shape(name, var, value, exp.shape, rank1_hint=hint)
        checks.expect_unchanged(run)
        for index in (1, 2, 0):
            var = ("dA_prev", "dW", "db")[index]
            _judge_close(case, run, var, got[index], expected[index])

    return judge


def _linear_backward_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(3):
        A_prev, W, b = _layer_inputs(rng)
        dZ = rng.standard_normal((W.shape[0], A_prev.shape[1]))
        cases.append(Case((dZ, (A_prev, W, b)), where=_describe_layer(A_prev, W)))
    return cases


linear_backward = HiddenCheck(
    "linear_backward", _linear_backward_cases, _gradients_judge(ref.linear_backward)
)


def _activation_backward_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for activation in DEEP_ACTIVATIONS:
        A_prev, W, b = _layer_inputs(rng)
        shape = (W.shape[0], A_prev.shape[1])
        Z = rng.standard_normal(shape) * 2
        Z[rng.random(shape) < 0.15] = 0.0  # relu'(0) = 1 as in the notes
        dA = rng.standard_normal(shape)
        where = f'{_describe_layer(A_prev, W)}, activation="{activation}"'
        cases.append(Case((dA, ((A_prev, W, b), Z), activation), where=where))
    return cases


linear_activation_backward = HiddenCheck(
    "linear_activation_backward",
    _activation_backward_cases,
    _gradients_judge(ref.linear_activation_backward),
)


# ---------------------------------------------------------------------------------------------
# L_model_backward
# ---------------------------------------------------------------------------------------------
def _L_backward_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for activation in DEEP_ACTIVATIONS:
        net = _network(rng, activation, 2, 4)
        cases.append(
            Case(
                (net["AL"], net["Y"], net["caches"]),
                {"hidden_activation": activation},
                where=_describe_network(net, activation),
                context={"X": net["X"], "parameters": net["parameters"]},
            )
        )
    return cases


def _judge_L_backward(case: Case, run: checks.Call) -> None:
    name = run.func_name
    AL, Y, caches = case.args
    activation = case.kwargs["hidden_activation"]
    expected = ref.L_model_backward(AL, Y, caches, activation)
    grads = run.output
    checks.expect_keys(name, "grads", grads, expected)
    for key, value in expected.items():
        hint = "np.sum(dZ, axis=1) without keepdims=True" if key.startswith("db") else ""
        checks.expect_shape(name, key, grads[key], value.shape, rank1_hint=hint)
    checks.expect_unchanged(run)
    L = len(caches)
    order = []
    for l in range(L, 0, -1):  # noqa: E741  (from the output layer back)
        order += [f"dW{l}", f"db{l}", f"dA{l - 1}"]
    for key in order:
        _judge_close(case, run, key, grads[key], expected[key])

    # Against numerical derivatives of the cost J(parameters) = cost(forward(X)), computed
    # from ZL as mean(Y log(1 + e^-ZL) + (1 - Y) log(1 + e^ZL)): the same function, without
    # the rounding of 1 - AL when AL is close to 1.
    X, parameters = case.context["X"], case.context["parameters"]

    def cost(p):
        ZL = ref.L_model_forward(X, p, activation)[1][-1][1]
        return float(np.mean(Y * np.logaddexp(0, -ZL) + (1 - Y) * np.logaddexp(0, ZL)))

    for key, numerical in numerical_gradients(cost, parameters).items():
        _judge_close(
            case,
            run,
            f"{key} (compared with numerical derivatives of the cost)",
            grads[key],
            numerical,
            rtol=1e-5,
            atol=1e-8,
        )


L_model_backward = HiddenCheck("L_model_backward", _L_backward_cases, _judge_L_backward)


# ---------------------------------------------------------------------------------------------
# update_parameters
# ---------------------------------------------------------------------------------------------
def _update_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(2):
        dims = _dims(rng, 1, 4)
        m = int(rng.integers(2, 10))
        parameters, grads = {}, {}
        for l in range(1, len(dims)):  # noqa: E741
            parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
            parameters[f"b{l}"] = rng.standard_normal((dims[l], 1))
            grads[f"dW{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
            grads[f"db{l}"] = rng.standard_normal((dims[l], 1))
            grads[f"dA{l - 1}"] = rng.standard_normal((dims[l - 1], m))
        learning_rate = round(float(rng.uniform(0.001, 1.0)), 4)
        where = f"on a random network layer_dims={dims}, learning_rate={learning_rate}"
        cases.append(Case((parameters, grads, learning_rate), where=where))
    return cases


def _judge_update(case: Case, run: checks.Call) -> None:
    name = run.func_name
    expected = ref.update_parameters(*case.args)
    checks.expect_keys(name, "new_parameters", run.output, expected)
    for key, value in expected.items():
        checks.expect_shape(name, key, run.output[key], value.shape)
    checks.expect_unchanged(run)
    for key, value in expected.items():
        _judge_close(case, run, key, run.output[key], value)


update_parameters = HiddenCheck("update_parameters", _update_cases, _judge_update)
