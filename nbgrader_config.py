"""nbgrader settings for plain ``nbgrader`` commands run from the checkout.

``nbgrader generate_assignment 01_numpy_basics`` writes the release to ``notebooks/``, as
``python -m autograder release`` does.

* Exchange (``release_assignment``, ``fetch_assignment``, ``submit``, ``collect``,
  ``release_feedback``, ``fetch_feedback`` and formgrader's buttons): ``$NBGRADER_EXCHANGE`` if
  set (on a shared server: a folder every user can enter and write, ``chmod 1777``), else
  ``exchange/`` in the checkout, made on first use (one user: a self-learner).
* Grader's output (formgrader, ``nbgrader export``, ``release_feedback``...): ``$COURSE_OUT``,
  the folder ``grade --out OUT`` wrote (or will write), makes nbgrader work on it, its course
  directory ``OUT/nbgrader`` and its gradebook ``OUT/gradebook.db``, with no config to write.
  That course directory is laid out as the grader lays it out: ``source`` (a link to the
  checkout's ``source/``, made here if the grader has not made it yet), the release in
  ``release/``; nbgrader's ``collect`` (formgrader's Collect button) puts hand-ins in
  ``collected/``, to grade with ``python -m autograder grade OUT/nbgrader/collected --out OUT``
  (``submitted/`` is where the grader stages each hand-in it grades, sanitised: it is
  rewritten at every run, so hand-ins collected into it would be replaced).
* Gradebook alone: ``$COURSE_GRADEBOOK`` if set (a SQLAlchemy URL such as
  ``sqlite:////path/OUT/gradebook.db``, or a plain path to such a file), else the one of
  ``$COURSE_OUT``, else ``gradebook.db`` in the checkout.
* Course id: ``autograder.course.COURSE_ID``.
* nbgrader's own autograde (formgrader's Autograde button, ``nbgrader autograde``) is turned
  off: it would run each student's notebook unsandboxed, in the instructor's kernels
  (``autograder.course.refuse_nbgraders_autograde``).
* ``generate_assignment`` also writes the support modules generated from the reference
  (05's ``deep_network_steps.py``, :mod:`autograder.support_modules`) beside the release.
"""

import os
from functools import partial
from pathlib import Path

from autograder.course import COURSE_ID, ROOT, nbgrader_config, refuse_nbgraders_autograde
from autograder.support_modules import after_generate_assignment

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)

# nbgrader's own autograde (formgrader's Autograde button, `nbgrader autograde`) would run the
# students' notebooks in the instructor's kernels, unsandboxed: it refuses, and says to grade
# with `python -m autograder grade`.
refuse_nbgraders_autograde()

out = os.environ.get("COURSE_OUT", "").strip()
out = Path(out).expanduser().resolve() if out else None
gradebook = os.environ.get("COURSE_GRADEBOOK", "").strip()
if not gradebook:
    gradebook = f"sqlite:///{(out or ROOT) / 'gradebook.db'}"
elif "://" not in gradebook:  # a path to OUT/gradebook.db
    gradebook = f"sqlite:///{Path(gradebook).expanduser().resolve()}"
c.merge(nbgrader_config(ROOT, "notebooks", gradebook))
if out is not None:  # the grader's course directory: its submissions, autograded and feedback
    c.CourseDirectory.root = str(out / "nbgrader")
    c.CourseDirectory.release_directory = "release"  # the grader's (autograder.grading)
    c.CourseDirectory.submitted_directory = "collected"  # submitted/ is the grader's staging
    source = out / "nbgrader" / "source"
    if not source.is_symlink() and not source.exists():  # as the grader makes it
        try:
            source.parent.parent.mkdir(parents=True, exist_ok=True)
            source.parent.mkdir(mode=0o700, exist_ok=True)  # hand-ins: the owner's, as grade does
            source.symlink_to(ROOT / "source", target_is_directory=True)
        except OSError:  # a read-only OUT: nbgrader finds no assignment and says so
            pass
c.CourseDirectory.course_id = COURSE_ID
# The support modules are generated, not in source/ for nbgrader to copy: generate_assignment
# writes them after its copy, as `python -m autograder release` does.
course = Path(c.CourseDirectory.root)
c.GenerateAssignment.post_convert_hook = partial(
    after_generate_assignment,
    release=course / c.CourseDirectory.release_directory,
    source=course / c.CourseDirectory.source_directory,
)

exchange = os.environ.get("NBGRADER_EXCHANGE", "").strip()
if exchange:
    c.Exchange.root = str(Path(exchange).expanduser())
else:
    c.Exchange.root = str(ROOT / "exchange")
    try:
        (ROOT / "exchange").mkdir(exist_ok=True)
    except OSError:  # a read-only checkout: nbgrader says the exchange is missing
        pass
