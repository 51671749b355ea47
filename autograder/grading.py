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
import datetime
import json
import os
import shutil
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearOutput, DeduplicateIds
from nbgrader.utils import parse_utc
from traitlets.config import Config

from autograder.course import SOURCE, grade_cells
from autograder.executor import Execution, SandboxBroken
from autograder.exploration import SkipExploration, mark_exploration
from autograder.feedback import FeedbackWriter
from autograder.feedback_pages import FeedbackPages
from autograder.judging import (
    GradeCellPlan,
    Verdict,
    case_seed,
    draw_cases,
    encode_cases,
    judge_cells,
    plan_grade_cells,
)
from autograder.kernel_outcomes import execution_notes, kernel_verdicts
from autograder.nbgrader_api import one_engine_per_gradebook, open_api, raise_on_failure
from autograder.nbgrader_steps import (
    OverwriteCellsOnce,
    OverwriteKernelspecOnce,
    RememberingCheckCellMetadata,
)
from autograder.recording import (
    RecordedSubmission,
    apply_lateness,
    auto_scores,
    drop_manual_grades,
    gradebook_lock,
    record_autograde,
    recorded_course,
    set_due_date,
)
from autograder.repair import Unreadable, read_submission, repair
from autograder.results import (
    STATUSES,
    CellGrade,
    ResultFiles,
    SubmissionGrade,
    gradebook_row,
    short_message,
)
from autograder.sandbox import Limits
from autograder.sharing import private_folder, share
from autograder.submissions import SECRET_FILE, Submission, snapshot
from autograder.support_modules import write as write_support_modules
from autograder.worker_pool import ExecutionPool, local_pool

__all__ = ["STATUSES", "CellGrade", "Grader", "SubmissionGrade", "short_message"]


@dataclass
class _Job:
    """A submission on its way through the grader."""

    submission: Submission
    notes: list[str]
    sanitized: nbformat.NotebookNode | None = None
    cases: dict = field(default_factory=dict)
    future: concurrent.futures.Future | None = None
    verdicts: dict[str, Verdict] | None = None  # decided without running (unreadable, missing)


def _first_done(window: deque[_Job]) -> _Job:
    """Take from ``window`` the job submitted first among those that have finished running
    (or never ran), waiting for one if none has: a long notebook at the head of the window
    must not keep the grader from recording, and the workers from starting, the ones after it.
    """
    while True:
        for job in window:
            if job.future is None or job.future.done():
                window.remove(job)
                return job
        running = [job.future for job in window]
        concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)


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
    config : traitlets.config.Config, optional
        The instructor's nbgrader settings (:func:`autograder.settings.user_config`), e.g.
        the late-submission plugin; the grader's own settings of where things are win.
    reset_manual : bool
        Drop the manual grades (formgrader) of the submissions graded; by default they are
        kept, count, and are marked in ``cell_grades.csv``.
    due : dict, optional
        Assignment id to due date (naive UTC); others keep the gradebook's.
    group : int, optional
        The gid of the teaching assistants: everything under ``out`` becomes readable by it
        (:mod:`autograder.sharing`); by default only the owner reads ``out/nbgrader``.
    extensions : dict, optional
        ``(student_id, assignment_id)`` to extension (``datetime.timedelta``). When given, it
        is the whole list for the batch: a student not in it has none. When ``None``, the
        gradebook's extensions stay.
    pool_factory : callable, optional
        Makes the pool that runs the notebooks of a batch, instead of the local sandboxed
        workers: anything with ``submit(nb, grade_ids, cases, support_files)`` returning a
        ``concurrent.futures.Future`` of an ``Execution``, and ``close()`` (e.g.
        :meth:`autograder.distributed.DaskCluster.pool`). ``workers`` then says how many
        hand-ins it runs at once.
    """

    def __init__(
        self,
        out: Path,
        db_url: str | None = None,
        source: Path = SOURCE,
        workers: int | None = None,
        unsafe: bool = False,
        limits: Limits | None = None,
        config: Config | None = None,
        reset_manual: bool = False,
        due: dict[str, datetime.datetime] | None = None,
        extensions: dict[tuple[str, str], datetime.timedelta] | None = None,
        group: int | None = None,
        pool_factory: Callable[[], object] | None = None,
    ) -> None:
        self.pool_factory = pool_factory
        # Cells tagged exploration in source/ are not run (autograder.exploration).
        self.skip_exploration = True
        self.out = Path(out).resolve()
        self.course = self.out / "nbgrader"
        self.course.mkdir(parents=True, exist_ok=True)
        # Hand-ins and the gradebook: the owner's, and the teaching assistants' group's if one
        # is given (autograder.sharing); never everyone's.
        self.group = group
        private_folder(self.course, group)
        share(self.out, group)
        self.db_url = db_url or f"sqlite:///{self.out / 'gradebook.db'}"
        self.source = Path(source).resolve()
        link = self.course / "source"
        if not link.exists():
            link.symlink_to(self.source, target_is_directory=True)
        self.api = open_api(self.course, "release", self.db_url)
        if config is not None:
            # The grader's settings of where things are and how notebooks run stay (the caller
            # drops them: autograder.settings.user_config); the rest is the instructor's.
            self.api.update_config(config)
        self.reset_manual = reset_manual
        self.due = dict(due or {})
        self.extensions = None if extensions is None else dict(extensions)
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.unsafe = unsafe
        self.limits = limits or Limits()
        self.pages = FeedbackPages(self.course, self.out, started=time.time() - 1)
        self._staged_hook: Callable[[], None] | None = None  # grade_all's ``staged``
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
                OverwriteKernelspecOnce,  # nbgrader's OverwriteKernelspec, read once
                OverwriteCellsOnce,  # nbgrader's OverwriteCells, the gradebook read once
                RememberingCheckCellMetadata,  # nbgrader's CheckCellMetadata, remembering
            )
        ]

    # ----------------------------------------------------------------------------------------
    def prepare(self, assignment_id: str) -> None:
        """Record the assignment in the gradebook (nbgrader's generate_assignment)."""
        with gradebook_lock(self.db_url):  # graders sharing a gradebook take turns here
            result = self.api.generate_assignment(assignment_id, force=True, create=True)
            raise_on_failure(result, f"prepare {assignment_id} for grading")
            if assignment_id in self.due:
                set_due_date(self.db_url, assignment_id, self.due[assignment_id])
        notebook = self.source / assignment_id / f"{assignment_id}.ipynb"
        self._plans[assignment_id] = plan_grade_cells(notebook)
        self._points[assignment_id] = grade_cells(notebook)
        self._sources[assignment_id] = nbformat.read(notebook, as_version=4)
        # Each hand-in runs beside the files its release gives students: those nbgrader copied
        # from source/ and the support modules, generated here again from the reference, so
        # that a copy a student edited is never the one that runs.
        released = self.course / "release" / assignment_id
        write_support_modules(assignment_id, released, source=self.source)
        self._support[assignment_id] = sorted(
            p
            for p in released.iterdir()
            if p.is_file() and p.suffix != ".ipynb" and not p.name.startswith(".")
        )

    def grade_all(
        self,
        submissions: Iterable[Submission],
        progress: Callable[[SubmissionGrade], None] | None = None,
        staged: Callable[[], None] | None = None,
    ) -> list[SubmissionGrade]:
        """Grade every submission, ``workers`` kernels at a time, in a stable order.

        Submissions graded by an earlier run (same file, same grader) are not run again.
        ``progress`` is called with each grade as it is recorded; ``staged``, once, as soon
        as every submission to run is staged under ``nbgrader/submitted`` (while the last ones
        run: the class report's similarity check starts then).
        """
        self._staged_hook = staged
        with one_engine_per_gradebook():
            return self._grade_all(submissions, progress)

    def _all_staged(self) -> None:
        hook, self._staged_hook = self._staged_hook, None
        if hook is not None:
            hook()

    def _grade_all(
        self,
        submissions: Iterable[Submission],
        progress: Callable[[SubmissionGrade], None] | None,
    ) -> list[SubmissionGrade]:
        # Private copies, read without following links: nothing a hand-in links to is read.
        submissions = [snapshot(sub, self.course / "incoming") for sub in submissions]
        saved = {
            s.key: self.results.load(s.student_id, s.assignment_id, s.notebook) for s in submissions
        }
        todo = [sub for sub in submissions if saved[sub.key] is None]
        # The workers start (seconds of imports, in processes of their own) while nbgrader
        # records the assignments.
        pool = self._pool({sub.assignment_id for sub in todo}) if todo else None
        try:
            return self._grade_todo(submissions, saved, todo, pool, progress)
        finally:
            if pool is not None:
                pool.close()

    def _grade_todo(self, submissions, saved, todo, pool, progress) -> list[SubmissionGrade]:
        """:meth:`grade_all` once it knows which hand-ins to run (``todo``, on ``pool``) and
        which have a result already (``saved``)."""
        results: dict[tuple[str, str], SubmissionGrade] = {}
        for sub in submissions:
            if saved[sub.key] is None and not self.reset_manual:
                # Prepared when it starts (below): while the workers run the hand-ins before it,
                # not all before the first one.
                continue
            self._prepared(sub.assignment_id)
            if self.reset_manual:
                drop_manual_grades(self.db_url, sub.student_id, sub.assignment_id)
            done = saved[sub.key]
            if done is not None:
                # Not run again, but its time, extension and penalty follow today's settings.
                self._record_lateness(sub)
                results[sub.key] = done
                if progress:
                    progress(done)
        # One assignment after the other, so that each one's feedback can be written (in a side
        # process, nbgrader's templates loaded once per assignment) as soon as its last hand-in
        # is recorded, while the next one is graded.
        todo.sort(key=lambda sub: (sub.assignment_id, sub.student_id))
        left = Counter(sub.assignment_id for sub in todo)
        feedback = FeedbackWriter(self.course, self.db_url)
        scheduled = {s.assignment_id for s in submissions} - set(left)
        for aid in sorted(scheduled):  # nothing to run: their pages follow the gradebook again
            feedback.schedule(aid)
        if todo:
            feedback.start()  # loads nbconvert and nbgrader while the first hand-ins run
            window: deque[_Job] = deque()
            pending = iter(todo)
            for sub in pending:
                self._prepared(sub.assignment_id)
                window.append(self._start(sub, pool))
                if len(window) >= 2 * self.workers:
                    break
            else:
                self._all_staged()
            while window:
                job = _first_done(window)
                grade = self._finish(job)
                results[job.submission.key] = grade
                if progress:
                    progress(grade)
                left[grade.assignment] -= 1
                if not left[grade.assignment]:
                    feedback.schedule(grade.assignment)
                    scheduled.add(grade.assignment)
                nxt = next(pending, None)
                if nxt is not None:
                    self._prepared(nxt.assignment_id)
                    window.append(self._start(nxt, pool))
                else:
                    self._all_staged()
        self._all_staged()  # (nothing was run)
        # One truth: every page, row and export comes from the gradebook as it is now, with
        # the manual grades of formgrader and the submissions of earlier batches.
        records = recorded_course(self.db_url)
        for aid in sorted({aid for _, aid in self.pages.stale(records)} - scheduled):
            feedback.schedule(aid)
            scheduled.add(aid)
        regenerated = {(r.student_id, r.assignment) for r in records if r.assignment in scheduled}
        feedback.wait()
        rows = self._rows(records, results)
        self.pages.collect(rows, records, regenerated)
        self._course_rows = rows
        share(self.out, self.group)
        return [rows[s.key] for s in submissions]

    def course_grades(self) -> list[SubmissionGrade]:
        """Every submission of the gradebook (and every one that could not be recorded), as
        the last :meth:`grade_all` left them: what ``grades.csv`` and ``cell_grades.csv`` hold.
        """
        rows = getattr(self, "_course_rows", None)
        if rows is None:
            records = recorded_course(self.db_url)
            rows = self._rows(records, {})
            for row in rows.values():
                page = self.out / "feedback" / row.student_id / row.assignment
                page = page / f"{row.assignment}.html"
                row.feedback = page if page.is_file() else None
        return sorted(rows.values(), key=lambda g: (g.student_id, g.assignment))

    def _prepared(self, assignment_id: str) -> None:
        if assignment_id not in self._plans:
            self.prepare(assignment_id)

    # ----------------------------------------------------------------------------------------
    def _pool(self, assignments: set[str]) -> SkipExploration:
        if self.pool_factory is not None:
            return SkipExploration(self.pool_factory())
        notebooks = [self.source / aid / f"{aid}.ipynb" for aid in sorted(assignments)]
        return SkipExploration(
            local_pool(self.course, notebooks, self.workers, self.limits, self.unsafe)
        )

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
        if sub.timestamp:
            # nbgrader's autograde reads it, records the time and assigns the late penalty.
            (staged.parent / "timestamp.txt").write_text(sub.timestamp, encoding="utf-8")
        if sub.secret:
            # Goes on to autograded/ and feedback/, where release_feedback needs it.
            (staged.parent / SECRET_FILE).write_text(sub.secret, encoding="utf-8")
        try:
            job.sanitized = self._sanitize(nb, sub)
            # Staged sanitised: nbgrader's autograde then skips sanitising it again.
            nbformat.write(job.sanitized, staged)
        except Exception as err:  # nbgrader refused the notebook even after repair
            nbformat.write(nb, staged)  # staged as repaired, for the instructor to look at
            job.verdicts = {
                gid: Verdict("error", f"the notebook could not be read for grading: {err}")
                for gid in self._plans[aid]
            }
            return job
        if job.verdicts is None:
            job.cases = draw_cases(self._plans[aid], case_seed(sub.student_id, aid))
            files = encode_cases(self._plans[aid], job.cases)
            grade_ids = {
                i: c.metadata["nbgrader"]["grade_id"]
                for i, c in enumerate(job.sanitized.cells)
                if c.metadata.get("nbgrader", {}).get("grade")
            }
            executed = nbformat.from_dict(json.loads(json.dumps(job.sanitized)))
            # Not rerun: the student's saved outputs, under a note (marks of a hand-in dropped).
            mark_exploration(
                executed, sub.notebook, self._sources[aid], self.limits, self.skip_exploration
            )
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
            with gradebook_lock(self.db_url):
                record_autograde(
                    self.api.config,
                    self.db_url,
                    self._staged_path(sub),
                    self.course / "autograded" / sid / aid,
                    self._support[aid],
                    executed,
                    verdicts,
                )
            self._record_lateness(sub)
            grade.cells = self._read_cells(sid, aid, verdicts)
        except SandboxBroken as err:  # the grader's own problem: stop, grade nobody wrongly
            raise RuntimeError(str(err)) from err
        except Exception as err:  # one broken submission never stops the batch
            message = short_message(str(err)) or type(err).__name__
            grade.cells = [
                CellGrade(sid, aid, gid, 0.0, pts, "error", f"grading failed: {message}")
                for gid, pts in self._points[aid]
            ]
            grade.recorded = False
            grade.feedback = self.pages.plain(grade)
        self.results.save(grade, job.submission.notebook)
        return grade

    def _read_cells(self, sid: str, aid: str, verdicts: dict[str, Verdict]) -> list[CellGrade]:
        """The autograder's side of each cell (manual grades join in :meth:`_row`)."""
        scores = auto_scores(self.db_url, sid, aid)
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
                    auto_score=float(score or 0.0),
                )
            )
        return cells

    def _record_lateness(self, sub: Submission) -> None:
        """The submission's time, extension and late penalty, as today's settings say."""
        stamp = parse_utc(sub.timestamp) if sub.timestamp else None
        extension = (self.extensions or {}).get(sub.key)
        apply_lateness(
            self.db_url,
            self.api.config,
            sub.student_id,
            sub.assignment_id,
            stamp,
            extension,
            set_extension=self.extensions is not None,
        )

    # ----------------------------------------------------------------------------------------
    def _cell_order(self, aid: str, names) -> list[str]:
        """The grade cells of ``aid`` in notebook order (others, if any, after them)."""
        notebook = self.source / aid / f"{aid}.ipynb"
        if aid not in self._points and notebook.is_file():
            self._points[aid] = grade_cells(notebook)
        known = [gid for gid, _ in self._points.get(aid, []) if gid in names]
        return known + sorted(set(names) - set(known))

    def _rows(
        self, records: list[RecordedSubmission], batch: dict[tuple[str, str], SubmissionGrade]
    ) -> dict[tuple[str, str], SubmissionGrade]:
        """Every submission: the gradebook's, and those nbgrader could not record."""
        rows = {}
        for record in records:
            key = (record.student_id, record.assignment)
            saved = batch.get(key) or self.results.latest(*key)
            rows[key] = (
                saved
                if saved is not None and not saved.recorded
                else gradebook_row(record, saved, self._cell_order(record.assignment, record.cells))
            )
        for key in self.results.keys():
            if key not in rows and (saved := batch.get(key) or self.results.latest(*key)):
                rows[key] = saved
        for key, grade in batch.items():
            rows.setdefault(key, grade)
        return rows
