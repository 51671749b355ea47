"""The decision-boundary explorer without a browser: controller, controls, JSON state,
messages for unwritten functions, training with the reference functions, and the widget
state a notebook run saves (nbclient)."""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import pathlib

import nbformat
import numpy as np
import pytest

import autograder.reference.deep_network as deep_ref
import autograder.reference.shallow_network as shallow_ref
from utils import explorer
from utils.datasets import load_planar

DEMO = pathlib.Path(__file__).parent / "notebooks" / "explorer_demo.ipynb"
SHALLOW_FUNCS = (
    shallow_ref.initialize_parameters,
    shallow_ref.forward_propagation,
    shallow_ref.backward_propagation,
    shallow_ref.update_parameters,
)
DEEP_FUNCS = (
    deep_ref.initialize_parameters_deep,
    deep_ref.L_model_forward,
    deep_ref.L_model_backward,
    deep_ref.update_parameters,
)


def shallow(**options):
    return explorer.shallow_explorer(
        *SHALLOW_FUNCS, compute_cost=shallow_ref.compute_cost, **options
    )


def deep(**options):
    return explorer.deep_explorer(*DEEP_FUNCS, compute_cost=deep_ref.compute_cost, **options)


def controller(kind="shallow", **settings):
    funcs = SHALLOW_FUNCS if kind == "shallow" else DEEP_FUNCS
    cost = shallow_ref.compute_cost if kind == "shallow" else deep_ref.compute_cost
    net_class = explorer.ShallowNetwork if kind == "shallow" else explorer.DeepNetwork
    base = explorer._default_settings(kind)
    for key, value in settings.items():
        setattr(base, key, value)
    return explorer.Explorer(net_class(*funcs, cost), base, grid_size=40)


# --------------------------------------------------------------------------------------------
# Features
# --------------------------------------------------------------------------------------------
X_SMALL = np.array([[1.0, -2.0, 0.5, 0.0], [3.0, 0.0, -1.0, np.pi / 2]])


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("x1", [1.0, -2.0, 0.5, 0.0]),
        ("x2", [3.0, 0.0, -1.0, np.pi / 2]),
        ("x1^2", [1.0, 4.0, 0.25, 0.0]),
        ("x2^2", [9.0, 0.0, 1.0, np.pi**2 / 4]),
        ("x1*x2", [3.0, -0.0, -0.5, 0.0]),
        ("sin(x1)", [np.sin(1.0), np.sin(-2.0), np.sin(0.5), 0.0]),
        ("sin(x2)", [np.sin(3.0), 0.0, np.sin(-1.0), 1.0]),
    ],
)
def test_each_feature_is_its_formula(key, expected):
    F = explorer.feature_matrix(X_SMALL, [key])
    assert F.shape == (1, 4)
    np.testing.assert_allclose(F[0], expected, rtol=1e-12, atol=1e-15)


def test_features_stack_in_the_order_asked():
    F = explorer.feature_matrix(X_SMALL, ["x2^2", "x1"])
    np.testing.assert_allclose(F, np.vstack([X_SMALL[1] ** 2, X_SMALL[0]]))


def test_network_inputs_are_standardised_features_of_the_training_set():
    c = controller(features=["x1", "x1^2", "sin(x2)"])
    assert c.X_train.shape == (3, c.Y_train.shape[1])
    np.testing.assert_allclose(c.X_train.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(c.X_train.std(axis=1), 1, rtol=1e-12)
    # Test and grid points use the training set's statistics, not their own.
    raw = explorer.feature_matrix(c.X_raw_test, c.settings.features)
    np.testing.assert_allclose(c.X_test, c.standardise(raw))
    assert c.X_grid.shape == (3, 40 * 40)
    assert c.layer_dims == [3, 4, 1]


def test_data_is_the_course_planar_data_split_by_train_percent():
    c = controller(dataset="moons", noise=0.3, train_percent=30, data_seed=5)
    X, Y = load_planar("moons", m=400, noise=0.3, seed=5)
    got = np.hstack([c.X_raw_train, c.X_raw_test])
    assert c.X_raw_train.shape == (2, 120) and c.Y_test.shape == (1, 280)
    # The same points and labels, in another order.
    key = lambda A, L: sorted(zip(A[0].round(12), A[1].round(12), L[0], strict=True))  # noqa: E731
    assert key(got, np.hstack([c.Y_train, c.Y_test])) == key(X, Y)
    x0, x1, y0, y1 = c.domain
    assert x0 < X[0].min() and X[0].max() < x1 and y0 < X[1].min() and X[1].max() < y1
    assert x1 - x0 == pytest.approx(y1 - y0)  # square box: circles stay round


# --------------------------------------------------------------------------------------------
# Reset rules
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "what"),
    [
        ({"dataset": "circles"}, "data"),
        ({"noise": 0.35}, "data"),
        ({"train_percent": 70}, "data"),
        ({"data_seed": 9}, "data"),
        ({"features": ["x1", "x2", "x1*x2"]}, "network"),
        ({"hidden": [7]}, "network"),
        ({"activation": "relu"}, "network"),
        ({"init_seed": 3}, "network"),
        ({"learning_rate": 0.3}, "view"),
        ({"epochs_per_frame": 50}, "view"),
        ({"show_test": True}, "view"),
        ({"discretize": True}, "view"),
        ({"hide_controls": True}, "view"),
        ({"noise": 0.2}, "view"),  # the value it already has: nothing changes
    ],
)
def test_reset_rules(change, what):
    c = controller()
    c.train(30)
    c.frame()
    before = copy.deepcopy(c.parameters)
    X_before = c.X_raw_train.copy()
    assert c.update(**change) == what
    for key, value in change.items():
        assert getattr(c.settings, key) == value
    if what == "view":
        assert c.epoch == 30 and len(c.history) == 1
        assert all(np.array_equal(before[k], c.parameters[k]) for k in before)
    else:
        assert c.epoch == 0 and c.history == []
    assert np.array_equal(X_before, c.X_raw_train) == (what != "data")


def test_reset_draws_a_new_network_on_the_same_data():
    c = controller()
    c.train(20)
    first, X = copy.deepcopy(c.parameters), c.X_raw_train.copy()
    c.reset()
    assert c.epoch == 0 and c.settings.init_seed == 1
    assert not np.array_equal(first["W1"], c.parameters["W1"])
    assert np.array_equal(X, c.X_raw_train)


def test_regenerate_draws_new_data_of_the_same_kind():
    c = controller(dataset="xor")
    X = c.X_raw_train.copy()
    c.regenerate()
    assert c.settings.data_seed == 2 and c.settings.dataset == "xor"
    assert not np.array_equal(X, c.X_raw_train)


@pytest.mark.parametrize(
    "change",
    [
        {"dataset": "rings"},
        {"features": []},
        {"features": ["x3"]},
        {"activation": "gelu"},
        {"hidden": [4, 4]},
        {"hidden": [0]},
        {"train_percent": 100},
        {"bogus": 1},
    ],
)
def test_invalid_settings_are_refused_and_change_nothing(change):
    c = controller()
    before = copy.deepcopy(c.settings)
    with pytest.raises((ValueError, TypeError)):
        c.update(**change)
    assert c.settings == before


# --------------------------------------------------------------------------------------------
# Training with the reference functions
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dataset", ["flower", "moons", "xor"])
def test_shallow_training_lowers_the_cost(dataset):
    c = controller("shallow", dataset=dataset, hidden=[5])
    first = c.frame().train_value
    assert first == pytest.approx(np.log(2), abs=0.01)  # small weights: A close to 0.5
    assert c.train(2000) == 2000 and c.epoch == 2000
    last = c.frame()
    assert last.train_value < 0.6 * first
    assert [h[0] for h in c.history] == [0, 2000]


@pytest.mark.parametrize("activation", ["relu", "tanh", "leaky_relu", "sigmoid"])
def test_deep_training_lowers_the_cost(activation):
    lr = 1.2 if activation == "sigmoid" else 0.3
    c = controller("deep", dataset="moons", hidden=[8, 8], activation=activation, learning_rate=lr)
    first = c.frame().train_value
    c.train(1500)
    assert c.frame().train_value < 0.7 * first


def test_logistic_regression_solves_the_circles_with_squared_features():
    """No hidden layer (deep functions with hidden=[]): a linear boundary in (x1, x2) cannot
    separate a disc from a ring, one in (x1^2, x2^2) can."""
    linear = controller("deep", dataset="circles", hidden=[], learning_rate=1.2, noise=0.05)
    squared = controller(
        "deep",
        dataset="circles",
        hidden=[],
        learning_rate=1.2,
        noise=0.05,
        features=["x1^2", "x2^2"],
    )
    for c in (linear, squared):
        assert c.layer_dims[1:] == [1]
        c.train(1500)
    assert linear.frame().train_value > 0.6
    assert squared.frame().train_value < 0.15


def test_train_respects_the_time_budget():
    c = controller()
    done = c.train(10**6, budget=0.05)
    assert 1 <= done < 10**6 and c.epoch == done


def test_frame_grid_is_uint8_probabilities():
    c = controller()
    c.train(500)
    f = c.frame()
    grid = np.frombuffer(f.grid, dtype=np.uint8)
    assert grid.size == 40 * 40
    A, _ = shallow_ref.forward_propagation(c.X_grid, c.parameters, "tanh")
    np.testing.assert_array_equal(grid, np.rint(A[0] * 255).astype(np.uint8))
    pts = np.frombuffer(c.points_bytes(), dtype=np.float32).reshape(-1, 3)
    assert pts.shape == (400, 3)
    assert (pts[:, :2] > 0).all() and (pts[:, :2] < 1).all()
    assert set(np.unique(pts[:, 2])) == {0.0, 1.0, 2.0, 3.0}  # labels, +2 for test points


def test_history_is_thinned_but_keeps_first_and_latest():
    c = controller()
    c.frame()
    for _ in range(explorer.MAX_HISTORY * 2 + 7):
        c.train(1)
        c.frame()
    assert len(c.history) <= explorer.MAX_HISTORY + 1
    assert c.history[0][0] == 0 and c.history[-1][0] == c.epoch
    epochs = [h[0] for h in c.history]
    assert epochs == sorted(set(epochs))


def test_without_compute_cost_the_curves_show_the_error_rate():
    net = explorer.ShallowNetwork(*SHALLOW_FUNCS)
    c = explorer.Explorer(net, grid_size=20)
    assert c.metric == "error rate"
    c.train(1500)
    f = c.frame()
    assert 0 <= f.train_value < 0.3 and 0 <= f.test_value <= 1


def test_divergence_pauses_with_a_message():
    def exploding_update(parameters, grads, learning_rate):
        return {k: v * np.inf for k, v in parameters.items()}

    funcs = (*SHALLOW_FUNCS[:3], exploding_update)
    app = explorer.shallow_explorer(*funcs, compute_cost=shallow_ref.compute_cost)
    app.play()
    app.tick()
    assert not app.playing
    assert "diverged" in app.message and "learning rate" in app.message
    assert app.canvas.message == app.message and app.canvas.grid == b""


def test_the_explorer_computes_no_cost_itself():
    """The cost curves come from the compute_cost given: no cross-entropy in the package."""
    modules = sorted(pathlib.Path(explorer.__file__).parent.glob("*.py"))
    assert len(modules) > 1  # every module of the package, not its __init__ alone
    for module in modules:
        source = module.read_text()
        assert "np.log" not in source and "log(" not in source, module.name


# --------------------------------------------------------------------------------------------
# Functions not written yet, and broken ones
# --------------------------------------------------------------------------------------------
def stub(*args, **kwargs):
    raise NotImplementedError()


def activation_forward(Z, activation):
    raise NotImplementedError()


def forward_with_unwritten_helper(X, parameters, activation="tanh"):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = activation_forward(Z1, activation)
    return A1, {}


@pytest.mark.parametrize(
    ("replace", "named"),
    [
        ({0: stub, 1: stub, 2: stub, 3: stub, "cost": stub}, "initialize_parameters"),
        ({1: stub, 2: stub, 3: stub}, "forward_propagation"),
        ({"cost": stub, 2: stub}, "compute_cost"),
        ({2: stub, 3: stub}, "backward_propagation"),
        ({3: stub}, "update_parameters"),
        ({1: forward_with_unwritten_helper}, "activation_forward"),
    ],
)
def test_unwritten_function_is_named_instead_of_failing(replace, named):
    funcs = [replace.get(i, f) for i, f in enumerate(SHALLOW_FUNCS)]
    app = explorer.shallow_explorer(
        *funcs, compute_cost=replace.get("cost", shallow_ref.compute_cost)
    )
    msg = app.message
    assert msg.startswith(f"Write `{named}` first")
    assert "NotImplementedError" in msg and "run this cell again" in msg
    if named == "activation_forward":
        assert "through `forward_propagation`" in msg
    assert app.canvas.message == msg and app.canvas.grid == b""
    assert app.controls["play"].disabled and app.controls["step"].disabled
    app.play()
    app.step()
    assert not app.playing and app.epoch == 0


def test_unwritten_deep_functions_are_named():
    app = explorer.deep_explorer(DEEP_FUNCS[0], stub, stub, stub)
    assert app.message.startswith("Write `L_model_forward` first")
    app = explorer.deep_explorer(*DEEP_FUNCS[:3], stub)
    assert app.message.startswith("Write `update_parameters` first")


def test_bugs_are_reported_with_the_function_and_the_error():
    def forward_rank1(X, parameters, activation="tanh"):
        A2, cache = shallow_ref.forward_propagation(X, parameters, activation)
        return A2.ravel(), cache

    def backward_broken(parameters, cache, X, Y, activation="tanh"):
        return {"dW1": parameters["W1"] @ X @ X}  # shapes do not fit

    def update_in_place(parameters, grads, learning_rate):
        parameters["W1"] -= learning_rate * grads["dW1"]

    f = list(SHALLOW_FUNCS)
    msg = explorer.shallow_explorer(f[0], forward_rank1, *f[2:]).message
    assert "`forward_propagation` returned an output of shape (" in msg and "expected (1," in msg
    msg = explorer.shallow_explorer(*f[:2], backward_broken, f[3]).message
    assert msg.startswith("`backward_propagation` raised ValueError") and "line" in msg
    msg = explorer.shallow_explorer(*f[:3], update_in_place).message
    assert "`update_parameters` returned NoneType" in msg


# --------------------------------------------------------------------------------------------
# Controls (ipywidgets without a kernel: setting a value runs the handlers at once)
# --------------------------------------------------------------------------------------------
def test_sliders_and_menus_change_the_settings_and_draw():
    app = shallow()
    app.step(5)
    frame = app.canvas.frame
    app.controls["noise"].value = 0.3
    assert app.settings.noise == 0.3 and app.epoch == 0 and app.canvas.frame == frame + 1
    app.controls["dataset"].value = "spiral"
    app.controls["train_percent"].value = 80
    app.controls["activation"].value = "relu"
    app.controls["units"][0].value = 9
    app.step(3)
    app.controls["learning_rate"].value = 0.3
    app.controls["epochs_per_frame"].value = 50
    s = app.settings
    assert (s.dataset, s.train_percent, s.activation, s.hidden) == ("spiral", 80, "relu", [9])
    assert (s.learning_rate, s.epochs_per_frame) == (0.3, 50)
    assert app.epoch == 3  # learning rate and speed keep the trained network
    assert app.controller.X_raw_train.shape[1] == 320


def test_view_options_reach_the_canvas():
    app = shallow()
    app.controls["show_test"].value = True
    app.controls["discretize"].value = True
    assert app.canvas.show_test and app.canvas.discretize
    assert app.settings.show_test and app.settings.discretize


def test_feature_toggles_and_at_least_one_feature():
    app = shallow()
    toggles = app.controls["features"]
    toggles["x1^2"].value = True
    assert app.settings.features == ["x1", "x2", "x1^2"]
    assert app.controller.layer_dims == [3, 4, 1]
    for key in ("x1", "x2", "x1^2"):
        toggles[key].value = False
    assert app.settings.features == ["x1^2"]  # the last one stays on
    assert toggles["x1^2"].value


def test_shallow_network_has_one_hidden_layer_or_none():
    app = shallow()
    layers = app.controls["layers"]
    assert (layers.min, layers.max, layers.value) == (0, 1, 1) and not layers.disabled
    assert len(app.controls["units"]) == 1
    assert app.controls["init_scale"].layout.display == "none"
    layers.value = 0  # logistic regression: no unit slider, no hidden activation to choose
    assert app.settings.hidden == [] and app.controls["units_box"].children == ()
    assert app.controls["activation"].disabled and app.message == ""
    layers.value = 1
    assert app.settings.hidden == [4] and not app.controls["activation"].disabled


def test_deep_layers_slider_adds_and_removes_unit_sliders():
    app = deep()
    assert app.settings.hidden == [8, 8]
    app.controls["layers"].value = 4
    assert app.settings.hidden == [8, 8, 8, 8]
    assert len(app.controls["units_box"].children) == 4
    app.controls["units"][2].value = 3
    assert app.settings.hidden == [8, 8, 3, 8]
    assert app.controller.layer_dims == [2, 8, 8, 3, 8, 1]
    app.controls["layers"].value = 0
    assert app.settings.hidden == [] and app.controller.layer_dims == [2, 1]
    assert app.controls["units_box"].children == ()
    app.controls["init_scale"].value = "xavier"
    assert app.settings.init_scale == "xavier" and app.message == ""


def test_buttons_play_pause_step_reset_and_the_epoch_counter():
    app = shallow(epochs_per_frame=5)
    app.controls["step"].click()
    assert app.epoch == 1 and app.canvas.epoch == 1
    app.controls["play"].click()  # no event loop here: tick() advances the clock
    assert app.playing and app.controls["play"].disabled and not app.controls["pause"].disabled
    assert app.canvas.playing
    app.tick()
    assert 2 <= app.epoch <= 6 and app.canvas.epoch == app.epoch
    app.controls["pause"].click()
    assert not app.playing and not app.canvas.playing
    epoch = app.epoch
    app.tick()
    assert app.epoch == epoch
    app.controls["reset"].click()
    assert app.epoch == 0 and app.settings.init_seed == 1
    app.controls["regenerate"].click()
    assert app.settings.data_seed == 2 and app.epoch == 0


def test_hide_controls_keeps_only_picture_and_buttons():
    app = shallow(hide_controls=True)
    assert all(p.layout.display == "none" for p in app._panels)
    assert app.settings.hide_controls
    app.controls["hide"].value = False
    assert all(p.layout.display == "" for p in app._panels)
    assert not app.settings.hide_controls


def test_play_trains_on_an_asyncio_clock():
    async def run():
        app = shallow(epochs_per_frame=2)
        app.play()
        for _ in range(200):
            await asyncio.sleep(0.01)
            if app.canvas.frame >= 6:
                break
        app.pause()
        await asyncio.sleep(0.1)
        return app

    app = asyncio.run(run())
    assert app.epoch >= 8 and not app.playing and app._task is None


def test_training_waits_for_a_browser_that_lags():
    app = shallow()
    app._on_canvas_msg(app.canvas, {"event": "drawn", "frame": app.canvas.frame}, [])
    assert not app._waiting_for_browser()
    app._push()
    app._push()
    assert app._waiting_for_browser()  # two frames not drawn yet
    app._on_canvas_msg(app.canvas, {"event": "drawn", "frame": app.canvas.frame}, [])
    assert not app._waiting_for_browser()


def test_training_pauses_when_the_browser_stops_drawing():
    async def run():
        app = shallow()
        app.PAUSE_UNSEEN_AFTER = 0.2
        app.play()
        await asyncio.sleep(0.05)
        app._on_canvas_msg(app.canvas, {"event": "drawn", "frame": app.canvas.frame}, [])
        for _ in range(100):  # no more acknowledgements: the view is gone
            await asyncio.sleep(0.02)
            if not app.playing:
                break
        return app

    app = asyncio.run(run())
    assert not app.playing and not app.controls["play"].disabled and app.message == ""


# --------------------------------------------------------------------------------------------
# The whole state as JSON
# --------------------------------------------------------------------------------------------
def test_json_round_trip_restores_everything(tmp_path):
    app = deep(
        dataset="moons",
        hidden=[5, 3],
        features=["x1", "x2", "sin(x1)"],
        learning_rate=0.1,
        show_test=True,
        discretize=True,
    )
    app.controls["noise"].value = 0.25
    app.step(40)
    text = app.to_json()
    state = json.loads(text)
    assert state["kind"] == "deep" and state["epoch"] == 40
    assert set(state["parameters"]) == {"W1", "b1", "W2", "b2", "W3", "b3"}

    other = deep()
    other.load(text)
    assert other.state() == state
    assert other.canvas.grid == app.canvas.grid and other.canvas.points == app.canvas.points
    assert other.controls["noise"].value == 0.25 and other.controls["layers"].value == 2
    assert other.controls["discretize"].value and other.controls["features"]["sin(x1)"].value
    other.step(10)
    app.step(10)
    assert other.state() == app.state()  # training goes on exactly as before the save

    path = app.save(tmp_path / "state.json")
    third = deep(state=path)
    assert third.state() == app.state()
    assert deep(state=app.state()).state() == app.state()


def test_saved_state_loads_with_hidden_controls(tmp_path):
    app = shallow()
    app.controls["hide"].value = True
    path = app.save(tmp_path / "lecture.json")
    again = shallow(state=path)
    assert again.settings.hide_controls and again.controls["hide"].value
    assert all(p.layout.display == "none" for p in again._panels)


def test_save_and_load_buttons(tmp_path):
    app = shallow()
    app.step(12)
    app.controls["state_file"].value = str(tmp_path / "s.json")
    app.controls["save"].click()
    assert "Saved" in app.controls["file_status"].value
    other = shallow()
    other.controls["state_file"].value = str(tmp_path / "s.json")
    other.controls["load"].click()
    assert other.epoch == 12 and other.state() == app.state()
    other.controls["state_file"].value = str(tmp_path / "missing.json")
    other.controls["load"].click()
    assert "Could not load" in other.controls["file_status"].value


def test_settings_outside_the_controls_ranges_are_shown_as_they_are():
    app = deep(noise=0.8, train_percent=95, init_scale=0.5, learning_rate=0.05, epochs_per_frame=7)
    c = app.controls
    assert (c["noise"].value, c["train_percent"].value, c["init_scale"].value) == (0.8, 95, 0.5)
    assert (c["learning_rate"].value, c["epochs_per_frame"].value) == (0.05, 7)
    other = deep()
    other.load(app.state())
    assert other.controls["init_scale"].value == 0.5 and other.controls["noise"].value == 0.8


def test_state_of_another_network_kind_is_refused():
    state = deep(hidden=[4, 4]).state()
    with pytest.raises(ValueError, match="one hidden layer"):
        shallow().load(state)


# --------------------------------------------------------------------------------------------
# The notebook run (nbclient) saves the widget state: a reopened notebook shows the last frame
# --------------------------------------------------------------------------------------------
def test_demo_notebook_saves_the_last_frame_in_its_widget_state(tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(DEMO, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "ex.controls['noise'].value = 0.3\n"
            "ex.controls['units'][0].value = 6\n"
            "ex.controls['show_test'].value = True\n"
            "ex.step(25)\n"
            "assert ex.message == '', ex.message"
        )
    )
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()

    states = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    canvases = [
        s
        for s in states.values()
        if s["state"].get("_anywidget_id") == "utils.explorer.ExplorerCanvas"
    ]
    assert len(canvases) == 1
    canvas = canvases[0]
    st = canvas["state"]
    assert st["epoch"] == 25 and st["frame"] >= 5 and st["message"] == ""
    assert st["show_test"] is True and st["grid_size"] == explorer.GRID_SIZE
    assert "export default" in st["_esm"]  # the drawing code travels with the notebook
    buffers = {tuple(b["path"]): base64.b64decode(b["data"]) for b in canvas["buffers"]}
    assert len(buffers[("grid",)]) == explorer.GRID_SIZE**2
    assert len(buffers[("points",)]) == 400 * 3 * 4
    history = np.frombuffer(buffers[("history",)], dtype=np.float32).reshape(-1, 3)
    assert history[-1][0] == 25
    noise = [
        s["state"]
        for s in states.values()
        if "explorer-noise" in s["state"].get("_dom_classes", [])
    ]
    assert noise[0]["value"] == 0.3
    # The output of the explorer's cell points at the saved root box.
    view = nb.cells[2].outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]
    assert "explorer" in states[view["model_id"]]["state"]["_dom_classes"]


# --------------------------------------------------------------------------------------------
# The optional server extension (TCP_NODELAY on kernel websockets)
# --------------------------------------------------------------------------------------------
def test_server_extension_sets_nodelay_before_opening(monkeypatch):
    import logging
    from types import SimpleNamespace

    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    from utils import explorer_server

    calls = []

    async def fake_open(self, kernel_id):
        calls.append(("open", kernel_id))

    monkeypatch.setattr(KernelWebsocketHandler, "open", fake_open)
    monkeypatch.setattr(KernelWebsocketHandler, "_explorer_nodelay", False, raising=False)
    app = SimpleNamespace(log=logging.getLogger("test"))
    assert explorer_server._jupyter_server_extension_points() == [
        {"module": "utils.explorer_server"}
    ]
    explorer_server._load_jupyter_server_extension(app)
    explorer_server._load_jupyter_server_extension(app)  # loading twice patches once

    handler = SimpleNamespace(set_nodelay=lambda value: calls.append(("nodelay", value)))
    asyncio.run(KernelWebsocketHandler.open(handler, "k1"))
    assert calls == [("nodelay", True), ("open", "k1")]
