"""Make a handed-in notebook gradable, or say precisely why it cannot be.

nbgrader gives up on a whole submission for mistakes students make every term: a copy-pasted
grade or solution cell, a grade cell deleted or turned into Markdown, metadata edited by hand.
Each repair here is one such mistake, undone, with a note the student reads in the report.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat import NotebookNode

#: Largest notebook accepted, in bytes.
MAX_BYTES = 50 * 1024 * 1024


class Unreadable(ValueError):
    """The file cannot be read as a notebook; the message says why, for the student."""


def read_submission(path: Path) -> NotebookNode:
    """Read a handed-in notebook.

    Raises
    ------
    Unreadable
        If it is too large, not JSON, or not a Jupyter notebook.
    """
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise Unreadable(
            f"the notebook is {size // 2**20} MiB, more than the {MAX_BYTES // 2**20} MiB accepted"
        )
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as err:
        raise Unreadable(
            f"the file is not a valid notebook: invalid JSON ({err.msg} at line {err.lineno}); "
            f"was it edited outside Jupyter or cut short?"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise Unreadable("the file is JSON but not a Jupyter notebook (no list of cells)")
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)
    except Exception as err:  # nbformat raises many kinds on malformed notebooks
        raise Unreadable(f"the file is not a readable Jupyter notebook: {err}") from None
    return nb


def _grade_id(cell: NotebookNode) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
        return meta["grade_id"]
    return None


def repair(nb: NotebookNode, source: NotebookNode) -> list[str]:
    """Undo the usual accidents in ``nb`` (in place) against its instructor notebook ``source``.

    Parameters
    ----------
    nb : NotebookNode
        The student's notebook.
    source : NotebookNode
        The instructor notebook of the same assignment.

    Returns
    -------
    list of str
        One note per repair, for the report.
    """
    notes = []
    source_cells = {gid: c for c in source.cells if (gid := _grade_id(c))}
    for cell in nb.cells:
        cell.setdefault("metadata", {})
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        gid = _grade_id(cell)
        if gid is None or gid not in source_cells:
            # Hand-edited or foreign metadata: nbgrader would reject the whole notebook.
            del cell.metadata["nbgrader"]
            notes.append(f"nbgrader metadata of a cell removed ({gid or 'invalid'})")

    # A copy-pasted cell: keep the last one (the one most likely edited), as nbgrader does.
    seen: set[str] = set()
    for cell in reversed(nb.cells):
        gid = _grade_id(cell)
        if gid is None:
            continue
        if gid in seen:
            del cell.metadata["nbgrader"]
            notes.append(f"cell {gid} appears more than once: the last copy is graded")
        seen.add(gid)

    # A graded cell turned into Markdown or raw text becomes code again.
    for index, cell in enumerate(nb.cells):
        gid = _grade_id(cell)
        if gid and source_cells[gid].cell_type == "code" and cell.cell_type != "code":
            new = nbformat.v4.new_code_cell(cell.source, metadata=cell.metadata)
            if "id" in cell:
                new["id"] = cell["id"]
            nb.cells[index] = new
            notes.append(f"cell {gid} was turned into {cell.cell_type}: graded as code")

    # A deleted grade cell is put back after the graded cell that precedes it in the source.
    present = {gid for c in nb.cells if (gid := _grade_id(c))}
    order = [gid for c in source.cells if (gid := _grade_id(c))]
    for position, gid in enumerate(order):
        if gid in present or not source_cells[gid].metadata["nbgrader"].get("grade"):
            continue
        anchor = next((g for g in reversed(order[:position]) if g in present), None)
        index = 0
        if anchor is not None:
            index = next(i for i, c in enumerate(nb.cells) if _grade_id(c) == anchor) + 1
        restored = nbformat.from_dict(json.loads(json.dumps(source_cells[gid])))
        restored.pop("id", None)
        nb.cells.insert(index, restored)
        present.add(gid)
        notes.append(f"grade cell {gid} was missing: put back and graded")
    _unique_cell_ids(nb)
    return notes


def _unique_cell_ids(nb: NotebookNode) -> None:
    """Give every cell a unique id (restored and duplicated cells may clash)."""
    import uuid

    seen = set()
    for cell in nb.cells:
        cid = cell.get("id")
        if not cid or cid in seen:
            cell["id"] = uuid.uuid4().hex[:12]
        seen.add(cell["id"])
