"""Notebook 05's figure of test accuracy against the amount of data: the measured file ships with
the release, was made by the measurement as it stands, holds accuracies, and shows what the
notebook says it shows (every model gains from data, larger networks gain more)."""

from __future__ import annotations

import json
import zipfile

import nbformat
import numpy as np
import pytest

from autograder import accuracy_vs_data as measurement
from autograder import bundle
from autograder.course import RELEASE, SOURCE
from utils import datasets

SOURCE_FILE = SOURCE / measurement.ASSIGNMENT / measurement.FILE_NAME
RELEASE_FILE = RELEASE / measurement.ASSIGNMENT / measurement.FILE_NAME


@pytest.fixture(scope="module")
def measured() -> dict:
    return json.loads(SOURCE_FILE.read_text(encoding="utf-8"))


def accuracies(model: dict) -> np.ndarray:
    """A model's test accuracies, of shape (number of sizes, number of seeds)."""
    return np.asarray(model["test_accuracy"], dtype=float)


def test_the_measurement_ships_with_notebook_05_and_the_notebook_plots_it():
    assert SOURCE_FILE.is_file(), f"run python -m autograder.accuracy_vs_data ({SOURCE_FILE})"
    assert RELEASE_FILE.read_bytes() == SOURCE_FILE.read_bytes(), "run ./course release"
    nb = nbformat.read(RELEASE / measurement.ASSIGNMENT / f"{measurement.ASSIGNMENT}.ipynb", 4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert f'"{measurement.FILE_NAME}"' in code and "plot_accuracy_vs_data(" in code


def test_the_students_bundle_of_05_carries_the_measurement(tmp_path):
    out = tmp_path / "05.zip"
    bundle.bundle([measurement.ASSIGNMENT], out)
    name = f"{bundle.BUNDLE_DIR}/notebooks/{measurement.ASSIGNMENT}/{measurement.FILE_NAME}"
    with zipfile.ZipFile(out) as zf:
        assert zf.read(name) == SOURCE_FILE.read_bytes()


def test_the_file_was_made_with_the_settings_of_the_measurement(measured):
    split = datasets.load_digits_even_odd()
    assert measured["sizes"] == list(measurement.SIZES)
    assert measured["seeds"] == list(range(measurement.SEEDS))
    assert measured["m_test"] == split.test_digits.shape[0]
    described = [model.describe() for model in measurement.MODELS]
    stored = [{key: model[key] for key in described[0]} for model in measured["models"]]
    assert stored == described
    assert measured["command"] == "python -m autograder.accuracy_vs_data"


def test_sizes_increase_up_to_the_whole_training_set(measured):
    sizes = np.asarray(measured["sizes"])
    assert sizes[0] >= 1 and np.all(np.diff(sizes) > 0)
    assert sizes[-1] == datasets.load_digits_even_odd().train_digits.shape[0]


def test_every_number_is_an_accuracy_on_the_test_set(measured):
    m_test = measured["m_test"]
    for model in measured["models"]:
        values = accuracies(model)
        assert values.shape == (len(measured["sizes"]), len(measured["seeds"])), model["key"]
        assert np.all((values >= 0) & (values <= 1)), model["key"]
        # Each is (images right) / m_test, rounded to 4 digits.
        right = values * m_test
        assert np.all(np.abs(right - np.round(right)) <= 1e-4 * m_test), model["key"]
        assert len(model["seconds"]) == len(measured["sizes"])
        assert all(s > 0 for s in model["seconds"])


def test_every_model_gains_from_more_data(measured):
    for model in measured["models"]:
        values = accuracies(model)
        first, last = values[0], values[-1]
        # Beyond the spread of the runs, not only on average.
        assert last.min() > first.max(), model["key"]


def test_larger_networks_do_not_do_worse_with_the_most_data(measured):
    """Ordered by size, each model's mean at the largest m is at least the smaller one's, up to
    the standard error of the two means (the runs' own spread)."""
    models = sorted(measured["models"], key=lambda model: model["parameters"])
    assert [model["key"] for model in models] == ["traditional", "small", "medium", "large"]
    most = [accuracies(model)[-1] for model in models]
    for smaller, larger in zip(most, most[1:], strict=False):
        error = np.hypot(smaller.std(ddof=1), larger.std(ddof=1)) / np.sqrt(len(smaller))
        assert larger.mean() >= smaller.mean() - error


def test_the_curves_fan_out_with_more_data(measured):
    """The notes' picture: with little data the models are close; with the most data the best
    network is ahead of traditional learning by far more than at the start."""
    by_key = {model["key"]: accuracies(model).mean(axis=1) for model in measured["models"]}
    networks = np.max([by_key[k] for k in ("small", "medium", "large")], axis=0)
    lead = networks - by_key["traditional"]
    assert lead[-1] > 2 * max(lead[0], 0.01)
    spread_most = accuracies(measured["models"][-1])[-1].std(ddof=1)
    assert lead[-1] > 3 * spread_most


@pytest.mark.parametrize(("key", "m", "seed"), [("traditional", 25, 0), ("medium", 50, 1)])
def test_a_point_measured_again_gives_the_number_in_the_file(measured, key, m, seed):
    """The file is this measurement's output: a point retrained now agrees to a test image."""
    model = next(model for model in measurement.MODELS if model.key == key)
    X_train, Y_train, X_test, Y_test = measurement.digits()
    X, Y = datasets.training_subset(X_train, Y_train, m, seed)
    again = measurement.train_and_score(model, X, Y, X_test, Y_test, seed)
    stored = next(c for c in measured["models"] if c["key"] == key)["test_accuracy"]
    recorded = stored[measured["sizes"].index(m)][measured["seeds"].index(seed)]
    assert abs(again - recorded) <= 1 / measured["m_test"] + 1e-4


def test_the_json_keeps_lists_of_numbers_on_one_line_and_reads_back_the_same():
    result = {
        "what": "a [1,2] in a string stays",
        "sizes": [25, 50],
        "models": [{"test_accuracy": [[0.5, 0.25], [1.0, 0.0]], "seconds": [0.1, 0.2]}],
    }
    text = measurement.to_json(result)
    assert json.loads(text) == result
    assert '"sizes": [25, 50],' in text and "[0.5, 0.25]," in text
    assert '"a [1,2] in a string stays"' in text
