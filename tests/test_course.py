"""``utils/course.py`` against the source notebooks: the assignments, their graded functions and
the activations cannot drift from what the notebooks grade."""

from __future__ import annotations

import importlib

import nbformat
import numpy as np
import pytest

from autograder.course import SOURCE, assignment_ids, grade_cells
from autograder.hidden.framework import HiddenCheck
from autograder.judging import plan_grade_cells
from autograder.reference import deep_network as deep_ref
from autograder.reference import shallow_network as shallow_ref
from autograder.samples import solution_cells
from utils import course


def _notebook(a: course.Assignment):
    return SOURCE / a.id / f"{a.id}.ipynb"


def test_the_assignments_are_the_folders_of_source():
    found = sorted(p.parent.name for p in SOURCE.glob("*/*.ipynb") if p.stem == p.parent.name)
    assert list(course.ASSIGNMENT_IDS) == found
    assert assignment_ids() == found


@pytest.mark.parametrize("a", course.ASSIGNMENTS, ids=course.ASSIGNMENT_IDS)
def test_graded_functions_are_those_of_the_grade_cells_in_order(a):
    grade_ids = [gid for gid, _ in grade_cells(_notebook(a))]
    functions = list(dict.fromkeys(gid.split("__", 1)[0] for gid in grade_ids))
    assert functions == list(a.functions)
    assert list(solution_cells(_notebook(a))) == list(a.functions)
    for function in a.functions:
        assert f"{function}__visible" in grade_ids and f"{function}__hidden" in grade_ids


@pytest.mark.parametrize("a", course.ASSIGNMENTS, ids=course.ASSIGNMENT_IDS)
def test_grade_cells_call_the_checks_of_the_assignment_module(a):
    plans = plan_grade_cells(_notebook(a))
    for function in a.functions:
        visible, hidden = plans[f"{function}__visible"], plans[f"{function}__hidden"]
        assert (visible.kind, visible.module, visible.function) == ("visible", a.module, function)
        assert (hidden.kind, hidden.module, hidden.function) == ("hidden", a.module, function)
    sources = [c.source for c in nbformat.read(_notebook(a), as_version=4).cells]
    assert any(f"from utils.visible_checks import {a.module} as visible" in s for s in sources)


@pytest.mark.parametrize("a", course.ASSIGNMENTS, ids=course.ASSIGNMENT_IDS)
def test_every_graded_function_has_its_checks_and_reference(a):
    visible = importlib.import_module(f"utils.visible_checks.{a.module}")
    hidden = importlib.import_module(f"autograder.hidden.{a.module}")
    reference = importlib.import_module(f"autograder.reference.{a.module}")
    for function in a.functions:
        assert callable(getattr(visible, f"check_{function}"))
        check = getattr(hidden, function)
        assert isinstance(check, HiddenCheck) and check.name == function
        assert callable(getattr(reference, function))


def test_an_assignment_is_found_by_id_or_module():
    a = course.assignment("03_shallow_network")
    assert a is course.assignment("shallow_network") and a.module == "shallow_network"
    with pytest.raises(KeyError, match="01_numpy_basics"):
        course.assignment("06_transformers")


def test_the_activations_are_the_notes_four_in_both_orders():
    assert course.ACTIVATIONS == ("sigmoid", "tanh", "relu", "leaky_relu")
    assert sorted(course.DEEP_ACTIVATIONS) == sorted(course.ACTIVATIONS)
    assert course.DEEP_ACTIVATIONS[0] == "relu"  # the deep network's default hidden activation


def test_the_references_use_the_leaky_slope_of_the_notes():
    assert course.LEAKY_SLOPE == 0.01
    Z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(shallow_ref.activation_forward(Z, "leaky_relu"), [[-0.02, 0, 3]])
    np.testing.assert_allclose(deep_ref.activate(Z, "leaky_relu"), [[-0.02, 0, 3]])
    np.testing.assert_allclose(deep_ref.activation_derivative(Z, "leaky_relu"), [[0.01, 1, 1]])
    for activation in course.ACTIVATIONS:  # every activation is known to both references
        shallow_ref.activation_forward(Z, activation)
        deep_ref.activate(Z, activation)
