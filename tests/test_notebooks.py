"""Every notebook: the instructor version runs with all checks passing, the release is in sync
with ``source/``, holds no answers, hidden tests or outputs, and its stubs fail their checks."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from autograder.course import RELEASE, SOURCE
from autograder.course import grade_cells as source_grade_cells
from autograder.exploration import is_exploration
from autograder.samples import solution_cells
from tests.conftest import ASSIGNMENTS
from tests.notebook_runner import errors, grade_cells, run_notebook, text


def _nb(folder, aid):
    return nbformat.read(folder / aid / f"{aid}.ipynb", as_version=4)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_source_notebook_runs_with_every_check_passing(aid, tmp_path):
    """The instructor notebook as grading runs it: every cell but the exploration cells, so
    nothing a graded function or a later check uses may be defined in one; every visible and
    hidden check passing. (Grading never runs exploration cells; the browser's Run All test
    runs them all, in the solved release, where they are the same cells.)"""
    folder = tmp_path / "source"
    shutil.copytree(SOURCE / aid, folder)
    path = folder / f"{aid}.ipynb"
    source = nbformat.read(path, as_version=4)
    assert any(is_exploration(c) for c in source.cells), f"{aid} has no exploration cell"
    source.cells = [c for c in source.cells if not is_exploration(c)]
    nbformat.write(source, path)
    work = tmp_path / "run"
    work.mkdir()
    nb = run_notebook(path, work)  # raises on any cell error
    cells = grade_cells(nb)
    assert cells, f"{aid} has no grade cells"
    for grade_id, cell in cells.items():
        printed = text(cell)
        if grade_id.endswith("__hidden"):
            assert "Hidden checks of" in printed and "passed" in printed, grade_id
        else:
            assert "All visible checks of" in printed, (grade_id, printed)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_stubs_fail_every_visible_check(aid, fresh_release, tmp_path):
    nb = run_notebook(fresh_release / aid / f"{aid}.ipynb", tmp_path, allow_errors=True)
    visible = {g: c for g, c in grade_cells(nb).items() if not g.endswith("__hidden")}
    assert visible
    for grade_id, cell in visible.items():
        found = errors(cell)
        assert found, f"{grade_id} passed on the unanswered release"
        assert "not implemented yet" in found[0]["evalue"], (grade_id, found[0]["evalue"])
        assert "All visible checks" not in text(cell)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_in_sync_with_source(aid, fresh_release):
    committed, rebuilt = _nb(RELEASE, aid), _nb(fresh_release, aid)

    def essence(nb):
        return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]

    assert essence(committed) == essence(rebuilt), (
        f"notebooks/{aid} differs from a fresh release: run `python -m autograder release`"
    )
    committed_files = sorted(p.name for p in (RELEASE / aid).iterdir())
    rebuilt_files = sorted(p.name for p in (fresh_release / aid).iterdir())
    assert committed_files == rebuilt_files


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_release_holds_no_answers_hidden_tests_or_outputs(aid):
    path = RELEASE / aid / f"{aid}.ipynb"
    raw = path.read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "autograder.hidden"):
        assert marker not in raw, f"{marker!r} in {path}"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    # No line of any solution body appears in the release.
    release_lines = {line.strip() for c in nb.cells for line in c.source.splitlines()}
    source = SOURCE / aid / f"{aid}.ipynb"
    src = nbformat.read(source, as_version=4)
    for cell in src.cells:
        if not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        body = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
        assert body, f"solution cell without markers in {source}"
        for line in body.group(1).splitlines():
            line = line.strip()
            if len(line) > 12 and not line.startswith("#"):
                assert line not in release_lines, f"solution line in the release: {line!r}"


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_notebook_follows_the_grading_conventions(aid):
    """Every graded function has one solution cell, a visible and a hidden grade cell."""
    functions = list(solution_cells(SOURCE / aid / f"{aid}.ipynb"))
    ids = [gid for gid, _ in source_grade_cells(SOURCE / aid / f"{aid}.ipynb")]
    assert len(ids) == len(set(ids))
    for f in functions:
        assert f"{f}__visible" in ids and f"{f}__hidden" in ids, f
    for gid in ids:
        assert gid.split("__")[0] in functions, f"{gid} grades no graded function"
    src = nbformat.read(SOURCE / aid / f"{aid}.ipynb", as_version=4)
    for cell in src.cells:
        assert cell.cell_type != "code" or not cell.outputs, "stored outputs in source/"
        if "BEGIN HIDDEN TESTS" in cell.source:
            hidden = re.search(
                r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S
            )
            lines = [x for x in hidden.group(1).splitlines() if x.strip()]
            assert len(lines) == 1 and "autograder.hidden" in lines[0], cell.source
