"""Grades that are right for real students: end to end, real sandbox, real nbgrader.

Three hand-ins modelled on real students' answers:

* 02, ``propagate`` computing the cost as ``np.squeeze(...)`` of a ``(1, 1)`` array, as the
  original course teaches: a 0-d array is a scalar, so ``propagate``, ``optimize`` and ``model``
  (which use it) get full marks (they lost 37 points when values did not cross the sandbox
  exactly);
* 02, an ``IndentationError`` in the cell of ``initialize_with_zeros``: its cells are reported
  with that error, and ``model``, which calls it, says why it has no such name;
* 03, a ``forward_propagation`` right for tanh with no branch for the other activations: its
  hidden cell earns the tanh share (1 of 4 activations), ``nn_model`` the shares of its tanh
  case families (2 of 4) and keeps its visible point; the gradebook, the CSVs and the feedback
  show the partial scores.
"""

from __future__ import annotations

from collections import defaultdict

import nbformat
import pytest

from autograder.cli import main
from autograder.samples import student_notebook
from tests.course_outputs import points as cell_points
from tests.course_outputs import read_csv

SQUEEZED_PROPAGATE = """\
def propagate(w, b, X, Y):
    m = X.shape[1]
    A = 1 / (1 + np.exp(-(np.dot(w.T, X) + b)))
    cost = (-1 / m) * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1, keepdims=True)
    dw = (1 / m) * np.dot(X, (A - Y).T)
    db = (1 / m) * np.sum(A - Y)
    cost = np.squeeze(cost)
    return {"dw": dw, "db": db}, cost
"""

BADLY_INDENTED = """\
def initialize_with_zeros(dim):
    w = np.zeros((dim, 1))
      b = 0.0
    return w, b
"""

TANH_ONLY_FORWARD = """\
def forward_propagation(X, parameters, activation="tanh"):
    W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
"""

#: Each student's hand-in: the release of an assignment with one function answered so.
HAND_INS = {
    "squeeze": ("02_logistic_regression", "propagate", SQUEEZED_PROPAGATE),
    "indent": ("02_logistic_regression", "initialize_with_zeros", BADLY_INDENTED),
    "tanh": ("03_shallow_network", "forward_propagation", TANH_ONLY_FORWARD),
}


def _answer(nb, function: str, source: str) -> None:
    """Put ``source`` in the solution cell of ``function``."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") == function:
            cell.source = source
            return
    raise AssertionError(f"no solution cell for {function}")


@pytest.fixture(scope="module")
def graded(tmp_path_factory, fresh_release):
    subs = tmp_path_factory.mktemp("submitted")
    out = tmp_path_factory.mktemp("graded")
    for student, (aid, function, source) in HAND_INS.items():
        nb = student_notebook(aid, release=fresh_release)
        _answer(nb, function, source)
        target = subs / student / aid / f"{aid}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)

    assert main(["grade", str(subs), "--out", str(out), "--workers", "2"]) == 0
    cells = defaultdict(dict)
    for row in read_csv(out / "cell_grades.csv"):
        cells[row["student_id"]][row["grade_id"]] = row
    grades = {r["student_id"]: r for r in read_csv(out / "grades.csv")}
    return {"out": out, "cells": cells, "grades": grades}


def test_a_cost_from_np_squeeze_earns_full_marks(graded):
    points = cell_points("02_logistic_regression")
    for row in graded["cells"]["squeeze"].values():
        assert row["status"] == "passed", (row["grade_id"], row["message"])
    assert float(graded["grades"]["squeeze"]["score"]) == sum(points.values())


def test_an_indentation_error_is_reported_on_its_function(graded):
    cells = graded["cells"]["indent"]
    for suffix in ("visible", "hidden"):
        row = cells[f"initialize_with_zeros__{suffix}"]
        assert row["status"] == "error"
        assert "IndentationError" in row["message"], row["message"]
        assert row["message"].startswith("initialize_with_zeros"), row["message"]
    model = cells["model__visible"]["message"]
    assert "initialize_with_zeros" in model and "IndentationError" in model, model
    assert cells["propagate__hidden"]["status"] == "passed"


def test_a_function_right_for_tanh_only_earns_the_tanh_share(graded):
    points = cell_points("03_shallow_network")
    cells = graded["cells"]["tanh"]
    forward = cells["forward_propagation__hidden"]
    # 4 activations, one right: a quarter of the points.
    assert float(forward["score"]) == pytest.approx(points["forward_propagation__hidden"] / 4)
    assert forward["status"] == "failed" and "partial credit" in forward["message"]
    # nn_model: same seed, exact steps (not tanh), training with tanh, training with relu.
    nn_model = cells["nn_model__hidden"]
    assert float(nn_model["score"]) == pytest.approx(points["nn_model__hidden"] * 2 / 4)
    assert cells["nn_model__visible"]["status"] == "passed"
    assert float(cells["nn_model__visible"]["score"]) == points["nn_model__visible"]
    total = sum(float(r["score"]) for r in cells.values())
    assert float(graded["grades"]["tanh"]["score"]) == pytest.approx(total)
    feedback = graded["out"] / "feedback" / "tanh" / "03_shallow_network"
    html = (feedback / "03_shallow_network.html").read_text(encoding="utf-8")
    assert "partial credit" in html


def test_hidden_check_cells_print_nothing_at_grading(graded):
    autograded = graded["out"] / "nbgrader" / "autograded" / "squeeze" / "02_logistic_regression"
    nb = nbformat.read(autograded / "02_logistic_regression.ipynb", as_version=4)
    hidden = [
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("__hidden")
    ]
    assert hidden
    for cell in hidden:
        assert cell.outputs == [], cell.outputs
