"""Find the submissions to grade and lay them out as nbgrader's ``submitted/`` folder.

Accepted layout (nbgrader's): ``SUBMISSIONS/<student_id>/<assignment_id>/<assignment_id>.ipynb``.
A folder holding one notebook under another name is graded too, with a note.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Submission:
    """One student's hand-in of one assignment.

    Attributes
    ----------
    student_id, assignment_id : str
    notebook : Path or None
        The notebook to grade; ``None`` when the folder holds none.
    note : str
        What the grader had to assume (a renamed notebook), shown in the report.
    """

    student_id: str
    assignment_id: str
    notebook: Path | None
    note: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """``(student_id, assignment_id)``."""
        return self.student_id, self.assignment_id


def find_submissions(folder: Path, assignment_ids: list[str]) -> tuple[list[Submission], list[str]]:
    """List the submissions under ``folder``.

    Parameters
    ----------
    folder : Path
        Laid out as nbgrader's ``submitted/``.
    assignment_ids : list of str
        The course's assignments; other folders are skipped with a warning.

    Returns
    -------
    submissions : list of Submission
        Sorted by student, then assignment.
    warnings : list of str
        What was skipped, and why.
    """
    submissions, warnings = [], []
    for student_dir in sorted(p for p in Path(folder).iterdir() if p.is_dir()):
        if student_dir.name.startswith("."):
            continue
        for assignment_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            aid = assignment_dir.name
            if aid not in assignment_ids:
                warnings.append(f"{student_dir.name}/{aid}: not an assignment of this course")
                continue
            submissions.append(_one_submission(student_dir.name, aid, assignment_dir))
    return submissions, warnings


def _one_submission(student_id: str, assignment_id: str, folder: Path) -> Submission:
    expected = folder / f"{assignment_id}.ipynb"
    if expected.is_file():
        return Submission(student_id, assignment_id, expected)
    notebooks = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    if len(notebooks) == 1:
        note = f"graded {notebooks[0].name}, the only notebook handed in"
        return Submission(student_id, assignment_id, notebooks[0], note)
    note = (
        "no notebook handed in"
        if not notebooks
        else (f"{len(notebooks)} notebooks and none named {assignment_id}.ipynb")
    )
    return Submission(student_id, assignment_id, None, note)


def stage(submission: Submission, submitted_root: Path) -> Path:
    """Copy a submission into nbgrader's ``submitted/<student>/<assignment>/`` folder.

    Returns
    -------
    Path
        The staged notebook, always named ``<assignment_id>.ipynb``.
    """
    target = submitted_root / submission.student_id / submission.assignment_id
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    staged = target / f"{submission.assignment_id}.ipynb"
    if submission.notebook is not None:
        shutil.copyfile(submission.notebook, staged)
    return staged
