"""Run a notebook with a real Jupyter kernel (nbclient), as a student's JupyterLab would."""

from __future__ import annotations

from pathlib import Path

from autograder.support_modules import staged_client


def run_notebook(path: Path, workdir: Path, allow_errors: bool = False, timeout: int = 180):
    """Execute a copy of ``path`` (with its folder's files and, as at grading, the support
    modules its release generates) in ``workdir``; return the result.

    Parameters
    ----------
    path : Path
        The notebook.
    workdir : Path
        An empty folder to run in, so that nothing is written next to the original.
    allow_errors : bool
        Keep going after a cell raises (its error is recorded in its outputs).
    timeout : int
        Seconds one cell may take.
    """
    client = staged_client(path, workdir, timeout=timeout, allow_errors=allow_errors)
    client.execute()
    return client.nb


def grade_cells(nb) -> dict[str, object]:
    """Grade id to cell, for the executed notebook ``nb``."""
    return {
        c.metadata["nbgrader"]["grade_id"]: c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }


def errors(cell) -> list:
    """The error outputs of an executed cell."""
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def text(cell) -> str:
    """Everything a cell printed."""
    return "".join(
        o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream"
    )
