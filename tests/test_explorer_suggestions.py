"""What the notebooks tell students to try in the explorer is reachable with its controls, and
the data sets look like their names at their defaults.

The suggestions are read from the notebooks themselves: the "Things to try" list in the
markdown cell above each explorer, and the explorer call below it (its data set, network and
learning rate are where "the same network" starts). Each suggestion is then set through the
widget's controls, as a student would, with the reference functions behind the explorer.
"""

from __future__ import annotations

import ast
import itertools
import pathlib
import re

import nbformat
import numpy as np
import pytest

import autograder.reference.deep_network as deep_ref
import autograder.reference.shallow_network as shallow_ref
from utils import explorer, plotting
from utils.datasets import load_planar

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: The notebooks with an explorer, and which one each holds.
EXPLORER_NOTEBOOKS = {
    "03_shallow_network": "shallow_explorer",
    "05_deep_network_application": "deep_explorer",
}
FUNCS = {
    "shallow_explorer": (
        shallow_ref.initialize_parameters,
        shallow_ref.forward_propagation,
        shallow_ref.backward_propagation,
        shallow_ref.update_parameters,
        shallow_ref.compute_cost,
    ),
    "deep_explorer": (
        deep_ref.initialize_parameters_deep,
        deep_ref.L_model_forward,
        deep_ref.L_model_backward,
        deep_ref.update_parameters,
        deep_ref.compute_cost,
    ),
}


# --------------------------------------------------------------------------------------------
# Reading the suggestions from the notebooks
# --------------------------------------------------------------------------------------------
def explorer_cells(assignment: str) -> tuple[str, ast.Call]:
    """The markdown cell above the explorer call and the call itself (parsed)."""
    nb = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    name = EXPLORER_NOTEBOOKS[assignment]
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and f"explorer.{name}(" in cell.source:
            markdown = next(c for c in reversed(nb.cells[:i]) if c.cell_type == "markdown")
            call = next(
                node
                for node in ast.walk(ast.parse(cell.source))
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == name
            )
            return markdown.source, call
    raise AssertionError(f"{assignment}: no cell calls explorer.{name}")


def suggestions(markdown: str) -> list[str]:
    """The bullets of the "Things to try" list, each joined into one line."""
    assert "Things to try" in markdown, "the explorer's markdown has no 'Things to try' list"
    after = markdown.split("Things to try", 1)[1]
    bullets = re.findall(r"^\* (.+?)(?=^\* |^\s*$|\Z)", after, flags=re.M | re.S)
    return [" ".join(b.split()) for b in bullets]


FEATURE_WORDS = {  # how the notebooks write the features, to the explorer's keys
    r"x[1\u2081]\u00b2": "x1^2",
    r"x[2\u2082]\u00b2": "x2^2",
    r"x[1\u2081]\s*[*\u00b7]\s*x[2\u2082]": "x1*x2",
    r"sin\s*\(?x[1\u2081]": "sin(x1)",
    r"sin\s*\(?x[2\u2082]": "sin(x2)",
}
NUMBER_WORDS = {"ten": 10.0, "two": 2.0, "three": 3.0, "hundred": 100.0}


def settings_of(bullet: str, base_rate: float) -> list[dict]:
    """The settings a suggestion asks for: one dict of changes per variant it names, in order.

    "the moons and the XOR data with tanh, then with ReLU" gives four variants (each data set
    with each activation); "the flower with 1, 2, 4 and 20 hidden units" four networks.
    """
    text = bullet.replace("**", "")
    datasets = [
        key
        for key in explorer.DATASETS
        if re.search(rf"\b{re.escape(explorer.DATASETS[key])}\b", text, re.I)
    ]
    hidden: list[list[int]] = []
    if re.search(r"\bno hidden layer", text, re.I):
        hidden.append([])
    for widths in re.findall(r"`(\d+(?:\s*,\s*\d+)*)`\s*(?:[\w ]+?\s)?units", text):
        hidden.append([int(n) for n in widths.split(",")])
    for width in re.findall(r"single (?:hidden )?layer of (\d+)", text):
        hidden.append([int(width)])
    for sizes in re.findall(r"((?:\d+(?:,\s*|\s+and\s+|\s+or\s+))*\d+) hidden units", text):
        hidden.extend([int(n)] for n in re.findall(r"\d+", sizes))
    activations = [
        key
        for key, pattern in (
            ("leaky_relu", r"leaky\s*relu"),
            ("relu", r"(?<!leaky )\brelu\b"),
            ("tanh", r"\btanh\b"),
            ("sigmoid", r"\bsigmoid\b"),
        )
        if re.search(pattern, text, re.I)
    ]
    rates = [float(r) for r in re.findall(r"learning rate (?:of|=)\s*([0-9.]+)", text)]
    for word, direction in re.findall(r"(\w+) times (larger|smaller)", text):
        factor = NUMBER_WORDS.get(word.lower()) or float(word)
        rates.append(round(base_rate * factor if direction == "larger" else base_rate / factor, 12))
    features = [key for pattern, key in FEATURE_WORDS.items() if re.search(pattern, text)]

    options = {
        "dataset": datasets,
        "hidden": hidden,
        "activation": activations,
        "learning_rate": rates,
    }
    chosen = {k: v for k, v in options.items() if v}
    variants = [
        dict(zip(chosen, values, strict=True)) for values in itertools.product(*chosen.values())
    ]
    if features:
        variants = [{**v, "features_on": features} for v in variants or [{}]]
    return variants


# --------------------------------------------------------------------------------------------
# Setting them through the controls, as a student would
# --------------------------------------------------------------------------------------------
def apply_with_controls(app: explorer.BoundaryExplorer, variant: dict) -> None:
    c = app.controls
    if "dataset" in variant:
        c["dataset"].value = variant["dataset"]
    if "hidden" in variant:
        c["layers"].value = len(variant["hidden"])
        for slider, n in zip(c["units"], variant["hidden"], strict=True):
            slider.value = n
    if "activation" in variant:
        c["activation"].value = variant["activation"]
    for key in variant.get("features_on", []):
        c["features"][key].value = True
    if "learning_rate" in variant:
        rate = variant["learning_rate"]
        if rate in c["learning_rate"].options:
            c["learning_rate"].value = rate
        else:  # any other value goes through the text box
            c["learning_rate_text"].value = rate


def make_explorer(call: ast.Call) -> explorer.BoundaryExplorer:
    """The explorer the notebook's cell builds, on the reference functions."""
    name = call.func.attr
    options = {
        kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg != "compute_cost"
    }
    *funcs, cost = FUNCS[name]
    return getattr(explorer, name)(*funcs, compute_cost=cost, grid_size=16, **options)


def notebook_suggestions(assignment: str):
    markdown, call = explorer_cells(assignment)
    app = make_explorer(call)
    bullets = suggestions(markdown)
    return app, [(b, settings_of(b, app.settings.learning_rate)) for b in bullets]


@pytest.mark.parametrize("assignment", sorted(EXPLORER_NOTEBOOKS))
def test_every_suggestion_of_the_notebook_is_reachable_with_the_controls(assignment):
    app, parsed = notebook_suggestions(assignment)
    assert len(parsed) >= 3, f"{assignment}: too few suggestions read: {parsed}"
    for bullet, variants in parsed:
        assert variants, f"{assignment}: no setting recognised in the suggestion {bullet!r}"
        for variant in variants:
            apply_with_controls(app, variant)
            s = app.settings
            got = {
                "dataset": s.dataset,
                "hidden": s.hidden,
                "activation": s.activation,
                "learning_rate": s.learning_rate,
            }
            wanted = {k: v for k, v in variant.items() if k != "features_on"}
            assert {k: got[k] for k in wanted} == wanted, f"{assignment}: {bullet!r}"
            assert set(variant.get("features_on", [])) <= set(s.features), bullet
            # The controls show it, and the network it describes runs.
            assert app.controls["learning_rate_text"].value == pytest.approx(s.learning_rate)
            assert app.controls["layers"].value == len(s.hidden)
            assert app.message == "", f"{bullet!r}: {app.message}"
            epoch = app.epoch
            app.step(2)
            assert app.epoch == epoch + 2


def test_the_suggestions_read_are_the_ones_written():
    """The reader itself, on the sentences of the notebooks (so a reader that finds nothing
    cannot pass the test above)."""
    _, p03 = notebook_suggestions("03_shallow_network")
    _, p05 = notebook_suggestions("05_deep_network_application")
    read = [v for _, variants in p03 + p05 for v in variants]
    assert {"hidden": [], "dataset": "circles", "features_on": ["x1^2", "x2^2"]} in read
    assert {"learning_rate": 10.0} in read
    assert {"dataset": "spiral", "hidden": [8, 8], "activation": "relu"} in read
    assert {"learning_rate": 3.0} in read and {"learning_rate": 0.03} in read
    assert [v["hidden"] for _, vs in p03[:1] for v in vs] == [[1], [2], [4], [20]]


def test_learning_rates_of_the_divergence_demos_are_on_the_slider():
    options = (
        explorer.BoundaryExplorer(explorer.DeepNetwork(*FUNCS["deep_explorer"]))
        .controls["learning_rate"]
        .options
    )
    assert 3.0 in options and max(options) >= 10.0 and min(options) <= 0.001


def test_typed_learning_rate_joins_the_slider_and_keeps_the_network():
    app = explorer.deep_explorer(*FUNCS["deep_explorer"][:4], grid_size=16)
    app.step(3)
    app.controls["learning_rate_text"].value = 0.42
    assert app.settings.learning_rate == 0.42 and app.epoch == 3
    assert app.controls["learning_rate"].value == 0.42
    app.controls["learning_rate"].value = 3.0
    assert app.controls["learning_rate_text"].value == 3.0 and app.settings.learning_rate == 3.0


# --------------------------------------------------------------------------------------------
# No hidden layer in the shallow explorer: logistic regression with the student's functions
# --------------------------------------------------------------------------------------------
def test_shallow_explorer_without_hidden_layer_is_logistic_regression():
    """With hidden=[] the shallow explorer trains exactly logistic regression by gradient
    descent, every step computed by 03's functions; compared with an independent loop."""
    app = explorer.shallow_explorer(
        *FUNCS["shallow_explorer"][:4],
        compute_cost=shallow_ref.compute_cost,
        dataset="moons",
        hidden=[],
        learning_rate=0.7,
        grid_size=16,
    )
    c = app.controller
    n_x = c.X_train.shape[0]
    p = c.parameters
    assert p["W1"].shape == (2 * n_x, n_x) and p["W2"].shape == (1, 2 * n_x)
    w, b = p["W2"][:, :n_x].copy(), float(p["b2"][0, 0])
    X, Y, m = c.X_train, c.Y_train, c.X_train.shape[1]
    for _ in range(40):
        A = 1 / (1 + np.exp(-(w @ X + b)))
        w, b = w - 0.7 * (A - Y) @ X.T / m, b - 0.7 * float(np.sum(A - Y)) / m
    app.step(40)
    p = c.parameters
    np.testing.assert_allclose(p["W2"][:, :n_x], w, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(p["W2"][:, n_x:], -w, rtol=1e-10, atol=1e-12)
    assert float(p["b2"][0, 0]) == pytest.approx(b, rel=1e-10)
    # Its boundary is a straight line: the grid's class changes along one line only.
    A_grid, _ = shallow_ref.forward_propagation(c.X_grid, p, "relu")
    np.testing.assert_allclose(A_grid, 1 / (1 + np.exp(-(w @ c.X_grid + b))), rtol=1e-10)


def test_shallow_logistic_regression_solves_the_circles_with_squared_features():
    """03's suggestion, trained: no hidden layer and x1², x2² separate the disc from the ring."""
    app = explorer.shallow_explorer(
        *FUNCS["shallow_explorer"][:4],
        compute_cost=shallow_ref.compute_cost,
        dataset="circles",
        hidden=[],
        features=["x1", "x2", "x1^2", "x2^2"],
        grid_size=16,
    )
    app.step(1500)
    assert app.controller.frame().test_value < 0.2


# --------------------------------------------------------------------------------------------
# Each data set looks like its name at its defaults
# --------------------------------------------------------------------------------------------
def spiral_run(hidden, epochs=3000, **settings):
    """Test cost of the 05 explorer's network on the spiral at the explorer's defaults."""
    app = explorer.deep_explorer(
        *FUNCS["deep_explorer"][:4],
        compute_cost=deep_ref.compute_cost,
        dataset="spiral",
        hidden=hidden,
        activation="relu",
        learning_rate=0.3,
        grid_size=16,
        **settings,
    )
    app.step(epochs)
    return app.controller.frame().test_value


@pytest.mark.parametrize(
    "seeds", [{"data_seed": 1, "init_seed": 0}, {"data_seed": 2, "init_seed": 1}]
)
def test_spiral_at_its_default_noise_is_learned_by_depth_not_by_a_line(seeds):
    """05's "depth pays off" experiment shows something: two visible arms, which [8, 8] ReLU
    units learn within 3000 epochs (a couple of minutes of Play), and a line cannot."""
    assert explorer.DEFAULT_NOISE["spiral"] <= 0.06
    deep = spiral_run([8, 8], **seeds)
    line = spiral_run([], epochs=1000, **seeds)
    assert deep < 0.15, f"[8, 8] ReLU: test cost {deep:.3f} after 3000 epochs"
    assert line > 0.55, f"logistic regression: test cost {line:.3f}"


def test_the_spiral_has_two_separate_arms_at_its_default_noise():
    """Each point is closer to a point of its own arm than to the other arm, for most points."""
    X, Y = load_planar("spiral", noise=explorer.DEFAULT_NOISE["spiral"])
    d = np.linalg.norm(X[:, :, None] - X[:, None, :], axis=0)
    np.fill_diagonal(d, np.inf)
    nearest = d.argmin(axis=1)
    assert np.mean(Y[0, nearest] == Y[0]) > 0.97


def test_choosing_a_data_set_brings_its_default_noise():
    app = explorer.deep_explorer(*FUNCS["deep_explorer"][:4], grid_size=16)
    app.controls["noise"].value = 0.3
    app.controls["dataset"].value = "spiral"
    assert app.settings.noise == explorer.DEFAULT_NOISE["spiral"]
    assert app.controls["noise"].value == explorer.DEFAULT_NOISE["spiral"]
    app.controls["noise"].value = 0.1  # then the student's own noise holds
    assert app.settings.noise == 0.1
    opened = explorer.deep_explorer(*FUNCS["deep_explorer"][:4], dataset="spiral", grid_size=16)
    assert opened.settings.noise == explorer.DEFAULT_NOISE["spiral"]


# --------------------------------------------------------------------------------------------
# One colour per class
# --------------------------------------------------------------------------------------------
def test_explorer_draws_with_the_colours_of_the_plots():
    canvas = explorer.ExplorerCanvas()
    assert canvas.class_colours == list(plotting.CLASS_COLOURS)
    assert canvas.region_colours == list(plotting.REGION_COLOURS)
    assert canvas.region_alpha == plotting.REGION_ALPHA
    # The browser side takes them from the model: no class colour of its own.
    js = (ROOT / "utils" / "explorer" / "canvas.js").read_text()
    assert 'model.get("class_colours")' in js and "ORANGE" not in js
