"""Exploration cells: what a hand-in computes for the student's own curiosity, not for a grade.

The instructor tags a code cell of ``source/<id>/<id>.ipynb`` with ``exploration`` (cell
metadata ``"tags": ["exploration"]``, the idea of otter-grader's ignored cells): a
learning-rate comparison, a hidden-units sweep, the explorer, a timing demo. At grading such a
cell is not sent to the sandbox; the feedback shows the student's own saved outputs for it,
under a note that says it was not rerun.

What decides is the *source* notebook, never the hand-in: students can add, drop or edit tags.
A student's cell is skipped only when its code is, character for character (up to surrounding
whitespace), the code of a tagged cell and of no untagged cell. A cell the student wrote or
changed therefore always runs, and so does everything a graded function could depend on (the
tests check that the source notebook, run with its tagged cells removed, passes every check).

Two steps, both on the grader's side:

1. :func:`mark_exploration` marks the exploration cells of the notebook about to be run and puts
   the student's saved outputs (capped like any output) back on them, under the note;
2. :class:`SkipExploration` wraps any pool with ``submit``/``close`` (the local
   :class:`~autograder.worker_pool.ExecutionPool` or the Dask one): it sends a copy where each
   marked cell is an empty Markdown cell (so cell indices, grade ids and problems keep their
   meaning, and no byte of its code or outputs leaves the grader), then puts the marked cells
   back, untouched, into the executed notebook.
"""

from __future__ import annotations

import concurrent.futures
import copy
import json
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder.repair import Unreadable, read_submission
from autograder.sandbox import Limits

#: The cell tag, in ``source/``, of a cell not run at grading.
TAG = "exploration"
#: Metadata key the grader sets (and first removes from every cell: a hand-in cannot set it).
MARK = "autograder_not_rerun"
#: What the feedback shows above the student's saved outputs of an exploration cell.
NOTE = (
    "[not rerun at grading: an exploration cell, not graded; the outputs below are the "
    "student's own, as saved in the hand-in]\n"
)
_OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error")
_CUT = "\n[saved output cut: more than the grader keeps]\n"


def _normal(source: str) -> str:
    """A cell's code as compared: line endings and trailing spaces do not count."""
    return "\n".join(line.rstrip() for line in source.replace("\r\n", "\n").split("\n")).strip()


def _graded(cell: NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade") or meta.get("solution"))


def is_exploration(cell: NotebookNode) -> bool:
    """True for a code cell of a source notebook tagged as exploration (never a graded or
    solution cell: those always run)."""
    tags = cell.metadata.get("tags", [])
    return cell.cell_type == "code" and isinstance(tags, list) and TAG in tags and not _graded(cell)


def exploration_sources(source_nb: NotebookNode) -> set[str]:
    """The normalised code of the source notebook's exploration cells, minus any code that an
    untagged cell has too (such a cell could be either, so it runs)."""
    tagged, untagged = set(), set()
    for cell in source_nb.cells:
        if cell.cell_type != "code":
            continue
        (tagged if is_exploration(cell) else untagged).add(_normal(cell.source))
    return tagged - untagged - {""}


def _saved_outputs(cell: NotebookNode | None, limits: Limits) -> list:
    """The student's saved outputs of ``cell``, as many as the per-cell output limit keeps
    (they are the student's data: never trusted to be small)."""
    if cell is None:
        return []
    kept, room = [], limits.output_bytes
    for output in cell.get("outputs", []) or []:
        if not isinstance(output, dict) or output.get("output_type") not in _OUTPUT_TYPES:
            continue
        size = len(json.dumps(output))
        if size > room:
            kept.append(
                nbformat.v4.new_output(
                    "stream",
                    name="stdout",
                    text=_CUT,
                )
            )
            break
        room -= size
        kept.append(nbformat.from_dict(copy.deepcopy(output)))
    return kept


def mark_exploration(
    executed: NotebookNode,
    original: NotebookNode | Path | None,
    source_nb: NotebookNode,
    limits: Limits | None = None,
    enabled: bool = True,
) -> list[int]:
    """Mark the exploration cells of ``executed`` and give them the saved outputs.

    Parameters
    ----------
    executed : NotebookNode
        The sanitised notebook about to be run (outputs cleared); changed in place.
    original : NotebookNode or Path, optional
        The hand-in as handed in, with the student's saved outputs (the grader's private
        copy of it: repairing and sanitising clear outputs). A saved output is matched to
        its cell by the cell's code.
    source_nb : NotebookNode
        The instructor's notebook, whose tags decide.
    limits : Limits, optional
        The output limit per cell applies to the saved outputs too.
    enabled : bool
        False runs every cell: only the marks a hand-in carried are removed (always, since
        :class:`SkipExploration` trusts the mark).

    Returns
    -------
    list of int
        Indices of the cells marked.
    """
    limits = limits or Limits()
    wanted = exploration_sources(source_nb) if enabled else set()
    saved: dict[str, NotebookNode] = {}
    if wanted and original is not None:
        if not isinstance(original, NotebookNode):
            try:
                original = read_submission(Path(original))
            except Unreadable:
                original = None
        for cell in original.cells if original is not None else []:
            if cell.get("cell_type") == "code":
                saved.setdefault(_normal(cell.get("source", "")), cell)
    marked = []
    for index, cell in enumerate(executed.cells):
        cell.metadata.pop(MARK, None)  # only the grader marks
        if cell.cell_type != "code" or _graded(cell) or _normal(cell.source) not in wanted:
            continue
        before = saved.get(_normal(cell.source))
        note = nbformat.v4.new_output("stream", name="stdout", text=NOTE)
        cell.outputs = [note, *_saved_outputs(before, limits)]
        count = before.get("execution_count") if before is not None else None
        cell.execution_count = count if isinstance(count, int) else None
        cell.metadata[MARK] = True
        marked.append(index)
    return marked


class SkipExploration:
    """A pool that does not run the cells :func:`mark_exploration` marked.

    Parameters
    ----------
    pool
        Anything with ``submit(nb, grade_ids, cases, support_files) -> Future[Execution]``
        and ``close()``.
    """

    def __init__(self, pool) -> None:
        self.pool = pool

    def submit(self, nb, grade_ids, cases, support_files) -> concurrent.futures.Future:
        skipped = {i: c for i, c in enumerate(nb.cells) if c.metadata.get(MARK) and not _graded(c)}
        if not skipped:
            return self.pool.submit(nb, grade_ids, cases, support_files)
        run = copy.deepcopy(nb)
        for index, cell in skipped.items():
            # An empty Markdown cell in its place: never run, indices unchanged.
            blank = nbformat.v4.new_markdown_cell("")
            if "id" in cell:
                blank["id"] = cell["id"]
            run.cells[index] = blank
        inner = self.pool.submit(run, grade_ids, cases, support_files)
        outer: concurrent.futures.Future = concurrent.futures.Future()

        def restore(done: concurrent.futures.Future) -> None:
            try:
                execution = done.result()
            except BaseException as err:  # noqa: BLE001 - handed on to the grader as it came
                outer.set_exception(err)
                return
            for index, cell in skipped.items():
                kept = copy.deepcopy(cell)
                kept.metadata.pop(MARK, None)
                execution.notebook.cells[index] = kept
                execution.problems.pop(index, None)
            outer.set_result(execution)

        inner.add_done_callback(restore)
        return outer

    def close(self) -> None:
        self.pool.close()


__all__ = [
    "MARK",
    "NOTE",
    "TAG",
    "SkipExploration",
    "exploration_sources",
    "is_exploration",
    "mark_exploration",
]
