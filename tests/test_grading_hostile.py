"""Faulty and hostile hand-ins graded in one batch with honest ones (real nbgrader, real
sandboxed kernels). Every submission gets a grade and a reason; cheats earn nothing; honest
students keep exactly their marks; the checkout and the gradebook are touched only by the
grader."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import defaultdict

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from autograder.cli import main
from autograder.course import ROOT, SOURCE, grade_cells
from autograder.samples import solution_cells, student_notebook
from autograder.sandbox import sandbox_problem
from tests.course_outputs import read_csv
from utils import course

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(
        sandbox_problem() is not None, reason=f"sandbox unavailable: {sandbox_problem()}"
    ),
]

AID = "01_numpy_basics"
FUNCTIONS = course.assignment(AID).functions
POINTS = dict(grade_cells(SOURCE / AID / f"{AID}.ipynb"))
FULL = sum(POINTS.values())


def points_of(*functions: str) -> float:
    return sum(p for gid, p in POINTS.items() if gid.split("__")[0] in functions)


def _index(nb, grade_id: str) -> int:
    return next(
        i
        for i, c in enumerate(nb.cells)
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def _set_solution(nb, function: str, code: str) -> None:
    nb.cells[_index(nb, function)].source = code


def _insert_after(nb, grade_id: str, code: str) -> None:
    nb.cells.insert(_index(nb, grade_id) + 1, new_code_cell(code))


# ---------------------------------------------------------------------------------------------
# The hand-ins. Each builder gets a fully correct notebook and returns what is handed in, and
# states what must come out: score and, per function, the statuses of its cells.
# ---------------------------------------------------------------------------------------------
def _duplicated_solution(nb):
    cell = nb.cells[_index(nb, "sigmoid")]
    nb.cells.insert(_index(nb, "sigmoid") + 1, nbformat.from_dict(json.loads(json.dumps(cell))))
    return nb


def _duplicated_grade_cell(nb):
    cell = nb.cells[_index(nb, "sigmoid__visible")]
    nb.cells.insert(_index(nb, "sigmoid__hidden"), nbformat.from_dict(json.loads(json.dumps(cell))))
    return nb


def _deleted_grade_cells(nb):
    for gid in ("sigmoid__visible", "sigmoid__hidden", "normalize_rows__hidden"):
        del nb.cells[_index(nb, gid)]
    return nb


def _changed_cell_types(nb):
    for gid in ("flatten_images", "flatten_images__visible", "sigmoid__hidden"):
        i = _index(nb, gid)
        cell = new_markdown_cell(nb.cells[i].source, metadata=nb.cells[i].metadata)
        nb.cells[i] = cell
    return nb


def _kernel_dies(nb):
    cell = nb.cells[_index(nb, "sigmoid_derivative")]
    cell.source += "\n\nimport os\nos._exit(1)"
    return nb


def _swallows_interrupt(nb):
    _insert_after(
        nb,
        "flatten_images__hidden",
        "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
        "    except KeyboardInterrupt:\n        pass",
    )
    return nb


def _memory_bomb(nb):
    _insert_after(
        nb, "sigmoid__hidden", "hog = bytearray(3 * 1024**3)\nhog[::4096] = b'x' * len(hog[::4096])"
    )
    return nb


def _output_flood(nb):
    _insert_after(nb, "sigmoid__hidden", "for i in range(300_000):\n    print('flood', i)")
    return nb


def _runtime_warning(nb):
    _set_solution(
        nb,
        "sigmoid",
        "def sigmoid(z):\n    np.log(np.zeros(1))  # warns: divide by zero\n"
        "    return 1 / (1 + np.exp(-z))",
    )
    return nb


def _monkeypatch_numpy(nb):
    _insert_after(
        nb,
        "sigmoid__hidden",
        "import numpy, numpy.testing\n"
        "numpy.allclose = lambda *a, **k: True\n"
        "numpy.isclose = lambda a, b, *r, **k: numpy.ones_like(a, dtype=bool)\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "numpy.array_equal = lambda *a, **k: True",
    )
    _set_solution(nb, "normalize_rows", "def normalize_rows(x):\n    return x")
    _set_solution(nb, "column_percentages", "def column_percentages(A):\n    return A")
    return nb


def _input_transformer(nb):
    _insert_after(
        nb,
        "sigmoid__hidden",
        "ip = get_ipython()\nip.input_transformers_post.append(lambda lines: ['pass\\n'])",
    )
    for f in ("sigmoid_derivative", "flatten_images", "normalize_rows", "column_percentages"):
        _set_solution(nb, f, f"def {f}(*args):\n    return 0")
    return nb


def _hard_coded_visible(nb):
    _set_solution(
        nb,
        "sigmoid",
        "def sigmoid(z):\n    if np.ndim(z) == 0:\n        return 0.5\n"
        "    return np.array([[0.5, 0.75, 0.25], [0.9, 0.1, 0.8]])",
    )
    return nb


STEAL = """
import glob, json
# Whatever answer can be read is run here, after the stub above: a successful theft
# redefines the function with the instructor's code.
for pattern in ['{root}/autograder/reference/numpy_basics.py', '{root}/source/*/*.ipynb',
                '{subs}/honest_full/*/*.ipynb', '{out}/nbgrader/submitted/honest_full/*/*.ipynb',
                '/work/**/reference/numpy_basics.py', '/opt/**/numpy_basics.py']:
    for path in glob.glob(pattern, recursive=True):
        try:
            text = open(path).read()
        except OSError:
            continue
        sources = [text] if path.endswith('.py') else [
            ''.join(c['source']) for c in json.loads(text)['cells'] if c['cell_type'] == 'code']
        for source in sources:
            if 'def {function}(' in source:
                try:
                    exec(source.replace('### BEGIN SOLUTION', '').replace('### END SOLUTION', ''))
                except Exception:
                    pass
"""


def _steal_answers(nb, paths):
    for f in FUNCTIONS[1:]:
        stub = f"def {f}(*args):\n    raise NotImplementedError()\n"
        _set_solution(nb, f, stub + STEAL.format(function=f, **paths))
    return nb


VANDAL = """
import sqlite3, os

targets = ['{out}/gradebook.db', '{root}/pwned.txt', '{root}/utils/pwned.py', '{out}/pwned.txt']
for target in targets:
    try:
        if target.endswith('.db'):
            con = sqlite3.connect(target)
            con.execute('UPDATE grade SET manual_score = 99')
            con.commit()
        else:
            open(target, 'w').write('pwned')
    except Exception as err:
        print(type(err).__name__)
"""


def _vandalise(nb, paths):
    _insert_after(nb, "sigmoid__hidden", VANDAL.format(**paths))
    return nb


#: Run last in its notebook (its own checks are done): spoils what the worker gives every
#: notebook warm (the IPython shell, its history, matplotlib's mathtext grammar) for whoever
#: the worker grades next.
TAMPER = (
    "import matplotlib.mathtext\n"
    "from IPython.core.interactiveshell import InteractiveShell\n"
    "class Broken:\n"
    "    def parse(self, *args, **kwargs):\n"
    "        raise RuntimeError('tampered grammar')\n"
    "matplotlib.mathtext.MathTextParser._parser = Broken()\n"
    "get_ipython().user_ns['sigmoid'] = lambda z: 0\n"
    "get_ipython().history_manager.db.execute('DROP TABLE sessions')\n"
    "InteractiveShell.run_cell = lambda self, *args, **kwargs: None\n"
)

#: An honest sigmoid cell that also draws a figure whose title and axis offset need mathtext.
FORMULAS = (
    "\n\nimport matplotlib.pyplot as plt\n"
    "fig, ax = plt.subplots()\n"
    "ax.plot([0, 1e-3], [0, 2e-3])\n"
    "ax.set_title(r'$\\sigma(z) = 1 / (1 + e^{-z})$')\n"
    "fig.canvas.draw()\n"
    "plt.close(fig)"
)


def _tamper_with_the_shell(nb):
    nb.cells.append(new_code_cell(TAMPER))
    return nb


def _draws_formulas(nb):
    nb.cells[_index(nb, "sigmoid")].source += FORMULAS
    return nb


def _half(nb):
    for f in ("sigmoid_derivative", "normalize_rows"):
        _set_solution(nb, f, f"def {f}(*args):\n    raise NotImplementedError()")
    return nb


# student id: (builder, expected score, expected status per function)
EXPECTED = {
    "honest_full": (lambda nb: nb, FULL, {}),
    "honest_half": (
        _half,
        FULL - points_of("sigmoid_derivative", "normalize_rows"),
        {"sigmoid_derivative": "failed", "normalize_rows": "failed"},
    ),
    "dup_solution": (_duplicated_solution, FULL, {}),
    "dup_grade_cell": (_duplicated_grade_cell, FULL, {}),
    "deleted_cells": (_deleted_grade_cells, FULL, {}),
    "cell_types": (_changed_cell_types, FULL, {}),
    "kernel_dies": (
        _kernel_dies,
        FULL - points_of("sigmoid_derivative"),
        {"sigmoid_derivative": "error"},
    ),
    "swallows_interrupt": (_swallows_interrupt, FULL, {}),
    "memory_bomb": (_memory_bomb, FULL, {}),
    "output_flood": (_output_flood, FULL, {}),
    "runtime_warning": (_runtime_warning, FULL, {}),
    "monkeypatch": (
        _monkeypatch_numpy,
        FULL - points_of("normalize_rows", "column_percentages"),
        {"normalize_rows": "failed", "column_percentages": "failed"},
    ),
    "transformer": (_input_transformer, points_of("sigmoid"), {f: "error" for f in FUNCTIONS[1:]}),
    # sigmoid_derivative calls the hard-coded sigmoid, so it loses its points too.
    "hard_coded": (
        _hard_coded_visible,
        FULL - points_of("sigmoid", "sigmoid_derivative"),
        {"sigmoid": "failed", "sigmoid_derivative": "failed"},
    ),
    "stealer": (_steal_answers, points_of("sigmoid"), {f: "failed" for f in FUNCTIONS[1:]}),
    "vandal": (_vandalise, FULL, {}),
    # Graded first (ids in order): every honest hand-in after it on its worker keeps its marks,
    # and the two graded last (one per worker, as a rule) draw formulas with mathtext.
    "aa_shell_tamper": (_tamper_with_the_shell, FULL, {}),
    "zy_draws_formulas": (_draws_formulas, FULL, {}),
    "zz_draws_formulas": (_draws_formulas, FULL, {}),
}


def _checkout_fingerprint() -> str:
    digest = hashlib.sha256()
    for folder in ("source", "notebooks", "utils", "autograder"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def batch(tmp_path_factory, fresh_release):
    subs = tmp_path_factory.mktemp("hostile_in")
    out = tmp_path_factory.mktemp("hostile_out")
    paths = {"root": ROOT, "subs": subs, "out": out}
    for student, (build, _, _) in EXPECTED.items():
        nb = student_notebook(AID, release=fresh_release)
        nb = build(nb, paths) if build in (_steal_answers, _vandalise) else build(nb)
        target = subs / student / AID / f"{AID}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    (subs / "bad_json" / AID).mkdir(parents=True)
    (subs / "bad_json" / AID / f"{AID}.ipynb").write_text('{"cells": [', encoding="utf-8")
    (subs / "renamed" / AID).mkdir(parents=True)
    shutil.copy(subs / "honest_full" / AID / f"{AID}.ipynb", subs / "renamed" / AID / "Copy1.ipynb")
    before = _checkout_fingerprint()
    status = main(["grade", str(subs), "--out", str(out), "--cell-timeout", "8"])
    cells = defaultdict(dict)
    for row in read_csv(out / "cell_grades.csv"):
        cells[row["student_id"]][row["grade_id"]] = row
    grades = {row["student_id"]: row for row in read_csv(out / "grades.csv")}
    return {
        "status": status,
        "out": out,
        "cells": cells,
        "grades": grades,
        "checkout_unchanged": before == _checkout_fingerprint(),
    }


def test_batch_finishes_with_a_grade_for_everyone(batch):
    assert batch["status"] == 0
    assert set(batch["grades"]) == set(EXPECTED) | {"bad_json", "renamed"}
    for student, row in batch["grades"].items():
        assert (batch["out"] / row["feedback"]).is_file(), student


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_hand_in_gets_exactly_its_expected_marks(batch, student):
    _, score, statuses = EXPECTED[student]
    cells = batch["cells"][student]
    for gid, row in cells.items():
        function = gid.split("__")[0]
        expected = statuses.get(function, "passed")
        assert row["status"] == expected, (gid, row["status"], row["message"])
        assert row["message"] or expected == "passed", gid
    assert float(batch["grades"][student]["score"]) == score, {
        g: r["status"] for g, r in cells.items()
    }


def test_faults_are_explained(batch):
    cells = batch["cells"]
    assert "not defined" in cells["kernel_dies"]["sigmoid_derivative__visible"]["message"]
    assert "stopped the kernel" in batch["grades"]["kernel_dies"]["note"]
    assert "time limit" in batch["grades"]["swallows_interrupt"]["note"]
    assert "invalid JSON" in cells["bad_json"]["sigmoid__visible"]["message"]
    assert all(r["status"] == "error" for r in cells["bad_json"].values())
    assert "Copy1.ipynb" in batch["grades"]["renamed"]["note"]
    assert float(batch["grades"]["renamed"]["score"]) == FULL
    notes = batch["grades"]
    assert "put back" in notes["deleted_cells"]["note"]
    assert "more than once" in notes["dup_solution"]["note"]
    assert "markdown" in notes["cell_types"]["note"]
    hard = cells["hard_coded"]["sigmoid__visible"]["message"]
    assert "hidden checks do not" in hard


def test_hidden_failures_never_show_reference_values(batch):
    message = batch["cells"]["hard_coded"]["sigmoid__hidden"]["message"]
    assert "on a random" in message and "expected" not in message
    html = (batch["out"] / batch["grades"]["hard_coded"]["feedback"]).read_text(encoding="utf-8")
    assert "autograder.hidden" not in html and "HIDDEN TESTS" not in html


def test_checkout_and_gradebook_are_untouched_by_students(batch):
    assert batch["checkout_unchanged"]
    assert not (ROOT / "pwned.txt").exists() and not (ROOT / "utils" / "pwned.py").exists()
    assert not (batch["out"] / "pwned.txt").exists()
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{batch['out'] / 'gradebook.db'}") as gb:
        for student, row in batch["grades"].items():
            sub = gb.find_submission(AID, student)
            assert sub.score == float(row["score"]), student
            assert all(g.manual_score is None for n in sub.notebooks for g in n.grades)


def test_stolen_files_were_out_of_reach(batch):
    # The stealer's functions are stubs unless reading an answer file worked.
    assert all(
        r["score"] == "0"
        for g, r in batch["cells"]["stealer"].items()
        if g.split("__")[0] != "sigmoid"
    )


def test_the_theft_works_where_the_files_are_within_reach(tmp_path, fresh_release):
    """The stealer above is a real threat: unsandboxed (``--unsafe``), where the checkout is
    readable, the same hand-in takes full marks. So the test above can fail."""
    subs, out = tmp_path / "in", tmp_path / "out"
    paths = {"root": ROOT, "subs": subs, "out": out}
    target = subs / "stealer" / AID / f"{AID}.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(_steal_answers(student_notebook(AID, release=fresh_release), paths), target)
    assert main(["grade", str(subs), "--out", str(out), "--unsafe", "--workers", "1"]) == 0
    (row,) = read_csv(out / "grades.csv")
    assert float(row["score"]) == FULL


def test_the_batch_covers_every_graded_function_of_the_assignment():
    """FUNCTIONS above names every graded function, so no function escapes the statuses."""
    answers = solution_cells(SOURCE / AID / f"{AID}.ipynb")
    assert set(answers) == set(FUNCTIONS)
