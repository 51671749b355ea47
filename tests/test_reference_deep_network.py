"""The reference of ``04_deep_network`` against mathematics.

Known values worked by hand, every backward pass against numerical derivatives, and shapes on
random sizes with fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.reference import deep_network as ref
from utils import course
from utils.gradient_check import numerical_gradient, numerical_gradients

ACTIVATIONS = course.DEEP_ACTIVATIONS
LN3 = np.log(3.0)

# The visible network of the notebook: ReLU hidden values are halves, AL is exact.
X = np.array([[1.0, 2.0, 0.0, -1.0], [0.0, 1.0, 3.0, 2.0], [2.0, -1.0, 1.0, 0.0]])
PARAMETERS = {
    "W1": np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]),
    "b1": np.array([[0.5], [-1.5]]),
    "W2": np.array([[1.0, 1.0], [-1.0, 2.0]]),
    "b2": np.array([[-1.0], [0.5]]),
    "W3": LN3 * np.array([[2.0, -2.0]]),
    "b3": np.array([[LN3]]),
}


def random_network(seed, activation="relu", dims=None, m=None):
    """A random network, its data, and the reference forward pass."""
    rng = np.random.default_rng(seed)
    dims = dims or [int(n) for n in rng.integers(1, 7, size=int(rng.integers(3, 6)))] + [1]
    m = m or int(rng.integers(3, 12))
    parameters = ref.initialize_parameters_deep(dims, scale="he", rng=rng)
    parameters = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in parameters.items()}
    X_ = rng.standard_normal((dims[0], m))
    Y_ = (rng.random((1, m)) < 0.5).astype(float)
    AL, caches = ref.L_model_forward(X_, parameters, activation)
    return dims, X_, Y_, parameters, AL, caches


def random_layer(rng, n_prev, n, m):
    """``A_prev`` (n_prev, m), ``W`` (n, n_prev), ``b`` (n, 1) and a gradient (n, m), normal."""
    return (
        rng.normal(size=(n_prev, m)),
        rng.normal(size=(n, n_prev)),
        rng.normal(size=(n, 1)),
        rng.normal(size=(n, m)),
    )


def stable_cost(ZL, Y):
    """Cross-entropy from ZL: mean(Y log(1 + e^-ZL) + (1 - Y) log(1 + e^ZL))."""
    return float(np.mean(Y * np.logaddexp(0, -ZL) + (1 - Y) * np.logaddexp(0, ZL)))


# ---------------------------------------------------------------------------------------------
# Shapes and initialisation
# ---------------------------------------------------------------------------------------------
def test_layer_shapes_by_hand():
    shapes = ref.layer_shapes([5, 4, 3, 1], 7)
    assert shapes == {
        "A0": (5, 7),
        "W1": (4, 5),
        "b1": (4, 1),
        "Z1": (4, 7),
        "A1": (4, 7),
        "W2": (3, 4),
        "b2": (3, 1),
        "Z2": (3, 7),
        "A2": (3, 7),
        "W3": (1, 3),
        "b3": (1, 1),
        "Z3": (1, 7),
        "A3": (1, 7),
    }


@pytest.mark.parametrize("seed", range(5))
def test_layer_shapes_match_a_real_forward_pass(seed):
    dims, X_, _, parameters, AL, caches = random_network(seed)
    shapes = ref.layer_shapes(dims, X_.shape[1])
    assert shapes["A0"] == X_.shape
    for l, ((A_prev, W, b), Z) in enumerate(caches, start=1):  # noqa: E741
        assert shapes[f"A{l - 1}"] == A_prev.shape
        assert shapes[f"W{l}"] == W.shape == parameters[f"W{l}"].shape
        assert shapes[f"b{l}"] == b.shape
        assert shapes[f"Z{l}"] == Z.shape
    assert shapes[f"A{len(dims) - 1}"] == AL.shape


@pytest.mark.parametrize(
    "scale, std_of",
    [
        (0.01, lambda n_prev: 0.01),
        (0.7, lambda n_prev: 0.7),
        (1, lambda n_prev: 1.0),
        ("xavier", lambda n_prev: np.sqrt(1 / n_prev)),
        ("he", lambda n_prev: np.sqrt(2 / n_prev)),
    ],
)
def test_initialisation_scale_shapes_and_zero_biases(scale, std_of):
    dims = [500, 250, 120]
    parameters = ref.initialize_parameters_deep(dims, scale=scale, rng=np.random.default_rng(0))
    assert sorted(parameters) == ["W1", "W2", "b1", "b2"]
    for l in (1, 2):  # noqa: E741
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        assert W.shape == (dims[l], dims[l - 1])
        assert b.shape == (dims[l], 1)
        assert np.all(b == 0)
        assert np.std(W) == pytest.approx(std_of(dims[l - 1]), rel=0.02)
        assert abs(np.mean(W)) < 0.02 * std_of(dims[l - 1])
        assert len(np.unique(W, axis=0)) == dims[l]  # symmetry broken


def test_initialisation_uses_rng_and_default():
    a = ref.initialize_parameters_deep([4, 3, 1], "he", np.random.default_rng(5))
    b = ref.initialize_parameters_deep([4, 3, 1], "he", np.random.default_rng(5))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    c = ref.initialize_parameters_deep([4, 3, 1])
    assert c["W1"].shape == (3, 4) and np.std(c["W1"]) < 0.1


def test_initialisation_rejects_unknown_scale():
    with pytest.raises(ValueError):
        ref.initialize_parameters_deep([3, 2], scale="lecun")
    with pytest.raises(TypeError):
        ref.initialize_parameters_deep([3, 2], scale=None)


# ---------------------------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------------------------
def test_activations_known_values():
    z = np.array([[-2.0, 0.0, LN3, np.log(2.0)]])
    np.testing.assert_allclose(ref.activate(z, "relu"), [[0.0, 0.0, LN3, np.log(2.0)]])
    np.testing.assert_allclose(ref.activate(z, "leaky_relu"), [[-0.02, 0.0, LN3, np.log(2.0)]])
    np.testing.assert_allclose(ref.activate(z, "sigmoid")[0, 1:3], [0.5, 0.75])
    np.testing.assert_allclose(ref.activate(z, "tanh")[0, 3], 0.6)  # (4 - 1) / (4 + 1)
    # Sigmoid does not overflow at large |z|.
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = ref.activate(np.array([[-800.0, 800.0]]), "sigmoid")
    np.testing.assert_array_equal(s, [[0.0, 1.0]])


def test_derivatives_at_zero_follow_the_notes():
    zero = np.zeros((1, 1))
    assert ref.activation_derivative(zero, "relu")[0, 0] == 1.0
    assert ref.activation_derivative(zero, "leaky_relu")[0, 0] == 1.0
    assert ref.activation_derivative(-zero - 1, "relu")[0, 0] == 0.0
    assert ref.activation_derivative(-zero - 1, "leaky_relu")[0, 0] == 0.01
    assert ref.activation_derivative(zero, "sigmoid")[0, 0] == 0.25
    assert ref.activation_derivative(zero, "tanh")[0, 0] == 1.0


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_derivatives_match_numerical_derivatives(activation):
    z = np.random.default_rng(3).normal(0, 2, size=(3, 5))
    z[np.abs(z) < 0.01] = 0.5  # away from the kinks
    numerical = np.array(
        [
            [
                numerical_gradient(lambda x: ref.activate(x, activation).sum(), np.array(v))
                for v in row
            ]
            for row in z
        ]
    )
    np.testing.assert_allclose(ref.activation_derivative(z, activation), numerical, atol=1e-8)


def test_unknown_activation_raises():
    with pytest.raises(ValueError):
        ref.activate(np.zeros((1, 1)), "softmax")
    with pytest.raises(ValueError):
        ref.activation_derivative(np.zeros((1, 1)), "softmax")


# ---------------------------------------------------------------------------------------------
# Forward
# ---------------------------------------------------------------------------------------------
def test_linear_forward_by_hand():
    Z, cache = ref.linear_forward(X, PARAMETERS["W1"], PARAMETERS["b1"])
    np.testing.assert_array_equal(Z, [[-0.5, 3.5, -0.5, -0.5], [0.5, 3.5, 1.5, -1.5]])
    assert cache[0] is X and cache[1] is PARAMETERS["W1"] and cache[2] is PARAMETERS["b1"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_linear_activation_forward_caches_Z(activation):
    A, (linear_cache, Z) = ref.linear_activation_forward(
        X, PARAMETERS["W1"], PARAMETERS["b1"], activation
    )
    np.testing.assert_array_equal(Z, [[-0.5, 3.5, -0.5, -0.5], [0.5, 3.5, 1.5, -1.5]])
    np.testing.assert_allclose(A, ref.activate(Z, activation))
    assert len(linear_cache) == 3


def test_L_model_forward_exact_output():
    AL, caches = ref.L_model_forward(X, PARAMETERS)
    np.testing.assert_allclose(AL, [[1 / 10, 243 / 244, 1 / 244, 1 / 2]], rtol=1e-14)
    assert len(caches) == 3
    np.testing.assert_allclose(caches[2][1], LN3 * np.array([[-2.0, 5.0, -5.0, 0.0]]), atol=1e-14)
    np.testing.assert_array_equal(caches[1][0][0], [[0.0, 3.5, 0.0, 0.0], [0.5, 3.5, 1.5, 0.0]])


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("seed", range(3))
def test_L_model_forward_chains_layers(activation, seed):
    dims, X_, _, parameters, AL, caches = random_network(seed, activation)
    L = len(dims) - 1
    assert len(caches) == L and AL.shape == (1, X_.shape[1])
    A = X_
    for l, ((A_prev, W, b), Z) in enumerate(caches, start=1):  # noqa: E741
        np.testing.assert_array_equal(A_prev, A)
        np.testing.assert_allclose(Z, W @ A_prev + b)
        A = ref.activate(Z, "sigmoid" if l == L else activation)
    np.testing.assert_allclose(AL, A)


# ---------------------------------------------------------------------------------------------
# Cost
# ---------------------------------------------------------------------------------------------
def test_cost_known_value_and_scalar():
    AL = np.array([[0.5, 0.75, 0.25, 0.9]])
    Y = np.array([[1.0, 1.0, 0.0, 0.0]])
    cost = ref.compute_cost(AL, Y)
    assert isinstance(cost, float)
    assert cost == pytest.approx((np.log(2) + 2 * np.log(4 / 3) + np.log(10)) / 4, rel=1e-12)


def test_cost_is_finite_when_saturated():
    with np.errstate(all="raise"):
        right = ref.compute_cost(np.array([[1.0, 0.0, 0.5]]), np.array([[1.0, 0.0, 1.0]]))
        wrong = ref.compute_cost(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))
    assert right == pytest.approx(np.log(2) / 3, rel=1e-12)
    assert np.isfinite(wrong) and wrong > 30


@pytest.mark.parametrize("seed", range(3))
def test_cost_matches_stable_form(seed):
    _, _, Y, _, AL, caches = random_network(seed)
    assert ref.compute_cost(AL, Y) == pytest.approx(stable_cost(caches[-1][1], Y), rel=1e-10)


# ---------------------------------------------------------------------------------------------
# Backward, against numerical derivatives
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
def test_linear_backward_numerically(seed):
    rng = np.random.default_rng(seed)
    n_prev, n, m = 4, 3, 5
    A_prev, W, b, dZ = random_layer(rng, n_prev, n, m)
    dA_prev, dW, db = ref.linear_backward(dZ, (A_prev, W, b))
    # dZ holds m * dJ/dZ: J = (1/m) sum(dZ * Z) has dJ/dW = dW, dJ/db = db, m dJ/dA_prev = dA_prev.
    np.testing.assert_allclose(
        dW, numerical_gradient(lambda w: np.sum(dZ * (w @ A_prev + b)) / m, W)
    )
    np.testing.assert_allclose(
        db, numerical_gradient(lambda v: np.sum(dZ * (W @ A_prev + v)) / m, b)
    )
    np.testing.assert_allclose(
        dA_prev, numerical_gradient(lambda a: np.sum(dZ * (W @ a + b)), A_prev)
    )
    assert db.shape == (n, 1)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_linear_activation_backward_numerically(activation):
    rng = np.random.default_rng(11)
    n_prev, n, m = 3, 4, 6
    A_prev, W, b, dA = random_layer(rng, n_prev, n, m)
    _, cache = ref.linear_activation_forward(A_prev, W, b, activation)
    assert np.min(np.abs(cache[1])) > 1e-3
    dA_prev, dW, db = ref.linear_activation_backward(dA, cache, activation)

    def J(a, w, v):
        return np.sum(dA * ref.activate(w @ a + v, activation)) / m

    np.testing.assert_allclose(dW, numerical_gradient(lambda w: J(A_prev, w, b), W), atol=1e-8)
    np.testing.assert_allclose(db, numerical_gradient(lambda v: J(A_prev, W, v), b), atol=1e-8)
    np.testing.assert_allclose(
        dA_prev, m * numerical_gradient(lambda a: J(a, W, b), A_prev), atol=1e-7
    )


def test_linear_activation_backward_relu_at_zero():
    Z = np.array([[0.0, -1.0, 2.0]])
    dA = np.array([[1.0, 1.0, 1.0]])
    cache = ((np.eye(3), np.ones((1, 3)), np.zeros((1, 1))), Z)
    _, dW, _ = ref.linear_activation_backward(dA, cache, "relu")
    np.testing.assert_allclose(dW, [[1 / 3, 0.0, 1 / 3]])
    _, dW, _ = ref.linear_activation_backward(dA, cache, "leaky_relu")
    np.testing.assert_allclose(dW, [[1 / 3, 0.01 / 3, 1 / 3]])


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("seed", range(4))
def test_L_model_backward_numerically(activation, seed):
    dims, X_, Y, parameters, AL, caches = random_network(seed, activation)
    L = len(dims) - 1
    grads = ref.L_model_backward(AL, Y, caches, activation)
    expected_keys = {f"dA{k}" for k in range(L)} | {
        f"d{p}{k}" for p in "Wb" for k in range(1, L + 1)
    }
    assert set(grads) == expected_keys

    def cost(p):
        return stable_cost(ref.L_model_forward(X_, p, activation)[1][-1][1], Y)

    numerical = numerical_gradients(cost, parameters)
    for key, value in numerical.items():
        assert grads[key].shape == value.shape
        np.testing.assert_allclose(grads[key], value, rtol=1e-5, atol=1e-9, err_msg=key)

    # dA{l} is m times the derivative of J with respect to A{l}: check it from layer l on.
    m = X_.shape[1]
    for l in range(L):  # noqa: E741

        def cost_from(A, start=l):
            for k in range(start + 1, L + 1):
                act = "sigmoid" if k == L else activation
                A, cache = ref.linear_activation_forward(
                    A, parameters[f"W{k}"], parameters[f"b{k}"], act
                )
            return stable_cost(cache[1], Y)

        A_l = X_ if l == 0 else caches[l][0][0]
        numerical_dA = m * numerical_gradient(cost_from, A_l)
        np.testing.assert_allclose(grads[f"dA{l}"], numerical_dA, rtol=1e-5, atol=1e-8)


def test_L_model_backward_saturated_output_is_finite():
    caches = [((np.ones((1, 2)), np.ones((1, 1)), np.zeros((1, 1))), np.array([[40.0, -40.0]]))]
    AL = np.array([[1.0, 0.0]])  # sigmoid(+-40) rounds to exactly 1 and 0
    with np.errstate(all="raise"):
        grads = ref.L_model_backward(AL, np.array([[0.0, 1.0]]), caches)
    assert all(np.all(np.isfinite(g)) for g in grads.values())


# ---------------------------------------------------------------------------------------------
# Update
# ---------------------------------------------------------------------------------------------
def test_update_parameters_values_and_no_mutation():
    parameters = {k: v.copy() for k, v in PARAMETERS.items()}
    grads = {f"d{k}": np.ones_like(v) for k, v in parameters.items()}
    grads["dA0"] = np.ones((3, 4))
    new = ref.update_parameters(parameters, grads, 0.25)
    assert set(new) == set(PARAMETERS)
    for key, value in PARAMETERS.items():
        np.testing.assert_array_equal(parameters[key], value)
        np.testing.assert_allclose(new[key], value - 0.25)
        assert new[key] is not parameters[key]


def test_a_gradient_step_lowers_the_cost():
    dims, X_, Y, parameters, AL, caches = random_network(2, "tanh", dims=[2, 4, 3, 1], m=20)
    grads = ref.L_model_backward(AL, Y, caches, "tanh")
    new = ref.update_parameters(parameters, grads, 0.05)
    before = ref.compute_cost(AL, Y)
    after = ref.compute_cost(ref.L_model_forward(X_, new, "tanh")[0], Y)
    assert after < before
