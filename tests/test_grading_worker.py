"""The grading worker's preload lists name modules that exist (a renamed module would be
skipped silently there, and every notebook would pay for importing it)."""

from __future__ import annotations

import importlib.util
import runpy

import pytest

from autograder.course import ROOT

AID = "01_numpy_basics"

#: The worker's globals; it serves only when run as a script.
worker = runpy.run_path(str(ROOT / "autograder" / "sandbox_shim" / "grading_worker.py"))


#: First on the worker's path: the shim's own modules (``grading_figures``...).
SHIM = ROOT / "autograder" / "sandbox_shim"


@pytest.mark.parametrize("name", worker["PRELOAD"] + worker["OPTIONAL_PRELOAD"])
def test_every_preloaded_module_exists(name):
    in_shim = "." not in name and (SHIM / f"{name}.py").is_file()
    assert in_shim or importlib.util.find_spec(name) is not None, name


def test_the_modules_of_a_batch_are_those_its_graded_cells_import():
    from autograder.course import SOURCE
    from autograder.worker_pool import imported_modules

    def of(aid):
        return set(imported_modules([SOURCE / aid / f"{aid}.ipynb"]))

    assert {"numpy", "utils.visible_checks.numpy_basics"} <= of("01_numpy_basics")
    assert "sklearn.linear_model" in of("03_shallow_network")
    # 03 imports the explorer in an exploration cell only: never run at grading.
    assert not {m for m in of("03_shallow_network") if "explorer" in m}
    assert not {m for m in of("05_deep_network_application") if m.startswith("autograder")}


@pytest.mark.kernel
def test_a_worker_preloads_what_its_batch_imports_and_not_the_rest(tmp_path):
    """A batch of 01 alone never imports scikit-learn (a second of CPU per worker); a batch
    with 03 preloads it, so that no 03 hand-in imports it again."""
    import nbformat

    from autograder.cli import main
    from tests.course_outputs import functions, write_hand_in

    probe = "import sys\nprint('sklearn preloaded:', 'sklearn' in sys.modules)"

    def preloaded(with_03: bool) -> bool:
        subs, out = tmp_path / f"in{with_03}", tmp_path / f"out{with_03}"
        nb_path = write_hand_in(subs, "ada", functions())
        nb = nbformat.read(nb_path, as_version=4)
        nb.cells.insert(1, nbformat.v4.new_code_cell(probe))
        nbformat.write(nb, nb_path)
        if with_03:
            write_hand_in(subs, "ada", [], aid="03_shallow_network")
        assert main(["grade", str(subs), "--out", str(out), "--unsafe", "--workers", "1"]) == 0
        graded = out / "nbgrader" / "autograded" / "ada" / "01_numpy_basics"
        printed = nbformat.read(graded / "01_numpy_basics.ipynb", as_version=4).cells[1]
        text = "".join(o.get("text", "") for o in printed.outputs)
        assert "sklearn preloaded:" in text
        return "True" in text

    assert preloaded(with_03=False) is False
    assert preloaded(with_03=True) is True


@pytest.mark.kernel
def test_a_notebook_starts_with_the_workers_warm_state_and_history_in_memory(tmp_path):
    """matplotlib's mathtext grammar comes built from the worker (each notebook built it
    again: an axis offset such as 1e-3 needs it), and so does the IPython shell: each notebook
    of a worker starts from a copy of the same unused shell (the same history session), with
    history in memory as the course's kernels keep it, so no history thread or file is made,
    and ``In`` and ``_`` work."""
    import nbformat

    from autograder.cli import main
    from tests.course_outputs import functions, grades, write_hand_in

    probe = (
        "import threading\n"
        "from matplotlib import mathtext\n"
        "print('grammar built:', mathtext.MathTextParser._parser is not None)\n"
        "print('threads:', threading.active_count())\n"
        "print('history:', get_ipython().history_manager.hist_file)\n"
        "print('previous:', _, In[-2])\n"
        "sessions = get_ipython().history_manager.db.execute('SELECT start FROM sessions')\n"
        "print('session:', [str(start) for (start,) in sessions])"
    )
    subs, out = tmp_path / "in", tmp_path / "out"
    for student in ("ada", "grace"):
        nb_path = write_hand_in(subs, student, functions())
        nb = nbformat.read(nb_path, as_version=4)
        nb.cells[1:1] = [nbformat.v4.new_code_cell("6 * 7"), nbformat.v4.new_code_cell(probe)]
        nbformat.write(nb, nb_path)
    assert main(["grade", str(subs), "--out", str(out), "--unsafe", "--workers", "1"]) == 0
    printed = {}
    for student in ("ada", "grace"):
        graded = out / "nbgrader" / "autograded" / student / AID / f"{AID}.ipynb"
        cell = nbformat.read(graded, as_version=4).cells[2]
        printed[student] = "".join(o.get("text", "") for o in cell.outputs).splitlines()
        assert printed[student][:4] == [
            "grammar built: True",
            "threads: 1",
            "history: :memory:",
            "previous: 42 6 * 7",
        ]
        assert grades(out)[(student, AID)]["score"] == "15"
    # One session, begun in the worker before either notebook's process was forked.
    assert printed["ada"][4] == printed["grace"][4]
    assert printed["ada"][4].startswith("session: ['20")
