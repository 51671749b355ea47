"""A thin, quiet wrapper around nbgrader's Python API.

Everything the course does with nbgrader goes through :func:`open_api`, so that the settings
of :mod:`autograder.course` apply to every call.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import nbgrader.api
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session, sessionmaker

from autograder.course import nbgrader_config
from autograder.nbgrader_steps import alembic_head


@contextlib.contextmanager
def one_engine_per_gradebook() -> Iterator[None]:
    """While open, every nbgrader ``Gradebook`` opened in this process for the same database
    shares one SQLAlchemy engine, with its compiled queries and pooled connections.

    nbgrader builds a new engine each time a ``Gradebook`` is opened, and its preprocessors
    open one each, committing after every cell: recording a hand-in opened about ten, and each
    new engine connected and compiled every query again (and closing a gradebook closed its
    engine's connections); and each open checked the schema and the course row again. The
    grader records a whole batch in one such block, where nobody deletes the gradebook (a
    pooled connection to a deleted file would write nowhere); on leaving it, the engines are
    closed and nbgrader's own way is back.
    """
    made = nbgrader.api.create_engine
    engines: dict[str, Engine] = {}
    opens = nbgrader.api.Gradebook.__init__
    ready: set[tuple[str, str]] = set()

    def shared(url, **kwargs) -> Engine:
        key = f"{url}|{sorted(kwargs.items())!r}"
        if key not in engines:
            engine = engines[key] = made(url, **kwargs)
            # nbgrader's Gradebook.close() disposes of its engine, which closed the pooled
            # connection at every close and reconnected at the next open: here the engine
            # outlives the gradebooks, and is disposed of when the block ends.
            engine.dispose = lambda close=True: None
        return engines[key]

    def reopen(gradebook, db_url, course_id="default_course", authenticator=None) -> None:
        # nbgrader's Gradebook.__init__ checks every table's existence, creates what is missing
        # and looks up (and commits) the course row at every open: a tenth of the grader's CPU
        # time. Within the block, a database whose tables and course row were made or found
        # once is opened as nbgrader's __init__ ends up opening it, without the checks.
        if (db_url, course_id) not in ready:
            opens(gradebook, db_url, course_id, authenticator)
            ready.add((db_url, course_id))
            return
        gradebook.engine = nbgrader.api.create_engine(db_url, echo=False, future=True)
        gradebook.db = scoped_session(
            sessionmaker(autoflush=True, bind=gradebook.engine, future=True)
        )
        gradebook.course_id = course_id
        gradebook.authenticator = authenticator

    nbgrader.api.create_engine = shared
    nbgrader.api.Gradebook.__init__ = reopen
    # A new gradebook is stamped with the head of nbgrader's migrations: read in this process
    # (nbgrader_steps.alembic_head), not by an ``alembic heads`` subprocess.
    stamp = nbgrader.api.get_alembic_version
    nbgrader.api.get_alembic_version = alembic_head
    try:
        yield
    finally:
        nbgrader.api.create_engine = made
        nbgrader.api.Gradebook.__init__ = opens
        nbgrader.api.get_alembic_version = stamp
        for engine in engines.values():
            del engine.dispose  # Engine.dispose again
            engine.dispose()


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
