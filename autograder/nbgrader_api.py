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


def open_api(root: Path, release_directory: str | Path, db_url: str) -> NbGraderAPI:
    """An nbgrader API object for the course directory ``root``.

    Parameters
    ----------
    root : Path
        nbgrader's course directory.
    release_directory : str or Path
        Where ``generate_assignment`` writes the student release.
    db_url : str
        The gradebook's SQLAlchemy URL.
    """
    _put_interpreter_tools_on_path()
    config = nbgrader_config(root, release_directory, db_url)
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    api.log.setLevel(logging.ERROR)
    return api


def raise_on_failure(result: dict, what: str) -> None:
    """Turn an unsuccessful nbgrader API result into an exception with nbgrader's log."""
    if not result.get("success"):
        detail = (result.get("error") or "") + "\n" + (result.get("log") or "")
        raise RuntimeError(f"nbgrader could not {what}:\n{detail.strip()}")
