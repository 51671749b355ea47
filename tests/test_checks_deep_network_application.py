"""Visible and hidden checks of 05_deep_network_application: the reference and other correct
implementations pass whatever their initialisation, wrong training loops fail with the intended
message."""

from __future__ import annotations

import time

import numpy as np
import pytest

import autograder.hidden.deep_network_application as hidden
from autograder.reference import deep_network as dn
from autograder.reference import deep_network_application as ref
from utils import course
from utils.checks import CheckFailure
from utils.visible_checks import deep_network_application as visible

FUNCTIONS = course.assignment("deep_network_application").functions
SEEDS = ["1", "2", "3", "4"]


def _scale(scale, n_prev):
    return {"he": np.sqrt(2 / n_prev), "xavier": np.sqrt(1 / n_prev)}.get(scale, scale)


def make_model(
    name,
    *,
    scale="he",
    reversed_draws=False,
    record="before",
    update=True,
    transpose=False,
    fixed_depth=False,
    use_learning_rate=True,
    use_rng=True,
    hidden_activation="relu",
):
    """A training loop in the spirit of a student's, right or wrong as the flags say.

    Parameters
    ----------
    name : str
        The graded function it stands for (messages name it).
    scale : float or {"he", "xavier"}
        Initial weight scale (any of them is a correct choice for a shallow network).
    reversed_draws : bool
        Draw the layers' weights last to first with ``rng.normal``: another order of random
        calls, still correct.
    record : {"before", "off_by_one", "plus_one", "every", "also_last", "after"}
        When the cost is recorded; only ``"before"`` is right.
    update : bool
        False: the parameters ``update_parameters`` returns are thrown away.
    transpose : bool
        Return every ``W{l}`` transposed.
    fixed_depth : bool
        Build ``[n_x, n[1], n[L]]`` whatever the length of ``layers_dims``.
    use_learning_rate : bool
        False: step with the default 0.0075 whatever ``learning_rate`` says.
    use_rng : bool
        False: initialise from a new ``default_rng()`` instead of ``rng``.
    hidden_activation : str
        The hidden layers' activation (the course asks for relu).
    """

    def model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False,
              rng=None):  # fmt: skip
        if rng is None or not use_rng:
            rng = np.random.default_rng()
        dims = list(layers_dims)
        if fixed_depth:
            dims = [dims[0], dims[1], dims[-1]]
        if reversed_draws:
            parameters = {}
            for l in reversed(range(1, len(dims))):  # noqa: E741
                parameters[f"W{l}"] = rng.normal(
                    0, _scale(scale, dims[l - 1]), (dims[l], dims[l - 1])
                )
                parameters[f"b{l}"] = np.zeros((dims[l], 1))
        else:
            parameters = dn.initialize_parameters_deep(dims, scale=scale, rng=rng)
        rate = learning_rate if use_learning_rate else 0.0075
        costs = []
        steps = range(1, num_iterations + 1) if record == "off_by_one" else range(num_iterations)
        for i in steps:
            AL, caches = dn.L_model_forward(X, parameters, hidden_activation)
            cost = dn.compute_cost(AL, Y)
            grads = dn.L_model_backward(AL, Y, caches, hidden_activation)
            new_parameters = dn.update_parameters(parameters, grads, rate)
            if update:
                parameters = new_parameters
            due = {
                "before": i % 100 == 0,
                "off_by_one": i % 100 == 0,
                "plus_one": (i + 1) % 100 == 0,
                "every": True,
                "also_last": i % 100 == 0 or i == num_iterations - 1,
                "after": i % 100 == 0,
            }[record]
            if due and record == "after":
                cost = dn.compute_cost(dn.L_model_forward(X, parameters, hidden_activation)[0], Y)
            if due:
                costs.append(cost)
        if transpose:
            parameters = {k: v.T if k[0] == "W" else v for k, v in parameters.items()}
        return parameters, costs

    model.__name__ = name
    return model


def coursera_two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000,
                             print_cost=False, rng=None):  # fmt: skip
    """A correct 2-layer loop written layer by layer, with the dA2 formula of the sigmoid."""
    rng = np.random.default_rng() if rng is None else rng
    n_x, n_h, n_y = layers_dims
    p = dn.initialize_parameters_deep([n_x, n_h, n_y], scale=0.01, rng=rng)
    costs = []
    for i in range(num_iterations):
        A1, cache1 = dn.linear_activation_forward(X, p["W1"], p["b1"], "relu")
        A2, cache2 = dn.linear_activation_forward(A1, p["W2"], p["b2"], "sigmoid")
        cost = dn.compute_cost(A2, Y)
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = dn.linear_activation_backward(dA2, cache2, "sigmoid")
        _dA0, dW1, db1 = dn.linear_activation_backward(dA1, cache1, "relu")
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        p = dn.update_parameters(p, grads, learning_rate)
        if i % 100 == 0:
            costs.append(cost)
    return p, costs


coursera_two_layer_model.__name__ = "two_layer_model"


def _checks(name):
    return getattr(visible, f"check_{name}"), getattr(hidden, name)


# --------------------------------------------------------------------------------------------
# Right implementations pass, whatever their initialisation
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("seed", SEEDS)
def test_reference_passes_visible_and_hidden_checks(name, seed, monkeypatch, capsys):
    monkeypatch.setenv("AUTOGRADER_SEED", seed)
    check_visible, check_hidden = _checks(name)
    check_visible(getattr(ref, name))
    check_hidden(getattr(ref, name))
    printed = capsys.readouterr().out
    assert f"All visible checks of {name} passed" in printed
    assert f"Hidden checks of {name} passed" in printed


RIGHT = [
    ("two_layer_model", make_model("two_layer_model", scale="xavier")),
    ("two_layer_model", make_model("two_layer_model", scale=0.01)),
    ("two_layer_model", make_model("two_layer_model", reversed_draws=True)),
    ("two_layer_model", coursera_two_layer_model),
    ("L_layer_model", make_model("L_layer_model", scale="xavier")),
    ("L_layer_model", make_model("L_layer_model", reversed_draws=True)),
    ("L_layer_model", make_model("L_layer_model", scale="xavier", reversed_draws=True)),
]


@pytest.mark.parametrize("name, model", RIGHT)
@pytest.mark.parametrize("seed", SEEDS)
def test_other_initialisations_and_draw_orders_pass(name, model, seed, monkeypatch):
    """The checks never compare with the reference's random draws."""
    monkeypatch.setenv("AUTOGRADER_SEED", seed)
    check_visible, check_hidden = _checks(name)
    check_visible(model)
    check_hidden(model)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_hidden_check_takes_under_three_seconds(name, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", "5")
    start = time.process_time()
    getattr(hidden, name)(getattr(ref, name))
    assert time.process_time() - start < 3.0


def test_hidden_cases_are_fresh_random_tasks(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", "1")
    first = hidden.L_layer_model.cases()
    monkeypatch.setenv("AUTOGRADER_SEED", "2")
    second = hidden.L_layer_model.cases()
    assert [c.where for c in first] != [c.where for c in second]
    assert not np.array_equal(first[0].args[0], second[0].args[0])
    monkeypatch.setenv("AUTOGRADER_SEED", "1")
    assert [c.where for c in hidden.L_layer_model.cases()] == [c.where for c in first]


# --------------------------------------------------------------------------------------------
# Known mistakes fail the visible and the hidden check
# --------------------------------------------------------------------------------------------
WRONG = [
    # costs recorded at the wrong iterations
    (dict(record="off_by_one"), "`costs` should have 3 entries.*i % 100 == 0"),
    (dict(record="plus_one"), "`costs` should have 3 entries"),
    (dict(record="every"), "`costs` should have 3 entries"),
    (dict(record="also_last"), "`costs` should have 3 entries"),
    (dict(record="after"), "`costs\\[0\\]` has wrong values on X = 0.*ln 2"),
    # parameters never updated
    (dict(update=False), "`costs` should go down during training.*stayed the same"),
    # wrong shapes of parameters
    (dict(transpose=True), "`W1` should have shape.*transposed"),
    # the learning rate or the generator ignored
    (dict(use_learning_rate=False), "with learning_rate=0 the parameters"),
    (dict(use_rng=False), "generators of the same seed returned different `W1`"),
]


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("flags, message", WRONG)
def test_wrong_training_loop_fails_visible_and_hidden_checks(name, flags, message, monkeypatch):
    model = make_model(name, **flags)
    check_visible, check_hidden = _checks(name)
    with pytest.raises(CheckFailure, match=message):
        check_visible(model)
    for seed in SEEDS[:2]:
        monkeypatch.setenv("AUTOGRADER_SEED", seed)
        with pytest.raises(CheckFailure):
            check_hidden(model)


def test_network_ignoring_the_depth_of_layers_dims_fails(monkeypatch):
    model = make_model("L_layer_model", fixed_depth=True)
    with pytest.raises(CheckFailure, match="`parameters` should have the keys.*missing \\['W3'"):
        visible.check_L_layer_model(model)
    for seed in SEEDS:
        monkeypatch.setenv("AUTOGRADER_SEED", seed)
        with pytest.raises(CheckFailure, match="missing \\['W3'"):
            hidden.L_layer_model(model)


HIDDEN_ONLY = [
    # Mistakes no init-free visible check can see, but the replay and the accuracy task can.
    ("two_layer_model", dict(hidden_activation="tanh"), "relu hidden layers"),
    ("L_layer_model", dict(hidden_activation="sigmoid"), "relu hidden layers"),
    ("two_layer_model", dict(scale=0.0), "accuracy on held-out points` is"),
]


@pytest.mark.parametrize("name, flags, message", HIDDEN_ONLY)
@pytest.mark.parametrize("seed", SEEDS[:2])
def test_hidden_checks_catch_what_visible_ones_cannot(name, flags, message, seed, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", seed)
    with pytest.raises(CheckFailure, match=message):
        getattr(hidden, name)(make_model(name, **flags))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_cost_recorded_after_the_update_is_named_by_the_hidden_check(name, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", "1")
    with pytest.raises(CheckFailure, match="cost after the update instead of before"):
        getattr(hidden, name)(make_model(name, record="after"))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_stub_fails_with_not_implemented(name, monkeypatch):
    def stub(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False,
             rng=None):  # fmt: skip
        raise NotImplementedError()

    stub.__name__ = name
    check_visible, check_hidden = _checks(name)
    with pytest.raises(CheckFailure, match="not implemented yet"):
        check_visible(stub)
    monkeypatch.setenv("AUTOGRADER_SEED", "1")
    with pytest.raises(CheckFailure, match="not implemented yet"):
        check_hidden(stub)


def test_hidden_messages_never_show_reference_values(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", "3")
    with pytest.raises(CheckFailure) as failure:
        hidden.two_layer_model(make_model("two_layer_model", hidden_activation="tanh"))
    assert "expected:" not in str(failure.value)
