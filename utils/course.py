"""The course's fixed names and numbers: assignments, graded functions, activations.

They are fixed by the course specification, and the notebooks, the checks (visible and hidden),
the reference solutions, the grader and the tests take them from here. ``tests/test_course.py``
holds this module to the grade cells of the source notebooks, so it cannot drift from them.

Example
-------
>>> from utils import course
>>> course.assignment("03_shallow_network").module
'shallow_network'
>>> course.assignment("numpy_basics").functions[:2]
('sigmoid', 'sigmoid_derivative')
"""

from __future__ import annotations

from dataclasses import dataclass

#: The activations of the notes, in the order the notes introduce them.
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")

#: Slope of the leaky ReLU for z < 0: the notes' ``max(0.01 z, z)``, whose derivative is 0.01
#: for z < 0 (and 1 for z >= 0).
LEAKY_SLOPE = 0.01

#: :data:`ACTIVATIONS` in the order the checks of ``04_deep_network`` try them: relu, the deep
#: network's default hidden activation, first. The first activation that fails is the one a
#: message names, so this order is part of what a student reads.
DEEP_ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid")


def assignment_module(assignment_id: str) -> str:
    """The name of an assignment's check and reference modules.

    Parameters
    ----------
    assignment_id : str
        For example ``"02_logistic_regression"``.

    Returns
    -------
    str
        The id without its number, ``"logistic_regression"``: the module under
        ``utils/visible_checks/``, ``autograder/hidden/`` and ``autograder/reference/``.
    """
    return assignment_id.split("_", 1)[1] if "_" in assignment_id else assignment_id


@dataclass(frozen=True)
class Assignment:
    """One assignment of the course.

    Attributes
    ----------
    id : str
        The folder under ``source/`` and ``notebooks/``, and the stem of its notebook.
    functions : tuple of str
        Its graded functions, in the order the notebook grades them. Each has the grade cells
        ``<function>__visible`` (``utils.visible_checks.<module>.check_<function>``) and
        ``<function>__hidden`` (``autograder.hidden.<module>.<function>``).
    """

    id: str
    functions: tuple[str, ...]

    @property
    def module(self) -> str:
        """The name of its check and reference modules (see :func:`assignment_module`)."""
        return assignment_module(self.id)


#: Every assignment, in course order.
ASSIGNMENTS = (
    Assignment(
        "01_numpy_basics",
        (
            "sigmoid",
            "sigmoid_derivative",
            "flatten_images",
            "normalize_rows",
            "column_percentages",
        ),
    ),
    Assignment(
        "02_logistic_regression",
        ("initialize_with_zeros", "propagate", "optimize", "predict", "model"),
    ),
    Assignment(
        "03_shallow_network",
        (
            "activation_forward",
            "activation_backward",
            "layer_sizes",
            "initialize_parameters",
            "forward_propagation",
            "compute_cost",
            "backward_propagation",
            "update_parameters",
            "predict",
            "nn_model",
        ),
    ),
    Assignment(
        "04_deep_network",
        (
            "layer_shapes",
            "initialize_parameters_deep",
            "linear_forward",
            "linear_activation_forward",
            "L_model_forward",
            "compute_cost",
            "linear_backward",
            "linear_activation_backward",
            "L_model_backward",
            "update_parameters",
        ),
    ),
    Assignment("05_deep_network_application", ("two_layer_model", "L_layer_model")),
)

#: The assignment ids, in course order.
ASSIGNMENT_IDS = tuple(a.id for a in ASSIGNMENTS)


def assignment(name: str) -> Assignment:
    """The assignment of an id (``"01_numpy_basics"``) or of a module name (``"numpy_basics"``).

    Raises
    ------
    KeyError
        If no assignment of the course has that id or module.
    """
    for a in ASSIGNMENTS:
        if name in (a.id, a.module):
            return a
    raise KeyError(f"no assignment {name!r}; the course has {', '.join(ASSIGNMENT_IDS)}")
