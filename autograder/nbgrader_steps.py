"""nbgrader's own grading steps, reading the gradebook once per notebook instead of once per
cell.

Staging and recording a hand-in run nbgrader's preprocessors, which ask the gradebook a
question for every cell (two joins for each source cell, a five-table join and a commit for
each grade) and validate every cell's metadata against nbgrader's JSON schema again. Over a
batch that was most of the grader's own CPU time, taken from the workers on a 2-core machine.
The subclasses here keep nbgrader's logic (its methods run unchanged) and change only where
the answers come from:

* :class:`RememberingCheckCellMetadata`: a cell's metadata is validated once per process
  (the check depends on the cell's type and nbgrader metadata alone, and after repair those
  are the source's in nearly every hand-in);
* :class:`OverwriteCellsOnce`: the assignment's source cells are read once per grader (the
  grader records the assignment before it stages any hand-in of it, and nothing changes them
  during a batch); the gradebook is opened again only when a cell is missing, to put it back;
* :class:`OverwriteKernelspecOnce`: the source notebook's kernel, read once per grader;
* :class:`SaveAutoGradesAtOnce`: a hand-in's grades and comments are read with one query
  each and committed once, instead of one query and one commit per cell;
* :class:`GetGradesAtOnce`: a feedback page's scores and comments, read the same way;
* :func:`alembic_head`: the gradebook's schema version, read from nbgrader's migration scripts
  in this process instead of an ``alembic heads`` subprocess (about a second of CPU when a
  batch starts on a new gradebook).
"""

from __future__ import annotations

import functools
import json
import traceback
import types

from nbgrader import utils
from nbgrader.api import Comment, Grade, Gradebook, MissingEntry
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.preprocessors import (
    CheckCellMetadata,
    GetGrades,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from sqlalchemy.orm import joinedload


class _RememberingValidator(MetadataValidator):
    """nbgrader's metadata validator that skips a cell whose type and nbgrader metadata it
    has found valid before (the notebook-wide checks, such as unique grade ids, always run)."""

    def __init__(self) -> None:
        super().__init__()
        self._valid: set[str] = set()

    def validate_cell(self, cell) -> None:
        if "nbgrader" not in cell.metadata:
            return
        key = json.dumps([cell.cell_type, cell.metadata["nbgrader"]], sort_keys=True)
        if key not in self._valid:
            super().validate_cell(cell)
            self._valid.add(key)


class RememberingCheckCellMetadata(CheckCellMetadata):
    """nbgrader's ``CheckCellMetadata``, each distinct cell validated once per process."""

    _validator: _RememberingValidator | None = None

    def preprocess(self, nb, resources):
        if RememberingCheckCellMetadata._validator is None:
            RememberingCheckCellMetadata._validator = _RememberingValidator()
        try:
            RememberingCheckCellMetadata._validator.validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from None
        return nb, resources


class _KnownCells:
    """The answers ``OverwriteCells.preprocess_cell`` asks the gradebook for, read once."""

    def __init__(self, gradebook: Gradebook, notebook: str, assignment: str) -> None:
        source = gradebook.find_notebook(notebook, assignment)
        self.source = {
            cell.name: types.SimpleNamespace(
                name=cell.name,
                cell_type=cell.cell_type,
                locked=cell.locked,
                checksum=cell.checksum,
                source=cell.source,
            )
            for cell in source.source_cells
        }
        self.graded = {
            cell.name: types.SimpleNamespace(name=cell.name, max_score=cell.max_score)
            for cell in [*source.grade_cells, *source.task_cells]
        }
        self.grade_names = {cell.name for cell in source.grade_cells}
        self.task_names = {cell.name for cell in source.task_cells}
        self.location = (notebook, assignment)

    def find_source_cell(self, name: str, notebook: str, assignment: str):
        if (notebook, assignment) == self.location and name in self.source:
            return self.source[name]
        raise MissingEntry(f"No such source cell: {assignment}/{notebook}/{name}")

    def find_graded_cell(self, name: str, notebook: str, assignment: str):
        if (notebook, assignment) == self.location and name in self.graded:
            return self.graded[name]
        raise MissingEntry(f"No such grade cell: {assignment}/{notebook}/{name}")


class OverwriteCellsOnce(OverwriteCells):
    """nbgrader's ``OverwriteCells``, the assignment's source cells read once (see the
    module). Make one per grader: it keeps what it read for its lifetime."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._known: dict[tuple[str, str, str], _KnownCells] = {}

    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.db_url = resources["nbgrader"]["db_url"]
        key = (self.db_url, self.notebook_id, self.assignment_id)
        if key not in self._known:
            with Gradebook(self.db_url) as gradebook:
                self._known[key] = _KnownCells(gradebook, self.notebook_id, self.assignment_id)
        known = self._known[key]
        self.gradebook = known
        nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)  # cell by cell
        # What nbgrader's add_missing_* methods would find missing, found as they find it.
        answered = {
            cell.metadata.nbgrader.get("grade_id")
            for cell in nb.cells
            if utils.is_grade(cell) or utils.is_solution(cell)
        }
        tagged = {c.metadata.nbgrader.get("grade_id") for c in nb.cells if "nbgrader" in c.metadata}
        missing = (known.grade_names - answered) | (known.task_names - tagged)
        if self.add_missing_cells and missing:
            with Gradebook(self.db_url) as gradebook:  # nbgrader puts the missing cells back
                self.gradebook = gradebook
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class OverwriteKernelspecOnce(OverwriteKernelspec):
    """nbgrader's ``OverwriteKernelspec``: the submitted notebook gets the source notebook's
    kernel, read from the gradebook once per grader (make one per grader)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._kernels: dict[tuple[str, str, str], str | None] = {}

    def preprocess(self, nb, resources):
        where = resources["nbgrader"]
        key = (where["db_url"], where["notebook"], where["assignment"])
        if key not in self._kernels:
            with Gradebook(where["db_url"]) as gradebook:
                found = gradebook.find_notebook(where["notebook"], where["assignment"])
                self._kernels[key] = found.kernelspec
        if self._kernels[key] is not None:
            kernelspec = json.loads(self._kernels[key])
            if kernelspec:
                nb.metadata["kernelspec"] = kernelspec
        return nb, resources


class _LoadedGrades:
    """The answers ``SaveAutoGrades`` asks the gradebook for, read in one query each; its
    per-cell commits wait for the one at the end."""

    db = types.SimpleNamespace(commit=lambda: None)

    def __init__(self, gradebook: Gradebook, notebook: str, assignment: str, student: str):
        submitted = gradebook.find_submission_notebook(notebook, assignment, student)
        query = gradebook.db.query
        self.grades = {
            g.cell.name: g
            for g in query(Grade).options(joinedload(Grade.cell)).filter_by(notebook=submitted)
        }
        self.comments = {
            c.cell.name: c
            for c in query(Comment).options(joinedload(Comment.cell)).filter_by(notebook=submitted)
        }
        self.where = f"{assignment}/{notebook}"

    def find_grade(self, grade_cell: str, notebook: str, assignment: str, student: str):
        if grade_cell not in self.grades:
            raise MissingEntry(f"No such grade: {self.where}/{grade_cell} for {student}")
        return self.grades[grade_cell]

    def find_comment(self, solution_cell: str, notebook: str, assignment: str, student: str):
        if solution_cell not in self.comments:
            raise MissingEntry(f"No such comment: {self.where}/{solution_cell} for {student}")
        return self.comments[solution_cell]


class _GradesReadAtOnce(NbGraderPreprocessor):
    """The cell-by-cell pass of an nbgrader step that asks for a hand-in's grades and
    comments, given them from :class:`_LoadedGrades`."""

    def _cell_by_cell(self, nb, resources, then):
        """nbgrader's pass over the cells, then ``then(gradebook, resources)``, with the
        gradebook open."""
        where = resources["nbgrader"]
        self.notebook_id, self.assignment_id = where["notebook"], where["assignment"]
        self.student_id, self.db_url = where["student"], where["db_url"]
        with Gradebook(self.db_url) as gradebook:
            self.gradebook = _LoadedGrades(
                gradebook, self.notebook_id, self.assignment_id, self.student_id
            )
            nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
            then(gradebook, resources)
        return nb, resources


class SaveAutoGradesAtOnce(_GradesReadAtOnce, SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades``: the same scores, needs-manual-grade flags and automatic
    comments, read in two queries and committed once per hand-in (see the module)."""

    def preprocess(self, nb, resources):
        return self._cell_by_cell(nb, resources, lambda gradebook, _: gradebook.db.commit())


class GetGradesAtOnce(_GradesReadAtOnce, GetGrades):
    """nbgrader's ``GetGrades``: a feedback page gets the same scores, points and comments,
    read in two queries per hand-in instead of a five-table join per cell."""

    def preprocess(self, nb, resources):
        return self._cell_by_cell(nb, resources, self._totals)

    def _totals(self, gradebook, resources) -> None:
        """The page's totals, as nbgrader's ``GetGrades`` sets them."""
        notebook = gradebook.find_submission_notebook(
            self.notebook_id, self.assignment_id, self.student_id
        )
        late_penalty = notebook.late_submission_penalty
        if late_penalty is None:
            late_penalty = 0
        resources["nbgrader"]["score"] = notebook.score - late_penalty
        resources["nbgrader"]["max_score"] = notebook.max_score
        resources["nbgrader"]["late_penalty"] = late_penalty


@functools.lru_cache(maxsize=1)
def alembic_head() -> str:
    """The revision nbgrader stamps on a new gradebook: the head of its migration scripts,
    as ``alembic heads`` prints it (nbgrader's ``get_alembic_version``), read in-process."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    config = Config()
    config.set_main_option("script_location", ALEMBIC_DIR)
    return ScriptDirectory.from_config(config).get_current_head()
