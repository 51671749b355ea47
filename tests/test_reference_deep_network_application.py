"""The reference of 05_deep_network_application against mathematics, and the step functions
shipped to students in ``source/05_deep_network_application/`` against 04's reference."""

from __future__ import annotations

import importlib.util
import inspect
import math

import numpy as np
import pytest

from autograder.course import SOURCE
from autograder.reference import deep_network as dn
from autograder.reference import deep_network_application as ref
from utils import course

SHIPPED_PATH = SOURCE / "05_deep_network_application" / "deep_network_steps.py"
#: The step functions of 04 that notebook 05 is given: every graded function of 04 but
#: ``layer_shapes``, which only describes a network.
STEPS = [f for f in course.assignment("deep_network").functions if f != "layer_shapes"]


def _load_shipped():
    spec = importlib.util.spec_from_file_location("shipped_deep_network_steps", SHIPPED_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


shipped = _load_shipped()


def _assert_same(a, b):
    """Nested tuples, lists, dicts and arrays equal to rounding."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys()
        for key in a:
            _assert_same(a[key], b[key])
    elif isinstance(a, tuple | list):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _assert_same(x, y)
    else:
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def _network(rng, L, m):
    dims = [int(n) for n in rng.integers(1, 7, size=L + 1)]
    dims[-1] = 1
    parameters = dn.initialize_parameters_deep(dims, scale="he", rng=rng)
    for l in range(1, L + 1):  # noqa: E741
        parameters[f"b{l}"] = rng.normal(size=(dims[l], 1))
    X = rng.normal(size=(dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    return dims, parameters, X, Y


# --------------------------------------------------------------------------------------------
# The shipped copy of 04's step functions cannot drift from the reference
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", STEPS)
def test_shipped_step_has_the_reference_signature(name):
    assert inspect.signature(getattr(shipped, name)) == inspect.signature(getattr(dn, name))


def test_shipped_steps_need_nothing_from_the_grader():
    text = SHIPPED_PATH.read_text(encoding="utf-8")
    assert "autograder" not in text  # students' kernels cannot see the grader's code
    for graded_here in course.assignment("deep_network_application").functions:
        assert graded_here not in text


@pytest.mark.parametrize("scale", [0.01, 0.5, "xavier", "he"])
def test_shipped_initialisation_draws_what_the_reference_draws(scale):
    dims = [5, 4, 3, 1]
    _assert_same(
        shipped.initialize_parameters_deep(dims, scale=scale, rng=np.random.default_rng(3)),
        dn.initialize_parameters_deep(dims, scale=scale, rng=np.random.default_rng(3)),
    )


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("activation", course.ACTIVATIONS)
def test_shipped_layer_steps_agree_with_the_reference(activation, seed):
    rng = np.random.default_rng(seed)
    n_prev, n, m = (int(k) for k in rng.integers(1, 8, size=3))
    A_prev = rng.normal(size=(n_prev, m))
    W, b = rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1))
    dA = rng.normal(size=(n, m))
    _assert_same(shipped.linear_forward(A_prev, W, b), dn.linear_forward(A_prev, W, b))
    forward = dn.linear_activation_forward(A_prev, W, b, activation)
    _assert_same(shipped.linear_activation_forward(A_prev, W, b, activation), forward)
    _assert_same(shipped.linear_backward(dA, forward[1][0]), dn.linear_backward(dA, forward[1][0]))
    _assert_same(
        shipped.linear_activation_backward(dA, forward[1], activation),
        dn.linear_activation_backward(dA, forward[1], activation),
    )


@pytest.mark.parametrize("L", [1, 2, 4])
@pytest.mark.parametrize("activation", course.ACTIVATIONS)
def test_shipped_network_steps_agree_with_the_reference(activation, L):
    rng = np.random.default_rng(10 + L)
    _dims, parameters, X, Y = _network(rng, L, m=9)
    AL, caches = dn.L_model_forward(X, parameters, activation)
    _assert_same(shipped.L_model_forward(X, parameters, activation), (AL, caches))
    _assert_same(shipped.compute_cost(AL, Y), dn.compute_cost(AL, Y))
    grads = dn.L_model_backward(AL, Y, caches, activation)
    _assert_same(shipped.L_model_backward(AL, Y, caches, activation), grads)
    _assert_same(
        shipped.update_parameters(parameters, grads, 0.3),
        dn.update_parameters(parameters, grads, 0.3),
    )


def test_shipped_steps_default_to_relu_and_reject_unknown_activations():
    rng = np.random.default_rng(4)
    _dims, parameters, X, Y = _network(rng, 3, m=6)
    _assert_same(shipped.L_model_forward(X, parameters), dn.L_model_forward(X, parameters, "relu"))
    with pytest.raises(ValueError):
        shipped.linear_activation_forward(X, parameters["W1"], parameters["b1"], "swish")


def test_shipped_cost_is_safe_on_saturated_outputs():
    AL, Y = np.array([[0.0, 1.0, 1.0, 0.0]]), np.array([[0.0, 1.0, 0.0, 1.0]])
    cost = shipped.compute_cost(AL, Y)
    assert math.isfinite(cost) and cost == dn.compute_cost(AL, Y)


# --------------------------------------------------------------------------------------------
# The two training loops
# --------------------------------------------------------------------------------------------
def _task(seed=0, n_x=3, m=40):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m))
    Y = (np.sum(X**2, axis=0, keepdims=True) < n_x).astype(float)
    return X, Y


@pytest.mark.parametrize("model", [ref.two_layer_model, ref.L_layer_model])
@pytest.mark.parametrize("num_iterations", [0, 1, 99, 100, 101, 250, 300])
def test_costs_are_recorded_every_100_iterations(model, num_iterations):
    X, Y = _task()
    _parameters, costs = model(
        X, Y, [3, 4, 1], learning_rate=0.1, num_iterations=num_iterations,
        rng=np.random.default_rng(0),
    )  # fmt: skip
    assert len(costs) == math.ceil(num_iterations / 100)
    assert all(isinstance(c, float) and math.isfinite(c) for c in costs)


@pytest.mark.parametrize("model", [ref.two_layer_model, ref.L_layer_model])
def test_first_cost_is_the_cost_of_the_he_initial_parameters(model):
    X, Y = _task(1)
    dims = [3, 5, 1]
    _parameters, costs = model(
        X, Y, dims, learning_rate=0.1, num_iterations=1, rng=np.random.default_rng(5)
    )
    initial = dn.initialize_parameters_deep(dims, scale="he", rng=np.random.default_rng(5))
    assert costs[0] == pytest.approx(dn.compute_cost(dn.L_model_forward(X, initial)[0], Y))


@pytest.mark.parametrize("dims", [[4, 5, 1], [4, 6, 5, 3, 1], [4, 1]])
def test_first_cost_on_zero_inputs_is_ln_2(dims):
    """With X = 0 and zero biases every Z{l} is 0 at the start, so AL = 0.5 and J = ln 2."""
    _parameters, costs = ref.L_layer_model(
        np.zeros((4, 7)), np.ones((1, 7)), dims, learning_rate=0.1, num_iterations=201,
        rng=np.random.default_rng(2),
    )  # fmt: skip
    assert costs[0] == pytest.approx(math.log(2), rel=1e-12)
    assert costs[-1] < costs[0]


def test_two_layer_model_is_the_L_layer_model_with_two_layers():
    """Its hand-written dZ2 = A2 - Y gives the same training as L_model_backward."""
    X, Y = _task(2)
    two = ref.two_layer_model(X, Y, (3, 6, 1), 0.3, 350, rng=np.random.default_rng(9))
    deep = ref.L_layer_model(X, Y, [3, 6, 1], 0.3, 350, rng=np.random.default_rng(9))
    _assert_same(two[0], deep[0])
    np.testing.assert_allclose(two[1], deep[1], rtol=1e-12)


@pytest.mark.parametrize("model", [ref.two_layer_model, ref.L_layer_model])
def test_one_step_moves_against_the_numerical_gradient(model):
    """One iteration is W := W - alpha * dJ/dW with the derivative taken numerically."""
    X, Y = _task(3, n_x=3, m=25)
    dims, alpha, h = [3, 4, 1], 0.7, 1e-6
    start = dn.initialize_parameters_deep(dims, scale="he", rng=np.random.default_rng(11))
    after, _costs = model(X, Y, dims, alpha, 1, rng=np.random.default_rng(11))

    def cost(parameters):
        return dn.compute_cost(dn.L_model_forward(X, parameters)[0], Y)

    for key, value in start.items():
        numerical = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            plus = {k: v.copy() for k, v in start.items()}
            minus = {k: v.copy() for k, v in start.items()}
            plus[key][index] += h
            minus[key][index] -= h
            numerical[index] = (cost(plus) - cost(minus)) / (2 * h)
        np.testing.assert_allclose((value - after[key]) / alpha, numerical, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("model", [ref.two_layer_model, ref.L_layer_model])
def test_learning_rate_zero_changes_nothing_and_inputs_are_kept(model):
    X, Y = _task(4)
    X0, Y0, dims = X.copy(), Y.copy(), [3, 4, 1]
    parameters, costs = model(X, Y, dims, 0.0, 250, rng=np.random.default_rng(1))
    initial = dn.initialize_parameters_deep(dims, scale="he", rng=np.random.default_rng(1))
    _assert_same(parameters, initial)
    assert costs == [costs[0]] * 3
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)
    assert dims == [3, 4, 1]


@pytest.mark.parametrize("model", [ref.two_layer_model, ref.L_layer_model])
def test_print_cost_prints_every_100_iterations(model, capsys):
    X, Y = _task(5)
    model(X, Y, [3, 4, 1], 0.1, 250, print_cost=True, rng=np.random.default_rng(0))
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        f"Cost after iteration {i}" for i in (0, 100, 200)
    ]
    model(X, Y, [3, 4, 1], 0.1, 250, rng=np.random.default_rng(0))
    assert capsys.readouterr().out == ""


def test_rng_none_draws_fresh_networks():
    X, Y = _task(6)
    first, _ = ref.L_layer_model(X, Y, [3, 4, 2, 1], 0.1, 1)
    second, _ = ref.L_layer_model(X, Y, [3, 4, 2, 1], 0.1, 1)
    assert first.keys() == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert not np.array_equal(first["W1"], second["W1"])


@pytest.mark.parametrize("L", [1, 3, 5])
def test_L_layer_model_shapes_follow_layers_dims(L):
    rng = np.random.default_rng(L)
    dims = [6, *(int(n) for n in rng.integers(2, 7, size=L - 1)), 1]
    X, Y = _task(7, n_x=6)
    parameters, _costs = ref.L_layer_model(X, Y, dims, 0.1, 3, rng=rng)
    assert {k: v.shape for k, v in parameters.items()} == {
        key: shape for key, shape in dn.layer_shapes(dims, 1).items() if key[0] in "Wb"
    }


def test_predict_thresholds_the_output():
    X, Y = _task(8)
    parameters, _ = ref.L_layer_model(X, Y, [3, 8, 1], 0.5, 1000, rng=np.random.default_rng(0))
    prediction = ref.predict(parameters, X)
    assert prediction.shape == (1, 40) and set(np.unique(prediction)) <= {0.0, 1.0}
    AL = dn.L_model_forward(X, parameters)[0]
    np.testing.assert_array_equal(prediction, (AL > 0.5).astype(float))


def test_accuracy_climbs_on_even_vs_odd_digits():
    """The notebook's three models (TESTING.md measured about 91 %, 97.5 % and 98.2 %)."""
    from threadpoolctl import threadpool_limits

    from utils import datasets

    split = datasets.load_digits_even_odd()
    X_train, X_test = (
        datasets.images_to_X(split.train_images),
        datasets.images_to_X(split.test_images),
    )
    runs = [
        (ref.L_layer_model, [64, 1], 0.5),
        (ref.two_layer_model, [64, 16, 1], 0.5),
        (ref.L_layer_model, [64, 32, 16, 8, 1], 0.1),
    ]
    scores = []
    for model, dims, alpha in runs:
        with threadpool_limits(limits=1):  # small matrices: threads only slow a busy machine
            parameters, costs = model(
                X_train, split.Y_train, dims, alpha, 1000, rng=np.random.default_rng(0)
            )
        assert costs[-1] < costs[0]
        scores.append(float(np.mean(ref.predict(parameters, X_test) == split.Y_test)))
    logistic, two_layer, deep = scores
    assert 0.89 < logistic < 0.94
    assert two_layer > 0.96 and deep > 0.96
    assert min(two_layer, deep) > logistic + 0.04
