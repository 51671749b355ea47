"""Every concept of the lecture notes is taught where this table says.

The course teaches the notes (NOTES.md of the course's documents, kept outside this repository):
every concept in them is taught in some notebook, in their notation. :data:`CONCEPTS` lists them
in the order of the notes, each with the notebook that teaches it and phrases that the markdown
of its **released** notebook must hold (compared in lower case, with emphasis and line breaks
ignored). Removing a concept's teaching from a notebook, or moving it elsewhere without
updating the table, fails here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nbformat
import pytest

from autograder.course import RELEASE, assignment_ids


@dataclass(frozen=True)
class Concept:
    """A concept of the notes, the notebook that teaches it, and phrases of that teaching."""

    name: str
    notebook: str
    phrases: tuple[str, ...]


N01, N02, N03, N04, N05 = (
    "01_numpy_basics",
    "02_logistic_regression",
    "03_shallow_network",
    "04_deep_network",
    "05_deep_network_application",
)

#: The notes' concepts, in their order: the notation and NumPy, "Neural Networks and Deep
#: Learning", "Neural Networks Basics", "Shallow Neural Networks", "Deep Neural Networks".
CONCEPTS = (
    # Notation and NumPy
    Concept(
        "notation: X of shape (n_x, m), one example per column, Y of shape (1, m)",
        N01,
        ("one example per column", "labels Y of shape (1, m)"),
    ),
    Concept(
        "np.sum along axis=0 (vertical) and axis=1 (horizontal)",
        N01,
        ('a "vertical" sum', 'a "horizontal" sum', "keepdims=True"),
    ),
    Concept(
        "matrix multiplication versus element-wise multiplication",
        N01,
        ("np.dot / @ versus *", "matrix product", "element-wise product"),
    ),
    Concept("np.exp for e^x", N01, ("with np.exp",)),
    Concept(
        "normalising rows with np.linalg.norm(x, axis=1, keepdims=True)",
        N01,
        ("np.linalg.norm(x, axis=1, keepdims=True)", "rows of length 1"),
    ),
    Concept("no rank-1 arrays: shape (5, 1), not (5,)", N01, ("rank-1 array", "(5, 1)")),
    Concept("assert statements to check shapes", N01, ("assert shapes",)),
    Concept(
        "broadcasting a row or a column over a matrix, and its traps",
        N01,
        ("broadcasting", "(m, n) + (1, n)", "(m, n) + (m, 1)", "silent wrong answers"),
    ),
    # Neural Networks and Deep Learning
    Concept(
        "every input is connected to every node (fully connected layers)",
        N03,
        (
            "every input is connected to every node",
            "fully connected",
            "deeply connected",
            "one line per weight",
        ),
    ),
    Concept(
        "neural networks are for supervised learning from labelled data",
        N02,
        ("supervised learning", "labelled data", "expected output"),
    ),
    Concept(
        "structured data (a database, well-defined features) and unstructured data "
        "(audio, images, text)",
        N02,
        (
            "structured and unstructured data",
            "structured data is a table, as in a database",
            "unstructured data is audio, images or text",
            "the digits are unstructured data",
        ),
    ),
    Concept(
        "sigmoid versus ReLU: small gradients slow learning, ReLU's gradient is 1",
        N03,
        ("sigmoid and tanh saturate", "ReLU has a constant gradient", "max(0, z)"),
    ),
    Concept(
        "why deep learning took off: data, computation, algorithms; performance against the "
        "amount of data for traditional learning and small, medium and large networks",
        N05,
        (
            "why deep learning took off",
            "amount of data",
            "faster computation",
            "better algorithms",
            "traditional learning",
            "a small network",
            "measured",
            "python -m autograder.accuracy_vs_data",
        ),
    ),
    # Neural Networks Basics
    Concept(
        "logistic regression for binary classification: a probability that y = 1",
        N02,
        ("binary classification", r"\hat{y} = P(y = 1 \mid x)"),
    ),
    Concept(
        "the sigmoid keeps values between 0 and 1",
        N01,
        (r"\sigma(z) = \frac{1}{1 + e^{-z}}", "large positive $z$ gives"),
    ),
    Concept(
        "loss function: the error of one training example, the log loss",
        N02,
        (
            "says how wrong the prediction is on one example",
            r"if $y = 1$ the loss is $-\log \hat{y}$",
        ),
    ),
    Concept(
        "cost function: the average of the loss over the training set",
        N02,
        ("is the average loss over the $m$ training examples",),
    ),
    Concept(
        "why not the squared error: gradient descent needs a convex cost",
        N02,
        ("why not the squared error?", "non-convex"),
    ),
    Concept(
        "gradient descent: w := w - alpha dJ/dw, to the global minimum of a convex cost",
        N02,
        ("gradient descent", "learning rate", "one global minimum"),
    ),
    Concept("the derivative is the slope of the function", N02, ("the derivative is a slope",)),
    Concept(
        "computation graph: forward to compute J, backward for the derivatives",
        N02,
        ("a computation graph, forward and backward", "the chain rule"),
    ),
    Concept(
        "vectorising logistic regression: dZ = A - Y, dw = 1/m X dZ^T, db = 1/m sum(dZ)",
        N02,
        ("vectorising over all $m$ examples", "$dZ = A - Y$", r"$dw = \frac{1}{m} X \, dZ^T$"),
    ),
    # Shallow Neural Networks
    Concept(
        "tanh instead of sigmoid in hidden layers (centred), sigmoid at the output",
        N03,
        ("tanh is centred", "the sigmoid stays in the output layer"),
    ),
    Concept("leaky ReLU: max(0.01 z, z)", N03, ("leaky ReLU keeps a small slope",)),
    Concept(
        "derivatives of sigmoid, tanh, ReLU and leaky ReLU",
        N03,
        (r"\sigma(z)\,(1 - \sigma(z))", r"1 - \tanh(z)^2", "this course takes the slope there"),
    ),
    Concept(
        "forward propagation of a two-layer network",
        N03,
        (r"Z^{[1]} = W^{[1]} X + b^{[1]}", r"A^{[2]} = \sigma(Z^{[2]})"),
    ),
    Concept(
        "backward propagation of a two-layer network",
        N03,
        ("backward pass", r"W^{[2]T} dZ^{[2]} * g'(Z^{[1]})", "axis=1, keepdims=True"),
    ),
    Concept(
        "random initialisation: not zero (symmetry), small (* 0.01)",
        N03,
        ("break the symmetry", "never initialise the weights to zero", "0.01"),
    ),
    # Deep Neural Networks
    Concept(
        "matrix dimensions of W[l], b[l], Z[l], A[l] and their gradients",
        N04,
        ("matrix dimensions", r"$(n^{[l]}, n^{[l-1]})$", "a gradient has the shape of"),
    ),
    Concept(
        "cache Z in forward propagation for backward propagation",
        N04,
        ("cache", "backpropagation will need"),
    ),
    Concept(
        "forward and backward propagation for any number of layers",
        N04,
        (r"Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}", "backward propagation for any depth"),
    ),
    Concept(
        "parameters W, b and hyperparameters: alpha, iterations, L, n[l], activation",
        N05,
        (
            "the **parameters**",
            "the **hyperparameters**",
            "the learning rate $\\alpha$, the number of iterations, the number of layers $L$",
            "the choice of activation function",
        ),
    ),
)


def normalise(text: str) -> str:
    """Lower case, without emphasis or code marks, every run of white space one space."""
    return re.sub(r"\s+", " ", re.sub(r"[*`]", "", text)).strip().lower()


def taught(notebook: str) -> str:
    """Everything the markdown of the released ``notebook`` says, normalised."""
    nb = nbformat.read(RELEASE / notebook / f"{notebook}.ipynb", as_version=4)
    return normalise("\n".join(c.source for c in nb.cells if c.cell_type == "markdown"))


def missing_phrases(concept: Concept, text: str) -> list[str]:
    """The phrases of ``concept`` that ``text`` (normalised) does not hold."""
    return [p for p in concept.phrases if normalise(p) not in text]


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: c.name[:60])
def test_each_concept_of_the_notes_is_taught_where_the_table_says(concept):
    missing = missing_phrases(concept, taught(concept.notebook))
    assert not missing, (
        f"{concept.notebook} no longer teaches {concept.name!r}: its markdown lacks {missing}"
    )


def test_the_table_names_real_notebooks_and_every_notebook_teaches_some_concept():
    assert {c.notebook for c in CONCEPTS} == set(assignment_ids())
    assert len({c.name for c in CONCEPTS}) == len(CONCEPTS)
    assert all(c.phrases for c in CONCEPTS)


def test_removing_a_concepts_teaching_is_noticed():
    """The check above can fail: drop the cell that teaches labelled data and it does."""
    concept = next(c for c in CONCEPTS if "supervised learning" in c.name)
    nb = nbformat.read(RELEASE / concept.notebook / f"{concept.notebook}.ipynb", as_version=4)
    kept = [
        c.source
        for c in nb.cells
        if c.cell_type == "markdown" and "labelled data" not in normalise(c.source)
    ]
    assert missing_phrases(concept, normalise("\n".join(kept)))
