"""A thin, quiet wrapper around nbgrader's Python API.

Everything the course does with nbgrader goes through :func:`open_api`, so that the settings
of :mod:`autograder.course` apply to every call.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from autograder.course import nbgrader_config


def _put_interpreter_tools_on_path() -> None:
    """nbgrader runs ``alembic`` from PATH: make this interpreter's scripts folder come first,
    so the commands work from a virtual environment that was not activated."""
    scripts = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != scripts:
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def open_api(
    root: Path, release_directory: str | Path, db_url: str, autograde_preprocessors=None
) -> NbGraderAPI:
    """An nbgrader API object for the course directory ``root``.

    Parameters
    ----------
    root : Path
        nbgrader's course directory.
    release_directory : str or Path
        Where ``generate_assignment`` writes the student release.
    db_url : str
        The gradebook's SQLAlchemy URL.
    autograde_preprocessors : list, optional
        Replaces nbgrader's autograde preprocessors (the grader runs notebooks itself, on
        notebooks it sanitised with nbgrader's sanitising preprocessors beforehand).
    """
    _put_interpreter_tools_on_path()
    config = nbgrader_config(root, release_directory, db_url)
    if autograde_preprocessors is not None:
        config.Autograde.autograde_preprocessors = autograde_preprocessors
        # The grader stages notebooks already sanitised by nbgrader's own preprocessors.
        config.Autograde.sanitize_preprocessors = []
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    api.log.setLevel(logging.ERROR)
    return api


def raise_on_failure(result: dict, what: str) -> None:
    """Turn an unsuccessful nbgrader API result into an exception that says why."""
    if not result.get("success"):
        raise RuntimeError(f"nbgrader could not {what}: {failure_reason(result)}")


def failure_reason(result: dict) -> str:
    """The most telling line of a failed nbgrader call's log: the last exception raised."""
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    exceptions = [
        line
        for line in lines
        if ":" in line
        and "NbGraderException" not in line
        and line.split(":", 1)[0].replace(".", "").isidentifier()
        and line.split(":", 1)[0].split(".")[-1].endswith(("Error", "Exception"))
    ]
    return (exceptions or lines or ["no reason given"])[-1]
