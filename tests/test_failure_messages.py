"""Each failure names its first cause, and the notebook shows it in a few lines.

The wrong answers are written as students write them: ``math.exp`` on an array, a bare
``assert`` inside the function, a ``NotImplementedError`` for an option the function does not
handle yet. Messages are compared in the student's kernel (a real Jupyter kernel for what the
notebook shows) and at grading (the sandbox's recorder and the grader's replay).
"""

from __future__ import annotations

import linecache
import re

import nbformat
import numpy as np
import pytest

from autograder.reference import deep_network as ref_deep
from tests.conftest import ASSIGNMENTS
from tests.notebook_runner import errors, run_notebook
from tests.recording import graded_verdict, hidden_verdict, kernel_verdict
from utils.checks import raise_detail


def student_cell(source: str, name: str):
    """Define a function from ``source`` as a notebook cell would: its own file name, its
    lines in ``linecache`` (so tracebacks show them), and no pytest assert rewriting."""
    filename = f"/tmp/ipykernel_test/{name}.py"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"np": np, "ref_deep": ref_deep}
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


linear_backward = student_cell(
    """\
def linear_backward(dZ, linear_cache):
    A_prev, W, b = linear_cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    assert dW.shape == (W.shape[0], m)
    return dA_prev, dW, db
""",
    "linear_backward",
)

linear_activation_forward = student_cell(
    """\
def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = ref_deep.linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A = 1 / (1 + np.exp(-Z))
    elif activation == "relu":
        A = np.maximum(0, Z)
    else:
        raise NotImplementedError
    return A, (linear_cache, Z)
""",
    "linear_activation_forward",
)


def test_a_bare_assert_is_shown_with_its_source_line():
    for verdict in (
        kernel_verdict("deep_network", "linear_backward", linear_backward),
        graded_verdict("deep_network", "linear_backward", linear_backward),
    ):
        assert verdict[0] == "failed"
        assert "AssertionError" in verdict[1]
        assert "`assert dW.shape == (W.shape[0], m)` is false" in verdict[1], verdict[1]
    hidden = hidden_verdict("deep_network", "linear_backward", linear_backward)
    assert "`assert dW.shape == (W.shape[0], m)` is false" in hidden.message
    assert not re.search(r": \.$", hidden.message)  # the empty message of the issue


def test_not_implemented_for_one_option_names_the_option():
    name = "linear_activation_forward"
    in_kernel = kernel_verdict("deep_network", name, linear_activation_forward)
    assert in_kernel == graded_verdict("deep_network", name, linear_activation_forward)
    assert "not implemented yet" not in in_kernel[1]
    assert re.search(r"activation='(tanh|leaky_relu)'", in_kernel[1]), in_kernel[1]
    hidden = hidden_verdict("deep_network", name, linear_activation_forward)
    assert "not implemented yet" not in hidden.message
    assert "activation='tanh'" in hidden.message or "activation='leaky_relu'" in hidden.message


def test_the_release_stub_is_still_not_implemented_yet():
    def sigmoid(z):
        """Docstring kept by the release."""
        raise NotImplementedError()

    assert kernel_verdict("numpy_basics", "sigmoid", sigmoid) == (
        "failed",
        "sigmoid is not implemented yet: replace `raise NotImplementedError()` with your code.",
    )


STUDENT_CELLS = [
    "import math\nimport numpy as np\nfrom utils.visible_checks import numpy_basics as visible",
    "def sigmoid(z):\n    s = 1 / (1 + math.exp(-z))\n    return s",
    "visible.check_sigmoid(sigmoid)",
    "from utils.checks import show_full_tracebacks\nshow_full_tracebacks()\n%tb",
]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("student")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in STUDENT_CELLS]
    nbformat.write(nb, folder / "student.ipynb")
    work = tmp_path_factory.mktemp("run")
    return run_notebook(folder / "student.ipynb", work, allow_errors=True)


def _shown(cell) -> str:
    found = errors(cell)
    assert found, cell.outputs
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(found[0]["traceback"]))


def test_a_failed_check_shows_its_message_and_the_students_line_only(executed):
    shown = _shown(executed.cells[2])
    assert "sigmoid raised TypeError" in shown
    assert "s = 1 / (1 + math.exp(-z))" in shown  # the student's own line
    for internal in ("utils/checks/", "visible_checks", "call_here", "direct cause", "Traceback"):
        assert internal not in shown, (internal, shown)
    assert len(shown.splitlines()) <= 6, shown


def test_the_full_traceback_stays_available(executed):
    shown = "\n".join(o.get("text", "") for o in executed.cells[3].outputs) + "\n".join(
        "\n".join(o.get("traceback", [])) for o in executed.cells[3].outputs
    )
    shown = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert "utils/checks/calls.py" in shown, shown


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_every_release_stub_is_not_implemented_yet(aid, fresh_release):
    """Stubs keep given lines before and after the raise (``rng = ...``, ``return s``)."""
    nb = nbformat.read(fresh_release / aid / f"{aid}.ipynb", as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            namespace = {"np": np}
            exec(compile(cell.source, f"/tmp/ipykernel_test/{aid}.py", "exec"), namespace)
            func = namespace[meta["grade_id"]]
            # Read from the compiled code: the stub need not be called (given lines before
            # the raise may need real arguments).
            detail = raise_detail(func, NotImplementedError(), {})
            assert detail["stub"], meta["grade_id"]
