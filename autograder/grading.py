"""Grade submissions: the :class:`Grader` runs each one through the stages, one module each.

1. read: a private copy of the hand-in, links never followed (:mod:`autograder.submissions`);
2. repair and stage it in nbgrader's ``submitted/`` folder, sanitised by nbgrader's own
   preprocessors (:mod:`autograder.repair`);
3. run it in a sandbox of its own (:mod:`autograder.executor`), ``workers`` at once
   (:mod:`autograder.worker_pool`), with the inputs of its hidden checks drawn here;
4. judge every grade cell in this process (:mod:`autograder.judging`), the run's problems as
   typed outcomes (:mod:`autograder.kernel_outcomes`);
5. record the grades in the gradebook through nbgrader's ``autograde``
   (:mod:`autograder.recording`) and write the feedback (:mod:`autograder.feedback`);
6. keep a result file, so that a run killed halfway resumes where it stopped
   (:mod:`autograder.results`); the reports come from :mod:`autograder.reports`.

Only this process writes the gradebook. :meth:`Grader.grade` is the seam between running
student code and scoring it.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    OverwriteCells,
    OverwriteKernelspec,
)

from autograder.course import SOURCE, grade_cells
from autograder.executor import Execution, SandboxBroken, WorkerSlot
from autograder.feedback import FeedbackWriter, plain_page
from autograder.judging import (
    GradeCellPlan,
    Verdict,
    draw_cases,
    encode_cases,
    judge_cells,
    plan_grade_cells,
)
from autograder.kernel_outcomes import execution_notes, kernel_verdicts
from autograder.nbgrader_api import open_api, raise_on_failure
from autograder.recording import AUTOGRADE_PREPROCESSORS, JUDGED, recorded_scores
from autograder.repair import Unreadable, read_submission, repair
from autograder.results import (
    STATUSES,
    CellGrade,
    ResultFiles,
    SubmissionGrade,
    short_message,
)
from autograder.sandbox import Limits
from autograder.submissions import Submission, snapshot
from autograder.worker_pool import ExecutionPool

__all__ = ["STATUSES", "CellGrade", "Grader", "SubmissionGrade", "short_message"]


#: Unprivileged uids of grading workers: a block of 16 per grader process, so that two
#: graders on one machine never share a user (nor its process limit).
def _first_uid() -> int:
    return 100_000 + (os.getpid() % 100_000) * 16


@dataclass
class _Job:
    """A submission on its way through the grader."""

    submission: Submission
    notes: list[str]
    sanitized: nbformat.NotebookNode | None = None
    cases: dict = field(default_factory=dict)
    future: concurrent.futures.Future | None = None
    verdicts: dict[str, Verdict] | None = None  # decided without running (unreadable, missing)


# --------------------------------------------------------------------------------------------
# The grader
# --------------------------------------------------------------------------------------------
class Grader:
    """Grades submissions into ``out``.

    Parameters
    ----------
    out : Path
        Output folder: ``grades.csv``, ``cell_grades.csv``, ``feedback/``, the gradebook and
        nbgrader's working course directory (``nbgrader/``) go there.
    db_url : str, optional
        The gradebook's SQLAlchemy URL; ``sqlite:///OUT/gradebook.db`` by default.
    source : Path
        The instructor notebooks.
    workers : int, optional
        Kernels running at once; the number of cores by default.
    unsafe : bool
        Run kernels without the sandbox (only where bubblewrap cannot run; never for
        untrusted submissions). Hidden checks are still judged outside the kernel.
    limits : Limits
        Resource limits of each kernel.
    """

    def __init__(
        self,
        out: Path,
        db_url: str | None = None,
        source: Path = SOURCE,
        workers: int | None = None,
        unsafe: bool = False,
        limits: Limits | None = None,
    ) -> None:
        self.out = Path(out).resolve()
        self.course = self.out / "nbgrader"
        self.course.mkdir(parents=True, exist_ok=True)
        os.chmod(self.course, 0o700)  # submissions and the gradebook: nobody else's business
        self.db_url = db_url or f"sqlite:///{self.out / 'gradebook.db'}"
        self.source = Path(source).resolve()
        link = self.course / "source"
        if not link.exists():
            link.symlink_to(self.source, target_is_directory=True)
        self.api = open_api(self.course, "release", self.db_url, AUTOGRADE_PREPROCESSORS)
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.unsafe = unsafe
        self.limits = limits or Limits()
        self._started = time.time() - 1
        self.results = ResultFiles(self.course / "results", self.source)
        self._plans: dict[str, dict[str, GradeCellPlan]] = {}
        self._points: dict[str, list[tuple[str, float]]] = {}
        self._sources: dict[str, nbformat.NotebookNode] = {}
        self._support: dict[str, list[Path]] = {}
        self._sanitizers = [
            cls(config=self.api.config)
            for cls in (
                ClearOutput,
                DeduplicateIds,
                OverwriteKernelspec,
                OverwriteCells,
                CheckCellMetadata,
            )
        ]

    # ----------------------------------------------------------------------------------------
    def prepare(self, assignment_id: str) -> None:
        """Record the assignment in the gradebook (nbgrader's generate_assignment)."""
        result = self.api.generate_assignment(assignment_id, force=True, create=True)
        raise_on_failure(result, f"prepare {assignment_id} for grading")
        notebook = self.source / assignment_id / f"{assignment_id}.ipynb"
        self._plans[assignment_id] = plan_grade_cells(notebook)
        self._points[assignment_id] = grade_cells(notebook)
        self._sources[assignment_id] = nbformat.read(notebook, as_version=4)
        self._support[assignment_id] = sorted(
            p
            for p in (self.source / assignment_id).iterdir()
            if p.is_file() and p.suffix != ".ipynb" and not p.name.startswith(".")
        )

    def grade(self, submission: Submission) -> SubmissionGrade:
        """Grade one submission (see :meth:`grade_all`)."""
        return self.grade_all([submission])[0]

    def grade_all(
        self,
        submissions: Iterable[Submission],
        progress: Callable[[SubmissionGrade], None] | None = None,
    ) -> list[SubmissionGrade]:
        """Grade every submission, ``workers`` kernels at a time, in a stable order.

        Submissions graded by an earlier run (same file, same grader) are not run again.
        """
        # Private copies, read without following links: nothing a hand-in links to is read.
        submissions = [snapshot(sub, self.course / "incoming") for sub in submissions]
        results: dict[tuple[str, str], SubmissionGrade] = {}
        todo = []
        for sub in submissions:
            done = self._load_result(sub)
            if done is not None:
                results[sub.key] = done
                if progress:
                    progress(done)
            else:
                todo.append(sub)
        # One assignment after the other, so that each one's feedback can be written (in a side
        # process) as soon as its last hand-in is recorded, while the next one is graded.
        todo.sort(key=lambda sub: (sub.assignment_id, sub.student_id))
        left = {
            aid: sum(s.assignment_id == aid for s in todo)
            for aid in {s.assignment_id for s in todo}
        }
        feedback = FeedbackWriter(self.course, self.db_url)
        for aid in sorted({s.assignment_id for s in submissions} - set(left)):
            feedback.schedule(aid)
        if todo:
            pool = self._pool()  # the workers load while the first hand-ins are prepared
            try:
                window: deque[_Job] = deque()
                pending = iter(todo)
                for sub in pending:
                    self._prepared(sub.assignment_id)
                    window.append(self._start(sub, pool))
                    if len(window) >= 2 * self.workers:
                        break
                while window:
                    job = window.popleft()
                    grade = self._finish(job)
                    results[job.submission.key] = grade
                    if progress:
                        progress(grade)
                    left[grade.assignment] -= 1
                    if not left[grade.assignment]:
                        feedback.schedule(grade.assignment)
                    nxt = next(pending, None)
                    if nxt is not None:
                        self._prepared(nxt.assignment_id)
                        window.append(self._start(nxt, pool))
            finally:
                pool.close()
        feedback.wait()
        graded = [results[s.key] for s in submissions]
        self._collect_feedback(graded)
        return graded

    def _prepared(self, assignment_id: str) -> None:
        if assignment_id not in self._plans:
            self.prepare(assignment_id)

    # ----------------------------------------------------------------------------------------
    def _pool(self) -> ExecutionPool:
        scratch = self.course / "scratch"
        # As root each worker runs as a uid of its own; otherwise as the grader's user.
        root = os.geteuid() == 0
        slots = [
            WorkerSlot(
                _first_uid() + i if root else None,
                scratch / f"worker-{i}",
                sandboxed=not self.unsafe,
            )
            for i in range(self.workers)
        ]
        return ExecutionPool(slots, self.limits, None if self.unsafe else self._mpl_cache())

    def _mpl_cache(self) -> Path | None:
        """Build matplotlib's font list once, so that no kernel spends seconds rebuilding it."""
        folder = self.course / "mplcache"
        found = sorted(folder.glob("fontlist-*.json"))
        if not found:
            folder.mkdir(exist_ok=True)
            env = dict(os.environ, MPLCONFIGDIR=str(folder))
            subprocess.run(
                [sys.executable, "-c", "import matplotlib.font_manager"],
                env=env,
                check=False,
                capture_output=True,
            )
            found = sorted(folder.glob("fontlist-*.json"))
        if not found:
            return None
        # The workers' users must read it, and OUT/nbgrader is private: a readable copy.
        shared = Path(tempfile.mkdtemp(prefix="grading-fonts-"))
        shared.chmod(0o755)
        copy = shared / found[-1].name
        shutil.copyfile(found[-1], copy)
        copy.chmod(0o644)
        return copy

    def _seed(self, sub: Submission) -> int:
        secret = os.environ.get("AUTOGRADER_SECRET", "")
        return zlib.crc32(f"{secret}/{sub.student_id}/{sub.assignment_id}".encode())

    def _staged_path(self, sub: Submission) -> Path:
        aid = sub.assignment_id
        return self.course / "submitted" / sub.student_id / aid / f"{aid}.ipynb"

    def _start(self, sub: Submission, pool: ExecutionPool) -> _Job:
        """Read, repair, stage and sanitise one submission, then queue its execution."""
        aid = sub.assignment_id
        job = _Job(sub, [sub.note] if sub.note else [])
        staged = self._staged_path(sub)
        if staged.parent.exists():
            shutil.rmtree(staged.parent)
        staged.parent.mkdir(parents=True)
        nb, reason, status = None, "", ""
        if sub.notebook is None:
            reason, status = sub.note or "no notebook handed in", "missing"
        else:
            try:
                nb = read_submission(sub.notebook)
                job.notes += repair(nb, self._sources[aid])
            except Unreadable as err:
                reason, status = str(err), "error"
        if nb is None:
            # Grade the untouched release instead, so nbgrader records a zero for every cell.
            nb = nbformat.read(self.course / "release" / aid / f"{aid}.ipynb", as_version=4)
            job.verdicts = {gid: Verdict(status, reason) for gid in self._plans[aid]}
        nbformat.write(nb, staged)
        try:
            job.sanitized = self._sanitize(nb, sub)
            # Staged sanitised: nbgrader's autograde then skips sanitising it again.
            nbformat.write(job.sanitized, staged)
        except Exception as err:  # nbgrader refused the notebook even after repair
            job.verdicts = {
                gid: Verdict("error", f"the notebook could not be read for grading: {err}")
                for gid in self._plans[aid]
            }
            return job
        if job.verdicts is None:
            job.cases = draw_cases(self._plans[aid], self._seed(sub))
            files = encode_cases(self._plans[aid], job.cases)
            grade_ids = {
                i: c.metadata["nbgrader"]["grade_id"]
                for i, c in enumerate(job.sanitized.cells)
                if c.metadata.get("nbgrader", {}).get("grade")
            }
            executed = nbformat.from_dict(json.loads(json.dumps(job.sanitized)))
            job.future = pool.submit(executed, grade_ids, files, self._support[aid])
        return job

    def _sanitize(self, nb: nbformat.NotebookNode, sub: Submission) -> nbformat.NotebookNode:
        """The notebook as nbgrader's autograde will see it after its own sanitising."""
        nb = nbformat.from_dict(json.loads(json.dumps(nb)))
        resources = {
            "nbgrader": {
                "notebook": sub.assignment_id,
                "assignment": sub.assignment_id,
                "student": sub.student_id,
                "db_url": self.db_url,
            }
        }
        for preprocessor in self._sanitizers:
            nb, resources = preprocessor.preprocess(nb, resources)
        return nb

    def _finish(self, job: _Job) -> SubmissionGrade:
        """Judge, record in the gradebook, write feedback and the result file."""
        sub = job.submission
        sid, aid = sub.key
        grade = SubmissionGrade(sid, aid, note="; ".join(n for n in job.notes if n))
        try:
            if job.verdicts is not None:
                executed, verdicts = job.sanitized, job.verdicts
            else:
                execution: Execution = job.future.result()
                executed = execution.notebook
                grade.note = "; ".join(filter(None, [grade.note, *execution_notes(execution)]))
                verdicts = judge_cells(
                    self._plans[aid],
                    job.cases,
                    execution.records,
                    kernel_verdicts(execution, self.limits),
                )
            if executed is None:
                raise RuntimeError(next(iter(verdicts.values())).message)
            JUDGED[sub.key] = (executed, verdicts)
            try:
                outcome = self.api.autograde(aid, sid, force=True, create=True)
            finally:
                JUDGED.pop(sub.key, None)
            raise_on_failure(outcome, f"record the grades of {sid}/{aid}")
            grade.cells = self._read_cells(sid, aid, verdicts)
        except SandboxBroken as err:  # the grader's own problem: stop, grade nobody wrongly
            raise RuntimeError(str(err)) from err
        except Exception as err:  # one broken submission never stops the batch
            message = short_message(str(err)) or type(err).__name__
            grade.cells = [
                CellGrade(sid, aid, gid, 0.0, pts, "error", f"grading failed: {message}")
                for gid, pts in self._points[aid]
            ]
            grade.feedback = self._plain_feedback(grade)
        self._save_result(job, grade)
        return grade

    def _read_cells(self, sid: str, aid: str, verdicts: dict[str, Verdict]) -> list[CellGrade]:
        scores = recorded_scores(self.db_url, sid, aid)
        cells = []
        for gid, points in self._points[aid]:
            verdict = verdicts.get(gid, Verdict("missing", "grade cell not found"))
            score, max_score = scores.get(gid, (0.0, points))
            cells.append(
                CellGrade(
                    sid,
                    aid,
                    gid,
                    float(score or 0.0),
                    float(max_score),
                    verdict.status,
                    short_message(verdict.message),
                )
            )
        return cells

    # ----------------------------------------------------------------------------------------
    def _feedback_dir(self, sid: str, aid: str) -> Path:
        target = self.out / "feedback" / sid / aid
        target.mkdir(parents=True, exist_ok=True)
        return target

    def _collect_feedback(self, grades: list[SubmissionGrade]) -> None:
        """Copy nbgrader's feedback pages to ``OUT/feedback``; a plain page where it made none."""
        for grade in grades:
            if grade.feedback is not None:
                continue  # grading failed: the plain page is written already
            sid, aid = grade.student_id, grade.assignment
            produced = self.course / "feedback" / sid / aid / f"{aid}.html"
            if produced.exists() and produced.stat().st_mtime >= self._started:
                grade.feedback = self._feedback_dir(sid, aid) / f"{aid}.html"
                shutil.copyfile(produced, grade.feedback)
            else:
                grade.feedback = self._plain_feedback(grade)

    def _plain_feedback(self, grade: SubmissionGrade) -> Path:
        """A feedback page written without nbgrader, for submissions it could not record."""
        target = self._feedback_dir(grade.student_id, grade.assignment)
        return plain_page(grade, target / f"{grade.assignment}.html")

    # ----------------------------------------------------------------------------------------
    def _load_result(self, sub: Submission) -> SubmissionGrade | None:
        return self.results.load(sub.student_id, sub.assignment_id, sub.notebook)

    def _save_result(self, job: _Job, grade: SubmissionGrade) -> None:
        self.results.save(grade, job.submission.notebook)
