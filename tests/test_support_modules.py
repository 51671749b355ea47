"""Support modules (``autograder/support_modules.py``): the committed one in ``notebooks/`` is
what the generator writes now, opens with its header, gives the reference's results, and holds
only what its notebook needs, never an answer of its own or a later assignment."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder import support_modules
from autograder.cli import grade_command
from autograder.course import RELEASE, ROOT, SOURCE, assignment_ids, grade_cells, graded_function
from autograder.reference import deep_network as dn
from autograder.support_modules import SUPPORT_MODULES, GenerationError, SupportModule

MODULES = pytest.mark.parametrize("module", SUPPORT_MODULES, ids=lambda m: m.filename)
STEPS = next(m for m in SUPPORT_MODULES if m.filename == "deep_network_steps.py")
ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu"]


def committed_path(module: SupportModule) -> Path:
    return RELEASE / module.assignment / module.filename


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def defined_functions(text: str) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(text)
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


# --------------------------------------------------------------------------------------------
# Generated, not copied
# --------------------------------------------------------------------------------------------
@MODULES
def test_committed_module_is_what_the_generator_writes_now(module):
    """A hand edit, or a reference or notebook import changed without a release, fails here."""
    path = committed_path(module)
    assert path.is_file(), f"{path} is missing: run `./course release`"
    assert path.read_text(encoding="utf-8") == support_modules.render(module), (
        f"{path.relative_to(ROOT)} is not what `./course release` generates now from "
        f"{module.reference}: it is generated, never edited; run `./course release`"
    )


@MODULES
def test_committed_module_opens_with_the_generated_header(module):
    text = committed_path(module).read_text(encoding="utf-8")
    head = text.split('"""', 1)[0]
    reference = Path(importlib.import_module(module.reference).__file__).relative_to(ROOT)
    assert head.splitlines()[0].startswith("# GENERATED FILE, DO NOT EDIT")
    assert reference.as_posix() in head  # from where
    assert f"source/{module.assignment}/{module.assignment}.ipynb" in head
    assert "run `./course release`" in head  # how to regenerate
    assert all(line.startswith("#") for line in head.splitlines())
    # The header is a comment: the docstring students read stays the module's docstring.
    docstring = ast.get_docstring(ast.parse(text))
    assert docstring.startswith(module.intro.split("\n", 1)[0])
    assert "edit your notebook, not it" in docstring


def test_the_only_copy_is_in_the_release():
    """source/ holds no support module: nbgrader would copy it into every release and hand-in."""
    for module in SUPPORT_MODULES:
        assert not (SOURCE / module.assignment / module.filename).exists()


def test_grader_runs_hand_ins_beside_a_copy_it_generates(tmp_path):
    """Not the checkout's release nor anything handed in: its own, written again at prepare."""
    from autograder.grading import Grader
    from autograder.settings import user_config

    aid = STEPS.assignment
    committed = committed_path(STEPS)
    before = committed.stat().st_mtime_ns
    # The checkout's nbgrader_config.py sets a hook writing into the checkout's release.
    grader = Grader(tmp_path / "out", config=user_config([], folders=[ROOT]))
    stale = tmp_path / "out" / "nbgrader" / "release" / aid / STEPS.filename
    stale.parent.mkdir(parents=True)
    stale.write_text("def L_model_forward(X, parameters):\n    return X, []\n")
    grader.prepare(aid)
    given = {p.name: p for p in grader._support[aid]}
    assert given[STEPS.filename].read_bytes() == committed.read_bytes()
    assert committed.stat().st_mtime_ns == before


# --------------------------------------------------------------------------------------------
# What it holds
# --------------------------------------------------------------------------------------------
def _needed(module: SupportModule, defined: dict[str, ast.FunctionDef]) -> set[str]:
    """The functions the notebook imports, and those they call, directly or not."""
    notebook = SOURCE / module.assignment / f"{module.assignment}.ipynb"
    found = set(support_modules.imported_names(notebook, module.name))
    todo = list(found)
    while todo:
        for node in ast.walk(defined[todo.pop()]):
            if isinstance(node, ast.Name) and node.id in defined and node.id not in found:
                found.add(node.id)
                todo.append(node.id)
    return found


@MODULES
def test_module_holds_only_what_its_notebook_needs(module):
    defined = defined_functions(committed_path(module).read_text(encoding="utf-8"))
    assert set(defined) == _needed(module, defined)


def test_deep_network_steps_gives_the_steps_and_not_05s_answers():
    defined = set(defined_functions(committed_path(STEPS).read_text(encoding="utf-8")))
    assert {"L_model_forward", "L_model_backward", "update_parameters"} <= defined
    assert "layer_shapes" not in defined  # graded in 04, not used by 05
    assert not defined & {"two_layer_model", "L_layer_model", "predict"}


@MODULES
def test_module_gives_only_functions_graded_in_earlier_assignments(module):
    """DESIGN.md rule 1; bundle warns when a bundle holds both (tests/test_bundle.py)."""
    defined = set(defined_functions(committed_path(module).read_text(encoding="utf-8")))
    ids = assignment_ids()
    for aid in ids[ids.index(module.assignment) :]:
        graded = {graded_function(g) for g, _ in grade_cells(SOURCE / aid / f"{aid}.ipynb")}
        assert not defined & graded, f"{module.filename} answers {aid}"


@MODULES
def test_module_imports_only_what_students_have(module):
    """Students' kernels (and graded ones) have numpy and the course's utils/ (the course's
    constants come from ``utils.course``), never autograder/."""
    tree = ast.parse(committed_path(module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            tops = {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            tops = {(node.module or "").split(".")[0]}
        else:
            continue
        assert tops <= {"numpy", "utils"} | sys.stdlib_module_names, ast.unparse(node)


# --------------------------------------------------------------------------------------------
# The generator follows the notebook and keeps the rule
# --------------------------------------------------------------------------------------------
def _source_with(tmp_path: Path, edit_imports=None, later: str | None = None) -> Path:
    """A copy of source/ with 05's import of deep_network_steps edited, or with 04's notebook
    copied as a later assignment ``later``."""
    source = tmp_path / "source"
    for aid in assignment_ids():
        (source / aid).mkdir(parents=True)
        shutil.copy(SOURCE / aid / f"{aid}.ipynb", source / aid)
    aid = STEPS.assignment
    if edit_imports:
        path = source / aid / f"{aid}.ipynb"
        nb = nbformat.read(path, as_version=4)
        cell = next(c for c in nb.cells if "from deep_network_steps import" in c.source)
        cell.source = edit_imports(cell.source)
        nbformat.write(nb, path)
    if later:
        (source / later).mkdir()
        shutil.copy(SOURCE / "04_deep_network" / "04_deep_network.ipynb", source / later)
        (source / later / "04_deep_network.ipynb").rename(source / later / f"{later}.ipynb")
    return source


def test_a_name_the_notebook_imports_is_added_with_nothing_else(tmp_path):
    source = _source_with(
        tmp_path, lambda s: s.replace("import (\n", "import (\n    layer_shapes,\n", 1)
    )
    now = set(defined_functions(support_modules.render(STEPS)))
    grown = set(defined_functions(support_modules.render(STEPS, source)))
    assert grown == now | {"layer_shapes"}


def test_a_name_the_reference_lacks_or_a_whole_module_import_is_refused(tmp_path):
    lacking = _source_with(
        tmp_path / "a", lambda s: s.replace("import (\n", "import (\n    L_layer_model,\n", 1)
    )
    with pytest.raises(GenerationError, match="defines no L_layer_model"):
        support_modules.render(STEPS, lacking)
    whole = _source_with(tmp_path / "b", lambda s: "import deep_network_steps\n" + s)
    with pytest.raises(GenerationError, match="import the names it uses"):
        support_modules.render(STEPS, whole)


def test_answers_of_a_later_assignment_are_refused(tmp_path):
    source = _source_with(tmp_path, later="06_more_steps")
    with pytest.raises(GenerationError, match="graded in 06_more_steps"):
        support_modules.render(STEPS, source)


# --------------------------------------------------------------------------------------------
# Each generated function gives the reference's results
# --------------------------------------------------------------------------------------------
def _layer(seed: int, activation: str) -> dict[str, list[tuple]]:
    rng = np.random.default_rng(seed)
    n_prev, n, m = (int(k) for k in rng.integers(1, 7, size=3))
    A_prev, dA = rng.normal(size=(n_prev, m)), rng.normal(size=(n, m))
    W, b = rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1))
    Z, linear_cache = dn.linear_forward(A_prev, W, b)
    Z[0, 0] = 0.0  # the kink of relu and leaky_relu
    return {
        "_sigmoid": [(Z,), (800 * Z,)],  # and far beyond exp's range
        "activate": [(Z, activation), (Z, "swish")],
        "activation_derivative": [(Z, activation), (Z, "swish")],
        "linear_forward": [(A_prev, W, b)],
        "linear_activation_forward": [(A_prev, W, b, activation)],
        "linear_backward": [(dA, linear_cache)],
        "linear_activation_backward": [(dA, (linear_cache, Z), activation)],
    }


def _network(seed: int, activation: str, L: int) -> dict[str, list[tuple]]:
    rng = np.random.default_rng(seed)
    dims = [*(int(n) for n in rng.integers(1, 7, size=L)), 1]
    parameters = dn.initialize_parameters_deep(dims, scale="he", rng=rng)
    for l in range(1, L + 1):  # noqa: E741
        parameters[f"b{l}"] = rng.normal(size=(dims[l], 1))
    X, Y = rng.normal(size=(dims[0], 9)), (rng.random((1, 9)) < 0.5).astype(float)
    AL, caches = dn.L_model_forward(X, parameters, activation)
    grads = dn.L_model_backward(AL, Y, caches, activation)
    saturated = np.array([[0.0, 1.0, 1.0, 0.0]]), np.array([[0.0, 1.0, 0.0, 1.0]])
    return {
        "L_model_forward": [(X, parameters, activation), (X, parameters)],
        "compute_cost": [(AL, Y), saturated],
        "L_model_backward": [(AL, Y, caches, activation), (AL, Y, caches)],
        "update_parameters": [(parameters, grads, 0.3)],
    }


def _initialisation(seed: int) -> dict[str, list[tuple]]:
    # A fresh generator per call: both functions draw the same numbers.
    rng = partial(np.random.default_rng, seed)
    dims = [5, 4, 3, 1]
    return {
        "initialize_parameters_deep": [
            (dims, scale, rng()) for scale in (0.01, 0.5, "xavier", "he", "huge", None)
        ]
    }


#: Makers of the arguments, called once for the generated function and once for the reference.
CASES = [
    *(partial(_layer, seed, a) for seed in range(2) for a in ACTIVATIONS),
    *(partial(_network, 10 + L, a, L) for L in (1, 2, 4) for a in ACTIVATIONS),
    *(partial(_initialisation, seed) for seed in range(2)),
]


def _outcome(function, args):
    """What a call gives: its result, or the type and message of what it raised."""
    try:
        return function(*args)
    except Exception as err:  # an error is a result to compare too
        return ("raised", type(err).__name__, str(err))


def _assert_identical(a, b):
    """Nested tuples, lists, dicts, arrays and scalars identical: same code, same numbers."""
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _assert_identical(a[key], b[key])
    elif isinstance(a, tuple | list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _assert_identical(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b, strict=True)
    else:
        assert a == b or (a != a and b != b)  # NaN is NaN


@pytest.mark.parametrize(
    "name", sorted(defined_functions(committed_path(STEPS).read_text(encoding="utf-8")))
)
def test_each_generated_function_gives_the_reference_results(name):
    generated = load(committed_path(STEPS), "generated_deep_network_steps")
    makers = [make for make in CASES if name in make()]
    assert makers, f"add cases for {name} to CASES"
    calls = 0
    for make in makers:
        # Fresh arguments for each side: neither call can see what the other changed.
        for args, same_args in zip(make()[name], make()[name], strict=True):
            expected = _outcome(getattr(dn, name), same_args)
            _assert_identical(_outcome(getattr(generated, name), args), expected)
            calls += 1
    assert calls >= 2


@pytest.mark.kernel  # (the module's other tests need no kernel: see NEEDS in conftest.py)
def test_unsandboxed_grading_imports_the_support_modules_too(tmp_path):
    """``--unsafe`` runs the same worker outside the sandbox: its hand-ins must find the
    support modules beside them as sandboxed ones do (a correct 05 once scored 0 there: the
    worker's own starting folder, the checkout, came first on ``sys.path``)."""
    from tests.course_outputs import expected_score, functions, read_csv, write_hand_in

    aid = STEPS.assignment
    subs = tmp_path / "in"
    write_hand_in(subs, "ada", functions(aid), aid=aid)
    done = subprocess.run(
        grade_command(subs, tmp_path / "out", "--unsafe", "--workers", "1"),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (row,) = read_csv(tmp_path / "out" / "grades.csv")
    assert float(row["score"]) == expected_score(functions(aid), aid) == float(row["max_score"])
