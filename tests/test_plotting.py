"""utils.plotting: what the plots compute (grids, predictions, accuracies), not just that they
draw without an error."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from autograder.reference import shallow_network as ref  # noqa: E402
from utils import plotting  # noqa: E402
from utils.datasets import load_planar  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class Recorder:
    """A classifier in the course's layout that remembers every input it was given."""

    def __init__(self, rule):
        self.rule = rule
        self.inputs = []

    def __call__(self, X):
        self.inputs.append(np.array(X))
        return self.rule(X).astype(float).reshape(1, -1)


def right_half(X):
    return X[0:1, :] > 0.0


def _square_data(m=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (2, m))
    return X, right_half(X).astype(float)


@pytest.mark.parametrize("resolution", [2, 37, 100, plotting.MAX_RESOLUTION])
def test_predict_gets_one_grid_in_the_course_layout(resolution):
    X, Y = _square_data()
    predict = Recorder(right_half)
    result = plotting.plot_decision_boundary(predict, X, Y, resolution=resolution)
    grid, on_data = predict.inputs
    assert grid.shape == (2, resolution**2)
    assert grid.shape[1] <= 40_000
    assert np.array_equal(on_data, X)
    assert result.grid_predictions.shape == (resolution, resolution)
    assert result.x1.shape == result.x2.shape == (resolution,)


def test_default_grid_is_at_most_200_by_200_and_larger_is_refused():
    X, Y = _square_data()
    predict = Recorder(right_half)
    plotting.plot_decision_boundary(predict, X, Y)
    assert predict.inputs[0].shape == (2, 200 * 200)
    with pytest.raises(ValueError, match="between 2 and 200"):
        plotting.plot_decision_boundary(predict, X, Y, resolution=201)


def test_linear_classifier_colours_the_right_half_plane():
    X, Y = _square_data()
    result = plotting.plot_decision_boundary(Recorder(right_half), X, Y, resolution=50)
    # Column j of the grid is x1 = result.x1[j]: class 1 exactly where x1 > 0, on every row.
    expected_row = (result.x1 > 0).astype(float)
    assert np.array_equal(result.grid_predictions, np.tile(expected_row, (50, 1)))
    assert result.grid_predictions[:, -1].all() and not result.grid_predictions[:, 0].any()
    assert result.accuracy == 1.0


def test_rows_of_the_grid_follow_the_second_feature():
    X, Y = _square_data()

    def upper_half(X):
        return X[1:2, :] > 0.25

    result = plotting.plot_decision_boundary(Recorder(upper_half), X, Y, resolution=40)
    expected_column = (result.x2 > 0.25).astype(float)
    assert np.array_equal(result.grid_predictions, np.tile(expected_column[:, None], (1, 40)))


def test_grid_covers_the_data_with_a_margin():
    X = np.array([[-2.0, 3.0, 0.0], [1.0, 5.0, 2.0]])
    x1, x2, grid = plotting.boundary_grid(X, resolution=11, padding=0.1)
    assert x1[0] == pytest.approx(-2.5) and x1[-1] == pytest.approx(3.5)
    assert x2[0] == pytest.approx(0.6) and x2[-1] == pytest.approx(5.4)
    assert np.array_equal(grid[:, 12], [x1[1], x2[1]])  # point i * resolution + j


def test_accuracy_is_measured_on_the_data_and_probabilities_are_thresholded():
    X, Y = _square_data()
    flipped = plotting.plot_decision_boundary(Recorder(right_half), X, 1 - Y, resolution=10)
    assert flipped.accuracy == 0.0

    def probabilities(X):
        return 1 / (1 + np.exp(-5 * X[0:1, :]))

    result = plotting.plot_decision_boundary(probabilities, X, Y, resolution=10)
    assert result.accuracy == 1.0
    assert result.ax.get_title() == "accuracy 100.0 %"


def test_wrong_output_size_is_a_clear_error():
    X, Y = _square_data()
    with pytest.raises(ValueError, match=r"shape \(1, 100\)"):
        plotting.plot_decision_boundary(lambda X: np.zeros((1, 3)), X, Y, resolution=10)


def test_draws_on_the_given_axes_with_title_and_accuracy():
    X, Y = _square_data()
    fig, ax = plt.subplots()
    result = plotting.plot_decision_boundary(right_half, X, Y, ax=ax, title="a line")
    assert result.ax is ax
    assert ax.get_title() == "a line\naccuracy 100.0 %"
    assert len(ax.collections) >= 3  # filled regions and the two classes of points


def test_a_trained_network_on_the_flower():
    X, Y = load_planar("flower")
    parameters = ref.nn_model(X, Y, 4, num_iterations=2000, rng=np.random.default_rng(1))
    result = plotting.plot_decision_boundary(lambda G: ref.predict(parameters, G), X, Y)
    assert result.accuracy == pytest.approx(np.mean(ref.predict(parameters, X) == Y))
    assert result.accuracy > 0.85
    assert 0.2 < result.grid_predictions.mean() < 0.8  # both classes have a region


def test_plot_data_scatters_each_class():
    X, Y = _square_data(m=50)
    ax = plotting.plot_data(X, Y, title="data")
    sizes = [len(c.get_offsets()) for c in ax.collections]
    assert sizes == [int(np.sum(Y == 0)), int(np.sum(Y == 1))]
    assert ax.get_title() == "data"


def test_boundary_grid_of_several_classifiers():
    X, Y = _square_data()
    predictors = {
        "right": right_half,
        "left": lambda X: X[0:1, :] < 0,
        "everything": lambda X: np.ones((1, X.shape[1])),
    }
    fig, results = plotting.plot_boundary_grid(predictors, X, Y, ncols=2, resolution=20)
    assert [r.accuracy for r in results] == pytest.approx([1.0, 0.0, float(Y.mean())])
    assert [r.ax.get_title().split("\n")[0] for r in results] == list(predictors)
    assert len(fig.axes) == 4 and not fig.axes[3].axison  # the spare panel is hidden


def test_plot_costs_puts_each_cost_at_its_iteration():
    ax = plotting.plot_costs({"a": [3.0, 2.0, 1.0], "b": [1.0, 0.5]}, every=100)
    (a, b) = ax.get_lines()
    assert list(a.get_xdata()) == [0, 100, 200] and list(a.get_ydata()) == [3.0, 2.0, 1.0]
    assert list(b.get_xdata()) == [0, 100]
    assert ax.get_legend() is not None
    single = plotting.plot_costs([0.7, 0.4], every=50)
    assert list(single.get_lines()[0].get_xdata()) == [0, 50]


def test_plot_activations_uses_the_functions_given():
    fig, values = plotting.plot_activations(ref.activation_forward, ref.activation_backward)
    assert list(values) == list(plotting.ACTIVATION_NAMES)
    z = np.linspace(-5, 5, 401).reshape(1, -1)
    g, g_prime = values["leaky_relu"]
    assert np.allclose(g, np.where(z >= 0, z, 0.01 * z))
    assert np.allclose(g_prime, np.where(z >= 0, 1.0, 0.01))
    assert len(fig.axes) == 4
    assert [ax.get_title() for ax in fig.axes] == list(plotting.ACTIVATION_NAMES)


@pytest.mark.parametrize("layer_dims", [[2, 4, 1], [5, 3, 3, 1], [1, 1]])
def test_plot_network_draws_one_line_per_weight(layer_dims):
    ax, lines = plotting.plot_network(layer_dims)
    expected = {
        f"W{layer}": layer_dims[layer] * layer_dims[layer - 1]
        for layer in range(1, len(layer_dims))
    }
    assert lines == expected
    segments = ax.collections[0].get_segments()  # the lines, drawn before the units
    assert len(segments) == sum(expected.values())
    # Every unit of a layer is joined to every unit of the layer before: fully connected.
    for layer in range(1, len(layer_dims)):
        pairs = {(tuple(s[0]), tuple(s[1])) for s in segments if s[1][0] == layer}
        starts = {p[0] for p in pairs}
        ends = {p[1] for p in pairs}
        assert len(starts) == layer_dims[layer - 1] and len(ends) == layer_dims[layer]
        assert pairs == {(a, b) for a in starts for b in ends}


def test_plot_network_refuses_a_network_without_layers():
    with pytest.raises(ValueError, match="layer_dims"):
        plotting.plot_network([3])


def _measurement(rows):
    return {
        "sizes": [10, 100, 1000],
        "models": [
            {"label": "one", "layers_dims": [4, 1], "test_accuracy": rows},
            {"label": "two", "layers_dims": [4, 2, 1], "test_accuracy": [[0.5, 0.5]] * 3},
        ],
    }


def test_plot_accuracy_vs_data_draws_the_mean_of_the_seeds_at_each_m():
    rows = [[0.6, 0.8], [0.7, 0.9], [0.95, 0.85]]
    ax, means = plotting.plot_accuracy_vs_data(_measurement(rows))
    np.testing.assert_allclose(means["one [4, 1]"], [0.7, 0.8, 0.9])
    np.testing.assert_allclose(means["two [4, 2, 1]"], [0.5, 0.5, 0.5])
    first = ax.get_lines()[0]
    np.testing.assert_allclose(first.get_xdata(), [10, 100, 1000])
    np.testing.assert_allclose(first.get_ydata(), [0.7, 0.8, 0.9])
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["one [4, 1]", "two [4, 2, 1]"]
    # The band of the first model spans its lowest to its highest seed.
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(0.6) and band[:, 1].max() == pytest.approx(0.95)


def test_plot_accuracy_vs_data_refuses_rows_that_do_not_match_the_sizes():
    with pytest.raises(ValueError, match="2 rows of accuracies for 3 sizes"):
        plotting.plot_accuracy_vs_data(_measurement([[0.5], [0.6]]))
