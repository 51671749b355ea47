"""Build the student release: ``source/<id>/<id>.ipynb`` to ``notebooks/<id>/<id>.ipynb``.

nbgrader's ``generate_assignment`` removes solutions (the body between ``### BEGIN SOLUTION``
and ``### END SOLUTION`` becomes the stub), hidden tests and outputs, locks grade cells and
copies the other files of ``source/<id>/``; then the support modules of the assignment are
generated from the reference beside the notebook (:mod:`autograder.support_modules`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from autograder.course import RELEASE, SOURCE, assignment_ids
from autograder.nbgrader_api import open_api, raise_on_failure
from autograder.support_modules import write as write_support_modules


def release(
    out: Path = RELEASE,
    source: Path = SOURCE,
    ids: list[str] | None = None,
    db_url: str | None = None,
) -> list[Path]:
    """Regenerate the student release of every assignment (or of ``ids``).

    Parameters
    ----------
    out : Path
        Release folder; ``out/<id>/`` is replaced for each assignment built.
    source : Path
        Folder of the instructor notebooks.
    ids : list of str, optional
        Assignments to build; all of ``source`` by default.
    db_url : str, optional
        Gradebook to record the assignments in; by default a throw-away one, so that building
        the release never writes into the checkout.

    Returns
    -------
    list of Path
        The release notebooks written (their support modules are written beside them).
    """
    ids = ids or assignment_ids(source)
    out = Path(out).resolve()
    written = []
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        root = Path(tmp)
        (root / "source").symlink_to(Path(source).resolve(), target_is_directory=True)
        staging = root / "release"
        api = open_api(root, staging, db_url or f"sqlite:///{root / 'gradebook.db'}")
        for assignment_id in ids:
            result = api.generate_assignment(assignment_id, force=True, create=True)
            raise_on_failure(result, f"build the release of {assignment_id}")
            target = out / assignment_id
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(staging / assignment_id, target)
            # Generated from the reference at every release, never kept in source/: nothing drifts.
            write_support_modules(assignment_id, target, source=Path(source))
            written.append(target / f"{assignment_id}.ipynb")
    return written
